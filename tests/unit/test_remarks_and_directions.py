"""Issue 12, item 4: the citizen's "Anmerkungen" (stored with the booking's personal data,
shown to staff, never logged) and each location's map link and entrance notes (validated
by the site configuration, given by GET /locations, told in the e-mails)."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from terminbuchung.config import ConfigError, SiteConfig, load_site_config
from terminbuchung.table import BookingItem
from tests.api_client import ApiClient
from tests.conftest import SHIPPED_SITE, JsonLogs
from tests.unit.test_api import book
from tests.unit.test_office import ANNA, TUESDAY

REMARK = "Ich bringe eine Dolmetscherin mit (Arabisch) und brauche einen stufenlosen Zugang."
ORANIENBURG_MAP = (
    "https://www.openstreetmap.org/?mlat=52.75286&mlon=13.24107#map=18/52.75286/13.24107"
)


def stored(reference: str) -> BookingItem:
    return BookingItem.get(f"BOOKING#{reference}", "BOOKING")


# --- Anmerkungen ------------------------------------------------------------------------


def test_a_remark_is_stored_with_the_booking_and_shown_to_staff(api: ApiClient) -> None:
    made = book(api, remarks=f"  {REMARK}  ")
    assert made.status == 201, made.body

    item = stored(made.body["reference"])
    assert item.remarks == REMARK
    # Kept as long as the rest of the personal data, and gone with it (TTL).
    assert item.expires_at == item.ends_at + timedelta(days=30)

    day = api.get(f"/staff/locations/oranienburg/days/{TUESDAY}", claims=ANNA)
    assert day.status == 200, day.body
    (appointment,) = [a for a in day.body["appointments"] if a["reference"] == item.reference]
    assert appointment["remarks"] == REMARK


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_remark_is_no_remark(api: ApiClient, empty: Any) -> None:
    made = book(api, remarks=empty)
    assert made.status == 201, made.body
    assert stored(made.body["reference"]).remarks is None


def test_a_remark_of_more_than_500_characters_is_refused_naming_the_field(
    api: ApiClient,
) -> None:
    assert book(api, remarks="x" * 500).status == 201

    answer = book(api, remarks="x" * 501, email="max@example.de")

    assert answer.status == 422, answer.body
    assert answer.body["error"]["field"] == "remarks"
    assert answer.body["error"]["message"] == (
        "Bitte kürzen Sie Ihre Anmerkungen auf höchstens 500 Zeichen."
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "Dolmetscher\u202egnuhcsnaP",  # right-to-left override
        "Rollstuhl\u200b",  # zero-width space
        "Dolmetscher\x00",
        "Hilfe\x1b[31m",
        "Zugang \u2066isoliert\u2069",
    ],
)
def test_hostile_characters_in_a_remark_are_refused(api: ApiClient, hostile: str) -> None:
    answer = book(api, remarks=hostile)

    assert answer.status == 422, answer.body
    assert answer.body["error"]["field"] == "remarks"
    assert answer.body["error"]["message"] == (
        "Bitte verwenden Sie nur Buchstaben, Ziffern und Satzzeichen."
    )


def test_line_breaks_in_a_remark_become_spaces(api: ApiClient) -> None:
    made = book(api, remarks="Dolmetscher\r\nRollstuhl\tbitte")
    assert made.status == 201, made.body
    assert stored(made.body["reference"]).remarks == "Dolmetscher Rollstuhl bitte"


def test_a_remark_is_never_logged(api: ApiClient, json_logs: JsonLogs) -> None:
    made = book(api, remarks="Dolmetscherin Quellenbergisch")
    assert made.status == 201
    refused = book(api, remarks="Quellenbergisch\u202e", email="max@example.de")
    assert refused.status == 422

    assert made.body["reference"] in json_logs.text
    assert "Quellenbergisch" not in json_logs.text


# --- map link and entrance notes ------------------------------------------------------


def test_get_locations_gives_the_map_link_and_the_way_in(api: ApiClient) -> None:
    (oranienburg,) = api.get("/locations").body["locations"]

    assert oranienburg["map_url"] == ORANIENBURG_MAP
    assert oranienburg["access_notes"].startswith("Eingang über den Hof, barrierefrei mit Aufzug")


def test_gransee_has_its_map_link_and_notes_ready_for_when_it_opens(site: SiteConfig) -> None:
    gransee = site.location("gransee")
    assert gransee is not None
    assert gransee.map_url
    assert gransee.map_url.startswith("https://www.openstreetmap.org/")
    assert gransee.access_notes


def _with_map_link(tmp_path: Path, link: str) -> Path:
    text = SHIPPED_SITE.read_text(encoding="utf-8")
    assert ORANIENBURG_MAP in text
    changed = tmp_path / "site.toml"
    changed.write_text(text.replace(ORANIENBURG_MAP, link, 1), encoding="utf-8")
    return changed


@pytest.mark.parametrize(
    "link",
    [
        "http://www.openstreetmap.org/?mlat=52.75&mlon=13.24",
        "https://maps.example.com/?q=openstreetmap.org",
        "https://openstreetmap.org.example.com/",
        "https://www.openstreetmap.org@example.com/",
        "https://www.openstreetmap.org:8443/",
        "javascript:alert(1)//openstreetmap.org",
        "https://www.openstreetmap.org/ node",
        "https://www.openstreetmap.org/\u202e",
    ],
)
def test_a_map_link_that_is_not_https_on_openstreetmap_is_refused_naming_the_line(
    tmp_path: Path, link: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_site_config(_with_map_link(tmp_path, link))

    assert "locations[0].map_url" in str(refused.value)
    assert "site.toml:" in str(refused.value)


def test_a_map_link_on_openstreetmap_without_www_is_accepted(tmp_path: Path) -> None:
    link = "https://openstreetmap.org/node/1234"
    location = load_site_config(_with_map_link(tmp_path, link)).location("oranienburg")
    assert location is not None
    assert location.map_url == link
