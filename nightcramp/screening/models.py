"""Stored screening questionnaires. The answers are kept exactly as the documented JSON object
(docs/screening.md); the result is worked out again from them with the current rule set whenever it is
shown, so a corrected rule reaches old answers too. No free text is stored apart from medicine names.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Screening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings")
    answers = models.JSONField(help_text="The answers object documented in docs/screening.md.")
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the person marked an urgent result (same day or emergency) as seen; until then "
                  "Tonight shows it. Answering again makes a new screening, which is shown afresh.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"screening of {self.created_at:%Y-%m-%d}"
