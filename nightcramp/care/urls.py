"""Guided care: each part keeps its own views and ``urlpatterns`` in its own module."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("nightcramp.care.offline")),
    path("routine/", include("nightcramp.care.routine")),
    path("relief/", include("nightcramp.care.relief")),
    path("reminders/", include("nightcramp.care.reminders")),
    path("learn/", include("nightcramp.care.learn")),
]
