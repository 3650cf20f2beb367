"""Who a member of staff is (claims as API Gateway passes them) and where they may work."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from http_api import STATUS_BY_CODE, error_response
from http_api.staff import groups_claim, jwt_claims, member_from_claims
from terminbuchung.config import SiteConfig
from terminbuchung.errors import BookingError
from terminbuchung.staff_members import StaffMember, require_location


def member(*groups: str, username: str = "anna") -> StaffMember:
    return StaffMember(username=username, groups=frozenset(groups))


# --- the rules ------------------------------------------------------------------------


def test_staff_of_a_location_work_there_and_nowhere_else(site: SiteConfig) -> None:
    oranienburg = member("oranienburg")

    assert not oranienburg.is_admin
    assert oranienburg.may_work_at("oranienburg")
    assert not oranienburg.may_work_at("gransee")
    assert oranienburg.locations(site) == ["oranienburg"]
    require_location(oranienburg, "oranienburg")
    with pytest.raises(BookingError) as refused:
        require_location(oranienburg, "gransee")
    assert refused.value.code == "forbidden"
    assert refused.value.message == "Sie haben keinen Zugriff auf diesen Standort."
    assert refused.value.field is None


def test_an_admin_works_at_every_configured_location(site: SiteConfig) -> None:
    admin = member("admin")

    assert admin.is_admin
    # Gransee is configured but not yet open for online booking: its staff still work.
    assert admin.locations(site) == ["oranienburg", "gransee"]
    for location in ("oranienburg", "gransee"):
        require_location(admin, location)


def test_staff_of_two_locations_get_both_in_the_configurations_order(site: SiteConfig) -> None:
    assert member("gransee", "oranienburg").locations(site) == ["oranienburg", "gransee"]


def test_groups_that_are_no_location_give_no_location(site: SiteConfig) -> None:
    nobody = member("reports", "Oranienburg")

    assert nobody.locations(site) == []
    assert not nobody.may_work_at("oranienburg")
    assert not member().may_work_at("oranienburg")
    # "admin" is a group, never a location a member of staff is given by name.
    assert not member("oranienburg").may_work_at("admin")


def test_forbidden_and_unauthorized_have_their_status() -> None:
    assert STATUS_BY_CODE["unauthorized"] == 401
    assert STATUS_BY_CODE["forbidden"] == 403
    with pytest.raises(BookingError) as refused:
        require_location(member(), "oranienburg")
    assert error_response(refused.value).status_code == 403


# --- the claims -----------------------------------------------------------------------


def event_with(claims: Any) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"jwt": {"claims": claims, "scopes": None}}}}


@pytest.mark.parametrize(
    ("value", "groups"),
    [
        ("[admin oranienburg]", {"admin", "oranienburg"}),  # as API Gateway passes it
        ("[oranienburg]", {"oranienburg"}),
        ("[]", set()),
        (["admin", "gransee"], {"admin", "gransee"}),  # a list, as in the token itself
        ('["admin","gransee"]', {"admin", "gransee"}),
        ("oranienburg", {"oranienburg"}),
        (None, set()),
    ],
)
def test_groups_come_as_api_gateways_string_or_as_a_list(value: Any, groups: set[str]) -> None:
    assert groups_claim(value) == groups


@given(st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,39}", fullmatch=True), max_size=6))
def test_any_groups_survive_api_gateways_flattening(groups: list[str]) -> None:
    flattened = "[" + " ".join(groups) + "]"
    assert groups_claim(flattened) == set(groups)


def test_an_id_token_names_the_member_in_cognito_username() -> None:
    claims = {
        "cognito:username": "anna.oranienburg",
        "cognito:groups": "[oranienburg]",
        "token_use": "id",
        "exp": "1764000000",
    }
    assert member_from_claims(jwt_claims(event_with(claims))) == StaffMember(
        "anna.oranienburg", frozenset({"oranienburg"})
    )


def test_an_access_token_names_the_member_in_username() -> None:
    claims = {"username": "admin", "cognito:groups": "[admin]", "token_use": "access"}
    assert member_from_claims(jwt_claims(event_with(claims))) == StaffMember(
        "admin", frozenset({"admin"})
    )


def test_a_member_without_groups_is_signed_in_but_works_nowhere(site: SiteConfig) -> None:
    nobody = member_from_claims({"cognito:username": "neu"})
    assert nobody == StaffMember("neu", frozenset())
    assert nobody.locations(site) == []


@pytest.mark.parametrize(
    "event",
    [
        {},  # a public route: no authorizer at all
        {"requestContext": {}},
        {"requestContext": {"authorizer": None}},
        {"requestContext": {"authorizer": {"jwt": {}}}},
        {"requestContext": {"authorizer": {"lambda": {"user": "x"}}}},
        event_with({}),
        event_with(None),
        event_with({"cognito:groups": "[admin]"}),  # groups, but nobody
        event_with({"cognito:username": "  ", "cognito:groups": "[admin]"}),
    ],
)
def test_no_claims_or_no_username_is_unauthorized(event: dict[str, Any]) -> None:
    with pytest.raises(BookingError) as refused:
        member_from_claims(jwt_claims(event))
    assert refused.value.code == "unauthorized"
    assert error_response(refused.value).status_code == 401
