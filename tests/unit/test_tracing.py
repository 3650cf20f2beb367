"""Tracing off costs no X-Ray SDK at a cold start; on, every function traces with it."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))

PROBE = """
import sys
sys.path[:0] = [{task!r}, {shared!r}]
import app
recorder_imported = "aws_xray_sdk.core" in sys.modules
print(type(app.tracer.provider).__module__, recorder_imported, app.tracer.disabled)
"""


def _import_handler(function: str, trace_disabled: str) -> list[str]:
    environment = {
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "TABLE_NAME": "tracing-test",
        "POWERTOOLS_SERVICE_NAME": "terminbuchung",
        "POWERTOOLS_TRACE_DISABLED": trace_disabled,
        "PATH": "/usr/bin:/bin",
        # Outside Lambda (no task root) Powertools never traces; here we are "inside".
        "LAMBDA_TASK_ROOT": "/var/task",
    }
    probe = PROBE.format(task=str(ROOT / "functions" / function), shared=str(ROOT / "shared"))
    answer = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=False
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    return answer.stdout.split()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_with_tracing_off_no_function_imports_the_x_ray_recorder(function: str) -> None:
    provider, recorder_imported, disabled = _import_handler(function, "true")
    assert (provider, recorder_imported, disabled) == ("terminbuchung.tracing", "False", "True")


@pytest.mark.parametrize("function", ["book", "send_email", "release_slots"])
def test_with_tracing_on_the_functions_trace_with_the_x_ray_recorder(function: str) -> None:
    provider, recorder_imported, disabled = _import_handler(function, "false")
    assert provider.startswith("aws_xray_sdk")
    assert (recorder_imported, disabled) == ("True", "False")
