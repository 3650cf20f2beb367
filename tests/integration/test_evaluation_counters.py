"""The evaluation over HTTP, through the local stack on DynamoDB Local. Its counters change
in the booking's and the cancellation's own transactions, so whatever the race, a slot's
counters equal the bookings and cancellations that succeeded, and a cancellation sent twice
counts once; a member of staff downloads the figures as CSV with their token."""

import csv
import io
import json
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from terminbuchung import evaluation
from terminbuchung.clock import BERLIN
from terminbuchung.config import load_site_config
from terminbuchung.staff_members import StaffMember
from terminbuchung.table import use_table
from terminbuchung.table.slots import slots_between
from tests.conftest import TEST_SITE
from tests.integration.test_http import _handed_out, _lock, book, new_email
from tests.integration.test_staff_auth import sign_in
from tests.local_processes import ROOT

CITIZENS = 50
SLOTS = 5  # of three seats each (the test site's desks): fifteen seats for fifty people
TRIES = 3  # a citizen refused tries again, and may get a seat someone just gave back


@pytest.fixture
def fresh_slots(base_url: str) -> list[str]:
    """Slots no other test has used, all three seats free."""
    slots = requests.get(f"{base_url}/locations/oranienburg/slots", timeout=10).json()["slots"]
    with _lock:
        unused = [s for s in reversed(slots) if s["start"] not in _handed_out]
        free = [s["start"] for s in unused if s["available"] == 3][:SLOTS]
        assert len(free) == SLOTS, "the test site has run out of free slots"
        _handed_out.update(free)
    return free


def slot_item(table: Any, start: str) -> dict[str, Any]:
    local = datetime.fromisoformat(start).astimezone(BERLIN)
    item: dict[str, Any] = table.get_item(
        Key={"pk": "LOC#oranienburg", "sk": f"SLOT#{local:%Y-%m-%dT%H:%M}"}, ConsistentRead=True
    )["Item"]
    return item


def counter(item: dict[str, Any], name: str) -> int:
    return int(item.get(name) or 0)


def cancel(base_url: str, made: dict[str, str]) -> int:
    answer = requests.post(
        f"{base_url}/bookings/{made['reference']}/cancel",
        json={"token": made["cancel_token"]},
        timeout=30,
    )
    return answer.status_code


def test_fifty_bookings_and_cancellations_at_once_leave_the_counters_equal_to_the_bookings(
    base_url: str, fresh_slots: list[str], table: Any
) -> None:
    barrier = threading.Barrier(CITIZENS)
    attempts: Counter[str] = Counter()
    booked: Counter[str] = Counter()
    cancelled: Counter[str] = Counter()
    refusals: Counter[tuple[int, str]] = Counter()
    tally = threading.Lock()

    def citizen(number: int) -> None:
        start = fresh_slots[number % SLOTS]
        barrier.wait()
        for _ in range(TRIES):
            with tally:
                attempts[start] += 1
            answer = book(base_url, start, new_email())
            if answer.status_code == 201:
                break
            with tally:
                refusals[answer.status_code, answer.json()["error"]["code"]] += 1
        else:
            return  # no seat came free in time
        with tally:
            booked[start] += 1
        if number % 3:
            return
        # Every third who got a seat cancels at once, while others still try for one, and
        # their page sends it twice (a double click, a retry).
        with ThreadPoolExecutor(max_workers=2) as twice:
            statuses = list(twice.map(lambda _: cancel(base_url, answer.json()), range(2)))
        assert set(statuses) <= {200, 503}
        if 200 in statuses:
            with tally:
                cancelled[start] += 1

    with ThreadPoolExecutor(max_workers=CITIZENS) as pool:
        list(pool.map(citizen, range(CITIZENS)))

    assert sum(booked.values()) + sum(refusals.values()) == sum(attempts.values())
    assert set(refusals) <= {(409, "slot_full"), (503, "busy")}
    assert sum(booked.values()) >= SLOTS * 3  # every seat was taken at least once
    assert sum(cancelled.values()) >= 1
    for start in fresh_slots:
        item = slot_item(table, start)
        assert counter(item, "booked_online") == booked[start], start
        assert counter(item, "cancelled_by_citizens") == cancelled[start], start
        assert counter(item, "booked_online") - counter(item, "cancelled_by_citizens") == int(
            item["booked"]
        )
        assert int(item["booked"]) <= int(item["capacity"])
        assert len(item.get("lead_minutes") or []) == booked[start]  # one lead per booking
        assert counter(item, "booked_by_phone") == counter(item, "cancelled_by_office") == 0


@pytest.fixture
def local_table(dynamodb_endpoint: str) -> Iterator[None]:
    """The evaluation in this process, reading the local stack's table."""
    use_table("terminbuchung-local", dynamodb_endpoint)
    yield
    use_table("terminbuchung-test")


def test_the_evaluation_reads_the_counters_from_dynamodb_local(
    base_url: str, fresh_slots: list[str], local_table: None
) -> None:
    start = fresh_slots[0]
    made = [book(base_url, start, new_email()) for _ in range(3)]
    assert [answer.status_code for answer in made] == [201, 201, 201]
    assert cancel(base_url, made[0].json()) == 200
    day = date.fromisoformat(start[:10])
    admin = StaffMember(username="chefin", groups=frozenset({"admin"}))

    (figures,) = evaluation.evaluation(load_site_config(TEST_SITE), admin, day, day, "oranienburg")

    # Other tests book on that day too: whatever they did, the day's counters add up.
    slots = list(slots_between("oranienburg", day, day))
    assert figures.day == day
    assert figures.booked_online >= 3
    assert figures.cancelled_by_citizens >= 1
    assert (
        figures.booked_online
        + figures.booked_by_phone
        - figures.cancelled_by_citizens
        - figures.cancelled_by_office
    ) == sum(int(slot.booked) for slot in slots)
    assert figures.seats_released == sum(int(s.capacity) for s in slots if not s.closed_reason)
    assert figures.median_lead_time_hours is not None


@pytest.fixture(scope="module")
def oranienburg_token(base_url: str) -> str:
    staff = requests.get(f"{base_url}/_dev/staff-users", timeout=10).json()
    return sign_in(base_url, staff, "staff-oranienburg")["IdToken"]


def test_staff_download_the_evaluation_as_csv_with_their_token(
    base_url: str, fresh_slots: list[str], oranienburg_token: str
) -> None:
    """As README.md shows: sign in, then curl with the token and Accept: text/csv."""
    start = fresh_slots[0]
    made = [book(base_url, start, new_email()).json() for _ in range(2)]
    assert cancel(base_url, made[0]) == 200
    day = start[:10]
    url = f"{base_url}/staff/reports/evaluation"
    query = {"from": day, "to": day, "location": "oranienburg"}
    bearer = {"Authorization": f"Bearer {oranienburg_token}"}

    answer = requests.get(url, params=query, headers={**bearer, "Accept": "text/csv"}, timeout=30)

    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="Auswertung-{day}-{day}.csv"'
    )
    assert answer.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    header, *rows = csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";")
    assert header[:4] == ["Datum", "Standort", "Plätze freigegeben", "Online gebucht"]
    (row,) = rows
    figures = dict(zip(header, row, strict=True))
    assert (figures["Datum"], figures["Standort"]) == (day, "oranienburg")
    assert int(figures["Online gebucht"]) >= 2
    assert int(figures["Abgesagt (Bürger)"]) >= 1
    assert "," in figures["Auslastung"]  # a decimal comma
    json_answer = requests.get(url, params=query, headers=bearer, timeout=30)
    (as_json,) = json_answer.json()["days"]
    assert str(as_json["booked_online"]) == figures["Online gebucht"]

    gransee = requests.get(url, params={"location": "gransee"}, headers=bearer, timeout=30)
    assert (gransee.status_code, gransee.json()["error"]["code"]) == (403, "forbidden")
    anonymous = requests.get(url, params=query, timeout=30)
    assert anonymous.status_code == 401


def test_the_readmes_evaluation_download_works_as_written(base_url: str, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    sign_in_block = readme.split("Sign in as staff:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    section = readme.split("## The evaluation", 1)[1]
    download = section.split("```sh", 1)[1].split("```", 1)[0]
    script = (sign_in_block + download).replace("localhost:3000", base_url.removeprefix("http://"))

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        cwd=tmp_path,
    )

    decoder = json.JSONDecoder()
    me, end = decoder.raw_decode(done.stdout)
    report, _ = decoder.raw_decode(done.stdout[end:].lstrip())
    assert me["username"] == "staff-oranienburg"
    assert (report["from"], report["to"]) == ("2026-11-01", "2026-11-30")
    saved = (tmp_path / "Auswertung-2026-11-01-2026-11-30.csv").read_bytes()
    assert saved.startswith(b"\xef\xbb\xbfDatum;Standort;Pl\xc3\xa4tze freigegeben;")
