"""A function's module imported as Lambda imports it at a cold start: a fresh interpreter,
the function's directory and the layer's packages on the path, Lambda's environment."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))


def import_as_lambda(function: str, then: str, *, trace_disabled: str = "true") -> str:
    """What `then` (Python run after `import app`, with `sys` imported) prints."""
    environment = {
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "TABLE_NAME": "cold-start-test",
        "POWERTOOLS_SERVICE_NAME": "terminbuchung",
        "POWERTOOLS_TRACE_DISABLED": trace_disabled,
        "PATH": "/usr/bin:/bin",
        # Lambda's own: Powertools traces only there, terminbuchung.cold_start acts only there.
        "LAMBDA_TASK_ROOT": "/var/task",
    }
    task, shared = str(ROOT / "functions" / function), str(ROOT / "shared")
    probe = f"import sys\nsys.path[:0] = [{task!r}, {shared!r}]\nimport app\n{then}"
    answer = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=False
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    return answer.stdout
