"""When new appointments next appear (GET /locations' next_release): the release that opens
a day with appointments, not merely the next release, with the shipped configuration
(Monday to Friday, five days ahead, released at 06:00)."""

import dataclasses
from datetime import datetime

import pytest

from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.releases import next_release
from tests.api_client import ApiClient


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday after the release: Tuesday's opens a Sunday, Wednesday's the next Monday.
        ("2026-11-30T07:00", "2026-12-02T06:00:00+01:00"),
        # Monday before the release: it opens a Saturday; still Wednesday.
        ("2026-11-30T05:59", "2026-12-02T06:00:00+01:00"),
        # Friday after the release: Saturday's release opens Thursday.
        ("2026-12-04T07:00", "2026-12-05T06:00:00+01:00"),
        # Before Christmas: 24 Dec closed, 25 and 26 Dec holidays, then the weekend.
        ("2026-12-18T07:00", "2026-12-23T06:00:00+01:00"),
        # The weekend the clocks go forward (Easter 2027): Sunday's release, in summer time.
        ("2027-03-27T07:00", "2027-03-28T06:00:00+02:00"),
        # The weekend the clocks go back: Sunday's release, in winter time.
        ("2026-10-24T07:00", "2026-10-25T06:00:00+01:00"),
    ],
)
def test_the_next_release_that_opens_a_day_with_appointments(
    site: SiteConfig, now: str, expected: str
) -> None:
    oranienburg = site.location("oranienburg")
    assert oranienburg is not None

    found = next_release(oranienburg, berlin(now))

    assert found is not None
    assert found.isoformat() == expected


def test_a_location_without_opening_hours_has_no_release_to_name(site: SiteConfig) -> None:
    oranienburg = site.location("oranienburg")
    assert oranienburg is not None
    closed = dataclasses.replace(
        oranienburg,
        opening_hours=dataclasses.replace(
            oranienburg.opening_hours,
            **{key: [] for key in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        ),
    )

    assert next_release(closed, berlin("2026-11-30T07:00")) is None


def test_get_locations_tells_the_next_release(api: ApiClient) -> None:
    (oranienburg,) = api.get("/locations").body["locations"]

    # The tests' clock: Monday 30 November 2026, 07:00.
    assert oranienburg["next_release"] == "2026-12-02T06:00:00+01:00"
