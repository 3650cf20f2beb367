"""Run Lambda handlers in this process the way Lambda does.

Each function gets warm "execution environments": separately imported copies of its
module, each serving one invocation at a time, as many as there are concurrent requests.
Handlers therefore see the same module-level state as in AWS (cold start, then reuse),
and concurrent requests reach the database concurrently, as they would in AWS.
"""

import importlib.util
import itertools
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "shared"  # what Lambda mounts at /opt/python

if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))


class LambdaContext:
    """The attributes of Lambda's context object that Powertools and handlers read."""

    def __init__(self, function_name: str, memory_mb: int = 512, timeout_s: int = 10) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:eu-central-1:000000000000:function:{function_name}"
        )
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LocalFunction:
    """One Lambda function: its code directory and a pool of warm environments."""

    _loads = itertools.count()

    def __init__(self, name: str, code_dir: Path, handler: str = "app.lambda_handler") -> None:
        self.name = name
        self.code_dir = code_dir
        self.module_name, self.function_name = handler.rsplit(".", 1)
        self._idle: list[Callable[[dict[str, Any], Any], Any]] = []
        self._lock = threading.Lock()

    def _cold_start(self) -> Callable[[dict[str, Any], Any], Any]:
        path = self.code_dir / f"{self.module_name}.py"
        unique = f"_lambda_{self.name}_{next(self._loads)}"
        spec = importlib.util.spec_from_file_location(unique, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"no handler module at {path}")
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[unique] = module
        spec.loader.exec_module(module)
        handler: Callable[[dict[str, Any], Any], Any] = getattr(module, self.function_name)
        return handler

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._lock:
            handler = self._idle.pop() if self._idle else None
        if handler is None:
            handler = self._cold_start()
        try:
            return handler(event, LambdaContext(self.name))
        finally:
            with self._lock:
                self._idle.append(handler)
