"""GET /staff/me through its handler, with the event API Gateway sends after its JWT authorizer.

The claims are passed as API Gateway passes them (infra/local/jwt_authorizer.py: every
value a string, lists as "[a b]"); the token itself is checked over HTTP in
tests/integration/test_staff_auth.py.
"""

import json
from typing import Any

import pytest

from infra.local.http_events import http_api_event, http_response
from infra.local.jwt_authorizer import api_gateway_claims, authorizer_context
from infra.local.lambda_runtime import LocalFunction
from infra.template import Template
from tests.conftest import SHIPPED_SITE


@pytest.fixture(scope="module")
def staff_me() -> LocalFunction:
    code_dir, handler = Template().functions()["StaffMeFunction"]
    return LocalFunction("StaffMeFunction", code_dir, handler)


@pytest.fixture(autouse=True)
def shipped_site(monkeypatch: pytest.MonkeyPatch) -> None:
    from terminbuchung.config import site_config

    monkeypatch.setenv("SITE_CONFIG", str(SHIPPED_SITE))
    site_config.cache_clear()


def get_me(function: LocalFunction, claims: dict[str, Any] | None) -> tuple[int, Any]:
    (route,) = [r for r in Template().routes() if r.route_key == "GET /staff/me"]
    event = http_api_event(
        route,
        {},
        method="GET",
        path="/staff/me",
        raw_query="",
        headers=[("authorization", "Bearer eyJ.x.y")],
        body=b"",
        source_ip="203.0.113.7",
        authorizer=authorizer_context(claims) if claims is not None else None,
    )
    status, _, body = http_response(function.invoke(event))
    return status, json.loads(body)


def id_token_claims(username: str, groups: list[str]) -> dict[str, Any]:
    return {
        "sub": "5f1c0d4e-0000-4000-8000-000000000001",
        "iss": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Test",
        "aud": "client",
        "token_use": "id",
        "cognito:username": username,
        "cognito:groups": groups,
        "exp": 1_900_000_000,
        "email_verified": True,
    }


def test_api_gateway_passes_every_claim_as_a_string() -> None:
    passed = api_gateway_claims(id_token_claims("anna", ["admin", "oranienburg"]))

    assert passed["cognito:groups"] == "[admin oranienburg]"
    assert passed["exp"] == "1900000000"
    assert passed["email_verified"] == "true"
    assert all(isinstance(value, str) for value in passed.values())
    assert authorizer_context({"scope": "aws.cognito.signin.user.admin"})["jwt"]["scopes"] == [
        "aws.cognito.signin.user.admin"
    ]
    assert authorizer_context({"token_use": "id"})["jwt"]["scopes"] is None


# The console books callers for any service of the location, also those not bookable online.
ORANIENBURG = {
    "id": "oranienburg",
    "name": "Servicecenter Oranienburg",
    "services": [
        {"id": "beratung", "name": "Persönliche Beratung", "duration_minutes": 30},
        {"id": "unterlagen", "name": "Abgabe von Unterlagen", "duration_minutes": 10},
    ],
}


def test_staff_of_oranienburg_work_in_oranienburg(staff_me: LocalFunction) -> None:
    status, body = get_me(staff_me, id_token_claims("staff-oranienburg", ["oranienburg"]))

    assert status == 200
    assert body == {
        "username": "staff-oranienburg",
        "groups": ["oranienburg"],
        "locations": ["oranienburg"],
        "admin": False,
        "location_details": [ORANIENBURG],
    }


def test_an_admin_works_at_every_configured_location(staff_me: LocalFunction) -> None:
    status, body = get_me(staff_me, id_token_claims("staff-admin", ["admin"]))

    assert status == 200
    assert body["locations"] == ["oranienburg", "gransee"]
    assert body["admin"] is True
    # Gransee is not open to citizens yet: its staff plan ahead under its name all the same.
    assert [d["name"] for d in body["location_details"]] == [
        "Servicecenter Oranienburg",
        "Servicecenter Gransee",
    ]


def test_an_access_token_names_the_user_in_username(staff_me: LocalFunction) -> None:
    claims = {"username": "staff-gransee", "cognito:groups": ["gransee"], "token_use": "access"}
    status, body = get_me(staff_me, claims)

    assert status == 200
    assert (body["username"], body["locations"]) == ("staff-gransee", ["gransee"])


def test_without_claims_nobody_is_signed_in(staff_me: LocalFunction) -> None:
    status, body = get_me(staff_me, None)

    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["field"] is None
    assert body["error"]["message"]
