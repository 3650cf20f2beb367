"""The release and the ops command line against DynamoDB Local, AWS's own engine."""

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest

from infra.ops import cli as ops
from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.release import ReleaseReport, release_slots
from terminbuchung.table import SlotItem, use_table
from tests.conftest import create_table

MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN)


@pytest.fixture
def race_table(dynamodb_endpoint: str) -> Iterator[str]:
    """A table of its own, so the races do not disturb the local stack's table."""
    name = f"release-race-{uuid.uuid4().hex[:8]}"
    create_table(name, dynamodb_endpoint)
    use_table(name, dynamodb_endpoint)
    yield name
    use_table("terminbuchung-test")


@pytest.mark.parametrize("round_", range(5))
def test_two_releases_at_once_create_each_slot_once(
    race_table: str, site: SiteConfig, round_: int
) -> None:
    reports: list[ReleaseReport] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        reports.append(release_slots(site, MONDAY))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    items = list(SlotItem.query("LOC#oranienburg", SlotItem.sk.startswith("SLOT#")))
    assert len(items) == 30
    assert len({item.sk for item in items}) == 30
    assert sum(report.created.total() for report in reports) == 30
    assert {(int(item.capacity), int(item.booked)) for item in items} == {(2, 0)}


def test_ops_show_against_dynamodb_and_through_the_local_stack(
    base_url: str,
    dynamodb_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TABLE_NAME", "terminbuchung-local")  # the local stack's table
    today = f"{datetime.now(BERLIN):%a %Y-%m-%d}"

    assert ops.main(["--dynamodb-endpoint", dynamodb_endpoint, "show", "oranienburg"]) == 0
    direct = capsys.readouterr().out
    assert ops.main(["--local", base_url, "show", "oranienburg"]) == 0
    through_stack = capsys.readouterr().out

    assert today in direct
    assert direct.splitlines()[:3] == through_stack.splitlines()[:3]
    use_table("terminbuchung-test")


def test_ops_reports_a_missing_local_stack(capsys: pytest.CaptureFixture[str]) -> None:
    assert ops.main(["--local", "http://127.0.0.1:9", "show"]) == 2
    assert "no local stack at http://127.0.0.1:9" in capsys.readouterr().err
