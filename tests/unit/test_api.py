"""The public HTTP API, through the handlers with real-shaped API Gateway v2 events (moto)."""

import json
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terminbuchung.clock import BERLIN
from terminbuchung.references import cancel_token
from terminbuchung.table import BookingItem, SlotItem
from tests.api_client import Answer, ApiClient

TUESDAY_10 = "2026-12-01T10:00:00+01:00"  # one of the six slots released for Tuesday


def booking(**changes: Any) -> dict[str, Any]:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": TUESDAY_10,
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.de",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def book(api: ApiClient, **changes: Any) -> Answer:
    return api.post("/bookings", json_body=booking(**changes))


def table_items() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = client.scan(TableName=BookingItem.Meta.table_name)["Items"]
    return items


def slot(start: str) -> SlotItem:
    when = datetime.fromisoformat(start).astimezone(BERLIN)
    return SlotItem.get("LOC#oranienburg", f"SLOT#{when:%Y-%m-%dT%H:%M}")


# --- GET /locations -------------------------------------------------------------------


def test_locations_lists_enabled_locations_and_online_services_only(api: ApiClient) -> None:
    answer = api.get("/locations")

    assert answer.status == 200
    assert [loc["id"] for loc in answer.body["locations"]] == ["oranienburg"]
    (oranienburg,) = answer.body["locations"]
    assert oranienburg["name"] == "Servicecenter Oranienburg"
    assert oranienburg["address"] == "Adolf-Dechert-Straße 1, 16515 Oranienburg"
    assert [(s["id"], s["name"], s["duration_minutes"]) for s in oranienburg["services"]] == [
        ("beratung", "Persönliche Beratung", 30)
    ]
    assert answer.body["contact"]["phone"] == "03301 601-5500"
    assert answer.headers["Cache-Control"] == "no-store"


# --- GET /locations/{location}/slots --------------------------------------------------


def test_slots_default_to_today_through_the_last_bookable_day(api: ApiClient) -> None:
    answer = api.get("/locations/oranienburg/slots")

    assert answer.status == 200
    assert answer.body["location"] == "oranienburg"
    starts = [s["start"] for s in answer.body["slots"]]
    assert starts == sorted(starts)
    days = sorted({s[:10] for s in starts})
    # Monday 07:00, release at 06:00, horizon 5 days: Mon-Fri (Sat 5 Dec is closed).
    assert days == ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    # Quota: six a day; Monday 08:30 is within the two hours' notice.
    assert len(starts) == 5 * 6 - 1
    first = answer.body["slots"][0]
    assert first == {
        "start": "2026-11-30T09:30:00+01:00",
        "end": "2026-11-30T10:00:00+01:00",
        "available": 2,
    }


def test_slots_within_minimum_notice_are_not_offered(api: ApiClient, now: datetime) -> None:
    starts = [s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]]
    assert all(datetime.fromisoformat(s) >= now + timedelta(hours=2) for s in starts)
    assert "2026-11-30T08:30:00+01:00" not in starts  # 1.5 h away
    assert "2026-11-30T09:30:00+01:00" in starts


def test_slot_range_and_service_filter(api: ApiClient) -> None:
    answer = api.get(
        "/locations/oranienburg/slots",
        query={"from": "2026-12-02", "to": "2026-12-02", "service": "beratung"},
    )
    assert answer.status == 200
    assert {s["start"][:10] for s in answer.body["slots"]} == {"2026-12-02"}
    assert all(
        datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"])
        == timedelta(minutes=30)
        for s in answer.body["slots"]
    )


def test_full_slots_are_not_listed(api: ApiClient) -> None:
    start = TUESDAY_10
    assert book(api, start=start).status == 201
    assert book(api, start=start, email="b@example.de").status == 201

    starts = [s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]]
    assert start not in starts


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "01.12.2026"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": "2026-12-03", "to": "2026-12-01"}, "to"),
    ],
)
def test_malformed_dates_name_the_field(api: ApiClient, query: dict[str, str], field: str) -> None:
    answer = api.get("/locations/oranienburg/slots", query=query)
    assert answer.status == 422
    assert answer.error["field"] == field
    assert answer.error["code"] == "field_invalid"
    assert answer.error["message"]


def test_slots_of_unknown_or_disabled_location_are_404(api: ApiClient) -> None:
    for location in ("potsdam", "gransee"):
        answer = api.get(f"/locations/{location}/slots")
        assert answer.status == 404
        assert answer.error["code"] == "location_not_found"


@pytest.mark.parametrize(
    ("service", "code"), [("yoga", "service_unknown"), ("unterlagen", "service_not_online")]
)
def test_slots_for_a_service_not_bookable_online(api: ApiClient, service: str, code: str) -> None:
    answer = api.get("/locations/oranienburg/slots", query={"service": service})
    assert answer.status == 422
    assert answer.error == {"code": code, "message": answer.error["message"], "field": "service"}


# --- POST /bookings -------------------------------------------------------------------


def test_booking_answers_201_with_reference_and_token(api: ApiClient) -> None:
    answer = book(api, start=TUESDAY_10)

    assert answer.status == 201
    assert set(answer.body) == {"reference", "location", "service", "start", "end", "cancel_token"}
    assert answer.body["start"] == TUESDAY_10
    assert answer.body["end"] == "2026-12-01T10:30:00+01:00"
    assert answer.body["cancel_token"] == cancel_token(answer.body["reference"], b"test-key")
    assert slot(TUESDAY_10).booked == 1


def test_booking_accepts_the_same_instant_in_utc(api: ApiClient) -> None:
    answer = book(api, start="2026-12-01T09:00:00Z")
    assert answer.status == 201
    assert answer.body["start"] == TUESDAY_10


def test_a_full_slot_answers_409_slot_full(api: ApiClient) -> None:
    start = TUESDAY_10
    assert book(api, start=start, email="a@example.de").status == 201
    assert book(api, start=start, email="b@example.de").status == 201

    answer = book(api, start=start, email="c@example.de")

    assert answer.status == 409
    assert answer.error["code"] == "slot_full"
    assert slot(start).booked == 2


@pytest.mark.parametrize(
    "start",
    [
        "2026-11-30T07:30:00+01:00",  # not released (no slot at that time)
        "2026-11-27T09:00:00+01:00",  # in the past
        "2026-11-30T08:30:00+01:00",  # too soon: 1.5 h notice, 2 h required
        "2026-12-07T08:30:00+01:00",  # beyond the 5-day horizon
        "2026-12-01T10:00:30+01:00",  # not a slot's start
    ],
)
def test_slot_unavailable(api: ApiClient, start: str) -> None:
    answer = book(api, start=start)
    assert answer.status == 409
    assert answer.error["code"] == "slot_unavailable"
    assert answer.error["field"] == "start"


def test_one_active_booking_per_email_case_insensitive(api: ApiClient) -> None:
    assert book(api, start=TUESDAY_10).status == 201

    answer = book(api, start="2026-12-02T09:00:00+01:00", email="Erika.Mustermann@EXAMPLE.de")

    assert answer.status == 409
    assert answer.error["code"] == "already_booked"
    assert answer.error["field"] == "email"


def test_a_domain_with_umlauts_is_kept_in_its_ascii_form(api: ApiClient) -> None:
    answer = book(api, email="erika@müller-beispiel.de")
    assert answer.status == 201
    item = BookingItem.get(f"BOOKING#{answer.body['reference']}", "BOOKING")
    assert item.email == "erika@xn--mller-beispiel-gsb.de"


def test_one_active_booking_per_household(api: ApiClient) -> None:
    household = "12345BG0012345"
    assert book(api, start=TUESDAY_10, household_number=household).status == 201

    answer = book(
        api,
        start="2026-12-02T09:00:00+01:00",
        email="someone.else@example.de",
        household_number="12345 bg 0012345",
    )

    assert answer.status == 409
    assert answer.error["code"] == "already_booked"
    assert answer.error["field"] == "household_number"


def test_a_refused_booking_writes_nothing(api: ApiClient) -> None:
    assert book(api, start=TUESDAY_10).status == 201
    before = table_items()

    assert book(api, start="2026-12-02T09:00:00+01:00").status == 409  # already booked
    assert book(api, start="2026-11-30T07:30:00+01:00", email="x@example.de").status == 409

    assert table_items() == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"email": "not-an-address"}, "email", "field_invalid"),
        ({"email": "jürgen@example.de"}, "email", "field_invalid"),
        ({"email": None}, "email", "field_missing"),
        ({"name": ""}, "name", "field_missing"),
        ({"name": "   "}, "name", "field_missing"),
        ({"name": "x" * 101}, "name", "field_too_long"),
        ({"email": "a" * 250 + "@example.de"}, "email", "field_too_long"),
        ({"phone": "call me"}, "phone", "field_invalid"),
        ({"household_number": "12345"}, "household_number", "field_invalid"),
        ({"start": "morgen früh"}, "start", "field_invalid"),
        ({"start": 1764577800}, "start", "field_invalid"),
        ({"service": "yoga"}, "service", "service_unknown"),
        ({"service": "unterlagen"}, "service", "service_not_online"),
        ({"location": None}, "location", "field_missing"),
        ({"location": "x" * 41}, "location", "field_too_long"),
        ({"comment": "hi"}, "comment", "field_unknown"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    api: ApiClient, changes: dict[str, Any], field: str, code: str
) -> None:
    answer = book(api, **changes)

    assert answer.status == 422
    assert answer.error["field"] == field
    assert answer.error["code"] == code
    assert len(answer.error["message"]) > 10
    assert table_items() == [i for i in table_items() if not i["pk"]["S"].startswith("BOOKING#")]


def test_unknown_location_in_a_booking_is_404_naming_the_field(api: ApiClient) -> None:
    answer = book(api, location="gransee")
    assert answer.status == 404
    assert answer.error == {
        "code": "location_not_found",
        "message": answer.error["message"],
        "field": "location",
    }


@pytest.mark.parametrize(
    ("raw", "code", "status"),
    [
        (b"", "body_missing", 400),
        (b"{not json", "body_not_json", 400),
        (b"[1, 2]", "body_invalid", 400),
        (b'"text"', "body_invalid", 400),
        (b'{"name": "' + b"x" * 20_000 + b'"}', "body_too_large", 413),
        (b"\xff\xfe\x00", "body_not_json", 400),
    ],
)
def test_malformed_bodies(api: ApiClient, raw: bytes, code: str, status: int) -> None:
    answer = api.post("/bookings", raw_body=raw)
    assert answer.status == status
    assert answer.error["code"] == code
    assert answer.error["field"] is None


# --- GET /bookings/{reference} and cancel ----------------------------------------------


def test_show_booking_with_its_token(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body

    answer = api.get(
        f"/bookings/{made['reference']}", headers={"X-Booking-Token": made["cancel_token"]}
    )

    assert answer.status == 200
    assert answer.body == {
        "reference": made["reference"],
        "status": "confirmed",
        "location": "oranienburg",
        "service": "beratung",
        "start": TUESDAY_10,
        "end": "2026-12-01T10:30:00+01:00",
        "name": "Erika Mustermann",
        "language": "de",
    }


def test_reference_is_accepted_as_typed_on_the_phone(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    typed = made["reference"].replace("-", "").lower()
    answer = api.get(f"/bookings/{typed}", headers={"X-Booking-Token": made["cancel_token"]})
    assert answer.status == 200


def test_wrong_token_and_unknown_reference_look_the_same(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    unknown = "ZZZZ-ZZZZ"

    answers = [
        api.get(f"/bookings/{made['reference']}", headers={"X-Booking-Token": "wrong"}),
        api.get(f"/bookings/{made['reference']}"),
        api.get(
            f"/bookings/{unknown}", headers={"X-Booking-Token": cancel_token(unknown, b"test-key")}
        ),
        api.get("/bookings/not-a-reference", headers={"X-Booking-Token": "x"}),
        api.post(f"/bookings/{made['reference']}/cancel", json_body={"token": "wrong"}),
        api.post(
            f"/bookings/{unknown}/cancel", json_body={"token": cancel_token(unknown, b"test-key")}
        ),
    ]

    assert {a.status for a in answers} == {404}
    assert len({str(a.body) for a in answers}) == 1
    assert answers[0].error["code"] == "booking_not_found"


def test_cancel_frees_the_seat_and_the_guard(api: ApiClient) -> None:
    start = TUESDAY_10
    made = book(api, start=start).body

    answer = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )

    assert answer.status == 200
    assert answer.body == {"reference": made["reference"], "status": "cancelled"}
    assert slot(start).booked == 0
    assert [i for i in table_items() if i["pk"]["S"].startswith("GUARD#")] == []
    # The same person may book again, even the same slot.
    assert book(api, start=start).status == 201


def test_cancelling_again_answers_the_same(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    path = f"/bookings/{made['reference']}/cancel"

    first = api.post(path, json_body={"token": made["cancel_token"]})
    second = api.post(path, json_body={"token": made["cancel_token"]})

    assert (first.status, first.body) == (second.status, second.body)
    assert slot(TUESDAY_10).booked == 0


def test_an_appointment_that_has_begun_cannot_be_cancelled(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = book(api, start=TUESDAY_10).body
    from terminbuchung import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN))

    answer = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )

    assert answer.status == 409
    assert answer.error["code"] == "too_late"
    assert slot(TUESDAY_10).booked == 1


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "field_missing", "token"),
        ({"token": ""}, "field_missing", "token"),
        ({"token": "x" * 201}, "field_too_long", "token"),
    ],
)
def test_cancel_with_a_bad_body(
    api: ApiClient, body: dict[str, str], code: str, field: str
) -> None:
    made = book(api, start=TUESDAY_10).body
    answer = api.post(f"/bookings/{made['reference']}/cancel", json_body=body)
    assert answer.status == 422
    assert (answer.error["code"], answer.error["field"]) == (code, field)


def test_unexpected_errors_are_500_with_a_request_id(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from terminbuchung import offers

    def broken(*_: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(offers, "free_slots", broken)

    answer = api.get("/locations/oranienburg/slots")

    assert answer.status == 500
    assert answer.error["code"] == "internal_error"
    assert answer.error["request_id"]
    assert "fire" not in answer.error["message"]


# --- no client mistake is ever a 500 ----------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
form_fields = st.sampled_from(
    ["location", "service", "start", "name", "email", "phone", "household_number", "token"]
)
bodies = st.dictionaries(form_fields, json_values, max_size=8) | json_values


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_any_json_body_gets_a_4xx_or_a_booking(api: ApiClient, body: Any) -> None:
    answer = api.post("/bookings", raw_body=json.dumps(body).encode())
    assert answer.status in {201, 400, 404, 409, 413, 422}
    if answer.status != 201:
        assert set(answer.error) == {"code", "message", "field"}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reference=st.text(st.characters(blacklist_characters="/?#%"), min_size=1, max_size=40),
    token=st.text(max_size=300),
)
def test_any_reference_and_token_get_a_clean_404(
    api: ApiClient, reference: str, token: str
) -> None:
    path = f"/bookings/{reference}"
    shown = api.get(path, headers={"X-Booking-Token": token})
    cancelled = api.post(f"{path}/cancel", json_body={"token": token})
    assert shown.status == 404
    assert cancelled.status in {404, 422}


# --- addresses the API has no route for: the template's $default route ------------------


def default_route_answer(
    api: ApiClient, method: str, path: str, headers: dict[str, str] | None = None
) -> Answer:
    """What API Gateway does with a request no route takes: the $default route's function."""
    from infra.local.http_events import http_api_event, http_response
    from infra.local.lambda_runtime import LocalFunction
    from infra.template import Template

    route = Template().default_route()
    assert route is not None, "template.yaml has no $default route"
    event = http_api_event(
        route,
        {},
        method=method,
        path=path,
        raw_query="",
        headers=list((headers or {}).items()),
        body=b"",
        source_ip="203.0.113.7",
    )
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "$default"
    function = api.functions.get(route.function) or LocalFunction(
        route.function, route.code_dir, route.handler
    )
    status, header_list, payload = http_response(function.invoke(event))
    return Answer(status, dict(header_list), json.loads(payload) if payload else None)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/nothing"),
        ("POST", "/wp-login.php"),
        ("GET", "/locations/oranienburg"),
        ("GET", "/locations/oranienburg/slots/extra"),
        ("GET", "/locations/"),
        # A known path with another method: API Gateway routes it like an unknown path,
        # and the $default function cannot know the other functions' routes, so 404 too.
        ("GET", "/bookings"),
        ("DELETE", "/bookings"),
        ("PUT", "/bookings/K7QP-3XMA"),
        ("GET", "/bookings/K7QP-3XMA/cancel"),
        ("POST", "/locations"),
        ("PATCH", "/locations/oranienburg/slots"),
        ("HEAD", "/locations"),
        ("OPTIONS", "/bookings"),  # not a preflight: no Access-Control-Request-Method
    ],
)
def test_an_address_without_a_route_answers_not_found_in_the_error_shape(
    api: ApiClient, method: str, path: str
) -> None:
    answer = default_route_answer(api, method, path, {"origin": "https://www.oberhavel.de"})

    assert answer.status == 404
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.body == {
        "error": {"code": "not_found", "message": "Diese Adresse gibt es nicht.", "field": None}
    }


def test_a_preflight_that_reaches_the_default_route_still_succeeds(api: ApiClient) -> None:
    # API Gateway answers preflights from the CORS configuration; should one reach the
    # function anyway, a 404 would break the page's POST, so it gets an empty 204.
    answer = default_route_answer(
        api,
        "OPTIONS",
        "/bookings",
        {"origin": "https://www.oberhavel.de", "access-control-request-method": "POST"},
    )

    assert answer.status == 204
    assert answer.body is None


def test_the_template_has_one_default_route_behind_all_others() -> None:
    from infra.template import Template

    template = Template()
    default = template.default_route()

    assert default is not None
    assert default.route_key == "$default"
    assert default.match("DELETE", "/anything/at/all") == {}
    assert all(route.route_key != "$default" for route in template.routes())
    assert default.function in template.functions()
