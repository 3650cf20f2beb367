"""Bookings that count once the e-mail address is confirmed (site configuration
`confirm_within_minutes`, 30 as shipped): the 202, the confirm link, the expiry by a
one-time schedule and by the sweep, answers that tell nobody who has an appointment, and
"Termin wiederfinden". Handlers through API Gateway events, the stream, SES and
EventBridge Scheduler on moto, at a fixed clock that the tests move.
"""

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from infra.local.lambda_runtime import LocalFunction
from infra.template import ROOT
from terminbuchung import clock, holds
from terminbuchung.config import SiteConfig
from terminbuchung.table import BookingItem, GuardItem, SlotItem
from terminbuchung.table.items import NoticeItem
from tests.api_client import Answer, ApiClient, staff_claims
from tests.conftest import MONDAY_MORNING
from tests.unit.mail.conftest import Mailroom

TUESDAY_10 = "2026-12-01T10:00:00+01:00"
TUESDAY_11 = "2026-12-01T11:00:00+01:00"
WEDNESDAY_10 = "2026-12-02T10:00:00+01:00"
CONFIRM_BY = MONDAY_MORNING + timedelta(minutes=30)
GROUP = "terminbuchung-test-holds"
EXPIRY_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:ExpireHoldFunction"
ROLE_ARN = "arn:aws:iam::123456789012:role/hold-expiry"


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Move the clock the handlers read (it starts at Monday 07:00)."""

    def move(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move


@pytest.fixture
def scheduler(monkeypatch: pytest.MonkeyPatch, aws: None) -> Iterator[Any]:
    """The stack's schedule group in moto's EventBridge Scheduler, as the template makes it."""
    monkeypatch.setenv("HOLD_SCHEDULE_GROUP", GROUP)
    monkeypatch.setenv("HOLD_EXPIRY_FUNCTION_ARN", EXPIRY_ARN)
    monkeypatch.setenv("HOLD_EXPIRY_ROLE_ARN", ROLE_ARN)
    holds._scheduler.cache_clear()
    client = boto3.client("scheduler", region_name="eu-central-1")
    client.create_schedule_group(Name=GROUP)
    yield client
    holds._scheduler.cache_clear()


@pytest.fixture
def confirming(
    api: ApiClient, mailroom: Mailroom, confirming_site: SiteConfig, scheduler: Any, now: datetime
) -> ApiClient:
    """The API as shipped (confirmation within 30 minutes), at Monday 07:00."""
    return api


def book(
    api: ApiClient, email: str = "erika@example.de", start: str = TUESDAY_10, **extra: str
) -> Answer:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": extra.pop("name", "Erika Mustermann"),
        "email": email,
        **extra,
    }
    return api.post("/bookings", json_body=body)


def alike(answer: Answer) -> tuple[int, Any, dict[str, Any]]:
    """Status, headers and body of a 202, the hold handle reduced to its form (its bytes
    are random in every answer: nothing to compare but that)."""
    body = dict(answer.body)
    hold = body.pop("hold")
    assert re.fullmatch(r"[A-Za-z0-9_-]{448}", hold), hold
    return answer.status, answer.headers, body


def deliver(mailroom: Mailroom) -> dict[str, Any]:
    """What the template's filter passes to the e-mail function: bookings and notices."""
    records = [
        r
        for r in mailroom.new_records()
        if r["dynamodb"]["Keys"]["pk"]["S"].startswith(("BOOKING#", "NOTICE#"))
        and r["eventName"] in ("INSERT", "MODIFY")
    ]
    return mailroom.deliver(records) if records else {}


def mails_to(mailroom: Mailroom, address: str) -> list[dict[str, Any]]:
    return [m for m in mailroom.outbox() if address in m["to"]]


def link_in(mail: dict[str, Any]) -> tuple[str, str, dict[str, list[str]]]:
    """Reference, token and all fragment parameters of the first booking-page link."""
    link = re.search(r"https://www\.oberhavel\.de/\S+#reference=\S+", mail["text"])
    assert link, mail["text"]
    fragment = parse_qs(urlsplit(link.group(0)).fragment)
    return fragment["reference"][0], fragment["token"][0], fragment


def slot(start: str = TUESDAY_10) -> SlotItem:
    return SlotItem.get("LOC#oranienburg", f"SLOT#{start[:16]}")


def booking(reference: str) -> BookingItem:
    return BookingItem.get(f"BOOKING#{reference}", "BOOKING")


def guards() -> list[str]:
    return sorted(g.reference for g in GuardItem.scan(GuardItem.pk.startswith("GUARD#")))


def confirm(api: ApiClient, reference: str, token: str) -> Answer:
    return api.post(f"/bookings/{reference}/confirm", json_body={"token": token})


def expire_by_schedule(scheduler: Any, reference: str) -> Any:
    """What Scheduler does at the schedule's time: invoke its target with its input."""
    schedule = scheduler.get_schedule(Name=f"hold-{reference}", GroupName=GROUP)
    function = LocalFunction("ExpireHoldFunction", ROOT / "functions/expire_hold")
    return function.invoke(json.loads(schedule["Target"]["Input"]))


def booked_and_mailed(
    api: ApiClient, mailroom: Mailroom, email: str = "erika@example.de", **extra: str
) -> tuple[str, str]:
    answer = book(api, email, **extra)
    assert answer.status == 202, answer.body
    deliver(mailroom)
    (request,) = [m for m in mails_to(mailroom, email) if "bestätigen" in m["subject"]][-1:]
    reference, token, _ = link_in(request)
    return reference, token


# --- the booking waits for its confirmation ---------------------------------------------


def test_a_booking_holds_its_seat_answers_202_and_counts_once_confirmed(
    confirming: ApiClient, mailroom: Mailroom, scheduler: Any
) -> None:
    answer = book(confirming)

    assert answer.status == 202
    assert answer.body == {
        "status": "pending",
        "email": "e…@example.de",
        "confirm_by": "2026-11-30T07:30:00+01:00",
        "hold": answer.body["hold"],  # for a correction: tests/unit/test_hold_handles.py
    }
    assert re.fullmatch(r"[A-Za-z0-9_-]{448}", answer.body["hold"])
    # The seat is taken for everyone else, but the booking does not count yet.
    held = slot()
    assert int(held.booked) == 1
    assert held.booked_online is None
    listed = confirming.get(
        "/locations/oranienburg/slots", query={"from": "2026-12-01", "to": "2026-12-01"}
    )
    (ten,) = [s for s in listed.body["slots"] if s["start"] == TUESDAY_10]
    assert ten["available"] == 1  # of Oranienburg's two desks

    deliver(mailroom)
    (request,) = mails_to(mailroom, "erika@example.de")
    assert request["subject"].startswith("Bitte bestätigen: Ihr Termin")
    assert "bis 07:30 Uhr" in request["text"]
    assert not request.get("attachments")  # the calendar file comes with the confirmation
    reference, token, fragment = link_in(request)
    assert fragment["confirm"] == ["1"]
    assert booking(reference).status == "pending"

    # The stream made the one-time schedule that frees the seat at confirm_by.
    schedule = scheduler.get_schedule(Name=f"hold-{reference}", GroupName=GROUP)
    assert schedule["ScheduleExpression"] == "at(2026-11-30T06:30:00)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["Target"]["Arn"] == EXPIRY_ARN
    assert schedule["Target"]["RoleArn"] == ROLE_ARN
    assert json.loads(schedule["Target"]["Input"]) == {"reference": reference}

    confirmed = confirm(confirming, reference, token)
    assert confirmed.status == 200
    assert confirmed.body["status"] == "confirmed"
    assert confirmed.body["reference"] == reference
    assert confirm(confirming, reference, token).body == confirmed.body  # again: the same
    counted = slot()
    assert (int(counted.booked), int(counted.booked_online)) == (1, 1)
    assert counted.holds_expired is None

    deliver(mailroom)
    confirmation = mails_to(mailroom, "erika@example.de")[-1]
    assert confirmation["subject"].startswith("Ihr Termin im Jobcenter Oberhavel am")
    assert "termin.ics" in json.dumps(confirmation)
    # A replayed stream makes no second schedule and sends nothing twice.
    mailroom.reader.checkpoints.clear()
    deliver(mailroom)
    assert len(mails_to(mailroom, "erika@example.de")) == 2


def test_a_wrong_token_confirms_nothing_and_looks_like_an_unknown_reference(
    confirming: ApiClient, mailroom: Mailroom
) -> None:
    reference, token = booked_and_mailed(confirming, mailroom)
    wrong = confirm(confirming, reference, token[:-2] + "xx")
    unknown = confirm(confirming, "ZZZZ-ZZZZ", token)
    assert (wrong.status, wrong.body) == (unknown.status, unknown.body)
    assert wrong.status == 404
    assert booking(reference).status == "pending"
    missing = confirming.post(f"/bookings/{reference}/confirm", json_body={})
    assert (missing.status, missing.error["field"]) == (422, "token")


# --- expiry ------------------------------------------------------------------------------


def test_an_unconfirmed_booking_expires_at_its_time_once_whoever_frees_it(
    confirming: ApiClient, mailroom: Mailroom, scheduler: Any, clock_at: Any
) -> None:
    reference, token = booked_and_mailed(confirming, mailroom)
    assert guards() == [reference]

    clock_at(CONFIRM_BY - timedelta(seconds=1))
    with pytest.raises(holds.HoldNotDue):  # a schedule early by a clock's difference
        expire_by_schedule(scheduler, reference)
    assert booking(reference).status == "pending"

    clock_at(CONFIRM_BY)
    assert expire_by_schedule(scheduler, reference)["status"] == "expired"
    # The schedule again, the sweep, a late click: nothing more happens.
    assert expire_by_schedule(scheduler, reference)["status"] == "expired"
    mailroom.remind()
    late = confirm(confirming, reference, token)
    assert (late.status, late.error["code"]) == (409, "expired")

    freed = slot()
    assert int(freed.booked) == 0
    assert int(freed.holds_expired) == 1
    assert freed.booked_online is None  # never counted as a booking
    assert guards() == []
    assert booking(reference).status == "expired"

    deliver(mailroom)
    expired = [
        m for m in mails_to(mailroom, "erika@example.de") if "Nicht bestätigt" in m["subject"]
    ]
    assert len(expired) == 1
    assert "wieder für andere freigegeben" in expired[0]["text"]
    # The person may book again at once.
    assert book(confirming, start=TUESDAY_11).status == 202
    assert int(slot(TUESDAY_11).booked) == 1


def test_a_confirmation_after_the_time_frees_the_seat_itself(
    confirming: ApiClient, mailroom: Mailroom, clock_at: Any
) -> None:
    reference, token = booked_and_mailed(confirming, mailroom)
    clock_at(CONFIRM_BY + timedelta(seconds=5))
    late = confirm(confirming, reference, token)
    assert (late.status, late.error["code"]) == (409, "expired")
    assert "abgelaufen" in late.error["message"]
    assert booking(reference).status == "expired"
    assert int(slot().booked) == 0
    assert guards() == []


def test_the_hourly_sweep_frees_a_hold_whose_schedule_never_ran(
    confirming: ApiClient, mailroom: Mailroom, scheduler: Any, clock_at: Any
) -> None:
    answer = book(confirming)
    assert answer.status == 202
    mailroom.new_records()  # the stream never reached the e-mail function: no schedule
    (reference,) = guards()
    assert scheduler.list_schedules(GroupName=GROUP)["Schedules"] == []

    clock_at(datetime(2026, 11, 30, 7, 29, tzinfo=clock.BERLIN))
    mailroom.remind()
    assert booking(reference).status == "pending"  # not yet due: left alone

    clock_at(datetime(2026, 11, 30, 8, 0, tzinfo=clock.BERLIN))
    mailroom.remind()
    assert booking(reference).status == "expired"
    assert int(slot().booked) == 0
    assert int(slot().holds_expired) == 1
    assert guards() == []
    mailroom.remind()  # the next hour finds nothing
    assert int(slot().holds_expired) == 1


def test_pending_bookings_get_no_reminder_and_staff_see_them_as_not_yet_confirmed(
    confirming: ApiClient, mailroom: Mailroom, clock_at: Any
) -> None:
    clock_at(datetime(2026, 11, 30, 15, 50, tzinfo=clock.BERLIN))
    reference, _ = booked_and_mailed(confirming, mailroom)
    clock_at(datetime(2026, 11, 30, 16, 0, tzinfo=clock.BERLIN))  # reminders are due
    run = mailroom.remind()
    assert run["sent"] == 0
    assert booking(reference).status == "pending"

    staff = staff_claims("anna", "oranienburg")
    day = confirming.get("/staff/locations/oranienburg/days/2026-12-01", claims=staff)
    (listed,) = [a for a in day.body["appointments"] if a["reference"] == reference]
    assert listed["status"] == "pending"
    refused = confirming.post(f"/staff/bookings/{reference}/check-in", claims=staff)
    assert (refused.status, refused.error["code"]) == (409, "not_confirmed")


# --- answers that tell nobody who has an appointment -------------------------------------


def test_a_second_booking_by_address_or_household_answers_exactly_like_a_fresh_one(
    confirming: ApiClient, mailroom: Mailroom
) -> None:
    fresh = book(confirming, household_number="12345BG0001234")
    deliver(mailroom)
    (reference,) = guards()[:1]
    seats = int(slot().booked)

    # The same address books another time; then someone else with the same household.
    again = book(confirming, start=WEDNESDAY_10)
    household = book(
        confirming,
        "egon@example.de",
        start=TUESDAY_11,
        name="Egon M.",
        household_number="12345BG0001234",
    )
    # Egon's first booking without the household: a fresh booking of the same address.
    egon_fresh = book(confirming, "egon@example.de", start=TUESDAY_11, name="Egon M.")

    # Alike but for the hold handle, random bytes of the same length and alphabet in
    # each (a sealed one for a seat taken, tests/unit/test_hold_handles.py).
    for answer in (again, household):
        assert alike(answer) == alike(fresh)
    assert alike(household) == alike(egon_fresh)
    # No seat was taken for the two that were refused.
    assert int(slot().booked) == seats
    assert int(slot(WEDNESDAY_10).booked or 0) == 0
    assert int(slot(TUESDAY_11).booked) == 1  # Egon's own, fresh one

    deliver(mailroom)
    to_erika = mails_to(mailroom, "erika@example.de")
    notices = [m for m in to_erika if m["subject"].startswith("Sie haben bereits einen Termin")]
    # A notice per way the person was counted (the address; the household, by Egon's
    # attempt), both about Erika's booking: she gets one e-mail, not two saying the same.
    assert len(notices) == 1
    assert len(list(NoticeItem.scan(NoticeItem.pk.startswith("NOTICE#")))) == 2
    assert reference in notices[0]["text"]
    assert "confirm=1" in notices[0]["text"]  # still pending: the link confirms it
    assert "Dienstag, 1. Dezember 2026" in notices[0]["text"]
    # Egon gets only his own booking's request, nothing about Erika's appointment.
    assert all(reference not in m["text"] for m in mails_to(mailroom, "egon@example.de"))

    # Asked again within ten minutes: the same answer, no further e-mail.
    before = len(mailroom.outbox())
    assert alike(book(confirming, start=WEDNESDAY_10)) == alike(fresh)
    deliver(mailroom)
    assert len(mailroom.outbox()) == before


def test_slot_full_and_slot_unavailable_stay_immediate_409s(confirming: ApiClient) -> None:
    for n in range(2):  # Oranienburg has two desks
        assert book(confirming, f"person{n}@example.de").status == 202
    full = book(confirming, "third@example.de")
    assert (full.status, full.error["code"]) == (409, "slot_full")
    closed = book(confirming, "fourth@example.de", start="2026-12-01T07:00:00+01:00")
    assert (closed.status, closed.error["code"]) == (409, "slot_unavailable")


# --- Termin wiederfinden ----------------------------------------------------------------


def lookup(api: ApiClient, email: str) -> Answer:
    return api.post("/bookings/lookup", json_body={"email": email})


def test_lookup_answers_alike_for_every_address_and_mails_the_owner_once_in_ten_minutes(
    confirming: ApiClient, mailroom: Mailroom, clock_at: Any
) -> None:
    reference, token = booked_and_mailed(confirming, mailroom)
    assert confirm(confirming, reference, token).status == 200
    deliver(mailroom)
    sent = len(mailroom.outbox())

    known = lookup(confirming, "erika+termin@Example.de")  # the same mailbox
    unknown = lookup(confirming, "emil@example.de")  # masked alike: e…@example.de
    assert known.status == 202
    assert (known.status, known.headers, known.body) == (
        unknown.status,
        unknown.headers,
        unknown.body,
    )
    assert known.body == {"email": "e…@example.de"}

    deliver(mailroom)
    new = mailroom.outbox()[sent:]
    assert len(new) == 1
    (found,) = new
    assert "erika@example.de" in found["to"]
    assert found["subject"] == "Ihre Termine im Jobcenter Oberhavel"
    shown_reference, shown_token, fragment = link_in(found)
    assert (shown_reference, shown_token) == (reference, token)
    assert "confirm" not in fragment  # confirmed already: the manage link

    # Again within ten minutes: the same answer, nothing sent.
    assert lookup(confirming, "erika@example.de").body == {"email": "e…@example.de"}
    deliver(mailroom)
    assert len(mailroom.outbox()) == sent + 1
    # Ten minutes later it may be asked for again.
    clock_at(MONDAY_MORNING + timedelta(minutes=10))
    lookup(confirming, "erika@example.de")
    deliver(mailroom)
    assert len(mailroom.outbox()) == sent + 2

    # The notices hold references only, no address, and expire with their quiet period.
    notices = list(NoticeItem.scan(NoticeItem.pk.startswith("NOTICE#")))
    assert all("@" not in json.dumps(n.attribute_values, default=str) for n in notices)


def test_lookup_refuses_what_is_no_address_by_the_field(confirming: ApiClient) -> None:
    answer = lookup(confirming, "not an address")
    assert (answer.status, answer.error["field"]) == (422, "email")


# --- the old flow -----------------------------------------------------------------------


def test_without_confirm_within_minutes_a_booking_counts_at_once(
    api: ApiClient, site: SiteConfig
) -> None:
    assert site.booking.confirm_within is None
    answer = book(api)
    assert answer.status == 201
    assert answer.body["cancel_token"]
    assert booking(answer.body["reference"]).status == "confirmed"
    again = book(api, start=TUESDAY_11)
    assert (again.status, again.error["code"]) == (409, "already_booked")


def test_the_time_to_confirm_is_validated_and_named_by_line(site: SiteConfig) -> None:
    from terminbuchung.config import ConfigError, parse_site_config
    from tests.conftest import SHIPPED_SITE

    shipped = SHIPPED_SITE.read_text(encoding="utf-8")
    assert parse_site_config(shipped).booking.confirm_within == timedelta(minutes=30)
    for wrong in ("-5", "1441", "30.5"):
        text = shipped.replace("confirm_within_minutes = 30", f"confirm_within_minutes = {wrong}")
        with pytest.raises(
            ConfigError, match=r"oberhavel.toml:\d+: booking.confirm_within_minutes"
        ):
            parse_site_config(text, source="oberhavel.toml")
    without = shipped.replace("confirm_within_minutes = 30", "")
    assert parse_site_config(without).booking.confirm_within is None


def test_the_confirming_test_site_is_the_test_site_with_confirmation() -> None:
    from tests.conftest import CONFIRMING_TEST_SITE, TEST_SITE

    def settings(text: str) -> list[str]:
        return [line for line in text.splitlines() if line and not line.startswith("#")]

    confirming = settings(CONFIRMING_TEST_SITE.read_text(encoding="utf-8"))
    assert "confirm_within_minutes = 30" in confirming
    confirming.remove("confirm_within_minutes = 30")
    assert confirming == settings(TEST_SITE.read_text(encoding="utf-8"))


def test_a_slot_closed_before_the_confirmation_is_not_booked_and_expires_on_time(
    confirming: ApiClient, mailroom: Mailroom, confirming_site: SiteConfig, clock_at: Any
) -> None:
    from datetime import date, time

    from terminbuchung import closures

    reference, token = booked_and_mailed(confirming, mailroom)
    closures.close(
        confirming_site,
        "oranienburg",
        date(2026, 12, 1),
        reason="Betriebsversammlung",
        now=MONDAY_MORNING,
        start=time(10, 0),
        end=time(11, 0),
    )
    refused = confirm(confirming, reference, token)
    assert (refused.status, refused.error["code"]) == (409, "slot_unavailable")
    assert booking(reference).status == "pending"
    assert slot().booked_online is None

    clock_at(CONFIRM_BY)
    mailroom.remind()  # the sweep
    assert booking(reference).status == "expired"
    assert guards() == []


# --- round trips, counted where the SDK sends them ---------------------------------------


@pytest.fixture
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    import botocore.client

    sent: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            sent[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return sent


def test_round_trips_of_confirm_lookup_and_a_second_booking(
    confirming: ApiClient, mailroom: Mailroom, dynamodb_calls: Counter[str], clock_at: Any
) -> None:
    reference, token = booked_and_mailed(confirming, mailroom)
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": TUESDAY_11,
        "name": "Erika Mustermann",
        "email": "erika@example.de",
        "altcha": confirming.solved_challenge(),
    }
    dynamodb_calls.clear()
    assert confirming.post("/bookings", json_body=body).status == 202  # holds one already
    assert dynamodb_calls == {"TransactWriteItems": 1, "PutItem": 1}  # + the notice

    dynamodb_calls.clear()
    assert confirm(confirming, reference, token).status == 200
    assert dynamodb_calls == {"GetItem": 1, "TransactWriteItems": 1}
    dynamodb_calls.clear()
    assert confirm(confirming, reference, token).status == 200  # again: read only
    assert dynamodb_calls == {"GetItem": 1}
    dynamodb_calls.clear()
    assert confirm(confirming, reference, token[:-2] + "xx").status == 404
    assert dynamodb_calls == {}  # the token is checked first

    per_address = []
    for address in ("erika@example.de", "nobody@example.de"):
        dynamodb_calls.clear()
        assert lookup(confirming, address).status == 202
        per_address.append(dict(dynamodb_calls))
    # The address's guards (one Query) and the notice, with the proof of work's single use:
    # the same work for an address with bookings and one without.
    assert per_address[0] == per_address[1]
    assert per_address[0]["Query"] == 1
    assert sum(per_address[0].values()) <= 3
