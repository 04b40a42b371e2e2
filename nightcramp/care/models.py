"""Guided care: the bedtime stretching sessions a person did, and their reminder settings."""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone

from nightcramp.diary.models import Night, validate_zone


class StretchSession(models.Model):
    """One run of a bedtime routine, finished or stopped part-way. ``id`` may be chosen by the client,
    so a session recorded offline and sent again when the network returns is stored once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="stretch_sessions")
    night = models.ForeignKey(Night, on_delete=models.CASCADE, related_name="stretch_sessions")
    routine = models.CharField(max_length=40, help_text="A routine id (knowledge/routines.toml).")
    extras = models.CharField(max_length=200, blank=True, help_text="Optional extras: comma-separated ids.")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    tz = models.CharField(max_length=64, validators=[validate_zone])
    holds_planned = models.PositiveSmallIntegerField()
    holds_done = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.routine} stretch on the night of {self.night.date.isoformat()}"

    @property
    def completed(self) -> bool:
        return self.holds_done >= self.holds_planned


class ReminderSettings(models.Model):
    """A person's reminders: a bedtime stretch reminder and a morning check-in reminder, at local times.

    ``feed_secret`` is the secret part of the private calendar feed's URL (empty: no feed). It is kept
    as it is so the page can show the address again; it opens nothing but the reminder feed, which holds
    no diary data, and a new one can be made at any time, which ends the old address.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    bedtime_enabled = models.BooleanField(default=False)
    bedtime_at = models.TimeField(default=time(22, 30))
    morning_enabled = models.BooleanField(default=False)
    morning_at = models.TimeField(default=time(7, 30))
    feed_secret = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"reminders of {self.user}"
