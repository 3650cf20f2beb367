"""The local stack's clock, which tests may move: what `terminbuchung.clock.now` answers
for every function of the stack, and what the local scheduler fires one-time schedules by.

    GET  /_dev/clock   {"now", "offset_seconds", "frozen"}
    POST /_dev/clock   {"advance_seconds": 1800}   moves it on (or back, if negative)
                       {"now": "2026-12-01T10:35:00+01:00"}   sets it
                       {"frozen": true}   stops it where it is (false: runs on from there)
                       {"reset": true}    the real time again

Token times (Cognito, the local authorizer) stay on the real clock: they agree with each
other, and a moved clock must not sign anyone out.
"""

import json
import threading
from datetime import datetime, timedelta
from typing import Any

from infra.local.http_events import Answer, DevRoute, json_answer


class DevClock:
    def __init__(self) -> None:
        from terminbuchung import clock

        self._clock = clock
        self._real = clock.now  # what was installed before (a start offset, say)
        self._offset = timedelta(0)
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def install(self) -> None:
        self._clock.now = self.now

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return self._real() + self._offset

    def change(self, request: dict[str, Any]) -> None:
        """Apply one request of POST /_dev/clock (see the module's description)."""
        current = self.now()
        with self._lock:
            if request.get("reset"):
                self._offset, self._frozen = timedelta(0), None
                return
            if "now" in request:
                target = datetime.fromisoformat(str(request["now"]))
                if target.tzinfo is None:
                    raise ValueError("now needs an offset, e.g. +01:00")
                current = target
            if "advance_seconds" in request:
                current = current + timedelta(seconds=float(request["advance_seconds"]))
            frozen = bool(request.get("frozen", self._frozen is not None))
            self._frozen = current if frozen else None
            self._offset = current - self._real()

    def state(self) -> dict[str, Any]:
        now = self.now()
        return {
            "now": now.isoformat(timespec="seconds"),
            "offset_seconds": round(self._offset.total_seconds(), 3),
            "frozen": self._frozen is not None,
        }

    def routes(self) -> dict[tuple[str, str], DevRoute]:
        return {("GET", "/_dev/clock"): self._get, ("POST", "/_dev/clock"): self._post}

    def _get(self, _: bytes) -> Answer:
        return json_answer(200, self.state())

    def _post(self, body: bytes) -> Answer:
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise ValueError("expected a JSON object")
            self.change(request)
        except (ValueError, TypeError) as error:
            return json_answer(400, {"error": str(error)})
        return json_answer(200, self.state())
