"""Every route, three personas: the owner, another signed-in person, and an anonymous visitor.

The route list is read from the URL configuration itself, so a new route that is not covered here
fails `test_it_knows_every_route` until it is given a rule. For each route and each method:
- nobody but the owner can see the owner's entries (another person gets 404 for the owner's ids,
  and the owner's secret note never appears in what they are shown);
- nothing another person or a visitor sends changes any of the owner's rows;
- visitors are sent to log in (pages) or refused with 401 (API), except on public routes.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from nightcramp.accounts.models import ApiToken
from nightcramp.care.models import ReminderSettings, StretchSession
from nightcramp.care.services import record_session
from nightcramp.diary.models import Episode, Experiment, Medication, Night, Profile
from nightcramp.diary.services import log_episode, save_medication, save_night, start_experiment
from nightcramp.screening.models import Screening
from nightcramp.screening.services import save_screening
from nightcramp.sharing.models import ShareLink

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
SECRET = "ALICE-PRIVATE-NOTE"
PUBLIC = {"signup", "login", "logout", "home", "api-v1:openapi-json", "learn", "learn_page", "reminders_feed",
          "service_worker", "manifest", "offline", "shared", "shared_pdf"}
SHARED = {"shared", "shared_pdf"}
"""Share-link pages: the world's link is withdrawn, so they open nothing for anyone (404); the open
links are tested in tests/sharing/test_share_links.py."""
FEED_SECRET = "alice-feed-" + "0" * 30


def walk(patterns, prefix="", namespace=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


ROUTES = sorted(set(walk(get_resolver().url_patterns)))


@pytest.fixture
def world(owner, other):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        started = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
        episode, _ = log_episode(owner, started_at=started, note=SECRET, severity=6)
        save_night(owner, date(2026, 3, 9), checked_in=True, note=SECRET, stretched=True)
        medication, _ = save_medication(owner, name="bendroflumethiazide", dose=SECRET)
        token, raw = ApiToken.issue(owner, SECRET)
        log_episode(other, started_at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC), note="bob's own")
        screening = save_screening(owner, {"symptoms": {"muscle_twitching": True},
                                           "medications": [{"name": SECRET, "started": "2026-01-01"}]})
        save_screening(other, {"age": 40})
        ReminderSettings.objects.create(user=owner, bedtime_enabled=True, feed_secret=FEED_SECRET)
        stretch, _ = record_session(owner, routine="standing", holds_done=12,
                                    started_at=datetime(2026, 3, 9, 22, 0, tzinfo=UTC),
                                    ended_at=datetime(2026, 3, 9, 22, 4, tzinfo=UTC))
        experiment = start_experiment(owner, start=date(2026, 3, 8), seed=3)
        start_experiment(other, start=date(2026, 3, 8), seed=4)
        link, link_secret = ShareLink.issue(owner, start=date(2026, 3, 1), end=date(2026, 3, 12),
                                            label=SECRET, include_notes=True)
        ShareLink.objects.filter(pk=link.pk).update(revoked_at=NOW)
    return {"link": link, "link_secret": link_secret,
            "episode": episode, "medication": medication, "token": token, "raw": raw,
            "day": date(2026, 3, 9), "owner": owner, "screening": screening, "stretch": stretch,
            "experiment": experiment}


def snapshot(owner):  # type: ignore[no-untyped-def]
    """Everything the owner has stored, as plain values."""
    return (
        list(Episode.objects.filter(user=owner).order_by("pk").values()),
        list(Night.objects.filter(user=owner).order_by("pk").values()),
        list(Medication.objects.filter(user=owner).order_by("pk").values()),
        list(ApiToken.objects.filter(user=owner).order_by("pk").values()),
        list(Screening.objects.filter(user=owner).order_by("pk").values()),
        list(StretchSession.objects.filter(user=owner).order_by("pk").values()),
        list(ReminderSettings.objects.filter(user=owner).order_by("pk").values()),
        list(Experiment.objects.filter(user=owner).order_by("pk").values()),
        list(Profile.objects.filter(user=owner).values()),
        list(ShareLink.objects.filter(user=owner).order_by("pk").values()),
        owner.__class__.objects.filter(pk=owner.pk).values_list("password", "username").get(),
    )


def concrete(route: str, world) -> str:  # type: ignore[no-untyped-def]
    """A real URL for a route pattern, pointing at the owner's rows."""
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name == "slug" and route.startswith("learn/"):
            return "why-cramps-happen"
        if name in ("day", "date", "night_date"):
            return world["day"].isoformat()
        if name == "year":
            return "2026"
        if name == "month":
            return "3"
        if name == "secret":
            return FEED_SECRET
        if name == "token":
            return world["link_secret"]
        if name == "pk" and route.startswith("sharing/"):
            return str(world["link"].pk)
        if name == "pk" and route.startswith("insights/experiment/"):
            return str(world["experiment"].pk)
        if name == "session_id" or (name == "pk" and "sessions/" in route):
            return str(world["stretch"].pk)
        if name == "pk" and "token" in route:
            return str(world["token"].pk)
        if "medication" in route:
            return str(world["medication"].pk)
        if route.startswith("screening/"):
            return str(world["screening"].pk)
        return str(world["episode"].pk)

    url = re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", value, route)
    url = re.sub(r"\{(?P<name>[^}:]+)(?::[^}]*)?\}", value, url)
    return "/" + url.lstrip("^").rstrip("$")


def is_api(name: str) -> bool:
    return name.startswith("api-v1:")


def is_object_route(route: str) -> bool:
    return bool(re.search(r"<(?:[^>]+:)?(pk|id|day|date|episode_id|medication_id)>|\{", route))


POST_DATA = {"note": "BOB-WAS-HERE", "severity": "1", "name": "x", "stretched": "no", "leg": "left",
             "display_name": "Bob", "time_zone": "UTC", "hemisphere": "north", "night_start_hour": "18",
             "night_end_hour": "12", "theme": "auto", "cramps": "9", "started": "2026-01-01"}


def test_it_knows_every_route():
    assert len(ROUTES) > 20
    for name, route in ROUTES:
        assert name and name != "None", f"route {route!r} has no name"


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[n for n, _ in ROUTES])
def test_anonymous_visitors_see_nothing_and_change_nothing(world, name, route):
    url = concrete(route, world)
    before = snapshot(world["owner"])
    client = Client()
    for method in ("get", "post", "put", "patch", "delete"):
        with time_machine.travel(NOW, tick=False):
            response = getattr(client, method)(url, POST_DATA if method == "post" else None)
        assert SECRET not in response.content.decode(errors="replace"), (method, url)
        if name in PUBLIC:
            continue
        if is_api(name):
            assert response.status_code in (401, 405), (method, url, response.status_code)
        else:
            assert response.status_code in (302, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), (method, url)
    assert snapshot(world["owner"]) == before


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[n for n, _ in ROUTES])
def test_another_person_never_sees_or_changes_the_owners_entries(world, other_client, other, name, route):
    url = concrete(route, world)
    before = snapshot(world["owner"])
    for method in ("get", "post", "put", "patch", "delete"):
        with time_machine.travel(NOW, tick=False):
            if method == "post":
                response = other_client.post(url, POST_DATA)
            elif method == "get":
                response = other_client.get(url)
            else:
                response = getattr(other_client, method)(url, "{}", content_type="application/json")
        body = response.content.decode(errors="replace")
        assert SECRET not in body, (method, url)
        # A night is addressed by its date inside the caller's own diary: Bob may create or read
        # his own night of that date. What matters holds for every route: Alice's rows are untouched.
        own_by_date = is_api(name) and "night" in name
        if is_object_route(route) and name not in PUBLIC and not own_by_date:
            assert response.status_code in (404, 405, 403), (method, url, response.status_code)
        assert response.status_code < 500, (method, url, response.status_code, body[:500])
    assert snapshot(world["owner"]) == before


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[n for n, _ in ROUTES])
def test_the_owner_can_open_every_page(world, owner_client, name, route):
    url = concrete(route, world)
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(url, HTTP_AUTHORIZATION=f"Bearer {world['raw']}" if is_api(name) else "")
    expected = (404,) if name in SHARED else (200, 302, 405)
    assert response.status_code in expected, (url, response.status_code)
