"""`make dev` as ops use it: edit the site configuration, release again, see the new days."""

from datetime import datetime, timedelta
from pathlib import Path

import requests

from terminbuchung.clock import BERLIN
from tests.conftest import TEST_SITE
from tests.local_processes import local_stack


def days_offered(base: str) -> set[str]:
    slots = requests.get(f"{base}/locations/oranienburg/slots", timeout=10).json()["slots"]
    return {slot["start"][:10] for slot in slots}


def test_a_wider_horizon_in_the_config_file_shows_after_the_next_release(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(TEST_SITE.read_text(encoding="utf-8"), encoding="utf-8")
    today = datetime.now(BERLIN).date()
    horizon = [f"{today + timedelta(days=n)}" for n in range(8)]

    with local_stack(tmp_path / "stack.log", site_config=site) as base:
        assert days_offered(base) <= set(horizon[:6])
        assert horizon[5] in days_offered(base)  # the test site opens every day

        site.write_text(site.read_text().replace("horizon_days = 5", "horizon_days = 7", 1))
        released = requests.post(f"{base}/_dev/release", timeout=30).json()

        assert released["created"] > 0
        assert {horizon[6], horizon[7]} <= days_offered(base)
        again = requests.post(f"{base}/_dev/release", timeout=30).json()
        assert again["created"] == 0
