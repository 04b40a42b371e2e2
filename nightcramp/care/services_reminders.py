"""Reminder settings: every write is a transaction; reads never create a row.

The calendar feed is addressed by a random secret (``secrets.token_urlsafe(32)``, 256 bits). Making
a new one replaces the old, so the old address stops working at once; ending the feed empties it.
See docs/decisions/0002-calendar-feed-secret.md for why the secret is stored as it is.
"""

from __future__ import annotations

import re
import secrets
from datetime import time

from django.contrib.auth.models import User
from django.db import transaction

from nightcramp.care.models import ReminderSettings

# What a feed secret can look like: URL-safe base64 (token_urlsafe) within the column's length.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def reminders_of(user: User) -> ReminderSettings:
    """The person's reminder settings; an unsaved row with the defaults when they never saved any."""
    found = ReminderSettings.objects.filter(user=user).first()
    return found if found is not None else ReminderSettings(user=user)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def save_reminders(user: User, *, bedtime_enabled: bool, bedtime_at: time,
                   morning_enabled: bool, morning_at: time) -> ReminderSettings:
    """Store both reminders; the calendar feed's secret is left as it is."""
    row, _ = ReminderSettings.objects.select_for_update().get_or_create(user=user)
    row.bedtime_enabled, row.bedtime_at = bedtime_enabled, bedtime_at.replace(second=0, microsecond=0)
    row.morning_enabled, row.morning_at = morning_enabled, morning_at.replace(second=0, microsecond=0)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def renew_feed_secret(user: User) -> ReminderSettings:
    """Give the person a fresh calendar address; the old one (if any) stops working at once."""
    row, _ = ReminderSettings.objects.select_for_update().get_or_create(user=user)
    row.feed_secret = new_secret()
    row.save()
    return row


@transaction.atomic
def end_feed(user: User) -> ReminderSettings | None:
    """Turn the calendar address off; nothing answers at it any more."""
    row = ReminderSettings.objects.select_for_update().filter(user=user).first()
    if row is not None and row.feed_secret:
        row.feed_secret = ""
        row.save()
    return row


def settings_for_secret(secret: str) -> ReminderSettings | None:
    """The settings a calendar address belongs to, or None: for an empty, malformed or unknown secret.

    The database finds the row by its index; the match is then confirmed with a constant-time
    comparison of the whole secret, so a database whose comparison ignores case or trailing spaces
    never lets a near miss through.
    """
    if not secret or not SECRET_SHAPE.fullmatch(secret):
        return None
    row = ReminderSettings.objects.select_related("user").filter(feed_secret=secret).first()
    if row is None or not row.feed_secret or not secrets.compare_digest(row.feed_secret, secret):
        return None
    return row
