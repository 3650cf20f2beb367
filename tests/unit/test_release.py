"""The daily release and the office's closures, against moto."""

import dataclasses
import json
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from infra.local.lambda_runtime import LocalFunction
from infra.ops import cli as ops
from infra.template import Template
from terminbuchung import forms
from terminbuchung import release as release_module
from terminbuchung.bookings import Confirmation, book
from terminbuchung.clock import BERLIN, iso
from terminbuchung.closures import ClosureRefused, close, reopen
from terminbuchung.config import Location, SiteConfig
from terminbuchung.forms import BookingForm, SlotQuery
from terminbuchung.offers import free_slots
from terminbuchung.references import TokenKeys
from terminbuchung.release import release_slots
from terminbuchung.table import BookingItem, GuardItem, SlotItem
from terminbuchung.table import slots as table_slots
from tests.conftest import MONDAY_MORNING, JsonLogs

KEY = TokenKeys(b"test-key")


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every DynamoDB write operation sent, by name."""
    import botocore.client

    counted: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if operation in {
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "TransactWriteItems",
        }:
            counted[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return counted


def with_location(site: SiteConfig, location_id: str, **changes: Any) -> SiteConfig:
    checked = TypeAdapter(Location)
    locations = [
        checked.validate_python({**checked.dump_python(loc), **changes})
        if loc.id == location_id
        else loc
        for loc in site.locations
    ]
    return dataclasses.replace(site, locations=locations)


def slots(location: str = "oranienburg") -> list[SlotItem]:
    return list(SlotItem.query(f"LOC#{location}", SlotItem.sk.startswith("SLOT#")))


def days_of(items: list[SlotItem]) -> Counter[str]:
    return Counter(item.local_start[:10] for item in items)


def form(start: str, email: str = "erika@example.de") -> BookingForm:
    return forms.parse(
        BookingForm,
        {
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Erika Mustermann",
            "email": email,
        },
    )


# --- release ----------------------------------------------------------------------------


def test_first_run_releases_the_horizon_second_run_writes_nothing(
    aws: None, site: SiteConfig, writes: Counter[str]
) -> None:
    first = release_slots(site, MONDAY_MORNING)

    # Monday 07:00, horizon 5: Monday to Saturday; six a day on weekdays.
    assert dict(days_of(slots())) == {
        "2026-11-30": 6,
        "2026-12-01": 6,
        "2026-12-02": 6,
        "2026-12-03": 6,
        "2026-12-04": 6,
    }
    assert first.created.total() == 30
    assert sum(writes.values()) == 30
    assert slots("gransee") == []

    writes.clear()
    second = release_slots(site, MONDAY_MORNING)

    assert second.writes == 0
    assert sum(writes.values()) == 0


def test_the_next_day_opens_at_release_time(aws: None, site: SiteConfig) -> None:
    release_slots(site, MONDAY_MORNING)
    tuesday_0559 = datetime(2026, 12, 1, 5, 59, tzinfo=BERLIN)
    tuesday_0600 = datetime(2026, 12, 1, 6, 0, tzinfo=BERLIN)

    assert release_slots(site, tuesday_0559).writes == 0  # Sunday 6 Dec: nothing to release
    # Monday 7 Dec comes the next day, Wednesday 2 Dec, at 06:00.
    assert release_slots(site, tuesday_0600).writes == 0
    later = release_slots(site, datetime(2026, 12, 2, 6, 0, tzinfo=BERLIN))
    assert dict(later.created) == {("oranienburg", date(2026, 12, 7)): 6}


def test_widening_the_horizon_releases_the_new_days(aws: None, site: SiteConfig) -> None:
    release_slots(site, MONDAY_MORNING)

    wider = release_slots(with_location(site, "oranienburg", horizon_days=10), MONDAY_MORNING)

    assert sorted({day.isoformat() for _, day in wider.created}) == [
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-10",
    ]
    assert wider.created.total() == 4 * 6


def test_enabling_gransee_releases_its_slots(aws: None, site: SiteConfig) -> None:
    release_slots(site, MONDAY_MORNING)

    report = release_slots(with_location(site, "gransee", enabled=True), MONDAY_MORNING)

    # Gransee opens Tuesdays and Thursdays, four slots a day in the test phase.
    assert dict(days_of(slots("gransee"))) == {"2026-12-01": 4, "2026-12-03": 4}
    assert report.created_at("gransee") == 8
    assert report.created_at("oranienburg") == 0


def test_capacity_follows_the_desks_but_never_below_the_seats_booked(
    aws: None, site: SiteConfig
) -> None:
    release_slots(site, MONDAY_MORNING)
    start = "2026-12-01T10:00:00+01:00"
    book(form(start, "a@example.de"), site, MONDAY_MORNING, KEY)
    book(form(start, "b@example.de"), site, MONDAY_MORNING, KEY)

    report = release_slots(with_location(site, "oranienburg", desks=1), MONDAY_MORNING)

    capacities = {item.local_start: (int(item.capacity), int(item.booked)) for item in slots()}
    assert capacities["2026-12-01T10:00"] == (2, 2)  # two citizens keep their seats
    assert capacities["2026-12-01T08:30"] == (1, 0)
    assert report.created.total() == 0
    assert report.resized == 29

    release_slots(with_location(site, "oranienburg", desks=3), MONDAY_MORNING)
    assert {(int(i.capacity), int(i.booked)) for i in slots()} == {(3, 0), (3, 2)}


def test_the_release_never_touches_booked_seats(aws: None, site: SiteConfig) -> None:
    release_slots(site, MONDAY_MORNING)
    book(form("2026-12-01T10:00:00+01:00"), site, MONDAY_MORNING, KEY)

    release_slots(with_location(site, "oranienburg", horizon_days=10), MONDAY_MORNING)
    release_slots(site, MONDAY_MORNING)

    assert sum(int(item.booked) for item in slots()) == 1


def test_two_runs_at_once_never_duplicate_or_reset_a_slot(
    aws: None, site: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run B completes between run A's read of the existing slots and A's first write."""
    create = table_slots.create_slot
    other: list[release_module.ReleaseReport] = []

    def racing(planned: Any, now: datetime) -> bool:
        if not other:
            monkeypatch.setattr(table_slots, "create_slot", create)
            other.append(release_slots(site, now))
            book(
                form("2026-11-30T08:30:00+01:00"),
                site,
                datetime(2026, 11, 30, 6, 1, tzinfo=BERLIN),
                KEY,
            )
            monkeypatch.setattr(table_slots, "create_slot", racing)
        return create(planned, now)

    monkeypatch.setattr(table_slots, "create_slot", racing)
    first = release_slots(site, MONDAY_MORNING)

    assert other[0].created.total() == 30
    assert first.created.total() == 0  # each of its conditional puts found the slot there
    assert len(slots()) == 30
    booked = {item.local_start: int(item.booked) for item in slots()}
    assert booked["2026-11-30T08:30"] == 1  # not reset by the slower run


def test_year_boundary_holidays_and_configured_closures(aws: None, site: SiteConfig) -> None:
    report = release_slots(site, datetime(2026, 12, 30, 7, 0, tzinfo=BERLIN))

    # 31 Dec closed by config, 1 Jan a holiday, then a weekend; Monday 4 Jan opens.
    assert sorted(day.isoformat() for _, day in report.created) == ["2026-12-30", "2027-01-04"]


def test_release_on_the_days_the_clocks_change(aws: None, site: SiteConfig) -> None:
    open_sundays = with_location(
        site,
        "oranienburg",
        opening_hours={"sunday": ["09:00-10:00"]},
        daily_quota=None,
    )
    release_slots(open_sundays, datetime(2026, 3, 27, 7, 0, tzinfo=BERLIN))
    release_slots(open_sundays, datetime(2026, 10, 23, 7, 0, tzinfo=BERLIN))

    starts = sorted(iso(item.starts_at) for item in slots())
    assert starts == [
        "2026-03-29T09:00:00+02:00",
        "2026-03-29T09:30:00+02:00",
        "2026-10-25T09:00:00+01:00",
        "2026-10-25T09:30:00+01:00",
    ]


# --- closures ---------------------------------------------------------------------------


def test_closing_a_booked_day_cancels_its_bookings_and_hides_its_slots(
    aws: None, site: SiteConfig
) -> None:
    release_slots(site, MONDAY_MORNING)
    made = book(form("2026-12-03T10:00:00+01:00"), site, MONDAY_MORNING, KEY)
    other_day = book(form("2026-12-04T10:00:00+01:00", "b@example.de"), site, MONDAY_MORNING, KEY)
    assert isinstance(made, Confirmation)  # the shipped site without confirmation
    assert isinstance(other_day, Confirmation)

    report = close(
        site, "oranienburg", date(2026, 12, 3), reason="Betriebsversammlung", now=MONDAY_MORNING
    )

    assert report.slots_closed == 6
    assert report.bookings_cancelled == [made.reference]
    cancelled = BookingItem.get(f"BOOKING#{made.reference}", "BOOKING")
    assert cancelled.status == "cancelled_by_office"
    assert cancelled.cancel_reason == "Betriebsversammlung"
    assert BookingItem.get(f"BOOKING#{other_day.reference}", "BOOKING").status == "confirmed"
    # The seat and the person's guard are free: the citizen may book another day.
    guards = [g.reference for g in GuardItem.scan(GuardItem.pk.startswith("GUARD#"))]
    assert guards == [other_day.reference]
    listed = free_slots(site, "oranienburg", SlotQuery(), MONDAY_MORNING)
    assert not [s for s in listed if s.start.startswith("2026-12-03")]
    # The release does not bring the closed slots back.
    assert release_slots(site, MONDAY_MORNING).writes == 0
    assert not [
        s
        for s in free_slots(site, "oranienburg", SlotQuery(), MONDAY_MORNING)
        if s.start.startswith("2026-12-03")
    ]


def test_a_closure_ahead_of_the_release_keeps_those_slots_from_appearing(
    aws: None, site: SiteConfig
) -> None:
    close(
        site,
        "oranienburg",
        date(2026, 12, 7),
        reason="Fortbildung",
        now=MONDAY_MORNING,
        start=datetime(2026, 1, 1, 13).time(),
    )
    report = release_slots(with_location(site, "oranienburg", horizon_days=10), MONDAY_MORNING)
    monday = sorted(i.local_start[11:] for i in slots() if i.local_start.startswith("2026-12-07"))
    assert monday == ["08:30", "09:30", "10:30", "11:30"]  # 13:30 and 14:30 closed
    assert report.created[("oranienburg", date(2026, 12, 7))] == 4


def test_reopening_makes_the_slots_bookable_again(aws: None, site: SiteConfig) -> None:
    release_slots(site, MONDAY_MORNING)
    close(site, "oranienburg", date(2026, 12, 3), reason="Stromausfall", now=MONDAY_MORNING)

    assert reopen(site, "oranienburg", date(2026, 12, 3), now=MONDAY_MORNING) == 6

    listed = free_slots(site, "oranienburg", SlotQuery(), MONDAY_MORNING)
    assert len([s for s in listed if s.start.startswith("2026-12-03")]) == 6


@pytest.mark.parametrize(
    ("location", "day", "reason", "message"),
    [
        ("potsdam", date(2026, 12, 3), "x", "unknown location 'potsdam'"),
        ("oranienburg", date(2026, 11, 27), "x", "in the past"),
        ("oranienburg", date(2026, 12, 3), "  ", "give a reason"),
    ],
)
def test_closures_that_make_no_sense_are_refused(
    aws: None, site: SiteConfig, location: str, day: date, reason: str, message: str
) -> None:
    with pytest.raises(ClosureRefused, match=message):
        close(site, location, day, reason=reason, now=MONDAY_MORNING)


# --- the function and the ops command line ----------------------------------------------


def test_release_function_logs_and_measures_per_location_and_day(
    aws: None, now: datetime, json_logs: JsonLogs, capsys: pytest.CaptureFixture[str]
) -> None:
    code_dir, handler = Template().functions()["ReleaseSlotsFunction"]
    scheduled = {"source": "terminbuchung.release-schedule"}  # the schedule's Input

    result = LocalFunction("ReleaseSlotsFunction", code_dir, handler).invoke(scheduled)

    assert result["created"] == 30
    released = [r for r in json_logs.records() if r["message"] == "slots released"]
    assert {(r["location_id"], r["day"], r["count"]) for r in released} == {
        ("oranienburg", f"2026-{d}", 6) for d in ("11-30", "12-01", "12-02", "12-03", "12-04")
    }
    # CloudWatch metrics in embedded metric format, one per open location.
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    per_location = [(m["location"], m["SlotsReleased"]) for m in printed if "SlotsReleased" in m]
    assert per_location == [("oranienburg", [30.0])]


def test_the_release_function_puts_a_slot_back_to_the_configured_desks(
    aws: None, now: datetime, site: SiteConfig
) -> None:
    """Through the handler, as deployed: its role may update slots (dynamodb:UpdateItem on
    LOC#), which resizing needs."""
    code_dir, handler = Template().functions()["ReleaseSlotsFunction"]
    function = LocalFunction("ReleaseSlotsFunction", code_dir, handler)
    scheduled = {"source": "terminbuchung.release-schedule"}
    function.invoke(scheduled)
    changed = slots()[0]
    changed.update(actions=[SlotItem.capacity.set(int(changed.capacity) + 3)])

    result = function.invoke(scheduled)

    assert result["created"] == 0
    desks = {int(item.capacity) for item in slots()}
    assert desks == {site.locations[0].desks}


def test_ops_command_line_closes_and_shows(aws: None, site: SiteConfig, now: datetime) -> None:
    release_slots(site, now)
    book(form("2026-12-03T10:00:00+01:00"), site, now, KEY)

    closed = ops.execute(
        ops.parser().parse_args(
            ["close", "oranienburg", "2026-12-03", "--from", "08:00", "--until", "11:00",
             "--reason", "Betriebsversammlung"]
        )
    )  # fmt: skip
    shown = ops.execute(ops.parser().parse_args(["show", "oranienburg", "--days", "4"]))

    # Thursday's slots: 08:30, 10:00, 11:00, 13:30, 15:00, 16:00; the first two close.
    assert "closed oranienburg on 2026-12-03 08:00-11:00: 2 slots withdrawn" in closed
    assert "Thu 2026-12-03      6     12       0     8       2" in shown
    assert "Mon 2026-11-30      6     12       0    12       0" in shown


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["close", "potsdam", "2026-12-03", "--reason", "x"], "unknown location"),
        (["close", "oranienburg", "2026-11-01", "--reason", "x"], "in the past"),
        (["show", "potsdam"], "unknown location"),
    ],
)
def test_ops_errors_are_clear(aws: None, now: datetime, argv: list[str], message: str) -> None:
    status, answer = ops.run_in_local_stack(argv)
    assert status == 400
    assert message in answer["error"]


@pytest.mark.parametrize(
    "argv",
    [
        ["close", "oranienburg", "2026-12-03", "--reason", "x", "--from", "25:00"],
        ["close", "oranienburg", "3.12.2026", "--reason", "x"],
        ["close", "oranienburg", "2026-12-03"],
    ],
)
def test_ops_malformed_arguments_are_refused_before_anything_runs(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        ops.main(argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err
