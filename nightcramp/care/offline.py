"""Offline and installable: the web app manifest, the service worker, and the page shown offline.

The service worker (``/sw.js``, at the root so that it may control every page) keeps the Tonight page,
the bedtime routine and the relief flow, with everything they load, so they open and work with no
network; what is entered there waits in the outbox (``static/nightcramp/js/outbox.js``) and is sent
exactly once when the network returns. Its cache name carries a hash of every file it keeps, so a new
version of nightcramp replaces the old files the next time the app is opened online.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from nightcramp import __version__
from nightcramp.authz import public

OFFLINE_PAGES = ("tonight", "routine", "relief")
"""The pages that open with no network (by URL name)."""
ASSETS = ("nightcramp/icon.svg", "nightcramp/vendor/htmx-2.0.11.min.js")
"""The static files those pages (and the offline page) link. Their style sheets and own scripts are
written into the pages themselves (``care/context.py`` INLINE_PAGES, ``templatetags/assets.py``)."""


def written_in() -> list[str]:
    """The style sheets and scripts that pages may carry inside their HTML: nightcramp's own."""
    root = Path(settings.BASE_DIR) / "static"
    files = (p for p in root.glob("nightcramp/**/*") if p.suffix in {".css", ".js"})
    return sorted(str(p.relative_to(root)) for p in files)


@functools.cache
def version() -> str:
    """A hash of nightcramp's version, of every file the service worker keeps and of every style sheet
    and script a kept page carries inside it: any change makes a new worker, which fetches the kept
    pages again when it installs."""
    digest = hashlib.sha256(__version__.encode())
    for asset in [*ASSETS, *written_in()]:
        found = finders.find(asset)
        if not found:
            raise FileNotFoundError(f"the service worker keeps {asset}, which is missing")
        with open(str(found), "rb") as fh:
            digest.update(asset.encode() + b"\0" + fh.read())
    return digest.hexdigest()[:16]


def worker_config() -> dict[str, Any]:
    return {
        "version": version(),
        "pages": [reverse(name) for name in OFFLINE_PAGES],
        "assets": [static(a) for a in ASSETS],
        "offline": reverse("offline"),
        "login": reverse("login"),
        "static": static(""),
    }


@public
@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "care/sw.js", {"config": json.dumps(worker_config())},
                      content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@public
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "name": "nightcramp", "short_name": "nightcramp",
        "description": "A night diary, bedtime stretches and relief for night-time leg cramps.",
        "start_url": reverse("tonight"), "scope": "/", "display": "standalone",
        "background_color": "#0d0d10", "theme_color": "#0d0d10",
        "icons": [{"src": static("nightcramp/icon.svg"), "sizes": "any", "type": "image/svg+xml",
                   "purpose": "any"}],
        "shortcuts": [
            {"name": "Cramp now", "url": reverse("tonight")},
            {"name": "Bedtime stretch", "url": reverse("routine")},
            {"name": "During a cramp", "url": reverse("relief")},
        ],
    }
    return HttpResponse(json.dumps(body, indent=2), content_type="application/manifest+json")


@public
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it does not keep, when there is no network."""
    return render(request, "care/offline.html", {"pages": [
        (reverse("tonight"), "Tonight: log a cramp"), (reverse("routine"), "The bedtime stretch"),
        (reverse("relief"), "During a cramp")]})


urlpatterns = [
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("offline/", offline, name="offline"),
]
