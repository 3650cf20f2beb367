"""Records made while the unit scenarios run (tests/unit/table_access.py, api_answers.py).

`make unit` runs the scenarios once with both recording plugins and hands each checking
test its record; a checking test run alone records for itself here.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def record_of_the_scenarios(
    plugin: str, log_variable: str, recorded_variable: str, left_out: list[str], scratch: Path
) -> Path:
    """The record `make unit` made (`recorded_variable`), else one made now by running the
    unit scenarios (without the files `left_out`) with `plugin` writing to `log_variable`."""
    given = os.environ.get(recorded_variable)
    if given:
        return Path(given)
    log = scratch / "record.log"
    ignored = [f"--ignore=tests/unit/{name}" for name in left_out]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", plugin, *ignored, "tests/unit"],
        cwd=ROOT,
        env={**os.environ, log_variable: str(log)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    return log
