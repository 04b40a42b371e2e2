"""/api/v1/openapi.json: public, valid OpenAPI, listing every route and the allowed values."""

from __future__ import annotations

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db
PATHS = {
    "/api/v1/": {"get"},
    "/api/v1/episodes": {"get", "post"},
    "/api/v1/episodes/{episode_id}": {"get", "patch", "delete"},
    "/api/v1/nights": {"get"},
    "/api/v1/nights/{day}": {"get", "put", "delete"},
    "/api/v1/medications": {"get", "post"},
    "/api/v1/medications/{medication_id}": {"get", "patch", "delete"},
    "/api/v1/stretch-sessions": {"get", "post"},
    "/api/v1/stretch-sessions/{session_id}": {"get", "delete"},
    "/api/v1/routines": {"get"},
    "/api/v1/me": {"get"},
}


@pytest.fixture
def schema() -> dict:  # type: ignore[type-arg]
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_it_is_a_valid_openapi_document(schema: dict) -> None:  # type: ignore[type-arg]
    validate(schema)
    assert (schema["info"]["title"], schema["info"]["version"]) == ("nightcramp API", "1")
    assert schema["openapi"].startswith("3.")


def test_it_lists_every_route_and_method(schema: dict) -> None:  # type: ignore[type-arg]
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS


def test_every_operation_requires_a_token_or_a_session(schema: dict) -> None:  # type: ignore[type-arg]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SignedInSession"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"TokenAuth": []}, {"SignedInSession": []}], (method, path)


def test_it_lists_the_allowed_values_and_ranges(schema: dict) -> None:  # type: ignore[type-arg]
    components = schema["components"]["schemas"]
    assert components["Leg"]["enum"] == ["left", "right", "both"]
    assert components["Muscle"]["enum"] == ["calf", "foot", "hamstring", "quadriceps", "other"]
    assert "stretch" in components["Relief"]["enum"]
    severity = components["EpisodeIn"]["properties"]["severity"]["anyOf"][0]
    assert (severity["minimum"], severity["maximum"]) == (0, 10)
    disruption = components["NightIn"]["properties"]["sleep_disruption"]["anyOf"][0]
    assert (disruption["minimum"], disruption["maximum"]) == (0, 10)
    assert components["EpisodeIn"]["additionalProperties"] is False


def test_the_interactive_docs_page_is_switched_off() -> None:
    """ninja's docs page loads its assets from a CDN, and nightcramp must work offline."""
    assert Client().get("/api/v1/docs").status_code == 404
