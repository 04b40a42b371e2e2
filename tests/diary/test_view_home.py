"""The home page sends people where they belong: Tonight when signed in; a visitor meets the welcome."""

from __future__ import annotations

from django.urls import reverse


def test_it_sends_a_signed_in_person_to_tonight(owner_client):
    response = owner_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("tonight")


def test_a_visitor_meets_a_welcome_that_says_what_nightcramp_is_with_sign_up_and_log_in(anon_client):
    response = anon_client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "night" in body and "leg" in body
    assert "does not diagnose" in body
    assert "call your local emergency number" in body  # a visitor's country is not known
    assert "delete your account" in body and "export" in body
    assert f'href="{reverse("signup")}"' in body and f'href="{reverse("login")}"' in body
