"""Creating an entry with a client-chosen id, safely when the same request arrives twice at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError

T = TypeVar("T")


def create_once(create: Callable[..., tuple[T, bool]], *args: Any, **fields: Any) -> tuple[T, bool]:
    """Run a service that creates idempotently on ``id``, surviving a concurrent duplicate.

    The service looks the id up before inserting. Two copies of one request (a phone retrying
    while the first is still in flight) can both miss it; on PostgreSQL the second insert then
    fails on the primary key once the first commits. Running the service again finds the row the
    first one stored, so the retry is answered with it (or 409 if someone else owns the id).
    """
    try:
        return create(*args, **fields)
    except IntegrityError:
        if fields.get("id") is None:
            raise
        return create(*args, **fields)
