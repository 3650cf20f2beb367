"""The release stops at its deadline and the next run goes on: a first run for many
locations and a long horizon finishes inside the function's timeout, nearest days first."""

import time
from datetime import datetime

from terminbuchung.config import SiteConfig
from terminbuchung.release import release_slots
from terminbuchung.table import SlotItem


def _slots() -> list[SlotItem]:
    return [item for item in SlotItem.scan() if item.sk.startswith("SLOT#")]


def test_a_run_past_its_deadline_stops_and_the_next_run_goes_on(
    aws: None, site: SiteConfig, now: datetime
) -> None:
    stopped = release_slots(site, now, deadline=time.monotonic() - 1)
    assert stopped.unfinished
    assert stopped.created.total() == 0
    assert _slots() == []

    finished = release_slots(site, now, deadline=time.monotonic() + 60)
    assert not finished.unfinished
    assert finished.created.total() > 0
    keys = [item.sk for item in _slots()]
    assert len(keys) == len(set(keys)) == finished.created.total()

    again = release_slots(site, now)
    assert again.created.total() == 0
    assert not again.unfinished
