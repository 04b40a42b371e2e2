"""Shared fixtures: three personas (the owner, another user, an anonymous visitor) and their clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from nightcramp.diary.models import Profile

PASSWORD = "correct horse battery staple"


def make_user(username: str, time_zone: str = "Europe/London", **profile: object):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Profile.objects.create(user=user, time_zone=time_zone, **profile)
    return user


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    """Alice: owns the data under test."""
    return make_user("alice")


@pytest.fixture
def other(db):  # type: ignore[no-untyped-def]
    """Bob: another signed-in person, who must never see or change Alice's entries."""
    return make_user("bob", time_zone="Australia/Sydney", hemisphere="south")


@pytest.fixture
def owner_client(owner) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def other_client(other) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(other)
    return client


@pytest.fixture
def anon_client(db) -> Client:  # type: ignore[no-untyped-def]
    return Client()


DEMO_MADE_AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo account's synthetic year, made at DEMO_MADE_AT (it takes a few seconds), shared by one
    test module and rolled back after its last test."""
    from nightcramp.diary.demo import create_demo

    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(DEMO_MADE_AT, tick=False):
            create_demo("demo", "demo-nights", seed=2026)
        yield get_user_model().objects.get(username="demo")
        transaction.set_rollback(True)
