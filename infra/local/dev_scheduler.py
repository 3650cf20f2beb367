"""EventBridge Scheduler's one-time schedules, run locally: what AWS does at `at(...)`.

The functions create schedules through boto3 against moto's Scheduler (the local stack is
all AWS in moto, but DynamoDB). A timer looks every quarter second for schedules of the
stack's group that are due by the stack's clock (infra.local.dev_clock, which tests move),
invokes the target function with the schedule's input, and deletes the schedule if its
ActionAfterCompletion says DELETE. A failed invocation stays and is tried again at the
next tick, as Scheduler retries under its RetryPolicy.

    GET  /_dev/scheduler       {"schedules": [...waiting...], "fired": [...]}
    POST /_dev/scheduler/run   fire what is due now; answers what fired
"""

import json
import re
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from infra.local.http_events import Answer, DevRoute, json_answer
from infra.local.lambda_runtime import LocalFunction

ACCOUNT = "123456789012"  # moto's account
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def function_arn(region: str, name: str) -> str:
    """The ARN a function of the local stack is known by (the template's logical name)."""
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def due_at(schedule: Mapping[str, Any]) -> datetime | None:
    """When a one-time schedule fires; None for any other kind (rate, cron)."""
    found = _AT.match(str(schedule.get("ScheduleExpression", "")))
    if not found:
        return None
    zone = ZoneInfo(str(schedule.get("ScheduleExpressionTimezone") or "UTC"))
    return datetime.fromisoformat(found.group(1)).replace(tzinfo=zone)


class DevScheduler:
    def __init__(
        self,
        group: str,
        region: str,
        functions: Mapping[str, LocalFunction],
        gate: AbstractContextManager[Any],
        now: Callable[[], datetime],
    ) -> None:
        import boto3

        self.group = group
        self.client = boto3.client("scheduler", region_name=region)
        self.targets = {function_arn(region, name): f for name, f in functions.items()}
        self.gate = gate
        self.now = now
        self.fired: list[dict[str, Any]] = []
        self._run = threading.Lock()  # one firing round at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def create_group(self) -> None:
        with self.gate:
            self.client.create_schedule_group(Name=self.group)

    def waiting(self) -> list[dict[str, Any]]:
        with self.gate:
            names = [
                s["Name"]
                for page in self.client.get_paginator("list_schedules").paginate(
                    GroupName=self.group
                )
                for s in page["Schedules"]
            ]
            return [self.client.get_schedule(Name=n, GroupName=self.group) for n in names]

    def run_due(self) -> list[dict[str, Any]]:
        """Fire every schedule due by now; what fired (name, time, result or error)."""
        with self._run:
            now = self.now()
            fired = []
            for schedule in self.waiting():
                at = due_at(schedule)
                if at is None or at > now or schedule.get("State") == "DISABLED":
                    continue
                fired.append(self._fire(schedule, now))
            self.fired += fired
            return fired

    def _fire(self, schedule: dict[str, Any], now: datetime) -> dict[str, Any]:
        target = schedule["Target"]
        record: dict[str, Any] = {"name": schedule["Name"], "at": now.isoformat()}
        function = self.targets.get(target["Arn"])
        try:
            if function is None:
                raise LookupError(f"no local function {target['Arn']}")
            with self.gate:
                record["result"] = function.invoke(json.loads(target.get("Input") or "{}"))
        except Exception as error:
            traceback.print_exc()
            record["error"] = type(error).__name__  # kept: tried again at the next tick
            return record
        if schedule.get("ActionAfterCompletion") == "DELETE":
            with self.gate:
                self.client.delete_schedule(Name=schedule["Name"], GroupName=self.group)
        print(f"scheduler -> {schedule['Name']}: {record['result']}", file=sys.stderr, flush=True)
        return record

    def start(self, interval: float = 0.25) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.run_due()
                except Exception:
                    traceback.print_exc()
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def routes(self) -> dict[tuple[str, str], DevRoute]:
        return {
            ("GET", "/_dev/scheduler"): self._list,
            ("POST", "/_dev/scheduler/run"): self._run_now,
        }

    def _list(self, _: bytes) -> Answer:
        waiting = [
            {
                "name": s["Name"],
                "expression": s["ScheduleExpression"],
                "input": s["Target"].get("Input"),
            }
            for s in self.waiting()
        ]
        return json_answer(200, {"schedules": waiting, "fired": self.fired})

    def _run_now(self, _: bytes) -> Answer:
        return json_answer(200, {"fired": self.run_due()})
