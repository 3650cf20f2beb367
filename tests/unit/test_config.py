"""The site configuration: the shipped file is valid; every mistake names line and field."""

import re
from pathlib import Path

import pytest

from terminbuchung.config import ConfigError, SiteConfig, load_site_config, parse_site_config
from tests.conftest import SHIPPED_SITE, TEST_SITE

SHIPPED = SHIPPED_SITE.read_text(encoding="utf-8")


def broken(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_shipped_configuration_is_valid(site: SiteConfig) -> None:
    oranienburg = site.location("oranienburg")
    assert oranienburg is not None
    assert oranienburg.enabled
    assert oranienburg.horizon_days == 5
    gransee = site.location("gransee")
    assert gransee is not None
    assert not gransee.enabled
    assert [s.id for s in site.services if s.bookable_online] == ["beratung"]
    assert site.booking.max_active_bookings_per_person == 1
    assert site.jobcenter.phone == "03301 601-5500"


def test_the_test_site_is_valid() -> None:
    assert load_site_config(TEST_SITE).locations[0].desks == 3


@pytest.mark.parametrize(
    ("old", "new", "field", "words", "at"),
    [
        (
            'tuesday = ["08:00-12:00", "13:00-17:00"]',
            'tuesday = ["08:00-12:00", "11:00-17:00"]',
            "locations[0].opening_hours.tuesday",
            "overlap",
            "tuesday = [",
        ),
        (
            'friday = ["08:00-12:00"]',
            'friday = ["12:00-08:00"]',
            "locations[0].opening_hours.friday[0]",
            "before it starts",
            "friday = [",
        ),
        (
            'friday = ["08:00-12:00"]',
            'friday = ["8 bis 12"]',
            "locations[0].opening_hours.friday[0]",
            "time window like",
            "friday = [",
        ),
        (
            'friday = ["08:00-12:00"]',
            'fryday = ["08:00-12:00"]',
            "locations[0].opening_hours.fryday",
            "Extra inputs",
            "fryday",
        ),
        (
            "daily_quota = 6",
            "daily_quota = -1",
            "locations[0].daily_quota",
            "greater than",
            "daily_quota = -1",
        ),
        ("desks = 2", "desks = 0", "locations[0].desks", "greater than", "desks = 0"),
        (
            "horizon_days = 5\n",
            "horizon_days = 500\n",
            "locations[0].horizon_days",
            "less than",
            "horizon_days = 500",
        ),
        (
            "release_time = 06:00:00",
            "release_time = 06:30:00",
            "locations[0].release_time",
            "full hour",
            "release_time = 06:30",
        ),
        (
            'closed_every_year = ["12-24", "12-31"]',
            'closed_every_year = ["24.12."]',
            "locations[0].closed_every_year[0]",
            "yearly date",
            'closed_every_year = ["24',
        ),
        (
            'services = ["beratung", "unterlagen"]',
            'services = ["beratung", "yoga"]',
            "locations[0].services[1]",
            "unknown service 'yoga'",
            'services = ["beratung", "yoga"]',
        ),
        (
            'id = "gransee"',
            'id = "oranienburg"',
            "locations[1].id",
            "used twice",
            'id = "oranienburg"\nname = "Servicecenter Gransee"',
        ),
        (
            "duration_minutes = 30",
            "duration_minutes = 45",
            "locations[0].services[0]",
            "longer than a slot",
            'services = ["beratung", "unterlagen"]',
        ),
        (
            'email = "Jobcenter.ALG2@oberhavel.de"\n',
            "",
            "jobcenter.email",
            "Field required",
            "[jobcenter]",
        ),
    ],
)
def test_mistakes_name_the_line_and_the_field(
    old: str, new: str, field: str, words: str, at: str
) -> None:
    text = broken(old, new)

    with pytest.raises(ConfigError) as raised:
        parse_site_config(text, source="oberhavel.toml")

    message = str(raised.value)
    assert words in message
    found = re.search(rf"oberhavel\.toml:(\d+): {re.escape(field)}: ", message)
    assert found, message
    # The line of the mistake itself, or of its table for a key that is missing.
    assert int(found.group(1)) == line_of(text, at), message


def test_not_toml_at_all() -> None:
    with pytest.raises(ConfigError, match=r"oberhavel\.toml: not valid TOML"):
        parse_site_config("[jobcenter\nname = 1", source="oberhavel.toml")


def test_a_missing_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read site configuration"):
        load_site_config(tmp_path / "nope.toml")
