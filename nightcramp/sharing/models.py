"""Share links: a read-only view of the report and the history of one period, for someone without an
account (a doctor, a carer). Only the SHA-256 of a link's secret is stored, so the address is shown
once, when it is made; a link ends when it expires or is withdrawn, and then opens nothing
(docs/decisions/0005-share-links.md)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

SECRET_BYTES = 32
DEFAULT_DAYS = 30
EXPIRY_CHOICES = (1, 7, 30, 90, 365)
"""How long a new link may stay open, in days (30 is the default)."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def open_at(self, moment: datetime) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=moment)


class ShareLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="share_links")
    label = models.CharField(max_length=100, blank=True, help_text="Who it is for, e.g. 'Dr Okafor'.")
    secret_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8, help_text="The first characters, to tell links apart.")
    start = models.DateField(help_text="The first night shared.")
    end = models.DateField(help_text="The last night shared.")
    include_notes = models.BooleanField(default=False, help_text="Show the free-text notes too.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"share link {self.hint}… ({self.label or 'no label'})"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The last night is before the first."})

    @classmethod
    def issue(cls, user: User, *, start: date, end: date, days: int = DEFAULT_DAYS, label: str = "",
              include_notes: bool = False, now: datetime | None = None) -> tuple[ShareLink, str]:
        """A new link and its secret (shown once; only its hash is kept)."""
        if days not in EXPIRY_CHOICES:
            raise ValidationError({"days": f"{days} is not one of {', '.join(map(str, EXPIRY_CHOICES))}"})
        now = now or timezone.now()
        secret = secrets.token_urlsafe(SECRET_BYTES)
        link = cls(user=user, label=label, secret_hash=hash_secret(secret), hint=secret[:6], start=start,
                   end=end, include_notes=include_notes, created_at=now,
                   expires_at=now + timedelta(days=days))
        link.full_clean()
        link.save()
        return link, secret

    @classmethod
    def opened(cls, secret: str, now: datetime | None = None) -> ShareLink | None:
        """The open link with this secret, counted as opened; None when there is none (never made, expired
        or withdrawn: the caller cannot tell which, and neither can the visitor)."""
        now = now or timezone.now()
        if not secret or len(secret) > 100:
            return None
        with transaction.atomic():
            link = (cls.objects.open_at(now).select_related("user", "user__profile")
                    .filter(secret_hash=hash_secret(secret), user__is_active=True).first())
            if link is None:
                return None
            cls.objects.filter(pk=link.pk).update(times_opened=F("times_opened") + 1, last_opened_at=now)
        return link

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "withdrawn"
        if self.expires_at <= now:
            return "expired"
        return "open"
