"""Requests measured inside one process on DynamoDB Local, AWS's own engine: the handlers
exactly as Lambda calls them (tests.api_client builds the API Gateway events), against the
same work done with raw boto3, interleaved; DynamoDB round trips counted where the SDK
sends them; the release's first run and re-run at 5 days x 1 location and 180 x 10.

The benchmark site (`bench_site`) is the tests' always-open site with locations that open
08:00-17:00 every day (18 slots of 30 minutes, 3 desks): one day lists 18 slots, 14 days
252.
"""

import copy
import json
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.local_processes import ROOT

TEST_SITE = ROOT / "tests" / "site-test.toml"
# Thursday 3 December 2026, 06:00 in Berlin: before any slot of the day begins.
BENCH_NOW = datetime.fromisoformat("2026-12-03T06:00:00+01:00")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def bench_site(locations: int, horizon_days: int, desks: int = 3) -> Path:
    """The tests' site file with `locations` locations open 08:00-17:00 every day."""
    text = TEST_SITE.read_text(encoding="utf-8")
    head = text[: text.index("[[locations]]")]
    blocks = []
    for n in range(1, locations + 1):
        hours = "\n".join(f'{day} = ["08:00-17:00"]' for day in WEEKDAYS)
        blocks.append(
            f'[[locations]]\nid = "standort{n:02d}"\nname = "Standort {n}"\n'
            f'address = "Straße {n}, 16515 Oranienburg"\nenabled = true\n'
            f'services = ["beratung", "unterlagen"]\nslot_minutes = 30\ndesks = {desks}\n'
            f"horizon_days = {horizon_days}\nminimum_notice_minutes = 0\n"
            f"release_time = 00:00:00\n\n[locations.opening_hours]\n{hours}\n"
        )
    folder = Path(tempfile.mkdtemp(prefix="bench-site-"))
    path = folder / f"bench-{locations}x{horizon_days}.toml"
    path.write_text(head + "\n".join(blocks), encoding="utf-8")
    return path


class Calls:
    """DynamoDB operations the SDK sent while counting, by name."""

    def __init__(self) -> None:
        import botocore.client

        self.sent: Counter[str] = Counter()
        # Request units DynamoDB reported (ReturnConsumedCapacity), for the cost.
        self.units: dict[str, float] = {"read": 0.0, "write": 0.0}
        # The last request of each operation as sent (to replay it with raw boto3).
        self.last: dict[str, dict[str, Any]] = {}
        self._original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]
        calls = self

        def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if client.meta.service_model.service_name != "dynamodb":
                return calls._original(client, operation, params)
            calls.sent[operation] += 1
            calls.last[operation] = copy.deepcopy(params)
            if operation in _READS | _WRITES:
                params = {**params, "ReturnConsumedCapacity": "TOTAL"}
            answer = calls._original(client, operation, params)
            consumed = answer.get("ConsumedCapacity") if isinstance(answer, dict) else None
            for part in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
                kind = "read" if operation in _READS else "write"
                calls.units[kind] += float(part.get("CapacityUnits", 0))
            return answer

        botocore.client.BaseClient._make_api_call = counting  # type: ignore[attr-defined]

    def during(self, call: Callable[[], Any]) -> dict[str, int]:
        self.sent.clear()
        self.units = {"read": 0.0, "write": 0.0}
        call()
        return dict(self.sent)

    def units_of(self, call: Callable[[], Any]) -> dict[str, float]:
        self.during(call)
        return {"read": self.units["read"], "write": self.units["write"]}


_READS = {"Query", "GetItem", "TransactGetItems", "Scan"}
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def _environment(endpoint: str, table: str, site: Path) -> None:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "eu-central-1",
            "AWS_DEFAULT_REGION": "eu-central-1",
            "TABLE_NAME": table,
            "DYNAMODB_ENDPOINT": endpoint,
            "SITE_CONFIG": str(site),
            "TOKEN_KEY": "bench-key",
            "CHALLENGE_KEY": "bench-challenge-key",
            "POWERTOOLS_SERVICE_NAME": "terminbuchung",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Terminbuchung",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )


@contextmanager
def on_table(endpoint: str, site: Path) -> Iterator[str]:
    """A fresh table on DynamoDB Local, the handlers and the clock pointed at it."""
    from terminbuchung import clock
    from terminbuchung.config import site_config
    from terminbuchung.table import use_table
    from tests.conftest import create_table

    table = f"bench-{uuid.uuid4().hex[:8]}"
    _environment(endpoint, table, site)
    create_table(table, endpoint)
    use_table(table, host=endpoint)
    site_config.cache_clear()
    real_now = clock.now
    clock.now = lambda: BENCH_NOW
    try:
        yield table
    finally:
        clock.now = real_now


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _interleaved(ours: Callable[[], Any], raw: Callable[[], Any], rounds: int) -> dict[str, Any]:
    for _ in range(5):  # warm both: clients, caches, the JIT of DynamoDB Local
        ours()
        raw()
    mine, theirs = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        ours()
        mine.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw()
        theirs.append(time.perf_counter() - started)
    return {
        "handler_ms": _median_ms(mine),
        "raw_boto3_ms": _median_ms(theirs),
        "ratio": round(statistics.median(mine) / statistics.median(theirs), 2),
    }


def requests_in_process(endpoint: str, rounds: int = 200) -> dict[str, Any]:
    """Round trips per request and warm ratios against raw boto3 (list at 18 and 252
    slots, book)."""
    import boto3

    from terminbuchung.config import site_config
    from terminbuchung.release import release_slots
    from tests.api_client import ApiClient, staff_claims

    site_file = bench_site(locations=1, horizon_days=30, desks=100)
    results: dict[str, Any] = {}
    with on_table(endpoint, site_file) as table:
        release_slots(site_config(), BENCH_NOW)
        api = ApiClient()
        calls = Calls()
        raw = boto3.client("dynamodb", endpoint_url=endpoint)
        location = "standort01"
        day = BENCH_NOW.date() + timedelta(days=1)

        def listing(days: int) -> Callable[[], Any]:
            query = {"from": day.isoformat(), "to": (day + timedelta(days=days - 1)).isoformat()}

            def call() -> Any:
                answer = api.get(f"/locations/{location}/slots", query=query)
                assert answer.status == 200, answer.body
                return answer.body["slots"]

            return call

        def raw_listing(days: int) -> Callable[[], Any]:
            last = day + timedelta(days=days - 1)

            def call() -> Any:
                return raw.query(
                    TableName=table,
                    KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :b",
                    ExpressionAttributeValues={
                        ":pk": {"S": f"LOC#{location}"},
                        ":a": {"S": f"SLOT#{day.isoformat()}"},
                        ":b": {"S": f"SLOT#{last.isoformat()}~"},
                    },
                )["Items"]

            return call

        warm: dict[str, Any] = {}
        for days in (1, 14):
            listed = len(listing(days)())
            warm[f"list_{listed}_slots"] = {
                "slots": listed,
                **_interleaved(listing(days), raw_listing(days), rounds),
            }

        starts = [slot["start"] for slot in listing(14)()]
        solved = [api.solved_challenge() for _ in range(2 * rounds + 40)]
        api_answers: list[dict[str, Any]] = []

        def booking() -> Callable[[], Any]:
            def call() -> Any:
                form = {
                    "location": location,
                    "service": "beratung",
                    "start": starts[len(solved) % len(starts)],  # spread over the slots
                    "name": "Bench Mark",
                    "email": f"bench-{uuid.uuid4().hex[:12]}@example.de",
                    "altcha": solved.pop(),
                }
                answer = api.post("/bookings", json_body=form)
                assert answer.status in (201, 202), answer.body
                api_answers.append(answer.body)
                return answer.body

            return call

        def raw_booking() -> Callable[[], Any]:
            # The same four writes as a booking: the slot's counter under its condition,
            # the booking, the person's guard and the spent puzzle, each new.
            made = iter(range(10**6))

            def call() -> Any:
                reference = uuid.uuid4().hex[:8].upper()
                start = datetime.fromisoformat(starts[next(made) % len(starts)])
                start_key = f"{start:%Y-%m-%dT%H:%M}"
                return raw.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": table,
                                "Key": {
                                    "pk": {"S": f"LOC#{location}"},
                                    "sk": {"S": f"SLOT#{start_key}"},
                                },
                                "UpdateExpression": "SET booked = booked + :one",
                                "ConditionExpression": "booked < #capacity",
                                "ExpressionAttributeNames": {"#capacity": "capacity"},
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        },
                        {
                            "Put": {
                                "TableName": table,
                                "Item": {
                                    "pk": {"S": f"BOOKING#{reference}"},
                                    "sk": {"S": "BOOKING"},
                                    "status": {"S": "confirmed"},
                                    "name": {"S": "Bench Mark"},
                                    "email": {"S": f"{reference}@example.de"},
                                },
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": table,
                                "Item": {
                                    "pk": {"S": f"GUARD#{reference}"},
                                    "sk": {"S": "ACTIVE#1"},
                                    "reference": {"S": reference},
                                },
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": table,
                                "Item": {
                                    "pk": {"S": f"CHALLENGE#{reference}"},
                                    "sk": {"S": "USED"},
                                },
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )

            return call

        def replayed_booking() -> Callable[[], Any]:
            # The very transaction a booking sends (its items, attributes and conditions),
            # recorded once and sent again by raw boto3 with fresh keys: what is left
            # between the two is our code's own time, not a difference of work in DynamoDB.
            calls.during(booking())
            made = booking_sent()
            made_reference = api_answers[-1]["reference"]
            made_start = api_answers[-1]["start"]
            replays = iter(range(10**6))

            def call() -> Any:
                fresh = uuid.uuid4().hex[:8].upper()
                text = json.dumps(made).replace(made_reference, f"{fresh[:4]}-{fresh[4:]}")
                items = json.loads(text)["TransactItems"]
                start = datetime.fromisoformat(starts[next(replays) % len(starts)])
                for item in items:
                    if "Put" in item:
                        key = item["Put"]["Item"]["pk"]
                        key["S"] = f"{key['S']}#{fresh}"
                    elif "Update" in item and item["Update"]["Key"]["sk"]["S"].startswith("SLOT#"):
                        # Another slot each time (a slot has 100 seats), its own start in
                        # the condition that the seat is of the slot booked.
                        seat = item["Update"]
                        seat["Key"]["sk"]["S"] = f"SLOT#{start:%Y-%m-%dT%H:%M}"
                        for value in seat["ExpressionAttributeValues"].values():
                            if value == {"S": made_start}:
                                value["S"] = start.isoformat()
                return raw.transact_write_items(TransactItems=items)

            return call

        def booking_sent() -> dict[str, Any]:
            sent = calls.last["TransactWriteItems"]
            assert {"Update", "Put"} <= {kind for item in sent["TransactItems"] for kind in item}
            return {"TransactItems": sent["TransactItems"]}

        warm["book"] = _interleaved(booking(), replayed_booking(), rounds)
        # Against four small writes (a 5-attribute booking, plain conditions), as measured
        # before: adds what our items and conditions cost DynamoDB Local itself.
        warm["book_vs_four_small_writes"] = _interleaved(booking(), raw_booking(), rounds)
        results["warm"] = warm

        made = booking()()
        reference, token = made.get("reference"), made.get("cancel_token")
        trips: dict[str, Any] = {
            "list": calls.during(listing(1)),
            "book": calls.during(booking()),
        }
        if reference and token:
            trips["show"] = calls.during(
                lambda: api.get(f"/bookings/{reference}", headers={"x-booking-token": token})
            )
            trips["show_wrong_token"] = calls.during(
                lambda: api.get(f"/bookings/{reference}", headers={"x-booking-token": "A" * 43})
            )
            trips["cancel"] = calls.during(
                lambda: api.post(f"/bookings/{reference}/cancel", json_body={"token": token})
            )
        trips["staff_day"] = calls.during(
            lambda: api.get(
                f"/staff/locations/{location}/days/{day.isoformat()}",
                claims=staff_claims("bench", location),
            )
        )
        trips["release_re_run_1_location"] = calls.during(
            lambda: release_slots(site_config(), BENCH_NOW)
        )
        results["round_trips"] = trips
        results["capacity_units"] = {
            "list": calls.units_of(listing(1)),
            "book": calls.units_of(booking()),
        }
    return results


def release_runs(endpoint: str, large: bool = True) -> dict[str, Any]:
    """First run and re-run of the release, each on a fresh table."""
    from terminbuchung.config import site_config
    from terminbuchung.release import release_slots

    runs: dict[str, Any] = {}
    for locations, days in ((1, 5), (10, 180)) if large else ((1, 5),):
        with on_table(endpoint, bench_site(locations=locations, horizon_days=days)):
            site = site_config()
            started = time.perf_counter()
            first = release_slots(site, BENCH_NOW)
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            again = release_slots(site, BENCH_NOW)
            again_s = time.perf_counter() - started
            runs[f"{days}_days_x_{locations}_locations"] = {
                "slots_created": first.created.total(),
                "first_run_s": round(first_s, 2),
                "re_run_s": round(again_s, 2),
                "re_run_created": again.created.total(),
            }
    return runs
