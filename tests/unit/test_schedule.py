"""The slot generator and the booking window: examples, then properties over random configs."""

import dataclasses
import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from terminbuchung.booking_window import last_bookable_day
from terminbuchung.clock import BERLIN
from terminbuchung.config import WEEKDAYS, Location, SiteConfig
from terminbuchung.schedule import Closure, public_holiday, slots_on, spread_evenly


def location(**changes: Any) -> Location:
    base: dict[str, Any] = {
        "id": "oranienburg",
        "name": "Servicecenter Oranienburg",
        "address": "Adolf-Dechert-Straße 1, 16515 Oranienburg",
        "enabled": True,
        "services": ["beratung"],
        "opening_hours": {day: ["08:00-12:00"] for day in WEEKDAYS[:5]},
        "slot_minutes": 30,
        "desks": 2,
        "horizon_days": 5,
        "minimum_notice_minutes": 120,
        "release_time": "06:00",
    }
    base.update(changes)
    return TypeAdapter(Location).validate_python(base)


def starts(loc: Location, day: date, closures: list[Closure] | None = None) -> list[str]:
    return [slot.start.isoformat() for slot in slots_on(loc, day, closures or [])]


# --- examples ---------------------------------------------------------------------------


def test_shipped_oranienburg_monday_quota_six_spread_over_the_day(site: SiteConfig) -> None:
    oranienburg = site.location("oranienburg")
    assert oranienburg is not None
    monday = slots_on(oranienburg, date(2026, 11, 30))
    assert [f"{s.start:%H:%M}" for s in monday] == [
        "08:30",
        "09:30",
        "10:30",
        "11:30",
        "13:30",
        "14:30",
    ]
    assert {s.capacity for s in monday} == {2}
    assert all(s.end - s.start == timedelta(minutes=30) for s in monday)


def test_weekend_without_windows_is_closed() -> None:
    assert starts(location(), date(2026, 12, 5)) == []  # Saturday
    assert starts(location(), date(2026, 12, 6)) == []  # Sunday


def test_brandenburg_holidays_are_closed() -> None:
    assert public_holiday(date(2026, 4, 3)) == "Karfreitag"
    assert starts(location(), date(2026, 4, 3)) == []  # Good Friday
    assert starts(location(), date(2026, 4, 6)) == []  # Easter Monday
    assert starts(location(), date(2027, 10, 1)) != []  # an ordinary Friday
    # Reformation Day is a holiday in Brandenburg, not in Berlin next door.
    assert public_holiday(date(2027, 10, 31)) == "Reformationstag"


def test_christmas_eve_and_new_years_eve_close_by_configuration() -> None:
    open_loc = location()
    closing = location(closed_every_year=["12-24", "12-31"], closed_on=["2026-12-28"])
    for day in (date(2026, 12, 24), date(2026, 12, 31), date(2026, 12, 28), date(2027, 12, 24)):
        assert starts(open_loc, day) != []
        assert starts(closing, day) == []


def test_clock_changes_keep_local_times() -> None:
    sundays = location(opening_hours={"sunday": ["01:00-04:00", "08:00-10:00"]})

    spring = starts(sundays, date(2026, 3, 29))
    autumn = starts(sundays, date(2026, 10, 25))

    # 02:00-03:00 does not exist in spring and happens twice in autumn: no slot touches
    # it, not even one ending at 02:00, a time that is skipped or ambiguous.
    assert spring == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T03:30:00+02:00",
        "2026-03-29T08:00:00+02:00",
        "2026-03-29T08:30:00+02:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-29T09:30:00+02:00",
    ]
    assert autumn == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T03:30:00+01:00",
        "2026-10-25T08:00:00+01:00",
        "2026-10-25T08:30:00+01:00",
        "2026-10-25T09:00:00+01:00",
        "2026-10-25T09:30:00+01:00",
    ]
    for slot in slots_on(sundays, date(2026, 10, 25)):
        assert slot.end - slot.start == timedelta(minutes=30)


def test_closures_withdraw_part_of_a_day() -> None:
    meeting = Closure(date(2026, 12, 3), time(9, 0), time(10, 30), "Betriebsversammlung")
    left = starts(location(), date(2026, 12, 3), [meeting])
    assert [s[11:16] for s in left] == ["08:00", "08:30", "10:30", "11:00", "11:30"]
    assert starts(location(), date(2026, 12, 4), [meeting]) != []  # another day


def test_quota_spreads_evenly_rather_than_taking_the_first() -> None:
    assert spread_evenly(list(range(12)), 6) == [1, 3, 5, 7, 9, 11]
    assert spread_evenly(list(range(12)), 1) == [6]
    assert spread_evenly(list(range(5)), 9) == [0, 1, 2, 3, 4]
    assert spread_evenly(list(range(5)), 0) == []
    assert spread_evenly(list(range(5)), None) == [0, 1, 2, 3, 4]


def test_the_horizon_grows_at_release_time() -> None:
    loc = location(horizon_days=5, release_time="06:00")
    before = datetime(2026, 12, 30, 5, 59, tzinfo=BERLIN)
    after = datetime(2026, 12, 30, 6, 0, tzinfo=BERLIN)
    assert last_bookable_day(loc, before) == date(2027, 1, 3)
    assert last_bookable_day(loc, after) == date(2027, 1, 4)


# --- properties -------------------------------------------------------------------------

_STEP = 15  # minutes: windows start and end on quarter hours


@st.composite
def day_hours(draw: st.DrawFn) -> list[str]:
    marks = sorted(draw(st.sets(st.integers(0, 24 * 60 // _STEP - 1), max_size=6)))
    windows = []
    for start, end in zip(marks[::2], marks[1::2], strict=False):
        windows.append(f"{start * _STEP // 60:02}:{start * _STEP % 60:02}-"
                       f"{end * _STEP // 60:02}:{end * _STEP % 60:02}")  # fmt: skip
    return windows


@st.composite
def random_location(draw: st.DrawFn) -> Location:
    hours = {day: draw(day_hours()) for day in WEEKDAYS}
    return location(
        opening_hours=hours,
        slot_minutes=draw(st.sampled_from([10, 15, 20, 30, 45, 60, 90])),
        desks=draw(st.integers(1, 6)),
        daily_quota=draw(st.none() | st.integers(0, 30)),
        closed_every_year=draw(st.lists(st.sampled_from(["12-24", "12-31", "05-08"]))),
    )


days = st.dates(date(2026, 1, 1), date(2028, 12, 31)) | st.sampled_from(
    [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]
)
closures = st.lists(
    st.builds(
        lambda start, length: Closure(date(2026, 1, 1), time(start), time(min(23, start + length))),
        st.integers(0, 22),
        st.integers(1, 6),
    ),
    max_size=2,
)


@settings(max_examples=400, deadline=None)
@given(random_location(), days, closures)
def test_slots_respect_every_rule(loc: Location, day: date, raw_closures: list[Closure]) -> None:
    closures_today = [Closure(day, c.start, c.end) for c in raw_closures]
    slots = slots_on(loc, day, closures_today)

    if public_holiday(day) or loc.is_closed_by_config(day) or not loc.opening_hours.on(day):
        assert slots == []
    if loc.daily_quota is not None:
        assert len(slots) <= loc.daily_quota
    for slot in slots:
        assert slot.start.tzinfo is BERLIN
        assert slot.start.date() == day
        # The offset is Berlin's real one for that instant, and the length is exact.
        assert slot.start.utcoffset() == slot.start.astimezone(BERLIN).utcoffset()
        assert slot.end - slot.start == loc.slot_length
        assert slot.capacity == loc.desks
        assert any(
            w.start <= slot.start.time() and slot.end.time() <= w.end
            for w in loc.opening_hours.on(day)
        )
        assert not any(c.covers(slot.start, slot.end) for c in closures_today)
    for earlier, later in itertools.pairwise(slots):
        assert earlier.end <= later.start  # ordered, and no two overlap


@settings(max_examples=200, deadline=None)
@given(random_location(), days)
def test_without_quota_every_fitting_slot_is_offered(loc: Location, day: date) -> None:
    unlimited = dataclasses.replace(loc, daily_quota=None)
    limited = dataclasses.replace(loc, daily_quota=3)
    everything = slots_on(unlimited, day)
    picked = slots_on(limited, day)
    assert len(picked) == min(3, len(everything))
    assert set(picked) <= set(everything)
    if len(everything) >= 6:
        assert picked[-1] != everything[2]  # spread out: not just the first three


@given(
    st.datetimes(datetime(2026, 1, 1), datetime(2028, 12, 31)),
    st.integers(0, 30),
    st.integers(0, 23),
)
def test_last_bookable_day_is_the_horizon_once_released(
    moment: datetime, horizon: int, release_hour: int
) -> None:
    loc = location(horizon_days=horizon, release_time=f"{release_hour:02}:00")
    now = moment.replace(tzinfo=BERLIN)
    expected = horizon if now.hour >= release_hour else horizon - 1
    assert last_bookable_day(loc, now) == now.date() + timedelta(days=expected)
