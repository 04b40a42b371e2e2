"""The API's URLs, each marked for the deny-by-default middleware (``nightcramp.authz``).

ninja authenticates every operation itself; the marker tells DenyByDefaultMiddleware so. The
OpenAPI schema alone is public.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from nightcramp import authz
from nightcramp.api.api import api

PUBLIC = {"openapi-json"}


def marked(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            marked(pattern.url_patterns)
        elif pattern.name in PUBLIC:
            authz.public(pattern.callback)
        else:
            authz.api(pattern.callback)
    return patterns


_patterns, _app, namespace = api.urls
app_name = namespace  # "api-v1": reverse("api-v1:openapi-json")
urlpatterns = marked(_patterns)
