"""The office's side of the API (/staff/...), through real v2 events on moto, as a member of
staff signed in with Cognito would call it (the authorizer's claims in the event)."""

from datetime import datetime
from typing import Any

import pytest

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from terminbuchung.table import BookingItem, SlotItem
from tests.api_client import Answer, ApiClient, staff_claims
from tests.conftest import JsonLogs
from tests.unit.test_api import book

TUESDAY = "2026-12-01"
TUESDAY_10 = "2026-12-01T10:00:00+01:00"
MONDAY_0830 = "2026-11-30T08:30:00+01:00"  # within the two hours' notice at 07:00
ANNA = staff_claims("anna", "oranienburg")
GRETA = staff_claims("greta", "gransee")
ADMIN = staff_claims("chef", "admin")


def at(moment: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime.fromisoformat(moment).astimezone(BERLIN))


def phone_booking(api: ApiClient, claims: dict[str, str] = ANNA, **changes: Any) -> Answer:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": TUESDAY_10,
        "name": "Karl Anrufer",
        "phone": "03301 123456",
        **changes,
    }
    return api.post(
        "/staff/bookings", json_body={k: v for k, v in body.items() if v is not None}, claims=claims
    )


def day(api: ApiClient, claims: dict[str, str] = ANNA, location: str = "oranienburg") -> Answer:
    return api.get(f"/staff/locations/{location}/days/{TUESDAY}", claims=claims)


def slot(start: str = TUESDAY_10) -> Any:  # counters not yet counted are None
    local = datetime.fromisoformat(start).astimezone(BERLIN)
    return SlotItem.get("LOC#oranienburg", f"SLOT#{local:%Y-%m-%dT%H:%M}")


# --- who may see what --------------------------------------------------------------------


def test_the_day_lists_slots_and_appointments_by_time(api: ApiClient) -> None:
    online = book(api, start=TUESDAY_10, phone="0151 2345678", household_number="12345BG0012345")
    by_phone = phone_booking(api, start="2026-12-01T11:00:00+01:00", remarks="Dolmetscher")

    answer = day(api)

    assert answer.status == 200, answer.body
    assert (answer.body["location"], answer.body["day"]) == ("oranienburg", TUESDAY)
    slots = {s["start"]: s for s in answer.body["slots"]}
    assert (slots[TUESDAY_10]["capacity"], slots[TUESDAY_10]["booked"]) == (2, 1)
    first, second = answer.body["appointments"]
    assert first["reference"] == online.body["reference"]
    assert (first["name"], first["email"], first["phone"]) == (
        "Erika Mustermann",
        "erika.mustermann@example.de",
        "0151 2345678",
    )
    assert (first["household_number"], first["booked_via"], first["status"]) == (
        "12345BG0012345",
        "online",
        "confirmed",
    )
    assert second["reference"] == by_phone.body["reference"]
    assert (second["booked_via"], second["email"], second["remarks"]) == (
        "phone",
        None,
        "Dolmetscher",
    )
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("claims", "location", "status", "code"),
    [
        (None, "oranienburg", 401, "unauthorized"),
        ({}, "oranienburg", 401, "unauthorized"),
        (GRETA, "oranienburg", 403, "forbidden"),
        (ANNA, "gransee", 403, "forbidden"),
        (staff_claims("nobody"), "oranienburg", 403, "forbidden"),
        (staff_claims("tricky", "oranienburg"), "admin", 403, "forbidden"),
        (ADMIN, "potsdam", 404, "location_not_found"),
    ],
)
def test_staff_see_their_own_location_only(
    api: ApiClient, claims: dict[str, str] | None, location: str, status: int, code: str
) -> None:
    answer = api.get(f"/staff/locations/{location}/days/{TUESDAY}", claims=claims)
    assert (answer.status, answer.error["code"]) == (status, code)


def test_an_admin_sees_every_location_even_before_it_opens_online(api: ApiClient) -> None:
    assert day(api, ADMIN, "oranienburg").status == 200
    gransee = day(api, ADMIN, "gransee")
    assert (gransee.status, gransee.body["appointments"]) == (200, [])


@pytest.mark.parametrize("text", ["2026-13-01", "01.12.2026", "tomorrow", "0001-01-01"])
def test_a_day_that_is_no_date_is_a_field_error(api: ApiClient, text: str) -> None:
    answer = api.get(f"/staff/locations/oranienburg/days/{text}", claims=ANNA)
    assert (answer.status, answer.error["code"], answer.error["field"]) == (
        422,
        "field_invalid",
        "day",
    )


# --- booking for a caller ----------------------------------------------------------------


def test_a_caller_is_booked_without_an_e_mail_address_and_counted_as_by_phone(
    api: ApiClient,
) -> None:
    answer = phone_booking(api)

    assert answer.status == 201, answer.body
    item: Any = BookingItem.get(f"BOOKING#{answer.body['reference']}", "BOOKING")
    assert (item.email, item.booked_via, item.phone) == (None, "phone", "03301 123456")
    assert [(h.by, h.action) for h in item.history or ()] == [("anna", "booked")]
    counted = slot()
    assert (counted.booked, counted.booked_by_phone, counted.booked_online) == (1, 1, None)


def test_the_office_may_book_a_slot_within_the_notice_the_citizens_must_keep(
    api: ApiClient,
) -> None:
    assert book(api, start=MONDAY_0830).error["code"] == "slot_unavailable"
    assert phone_booking(api, start=MONDAY_0830).status == 201


def test_a_slot_that_is_over_cannot_be_booked_by_the_office_either(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    at("2026-11-30T09:05:00+01:00", monkeypatch)
    answer = phone_booking(api, start=MONDAY_0830)
    assert (answer.status, answer.error["code"]) == (409, "slot_unavailable")


def test_the_office_keeps_capacity_and_one_booking_per_household(api: ApiClient) -> None:
    household = "12345BG0012345"
    assert phone_booking(api, household_number=household).status == 201
    again = phone_booking(api, start="2026-12-02T09:00:00+01:00", household_number=household)
    assert (again.status, again.error["code"]) == (409, "already_booked")
    assert phone_booking(api, name="Zweite Person").status == 201
    full = phone_booking(api, name="Dritte Person")
    assert (full.status, full.error["code"]) == (409, "slot_full")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": None}, "name"),
        ({"email": "keine-adresse"}, "email"),
        ({"phone": "bitte anrufen"}, "phone"),
        ({"remarks": "x" * 501}, "remarks"),
        ({"service": "unbekannt"}, "service"),
        ({"start": "morgen früh"}, "start"),
    ],
)
def test_a_phone_booking_with_a_mistake_names_the_field(
    api: ApiClient, changes: dict[str, Any], field: str
) -> None:
    answer = phone_booking(api, **changes)
    assert answer.status == 422
    assert answer.error["field"] == field


def test_staff_of_another_location_cannot_book_here(api: ApiClient) -> None:
    answer = phone_booking(api, GRETA)
    assert (answer.status, answer.error["code"]) == (403, "forbidden")


# --- who came, who did not ---------------------------------------------------------------


def test_check_in_on_the_day_counts_once_and_can_be_undone_that_day(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = book(api, start=TUESDAY_10).body["reference"]
    path = f"/staff/bookings/{reference}/check-in"
    assert api.post(path, claims=ANNA).error["code"] == "too_early"  # on Monday

    at("2026-12-01T09:50:00+01:00", monkeypatch)
    checked = api.post(path, claims=ANNA)
    assert checked.status == 200
    assert checked.body["checked_in_at"] == "2026-12-01T09:50:00+01:00"
    assert api.post(path, claims=ANNA).error["code"] == "already_marked"
    assert api.post(f"/staff/bookings/{reference}/no-show", claims=ANNA).status == 409
    assert slot().checked_in == 1

    undone = api.delete(path, claims=ANNA)
    assert (undone.status, undone.body["checked_in_at"]) == (200, None)
    assert slot().checked_in == 0
    assert api.post(path, claims=ANNA).status == 200

    at("2026-12-02T08:00:00+01:00", monkeypatch)
    assert api.delete(path, claims=ANNA).error["code"] == "too_late"
    history = api.get(f"/staff/bookings/{reference}", claims=ANNA).body["history"]
    assert [(h["by"], h["action"]) for h in history] == [
        ("citizen", "booked"),
        ("anna", "checked_in"),
        ("anna", "undo_checked_in"),
        ("anna", "checked_in"),
    ]


def test_a_no_show_only_from_the_start_on(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = book(api, start=TUESDAY_10).body["reference"]
    path = f"/staff/bookings/{reference}/no-show"
    at("2026-12-01T09:59:00+01:00", monkeypatch)
    assert api.post(path, claims=ANNA).error["code"] == "too_early"

    at("2026-12-01T10:20:00+01:00", monkeypatch)
    marked = api.post(path, claims=ANNA)

    assert (marked.status, marked.body["no_show"]) == (200, True)
    assert slot().no_shows == 1
    assert api.delete(path, claims=ANNA).body["no_show"] is False
    assert slot().no_shows == 0


# --- calling off, and one booking ----------------------------------------------------------


def test_the_office_calls_off_with_a_reason_and_the_history_says_who(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    answer = api.post(
        f"/staff/bookings/{made['reference']}/cancel",
        json_body={"reason": "Krankheit der Beraterin"},
        claims=ANNA,
    )

    assert (answer.status, answer.body["status"]) == (200, "cancelled_by_office")
    record = api.get(f"/staff/bookings/{made['reference'].lower().replace('-', '')}", claims=ANNA)
    assert record.body["history"][-1] | {"at": None} == {
        "at": None,
        "by": "anna",
        "action": "cancelled_by_office",
        "detail": "Krankheit der Beraterin",
    }
    counted = slot()
    assert (counted.booked, counted.cancelled_by_office, counted.booked_online) == (0, 1, 1)
    again = api.post(
        f"/staff/bookings/{made['reference']}/cancel", json_body={"reason": "x"}, claims=ANNA
    )
    assert (again.status, again.error["code"]) == (409, "not_confirmed")


def test_a_reason_is_required_to_call_off(api: ApiClient) -> None:
    reference = book(api, start=TUESDAY_10).body["reference"]
    answer = api.post(f"/staff/bookings/{reference}/cancel", json_body={}, claims=ANNA)
    assert (answer.status, answer.error["field"]) == (422, "reason")


def test_a_citizen_s_own_cancellation_is_counted_apart_from_the_office_s(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    api.post(f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]})
    counted = slot()
    assert (counted.cancelled_by_citizens, counted.cancelled_by_office) == (1, None)


@pytest.mark.parametrize(
    ("claims", "status"), [(ANNA, 200), (ADMIN, 200), (GRETA, 403), (None, 401)]
)
def test_one_booking_for_its_location_s_staff_only(
    api: ApiClient, claims: dict[str, str] | None, status: int
) -> None:
    reference = book(api, start=TUESDAY_10).body["reference"]
    assert api.get(f"/staff/bookings/{reference}", claims=claims).status == status


def test_an_unknown_reference_is_a_404(api: ApiClient) -> None:
    for reference in ("ZZZZ-ZZZZ", "not-a-reference"):
        answer = api.get(f"/staff/bookings/{reference}", claims=ADMIN)
        assert (answer.status, answer.error["code"]) == (404, "booking_not_found")


def test_no_personal_data_in_the_log_of_the_office_s_work(
    api: ApiClient, json_logs: JsonLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = phone_booking(
        api,
        name="Zacharias Quellenberg",
        email="zacharias.q@example.de",
        household_number="54321BG0099999",
        remarks="Rollstuhl",
    ).body
    day(api)
    api.get(f"/staff/bookings/{made['reference']}", claims=ANNA)
    at("2026-12-01T09:55:00+01:00", monkeypatch)
    api.post(f"/staff/bookings/{made['reference']}/check-in", claims=ANNA)

    log = json_logs.text
    assert made["reference"] in log
    for secret in ("Quellenberg", "zacharias", "123456", "54321BG0099999", "Rollstuhl"):
        assert secret not in log


# --- closures, as infra.ops close/reopen ---------------------------------------------------


def test_the_office_closes_an_afternoon_and_reopens_it(api: ApiClient) -> None:
    starts = [s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]]
    afternoon = next(s for s in starts if s.startswith(TUESDAY) and s[11:13] >= "13")
    made = book(api, start=afternoon).body

    closed = api.post(
        "/staff/locations/oranienburg/closures",
        json_body={"day": TUESDAY, "from": "13:00", "reason": "Betriebsversammlung"},
        claims=ANNA,
    )

    assert closed.status == 200, closed.body
    assert (closed.body["start"], closed.body["end"]) == ("13:00", "24:00")
    assert closed.body["bookings_cancelled"] == [made["reference"]]
    listed = day(api).body
    assert all(
        s["closed_reason"] == "Betriebsversammlung"
        for s in listed["slots"]
        if s["start"] >= afternoon
    )
    history = api.get(f"/staff/bookings/{made['reference']}", claims=ANNA).body["history"]
    assert (history[-1]["by"], history[-1]["action"]) == ("anna", "cancelled_by_office")
    assert afternoon not in [
        s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]
    ]

    reopened = api.delete(f"/staff/locations/oranienburg/closures/{TUESDAY}", claims=ANNA)

    assert (reopened.status, reopened.body["reopened"]) == (200, closed.body["slots_closed"])
    assert afternoon in [s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]]


def test_a_dry_run_tells_what_a_closure_would_cancel_and_changes_nothing(
    api: ApiClient,
) -> None:
    starts = [s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]]
    afternoon = [s for s in starts if s.startswith(TUESDAY) and s[11:13] >= "13"]
    made = [book(api, start=afternoon[0]).body["reference"]]
    made.append(phone_booking(api, start=afternoon[1]).body["reference"])
    book(api, start=TUESDAY_10, email="vormittag@example.de")  # the morning stays open
    before = day(api).body
    body = {"day": TUESDAY, "from": "13:00", "reason": "Betriebsversammlung", "dry_run": True}

    preview = api.post("/staff/locations/oranienburg/closures", json_body=body, claims=ANNA)

    assert preview.status == 200, preview.body
    assert preview.body["dry_run"] is True
    assert sorted(preview.body["bookings_cancelled"]) == sorted(made)
    assert day(api).body == before  # no seat withdrawn, no booking called off
    assert afternoon[0] in [
        s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]
    ]
    closed = api.post(
        "/staff/locations/oranienburg/closures", json_body=body | {"dry_run": False}, claims=ANNA
    )
    assert closed.body["dry_run"] is False
    assert sorted(closed.body["bookings_cancelled"]) == sorted(made)
    assert closed.body["slots_closed"] == preview.body["slots_closed"]


@pytest.mark.parametrize(
    ("claims", "body", "status", "field"),
    [
        (GRETA, {"day": TUESDAY, "reason": "x", "dry_run": True}, 403, None),
        (ANNA, {"day": "2026-11-01", "reason": "x", "dry_run": True}, 422, "day"),
        (ANNA, {"day": TUESDAY, "reason": "x", "dry_run": "ja"}, 422, "dry_run"),
        (GRETA, {"day": TUESDAY, "reason": "x"}, 403, None),
        (ANNA, {"day": "2026-11-01", "reason": "x"}, 422, "day"),
        (ANNA, {"day": TUESDAY, "from": "14:00", "until": "13:00", "reason": "x"}, 422, "until"),
        (ANNA, {"day": TUESDAY, "from": "14 Uhr", "reason": "x"}, 422, "from"),
        (ANNA, {"day": TUESDAY}, 422, "reason"),
    ],
)
def test_a_closure_that_cannot_be_is_refused_with_the_field(
    api: ApiClient, claims: dict[str, str], body: dict[str, str], status: int, field: str | None
) -> None:
    answer = api.post("/staff/locations/oranienburg/closures", json_body=body, claims=claims)
    assert (answer.status, answer.error["field"]) == (status, field)


def test_an_appointment_marked_as_attended_or_missed_is_not_cancelled_any_more(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    came = book(api, start=TUESDAY_10, email="came@example.de").body
    missed = book(api, start="2026-12-01T11:00:00+01:00", email="missed@example.de").body
    at("2026-12-01T09:50:00+01:00", monkeypatch)
    assert api.post(f"/staff/bookings/{came['reference']}/check-in", claims=ANNA).status == 200
    at("2026-12-01T11:20:00+01:00", monkeypatch)
    assert api.post(f"/staff/bookings/{missed['reference']}/no-show", claims=ANNA).status == 200
    at("2026-12-01T09:55:00+01:00", monkeypatch)

    by_citizen = api.post(
        f"/bookings/{came['reference']}/cancel", json_body={"token": came["cancel_token"]}
    )
    by_office = api.post(
        f"/staff/bookings/{came['reference']}/cancel", json_body={"reason": "x"}, claims=ANNA
    )

    assert (by_citizen.status, by_citizen.error["code"]) == (409, "too_late")
    assert (by_office.status, by_office.error["code"]) == (409, "too_late")
    counted = slot()
    assert (counted.checked_in, counted.cancelled_by_citizens, counted.cancelled_by_office) == (
        1,
        None,
        None,
    )


def test_an_attendance_of_a_cancelled_booking_cannot_be_undone(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = book(api, start=TUESDAY_10).body
    api.post(f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]})
    at("2026-12-01T09:50:00+01:00", monkeypatch)

    answer = api.delete(f"/staff/bookings/{made['reference']}/check-in", claims=ANNA)

    assert (answer.status, answer.error["code"]) == (409, "not_confirmed")


def test_empty_optional_fields_of_a_console_form_mean_not_given(api: ApiClient) -> None:
    answer = phone_booking(api, email="", household_number="", remarks="")

    assert answer.status == 201, answer.body
    item: Any = BookingItem.get(f"BOOKING#{answer.body['reference']}", "BOOKING")
    assert (item.email, item.household_number, item.remarks) == (None, None, None)


def test_every_staff_route_is_throttled_and_the_heavy_ones_more_tightly() -> None:
    from infra.template import Template

    api = Template().resources["BookingApi"]["Properties"]
    default = api["DefaultRouteSettings"]
    assert default["ThrottlingRateLimit"] > 0  # every route, the staff's included
    for route in ("POST /staff/bookings", "GET /staff/reports/evaluation"):
        limits = api["RouteSettings"][route]
        assert limits["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert limits["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
