from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("nightcramp.accounts.urls")),
    path("", include("nightcramp.diary.urls")),
    path("screening/", include("nightcramp.screening.urls")),
    path("", include("nightcramp.care.urls")),
    path("insights/", include("nightcramp.insights.urls")),
    path("", include("nightcramp.sharing.urls")),
    path("api/v1/", include("nightcramp.api.urls")),
]
