"""Fair access at the 06:00 release, measured: `make benchmark-fairness`.

Three figures (issue 13, item 4), written to test-artifacts/benchmark-fairness.json:

1. A script's cost per seat: CPU seconds of the client for one booking over HTTP, with and
   without solving the proof of work at the shipped difficulty (and at ALTCHA's default
   of 1,000,000 for comparison). In-process, one core: what a Python script pays.
2. A citizen's wait: how long the booking page's Web Worker takes to solve a puzzle in
   Chromium with the CPU throttled 4x (CDP), median and 95th percentile. The page starts
   when the form opens, so a citizen waits only for what is left after typing.
3. The release rush: CLIENTS clients at once against SEATS seats on DynamoDB Local, of
   which SCRIPTS are scripts that fetch, solve and book as fast as this machine allows
   (each in its own process, a fresh address per booking). Citizens arrive within the
   first seconds, pick a free time and need TYPING seconds for their details; their
   browsers solve on their own phones, so here their puzzles are solved with the stack's
   local key (no CPU of this machine; the server checks them like any other). Once
   without a limit per script, once with the edge's rate rule (WRITES_PER_MINUTE per
   IP address) applied to each script as AWS WAF would.

Figures depend on this machine and on what else runs on it: printed and written, never
asserted by a test. Sizes from the environment, e.g. CLIENTS=200 SEATS=20 for a quick run.
"""

import json
import multiprocessing
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from infra.local.stack import LOCAL_CHALLENGE_KEY
from terminbuchung.config import ProofOfWorkRules, load_site_config
from tests.conftest import SHIPPED_SITE, TEST_SITE
from tests.local_processes import ROOT, dynamodb_local, local_stack
from tests.proof_of_work import payload, solve

ARTIFACTS = ROOT / "test-artifacts"
CLIENTS = int(os.environ.get("CLIENTS", "1000"))
SEATS = int(os.environ.get("SEATS", "100"))
SCRIPTS = int(os.environ.get("SCRIPTS", "5"))
TYPING = (float(os.environ.get("TYPING_MIN", "20")), float(os.environ.get("TYPING_MAX", "60")))
ARRIVAL_S = float(os.environ.get("ARRIVAL_S", "10"))
RUSH_LIMIT_S = float(os.environ.get("RUSH_LIMIT_S", "90"))
WRITES_PER_MINUTE = int(os.environ.get("WRITES_PER_MINUTE", "20"))
BROWSER_PUZZLES = int(os.environ.get("BROWSER_PUZZLES", "30"))
COST_BOOKINGS = int(os.environ.get("COST_BOOKINGS", "20"))


def site_file(folder: Path, *, max_number: int, desks: int | None = None) -> Path:
    """The tests' always-open site with the given difficulty (and seats per slot)."""
    text = TEST_SITE.read_text(encoding="utf-8")
    text = text.replace("max_number = 2000", f"max_number = {max_number}")
    if desks is not None:
        # 08:00-18:00 in 30 minutes: 20 slots a day, `desks` seats each.
        text = text.replace('["04:00-23:30"]', '["08:00-18:00"]').replace(
            "desks = 3", f"desks = {desks}", 1
        )
    path = folder / f"site-{max_number}-{desks}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def body(start: str, altcha: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Bench Mark",
        "email": f"bench-{uuid.uuid4().hex[:12]}@example.de",
    }
    if altcha is not None:
        data["altcha"] = altcha
    return data


def free_slots(base: str, session: requests.Session, day: str | None = None) -> list[str]:
    query = {"from": day, "to": day} if day else {}
    answer = session.get(f"{base}/locations/oranienburg/slots", params=query, timeout=30)
    return [s["start"] for s in answer.json()["slots"] if s["available"] > 0]


def summary(samples: list[float], unit: str = "s", digits: int = 3) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        f"median_{unit}": round(statistics.median(ordered), digits),
        f"p95_{unit}": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], digits),
        f"max_{unit}": round(ordered[-1], digits),
        "n": len(ordered),
    }


# --- 1. a script's CPU seconds per seat -------------------------------------------------


def script_cost(base: str, *, solve_puzzles: bool) -> dict[str, float]:
    """Client CPU and wall time per booking, sequential, for COST_BOOKINGS bookings."""
    session = requests.Session()
    starts = free_slots(base, session)
    cpu, wall = [], []
    for start in starts[:COST_BOOKINGS]:
        # Without proof of work: the booking request alone. The API requires a solution,
        # so it gets one made in advance with the stack's key (no work, not timed).
        altcha = None if solve_puzzles else solved_on_the_phone({"maxnumber": 1000})
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        if solve_puzzles:
            altcha = solve(session.get(f"{base}/challenge", timeout=30).json())
        answer = session.post(f"{base}/bookings", json=body(start, altcha), timeout=30)
        cpu.append(time.process_time() - cpu_before)
        wall.append(time.perf_counter() - wall_before)
        assert answer.status_code in (201, 202), answer.text
    return {
        "cpu_s_per_seat": round(statistics.mean(cpu), 4),
        "wall_s_per_seat": round(statistics.mean(wall), 4),
        "bookings": len(cpu),
    }


def solving_cost(max_number: int, rounds: int = 40) -> dict[str, float]:
    """CPU seconds to solve one puzzle in Python (hashlib, one core), no HTTP."""
    from terminbuchung.proof_of_work import new_challenge

    now = datetime.now(tz=UTC)
    rules = ProofOfWorkRules(max_number=max_number)
    times = []
    for _ in range(rounds):
        puzzle = new_challenge(rules, b"benchmark", now)
        before = time.process_time()
        solve(puzzle)
        times.append(time.process_time() - before)
    return {"max_number": max_number, **summary(times, "cpu_s", 4)}


# --- 2. a citizen's wait in a throttled browser -------------------------------------------


def browser_wait(base: str) -> dict[str, Any]:
    """Solving times in Chromium: the page's own path (fetch, Web Worker) unthrottled, and
    the same solver on the main thread at 1x and 4x CPU throttling (CDP): Chromium
    throttles the page's main thread only, not its workers, so the throttled figure is
    taken where the throttle applies, as a stand-in for a phone's slower CPU."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    results: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base}/", wait_until="load")
        # What the booking step does: prepare() when the form opens, solution() on submit;
        # here submitted at once, so the time is the whole solving time.
        worker_seconds = page.evaluate(
            """async (rounds) => {
                const pow = await import("./terminbuchung/proof-of-work.js");
                const times = [];
                for (let i = 0; i < rounds; i++) {
                    const started = performance.now();
                    pow.prepare();
                    await pow.solution();
                    times.push((performance.now() - started) / 1000);
                }
                return times;
            }""",
            BROWSER_PUZZLES,
        )
        results["page_with_worker_unthrottled"] = summary(worker_seconds)
        page.add_script_tag(url="/terminbuchung/proof-of-work-worker.js")
        cdp = page.context.new_cdp_session(page)
        for rate in (1, 4):
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            seconds = page.evaluate(
                """async (rounds) => {
                    const times = [];
                    for (let i = 0; i < rounds; i++) {
                        const answer = await fetch("/challenge", {cache: "no-store"});
                        const puzzle = await answer.json();
                        const started = performance.now();
                        const number = window.terminbuchungSolve(
                            puzzle.salt, puzzle.challenge, puzzle.maxnumber);
                        times.push([(performance.now() - started) / 1000, number + 1]);
                    }
                    return times;
                }""",
                BROWSER_PUZZLES,
            )
            # The secret number is uniform in 0..max_number: the attempts per second give
            # the expected wait (half the range) and the 95th percentile (95 % of it) with
            # far less noise than a few dozen solving times.
            rates = [attempts / took for took, attempts in seconds if took > 0]
            per_second = statistics.median(rates)
            max_number = load_site_config(SHIPPED_SITE).proof_of_work.max_number
            results[f"solver_cpu_throttled_{rate}x"] = {
                "observed": summary([took for took, _ in seconds]),
                "attempts_per_s": round(per_second),
                "expected_median_s": round(max_number * 0.5 / per_second, 3),
                "expected_p95_s": round(max_number * 0.95 / per_second, 3),
                "worst_case_s": round(max_number / per_second, 3),
            }
        browser.close()
    return results


# --- 3. the release rush ----------------------------------------------------------------


def script_process(
    base: str, day: str, t0: float, stop_at: float, writes_per_minute: int | None, out: Any
) -> None:
    """A script, started before the release and waiting for it: fetch a puzzle, solve it,
    book a free time (at random, so scripts do not collide); again, until no seat is left
    or time is up. Counts its bookings and its CPU."""
    rng = random.Random()  # noqa: S311 - a simulation, not a secret
    session = requests.Session()
    time.sleep(max(0.0, t0 - time.time()))
    booked, attempts = 0, 0
    statuses: dict[str, int] = {}
    sent: list[float] = []
    started = time.process_time()
    while time.time() < stop_at:
        starts = free_slots(base, session, day)
        if not starts:
            break
        if writes_per_minute is not None:
            # The edge's rate rule per IP address: a script that sends more gets 429.
            sent = [t for t in sent if t > time.time() - 60]
            if len(sent) >= writes_per_minute:
                time.sleep(max(0.0, sent[0] + 60 - time.time()))
                continue
            sent.append(time.time())
        altcha = solve(session.get(f"{base}/challenge", timeout=30).json())
        answer = session.post(f"{base}/bookings", json=body(rng.choice(starts), altcha), timeout=30)
        attempts += 1
        code = answer.json().get("error", {}).get("code") or str(answer.status_code)
        statuses[code] = statuses.get(code, 0) + 1
        if answer.status_code in (201, 202):
            booked += 1
    out.put(
        {
            "booked": booked,
            "attempts": attempts,
            "statuses": statuses,
            "cpu_s": time.process_time() - started,
        }
    )


def citizen(base: str, day: str, t0: float, stop_at: float, rng: random.Random) -> bool:
    """A person: opens the page, picks a free time, types for a while, books; tries the
    next free time once if that one went meanwhile."""
    session = requests.Session()
    time.sleep(max(0.0, t0 + rng.uniform(0, ARRIVAL_S) - time.time()))
    starts = free_slots(base, session, day)
    if not starts:
        return False
    puzzle = session.get(f"{base}/challenge", timeout=60).json()
    time.sleep(rng.uniform(*TYPING))
    for _ in range(2):
        if not starts or time.time() > stop_at:
            return False
        answer = session.post(
            f"{base}/bookings",
            json=body(rng.choice(starts), solved_on_the_phone(puzzle)),
            timeout=60,
        )
        if answer.status_code in (201, 202):
            return True
        starts = free_slots(base, session, day)
        puzzle = session.get(f"{base}/challenge", timeout=60).json()
    return False


def solved_on_the_phone(puzzle: dict[str, Any]) -> str:
    """A solution for a citizen, whose phone does the work (not this machine): a puzzle
    like `puzzle`, signed with the local stack's key with a number known in advance. The
    server checks it like any other, also for single use."""
    from altcha.v1 import create_challenge

    own = create_challenge(
        algorithm="SHA-256",
        max_number=int(puzzle["maxnumber"]),
        salt_length=12,
        hmac_key=LOCAL_CHALLENGE_KEY,
        salt="",
        number=0,
        expires=datetime.now(tz=UTC) + timedelta(minutes=5),
        params=None,
    )
    return payload({**own.to_dict(), "maxnumber": own.max_number}, 0)


def rush(base: str, day: str, *, writes_per_minute: int | None) -> dict[str, Any]:
    rng = random.Random(13)  # noqa: S311 - a simulation, not a secret
    # The scripts' processes start (and import) before the release, as a prepared script.
    t0 = time.time() + 5
    stop_at = t0 + RUSH_LIMIT_S
    queue: Any = multiprocessing.get_context("spawn").Queue()
    scripts = [
        multiprocessing.get_context("spawn").Process(
            target=script_process, args=(base, day, t0, stop_at, writes_per_minute, queue)
        )
        for _ in range(SCRIPTS)
    ]
    citizens = CLIENTS - SCRIPTS
    with ThreadPoolExecutor(max_workers=citizens) as pool:
        futures = [
            pool.submit(citizen, base, day, t0, stop_at, random.Random(rng.random()))  # noqa: S311
            for _ in range(citizens)
        ]
        for process in scripts:
            process.start()
        script_results = [queue.get(timeout=RUSH_LIMIT_S + 120) for _ in scripts]
        citizen_results = [f.result() for f in futures]
    for process in scripts:
        process.join()
    gone_after = time.time() - t0
    return {
        "clients": CLIENTS,
        "scripts": SCRIPTS,
        "seats": SEATS,
        "writes_per_minute_per_script": writes_per_minute,
        "seats_to_scripts": sum(r["booked"] for r in script_results),
        "seats_to_citizens": sum(citizen_results),
        "script_attempts": sum(r["attempts"] for r in script_results),
        "script_answers": [r["statuses"] for r in script_results],
        "script_cpu_s": round(sum(r["cpu_s"] for r in script_results), 2),
        "citizens_typing_s": list(TYPING),
        "ended_after_s": round(gone_after, 1),
    }


def rush_scenario(logs: Path, folder: Path, difficulty: int, limit: int | None) -> dict[str, Any]:
    site = site_file(folder, max_number=difficulty, desks=SEATS // 20)
    with (
        dynamodb_local(logs / f"rush-ddb-{limit}.log") as endpoint,
        local_stack(
            logs / f"rush-{limit}.log", site_config=site, dynamodb_endpoint=endpoint
        ) as url,
    ):
        session = requests.Session()
        days = sorted({s[:10] for s in free_slots(url, session)})
        # The day released last, as at 06:00: the one everybody wants.
        day = next(d for d in reversed(days) if len(free_slots(url, session, d)) == 20)
        return rush(url, day, writes_per_minute=limit)


def timed(step: str, call: Callable[[], Any]) -> Any:
    print(f"{step} ...", flush=True)
    started = time.perf_counter()
    result = call()
    print(f"{step}: {time.perf_counter() - started:.1f} s: {json.dumps(result)}", flush=True)
    return result


def main() -> None:
    shipped = load_site_config(SHIPPED_SITE).proof_of_work.max_number
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()},
        "shipped_max_number": shipped,
    }
    logs = Path(tempfile.mkdtemp(prefix="benchmark-fairness-"))
    folder = Path(tempfile.mkdtemp(prefix="benchmark-sites-"))
    only = set(filter(None, os.environ.get("ONLY", "cost,browser,rush").split(",")))

    if "cost" in only:
        results["solving_python"] = [
            timed(f"solving at {n}", lambda n=n: solving_cost(n))  # type: ignore[misc]
            for n in (shipped, 1_000_000)
        ]
        site = site_file(folder, max_number=shipped)
        with (
            dynamodb_local(logs / "ddb.log") as endpoint,
            local_stack(logs / "stack.log", site_config=site, dynamodb_endpoint=endpoint) as base,
        ):
            results["script_per_seat"] = {
                "without_proof_of_work": timed(
                    "booking without", lambda: script_cost(base, solve_puzzles=False)
                ),
                "with_proof_of_work": timed(
                    "booking with", lambda: script_cost(base, solve_puzzles=True)
                ),
            }
    if "browser" in only:
        site = site_file(folder, max_number=shipped)
        with local_stack(logs / "browser.log", site_config=site) as base:
            results["citizen_browser_solving"] = timed("browser", lambda: browser_wait(base))
    if "rush" in only:
        results["release_rush"] = [
            timed("rush", lambda: rush_scenario(logs, folder, shipped, None)),
            timed(
                "rush with the edge's rate rule",
                lambda: rush_scenario(logs, folder, shipped, WRITES_PER_MINUTE),
            ),
        ]
    results["machine"]["load_avg_at_end"] = os.getloadavg()
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "benchmark-fairness.json"
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
