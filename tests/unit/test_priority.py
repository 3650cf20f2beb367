"""Issue 12, item 6: after an office cancellation a new appointment with priority, once.

The shipped Oranienburg releases 6 of Tuesday's 16 half hours (daily_quota, spread
evenly: 08:30, 10:00, 11:00, 13:30, 15:00, 16:00); 08:00 stays unreleased. With the
cancelled booking's reference and token a citizen may book such a time (one seat, capacity
1) or any released slot with a free seat, once. Handlers through API Gateway events on moto.
"""

from typing import Any

import pytest

from terminbuchung.config import SiteConfig
from terminbuchung.references import cancel_token, token_keys
from terminbuchung.table import BookingItem, SlotItem
from terminbuchung.table.priorities import UsedPriorityItem
from tests.api_client import Answer, ApiClient
from tests.unit.test_api import book
from tests.unit.test_office import ANNA, TUESDAY, TUESDAY_10, slot

UNRELEASED = "2026-12-01T08:00:00+01:00"  # in the plan, kept back by the daily quota
RELEASED = ["08:30", "10:00", "11:00", "13:30", "15:00", "16:00"]
OFF_PLAN = "2026-12-01T12:00:00+01:00"  # lunch: in no plan


def office_cancels(api: ApiClient, made: dict[str, str]) -> None:
    answer = api.post(
        f"/staff/bookings/{made['reference']}/cancel",
        json_body={"reason": "Erkrankung"},
        claims=ANNA,
    )
    assert answer.status == 200, answer.body


def with_priority(api: ApiClient, claim: dict[str, str], start: str, **changes: Any) -> Answer:
    return book(
        api,
        start=start,
        email=changes.pop("email", "erika.neu@example.de"),
        priority_for={"reference": claim["reference"], "token": claim["cancel_token"]},
        **changes,
    )


@pytest.fixture
def cancelled(api: ApiClient) -> dict[str, str]:
    """An online booking the office cancelled: its reference and token are the claim."""
    made = book(api, start=TUESDAY_10).body
    office_cancels(api, made)
    return dict(made)


def public_starts(api: ApiClient) -> list[str]:
    slots = api.get("/locations/oranienburg/slots").body["slots"]
    return [s["start"][11:16] for s in slots if s["start"].startswith(TUESDAY)]


def refused_as_invalid(answer: Answer) -> None:
    assert answer.status == 409, answer.body
    assert answer.body["error"]["code"] == "priority_invalid"
    assert answer.body["error"]["field"] == "priority_for"
    assert "Vorrang" in answer.body["error"]["message"]


def test_the_daily_quota_keeps_eight_o_clock_unreleased(api: ApiClient) -> None:
    assert public_starts(api) == RELEASED
    assert book(api, start=UNRELEASED).status == 409  # without priority: not bookable


def test_priority_books_one_seat_the_quota_kept_back_once(
    api: ApiClient, cancelled: dict[str, str]
) -> None:
    made = with_priority(api, cancelled, UNRELEASED)

    assert made.status == 201, made.body
    opened = slot(UNRELEASED)
    assert (opened.capacity, opened.booked, opened.booked_online) == (1, 1, 1)
    # One seat for this citizen: the public list still shows only what the quota released.
    assert public_starts(api) == RELEASED
    mark = UsedPriorityItem.get(f"PRIORITY#{cancelled['reference']}", "USED")
    assert mark.reference == made.body["reference"]

    again = with_priority(api, cancelled, "2026-12-01T09:00:00+01:00", email="x@example.de")
    refused_as_invalid(again)
    assert SlotItem.count("LOC#oranienburg", SlotItem.sk.startswith("SLOT#2026-12-01T09:00")) == 0


def test_priority_may_take_a_released_slot_too_and_is_then_used(
    api: ApiClient, cancelled: dict[str, str]
) -> None:
    made = with_priority(api, cancelled, "2026-12-01T11:00:00+01:00")
    assert made.status == 201, made.body

    refused_as_invalid(with_priority(api, cancelled, UNRELEASED, email="y@example.de"))
    assert SlotItem.count("LOC#oranienburg", SlotItem.sk.startswith("SLOT#2026-12-01T08:00")) == 0


@pytest.mark.parametrize(
    "wrong",
    [
        {"cancel_token": "A" * 43},  # a wrong token
        {"reference": "ABCD-2345"},  # the token with another reference
    ],
)
def test_a_wrong_token_is_refused_and_nothing_written(
    api: ApiClient, cancelled: dict[str, str], wrong: dict[str, str]
) -> None:
    answer = with_priority(api, {**cancelled, **wrong}, UNRELEASED)

    refused_as_invalid(answer)
    assert SlotItem.count("LOC#oranienburg", SlotItem.sk.startswith("SLOT#2026-12-01T08:00")) == 0
    assert UsedPriorityItem.count(f"PRIORITY#{cancelled['reference']}") == 0


def test_a_booking_the_citizen_cancelled_gives_no_priority(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    own = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )
    assert own.status == 200

    refused_as_invalid(with_priority(api, made, UNRELEASED))


def test_a_booking_still_standing_gives_no_priority(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body

    refused_as_invalid(with_priority(api, made, UNRELEASED))


def test_priority_never_exceeds_a_slot_s_capacity_and_stays_unused(
    api: ApiClient, cancelled: dict[str, str]
) -> None:
    # Oranienburg has 2 desks: 10:00 is full after two more bookings.
    assert book(api, start=TUESDAY_10, email="a@example.de").status == 201
    assert book(api, start=TUESDAY_10, email="b@example.de").status == 201

    full = with_priority(api, cancelled, TUESDAY_10)

    assert full.status == 409, full.body
    assert full.body["error"]["code"] == "slot_full"
    assert (slot(TUESDAY_10).capacity, slot(TUESDAY_10).booked) == (2, 2)
    # The refused booking left the priority unused.
    assert with_priority(api, cancelled, UNRELEASED).status == 201


def test_an_unreleased_seat_opened_by_priority_is_not_opened_twice(
    api: ApiClient, cancelled: dict[str, str]
) -> None:
    assert with_priority(api, cancelled, UNRELEASED).status == 201
    second = book(api, start=TUESDAY_10, email="zwei@example.de").body
    office_cancels(api, second)

    answer = with_priority(api, second, UNRELEASED, email="zwei.neu@example.de")

    assert answer.status == 409, answer.body
    assert answer.body["error"]["code"] == "slot_full"
    assert (slot(UNRELEASED).capacity, slot(UNRELEASED).booked) == (1, 1)


@pytest.mark.parametrize(
    "start",
    [
        OFF_PLAN,  # not in the opening hours
        "2026-12-08T08:00:00+01:00",  # a Tuesday beyond the five days' horizon
        "2026-11-30T08:00:00+01:00",  # within the two hours' notice
        "2026-12-01T08:10:00+01:00",  # not a slot's start
    ],
)
def test_priority_never_opens_a_time_outside_the_plan_or_the_window(
    api: ApiClient, cancelled: dict[str, str], start: str
) -> None:
    answer = with_priority(api, cancelled, start)

    assert answer.status == 409, answer.body
    assert answer.body["error"]["code"] == "slot_unavailable"
    assert UsedPriorityItem.count(f"PRIORITY#{cancelled['reference']}") == 0
    assert with_priority(api, cancelled, UNRELEASED).status == 201  # still unused


def test_priority_never_opens_a_time_the_office_closed(
    api: ApiClient, cancelled: dict[str, str]
) -> None:
    closure = {"day": TUESDAY, "from": "08:00", "until": "08:30", "reason": "Dienstbesprechung"}
    closed = api.post("/staff/locations/oranienburg/closures", json_body=closure, claims=ANNA)
    assert closed.status in (200, 201), closed.body

    answer = with_priority(api, cancelled, UNRELEASED)

    assert answer.status == 409, answer.body
    assert answer.body["error"]["code"] == "slot_unavailable"


def test_priority_of_another_location_s_booking_is_refused(
    api: ApiClient, cancelled: dict[str, str], site: SiteConfig
) -> None:
    item = BookingItem.get(f"BOOKING#{cancelled['reference']}", "BOOKING")
    item.update(actions=[BookingItem.location.set("gransee")])

    refused_as_invalid(with_priority(api, cancelled, UNRELEASED))


def test_priority_waits_for_the_confirmation_like_any_online_booking(
    api: ApiClient, confirming_site: SiteConfig
) -> None:
    made = book(api, start=TUESDAY_10, email="fest@example.de")
    # With confirmation the first booking is pending; confirm it through its token.
    assert made.status == 202, made.body
    (item,) = [i for i in BookingItem.scan() if i.email == "fest@example.de"]
    token = cancel_token(item.reference, token_keys().current)
    confirmed = api.post(f"/bookings/{item.reference}/confirm", json_body={"token": token})
    assert confirmed.status == 200, confirmed.body
    claim = {"reference": item.reference, "cancel_token": token}
    office_cancels(api, claim)

    answer = with_priority(api, claim, UNRELEASED)

    assert answer.status == 202, answer.body
    assert (slot(UNRELEASED).capacity, slot(UNRELEASED).booked) == (1, 1)
    assert UsedPriorityItem.count(f"PRIORITY#{item.reference}") == 1


def test_the_slot_list_with_priority_adds_the_times_the_quota_kept_back(
    api: ApiClient, cancelled: dict[str, str]
) -> None:
    plain = api.get("/locations/oranienburg/slots").body
    assert "priority_slots" not in plain

    listed = api.get("/locations/oranienburg/slots", query={"priority": "1"}).body

    tuesday = [s["start"][11:16] for s in listed["priority_slots"] if s["start"][:10] == TUESDAY]
    half_hours = [f"{h:02d}:{m:02d}" for h in (8, 9, 10, 11, 13, 14, 15, 16) for m in (0, 30)]
    assert tuesday == [t for t in half_hours if t not in RELEASED]
    assert all(s["available"] == 1 for s in listed["priority_slots"])
    assert [s["start"] for s in listed["slots"]] == [s["start"] for s in plain["slots"]]

    assert with_priority(api, cancelled, UNRELEASED).status == 201
    again = api.get("/locations/oranienburg/slots", query={"priority": "1"}).body
    assert UNRELEASED not in [s["start"] for s in again["priority_slots"]]
