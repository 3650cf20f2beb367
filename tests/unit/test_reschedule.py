"""POST /bookings/{reference}/reschedule through real-shaped API Gateway v2 events (moto):
one transaction moves exactly one seat; whatever goes wrong leaves the booking as it was."""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig, load_site_config, site_config
from terminbuchung.table import BookingItem, GuardItem, SlotItem
from terminbuchung.table import bookings as table
from tests.api_client import Answer, ApiClient

TUESDAY_10 = "2026-12-01T10:00:00+01:00"
SHIPPED = Path(__file__).resolve().parents[2] / "shared" / "config" / "oberhavel.toml"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SiteConfig]:
    """The shipped configuration with bookings that count at once: these tests move
    confirmed bookings (a pending one cannot be moved, tested below)."""
    text = re.sub(r"(?m)^confirm_within_minutes = .*$", "", SHIPPED.read_text(encoding="utf-8"))
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SITE_CONFIG", str(path))
    site_config.cache_clear()
    yield load_site_config(path)
    site_config.cache_clear()


def book(api: ApiClient, start: str = TUESDAY_10, email: str = "erika@example.de") -> Any:
    answer = api.post(
        "/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Erika Mustermann",
            "email": email,
        },
    )
    assert answer.status == 201, answer.body
    return answer.body


def reschedule(
    api: ApiClient, made: dict[str, str], start: str, *, key: str | None = None
) -> Answer:
    return api.post(
        f"/bookings/{made['reference']}/reschedule",
        json_body={"token": made["cancel_token"], "start": start},
        headers={"Idempotency-Key": key} if key else None,
    )


def free_starts(api: ApiClient, day: str | None = None) -> list[str]:
    slots = api.get("/locations/oranienburg/slots").body["slots"]
    return [s["start"] for s in slots if day is None or s["start"].startswith(day)]


def slot(start: str) -> SlotItem:
    when = datetime.fromisoformat(start).astimezone(BERLIN)
    return SlotItem.get("LOC#oranienburg", f"SLOT#{when:%Y-%m-%dT%H:%M}")


def stored(made: dict[str, str]) -> BookingItem:
    item = table.load(made["reference"])
    assert item is not None
    return item


def fill(api: ApiClient, start: str) -> None:
    """Book every seat left at `start`."""
    for n in range(slot(start).free_seats):
        book(api, start, f"filler{n}-{start[11:13]}{start[14:16]}@example.de")


def test_a_booking_moves_to_another_time_in_one_step(api: ApiClient) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]

    answer = reschedule(api, made, target)

    assert answer.status == 200, answer.body
    assert answer.body["reference"] == made["reference"]
    assert answer.body["status"] == "confirmed"
    assert answer.body["start"] == target
    assert (
        answer.body["end"] == (datetime.fromisoformat(target) + timedelta(minutes=30)).isoformat()
    )
    assert answer.body["reschedules_left"] == 2
    shown = api.get(
        f"/bookings/{made['reference']}", headers={"X-Booking-Token": made["cancel_token"]}
    ).body
    assert (shown["start"], shown["status"]) == (target, "confirmed")
    # Exactly one seat moved: the old one is free, the new one taken.
    assert int(slot(TUESDAY_10).booked) == 0
    assert int(slot(target).booked) == 1
    item = stored(made)
    assert item.day_key == "DAY#oranienburg#2026-12-03"
    assert item.history
    assert item.history[-1].action == "rescheduled"
    # The person's guard is the same item and now lasts until the new end.
    (guard,) = item.guards
    pk, sk = str(guard).split("|")
    assert GuardItem.get(pk, sk).expires_at == item.ends_at


def test_a_move_is_neither_a_cancellation_nor_a_new_booking_for_the_evaluation(
    api: ApiClient,
) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]

    assert reschedule(api, made, target).status == 200

    old, new = slot(TUESDAY_10), slot(target)
    assert int(old.booked_online or 0) == 1  # booked there, once
    assert int(new.booked_online or 0) == 0
    assert not old.cancelled_by_citizens
    assert not new.cancelled_by_citizens
    assert (int(old.moved_away or 0), int(new.moved_in or 0)) == (1, 1)
    assert new.lead_minutes is None


def test_asking_again_for_the_same_time_moves_nothing_twice(api: ApiClient) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]

    first = reschedule(api, made, target)
    again = reschedule(api, made, target)

    assert (first.status, again.status) == (200, 200)
    assert again.body == first.body
    assert int(stored(made).reschedules or 0) == 1
    assert int(slot(target).booked) == 1


def test_a_full_slot_leaves_the_booking_where_it_was(api: ApiClient) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]
    fill(api, target)
    before = stored(made)

    answer = reschedule(api, made, target)

    assert answer.status == 409
    assert answer.error["code"] == "slot_full"
    assert answer.error["field"] == "start"
    after = stored(made)
    assert (after.starts_at, after.slot, after.reschedules) == (
        before.starts_at,
        before.slot,
        before.reschedules,
    )
    assert int(slot(TUESDAY_10).booked) == 1
    assert int(slot(target).booked) == int(slot(target).capacity)


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("2026-12-05T10:00:00+01:00", "slot_unavailable"),  # Saturday: never released
        ("2026-12-09T10:00:00+01:00", "slot_unavailable"),  # beyond the horizon
        ("2026-11-30T07:30:00+01:00", "slot_unavailable"),  # too soon (two hours' notice)
    ],
)
def test_a_time_outside_the_booking_window_is_refused(
    api: ApiClient, start: str, code: str
) -> None:
    made = book(api)

    answer = reschedule(api, made, start)

    assert (answer.status, answer.error["code"], answer.error["field"]) == (409, code, "start")
    assert stored(made).slot == "SLOT#2026-12-01T10:00"


def test_too_late_once_the_appointment_has_begun(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 10, 5, tzinfo=BERLIN))

    answer = reschedule(api, made, target)

    assert (answer.status, answer.error["code"]) == (409, "too_late")
    assert "verschoben" in answer.error["message"]
    assert stored(made).slot == "SLOT#2026-12-01T10:00"
    assert int(slot(target).booked) == 0


def test_a_booking_moves_at_most_max_reschedules_times(api: ApiClient) -> None:
    made = book(api)
    targets = free_starts(api, "2026-12-03")[:4]

    answers = [reschedule(api, made, target) for target in targets]

    assert [a.status for a in answers] == [200, 200, 200, 409]
    assert answers[-1].error["code"] == "reschedule_limit"
    assert [a.body.get("reschedules_left") for a in answers[:3]] == [2, 1, 0]
    assert stored(made).starts_at == datetime.fromisoformat(targets[2])
    assert sum(int(slot(t).booked) for t in [TUESDAY_10, *targets]) == 1


def test_a_cancelled_or_unconfirmed_booking_cannot_be_moved(api: ApiClient) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]
    item = stored(made)
    # A booking still waiting for the citizen's confirmation (where the site asks for it).
    item.update(actions=[BookingItem.status.set("pending")])

    pending = reschedule(api, made, target)

    assert (pending.status, pending.error["code"]) == (409, "not_yet_confirmed")
    assert "bestätigen" in pending.error["message"]
    item.update(actions=[BookingItem.status.set(BookingItem.CANCELLED)])
    cancelled = reschedule(api, made, target)
    assert (cancelled.status, cancelled.error["code"]) == (409, "not_confirmed")
    assert int(slot(target).booked) == 0


def test_a_wrong_token_looks_like_an_unknown_booking(api: ApiClient) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]

    wrong = reschedule(api, {**made, "cancel_token": "x" * 24}, target)
    unknown = reschedule(api, {**made, "reference": "ZZZZ-ZZZZ"}, target)

    assert wrong.status == unknown.status == 404
    assert wrong.body == unknown.body
    assert stored(made).slot == "SLOT#2026-12-01T10:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2026-12-03T08:00:00+01:00"}, "token"),
        ({"token": "abc"}, "start"),
        ({"token": "abc", "start": "morgen"}, "start"),
        ({"token": "abc", "start": "2026-12-03T08:00:00+01:00", "name": "x"}, "name"),
    ],
)
def test_bad_input_names_the_field(api: ApiClient, body: dict[str, str], field: str) -> None:
    answer = api.post("/bookings/K7QP-3XMA/reschedule", json_body=body)

    assert answer.status == 422
    assert answer.error["field"] == field


@pytest.fixture
def meanwhile(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `competitor` right after the next read of a booking: the other request of a race
    commits between this one's read and its transaction. (moto serialises nothing across
    threads, so races are staged here step by step; DynamoDB Local runs them for real in
    tests/integration/test_reschedule.py.)"""
    read = table.load

    def arrange(competitor: Any) -> None:
        pending = [competitor]

        def load(reference: str) -> BookingItem | None:
            item = read(reference)
            if pending:
                pending.pop()()
            return item

        monkeypatch.setattr(table, "load", load)

    return arrange


def test_two_moves_race_for_the_last_seat_and_one_wins(api: ApiClient, meanwhile: Any) -> None:
    first = book(api, TUESDAY_10, "first@example.de")
    second = book(api, free_starts(api, "2026-12-02")[0], "second@example.de")
    target = free_starts(api, "2026-12-03")[0]
    for n in range(int(slot(target).free_seats) - 1):
        book(api, target, f"other{n}@example.de")
    assert slot(target).free_seats == 1
    second_before = stored(second)
    won: list[Answer] = []
    meanwhile(lambda: won.append(reschedule(api, first, target)))

    lost = reschedule(api, second, target)

    assert won[0].status == 200
    assert (lost.status, lost.error["code"]) == (409, "slot_full")
    second_after = stored(second)
    assert (second_after.slot, second_after.starts_at, second_after.reschedules) == (
        second_before.slot,
        second_before.starts_at,
        second_before.reschedules,
    )
    assert int(slot(second_before.starts_at.isoformat()).booked) == 1
    assert int(slot(target).booked) == int(slot(target).capacity)
    assert int(slot(TUESDAY_10).booked) == 0


def test_a_move_that_loses_to_a_cancellation_changes_nothing(
    api: ApiClient, meanwhile: Any
) -> None:
    made = book(api)
    target = free_starts(api, "2026-12-03")[0]
    cancelled: list[Answer] = []
    meanwhile(
        lambda: cancelled.append(
            api.post(
                f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
            )
        )
    )

    moved = reschedule(api, made, target)

    assert cancelled[0].body["status"] == "cancelled"
    assert (moved.status, moved.error["code"]) == (409, "not_confirmed")
    item = stored(made)
    assert (item.status, item.slot) == (BookingItem.CANCELLED, "SLOT#2026-12-01T10:00")
    assert int(slot(TUESDAY_10).booked) == 0
    assert int(slot(target).booked) == 0


def test_a_cancellation_that_loses_to_a_move_cancels_the_moved_booking(
    api: ApiClient, meanwhile: Any
) -> None:
    made = book(api)
    neighbour = book(api, TUESDAY_10, "neighbour@example.de")  # the old slot keeps a seat
    target = free_starts(api, "2026-12-03")[0]
    moved: list[Answer] = []
    meanwhile(lambda: moved.append(reschedule(api, made, target)))

    cancelled = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )

    assert moved[0].status == 200
    assert (cancelled.status, cancelled.body["status"]) == (200, "cancelled")
    assert stored(made).status == BookingItem.CANCELLED
    # The new seat is free again, and the neighbour's seat in the old slot is untouched.
    assert int(slot(target).booked) == 0
    assert int(slot(TUESDAY_10).booked) == 1
    assert stored(neighbour).status == BookingItem.CONFIRMED


def test_a_cancellation_read_before_a_move_frees_the_new_seat_not_the_old(
    api: ApiClient,
) -> None:
    """Below the use case: a stale booking never frees a seat it no longer holds."""
    made = book(api)
    neighbour = book(api, TUESDAY_10, "neighbour@example.de")  # keeps the old slot's count > 0
    target = free_starts(api, "2026-12-03")[0]
    stale = stored(made)
    assert reschedule(api, made, target).status == 200

    assert table.call_off(stale, BookingItem.CANCELLED, "citizen", clock.now()) is False

    assert int(slot(TUESDAY_10).booked) == 1  # the neighbour's seat is still theirs
    assert int(slot(target).booked) == 1
    assert stored(made).status == BookingItem.CONFIRMED
    assert stored(neighbour).slot == "SLOT#2026-12-01T10:00"
