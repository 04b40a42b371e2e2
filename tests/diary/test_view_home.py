"""The home page sends people where they belong: Tonight when signed in, the log-in page otherwise."""

from __future__ import annotations

from django.urls import reverse


def test_it_sends_a_signed_in_person_to_tonight(owner_client):
    response = owner_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("tonight")


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client):
    response = anon_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
