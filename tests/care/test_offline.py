"""The service worker, the web app manifest and the offline page, as the server sends them.

What they do in a browser with no network is tested in tests/browser/test_care_flow.py.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from nightcramp.care import offline
from nightcramp.diary.services import log_episode

pytestmark = pytest.mark.django_db


def worker(client) -> tuple[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    response = client.get(reverse("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(re.search(r"var CONFIG = (\{.*?\});\n", body).group(1))  # type: ignore[union-attr]
    return body, config


def test_the_worker_keeps_the_three_offline_pages_and_every_file_they_load(anon_client, owner_client):
    body, config = worker(anon_client)
    assert config["pages"] == ["/tonight/", "/routine/", "/relief/"]
    for page in [*config["pages"], config["offline"]]:
        html = owner_client.get(page).content.decode()
        loaded = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
        missing = loaded - set(config["assets"])
        assert not missing, f"{page} loads files the worker does not keep: {sorted(missing)}"
    for asset in config["assets"]:
        response = owner_client.get(asset)
        assert response.status_code == 200, asset
        response.close()
    assert config["offline"] == reverse("offline") and config["login"] == reverse("login")


def test_the_cache_name_changes_when_a_kept_file_changes() -> None:
    before = offline.version()
    assert re.fullmatch(r"[0-9a-f]{16}", before)
    offline.version.cache_clear()
    path = finders.find("nightcramp/js/outbox.js")
    assert path
    with open(str(path), "a", encoding="utf-8") as fh:
        fh.write("\n")
    try:
        offline.version.cache_clear()
        assert offline.version() != before
    finally:
        with open(str(path), "rb+") as fh:
            fh.seek(-1, 2)
            fh.truncate()
        offline.version.cache_clear()
    assert offline.version() == before


def test_the_manifest_makes_the_app_installable(anon_client):
    response = anon_client.get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/tonight/" and manifest["display"] == "standalone"
    assert manifest["icons"][0]["src"] == "/static/nightcramp/icon.svg"
    assert [s["url"] for s in manifest["shortcuts"]] == ["/tonight/", "/routine/", "/relief/"]


def test_every_page_links_the_manifest_and_registers_the_worker_only_for_a_signed_in_person(
        anon_client, owner_client):  # type: ignore[no-untyped-def]
    signed_in = owner_client.get(reverse("tonight")).content.decode()
    assert f'<link rel="manifest" href="{reverse("manifest")}">' in signed_in
    assert 'data-signed-in="true"' in signed_in and "navigator.serviceWorker.register(" in signed_in
    signed_out = anon_client.get(reverse("login")).content.decode()
    assert 'data-signed-in="false"' in signed_out  # there the script empties the kept pages instead


def test_the_offline_page_names_what_works_without_a_network(anon_client):
    body = anon_client.get(reverse("offline")).content.decode()
    assert "No network" in body
    for name in ("tonight", "routine", "relief"):
        assert f'href="{reverse(name)}"' in body


def test_the_offline_pages_carry_their_styles_and_scripts_and_other_pages_link_them(owner, owner_client):
    """One response, not one per file, on a first visit at the bedside. HTMX is loaded only by Tonight,
    the one of them that uses it, and only after the page has loaded (its forms work without it)."""
    loader = 'window.addEventListener("load", soon);\n})("/static/nightcramp/vendor/htmx-2.0.11.min.js");'
    for name in ("tonight", "routine", "relief", "offline"):
        html = owner_client.get(reverse(name)).content.decode()
        assert '<link rel="stylesheet"' not in html, name
        assert "<script src=" not in html, name
        uses_htmx = " hx-post=" in html
        assert uses_htmx == (name == "tonight") == (loader in html), name
        assert "window.nightcrampOutbox" in html or name == "offline", name  # the outbox, written in
        assert "--" in re.search(r"<style>(.*?)</style>", html, re.S).group(1), name  # app.css's variables
    history = owner_client.get(reverse("history")).content.decode()
    assert '<link rel="stylesheet" href="/static/nightcramp/app.css">' in history
    assert '<script src="/static/nightcramp/js/offline.js" defer></script>' in history
    assert "<style>" not in history and "htmx" not in history  # History does not use HTMX
    details = owner_client.get(reverse("episode_details", args=[log_episode(owner)[0].pk])).content.decode()
    assert '<script src="/static/nightcramp/vendor/htmx-2.0.11.min.js" defer></script>' in details


def test_a_file_that_would_end_its_element_early_is_never_written_into_a_page(tmp_path, settings):
    from django.template import TemplateSyntaxError

    from nightcramp.care.templatetags.assets import static_text

    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "bad.js").write_text("var s = '</SCRIPT><b>';\n")
    (tmp_path / "x" / "bad.css").write_text("a { color: red } </style>")
    (tmp_path / "x" / "ok.js").write_text("var s = 1;\n")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    finders.get_finder.cache_clear()
    try:
        with pytest.raises(TemplateSyntaxError, match=r"x/bad.js cannot .* <script>.*</SCRIPT"):
            static_text("x/bad.js", "script")
        with pytest.raises(TemplateSyntaxError, match=r"x/bad.css cannot be written inside <style>"):
            static_text("x/bad.css", "style")
        assert static_text("x/ok.js", "script") == "var s = 1;\n"
        with pytest.raises(TemplateSyntaxError, match="not found"):
            static_text("x/missing.js", "script")
    finally:
        finders.get_finder.cache_clear()
