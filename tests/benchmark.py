"""Rerunnable figures: `make benchmark` (python -m tests.benchmark).

Measures, on this machine, the local stack's start-up (as `make dev`, on moto) and, over
HTTP through the local stack on DynamoDB Local: listing and booking latency, and a race
of 50 citizens for one slot of 3 seats. Figures vary with the machine; they are printed
and written to test-artifacts/benchmark.json, never asserted by a test.
"""

import json
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from tests.conftest import SHIPPED_SITE, TEST_SITE
from tests.local_processes import ROOT, dynamodb_local, local_stack


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def book(base: str, start: str) -> requests.Response:
    return requests.post(
        f"{base}/bookings",
        json={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Bench Mark",
            "email": f"bench-{uuid.uuid4().hex[:12]}@example.de",
        },
        timeout=30,
    )


def main() -> None:
    results: dict[str, Any] = {}
    logs = Path(tempfile.mkdtemp(prefix="benchmark-"))

    started = time.perf_counter()
    with local_stack(logs / "dev.log", site_config=SHIPPED_SITE):
        results["make_dev_ready_s"] = round(time.perf_counter() - started, 2)

    with (
        dynamodb_local(logs / "ddb.log") as endpoint,
        local_stack(logs / "stack.log", site_config=TEST_SITE, dynamodb_endpoint=endpoint) as base,
    ):
        listing = [timed(lambda: requests.get(f"{base}/locations/oranienburg/slots", timeout=10))[0]
                   for _ in range(50)]  # fmt: skip
        results["list_slots"] = percentiles(listing)

        slots = requests.get(f"{base}/locations/oranienburg/slots", timeout=10).json()["slots"]
        sequential = []
        for slot in slots[:40]:
            elapsed, answer = timed(lambda start=slot["start"]: book(base, start))
            assert answer.status_code == 201, answer.text
            sequential.append(elapsed)
        results["book_sequential"] = percentiles(sequential)

        races = []
        for slot in slots[-5:]:
            barrier = threading.Barrier(50)

            def attempt(
                _: int, start: str = slot["start"], barrier: threading.Barrier = barrier
            ) -> tuple[float, int]:
                barrier.wait()
                elapsed, answer = timed(lambda: book(base, start))
                return elapsed, answer.status_code

            with ThreadPoolExecutor(max_workers=50) as pool:
                outcome = list(pool.map(attempt, range(50)))
            races.append(
                {
                    "statuses": dict(Counter(status for _, status in outcome)),
                    **percentiles([elapsed for elapsed, _ in outcome]),
                }
            )
        results["race_50_for_3_seats"] = races

    out = ROOT / "test-artifacts" / "benchmark.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
