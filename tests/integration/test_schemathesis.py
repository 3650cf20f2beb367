"""Schemathesis, a property-based fuzzer nobody here wrote, tries every operation of
docs/openapi.json against the local stack on DynamoDB Local (a stack of its own: the
bookings it makes must not take the slots other tests draw).

Phases: the document's examples, coverage (boundary values, other methods), fuzzing
(positive and negative data) and stateful sequences along the document's links (book →
show, calendar, confirm, reschedule, cancel; the office's booking → check-in, no-show, undo,
resend, cancel). Checks: no 5xx, every status documented, every body and header as
documented, the content types. A fixed seed and example budget keep the run the same and
about two minutes long on two cores. The hooks (schemathesis_hooks.py) solve the proof of
work and pick free slots for part of the writes.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infra.openapi import DOCUMENT
from infra.template import ROOT
from tests.conftest import TEST_SITE
from tests.integration.test_staff_auth import sign_in
from tests.local_processes import dynamodb_local, local_stack

SEED = 20261125
EXAMPLES_PER_OPERATION = 20
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "content_type_conformance",
)


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("schemathesis")
    with (
        dynamodb_local(logs / "dynamodb-local.log") as endpoint,
        local_stack(logs / "stack.log", site_config=TEST_SITE, dynamodb_endpoint=endpoint) as url,
    ):
        yield url


def test_schemathesis_finds_nothing_in_any_operation(fuzzed_stack: str, tmp_path: Path) -> None:
    staff = requests.get(f"{fuzzed_stack}/_dev/staff-users", timeout=10).json()
    token = sign_in(fuzzed_stack, staff, "staff-admin")["IdToken"]
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        str(DOCUMENT),
        f"--url={fuzzed_stack}",
        f"--seed={SEED}",
        f"--max-examples={EXAMPLES_PER_OPERATION}",
        "--phases=examples,coverage,fuzzing,stateful",
        f"--checks={','.join(CHECKS)}",
        "--generation-database=none",
        "--workers=2",
        "--no-color",
        # The staff routes with an admin's token (every location); the public ones ignore it.
        f"--header=Authorization: Bearer {token}",
        f"--report-junit-path={tmp_path / 'schemathesis.xml'}",
    ]
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.integration.schemathesis_hooks",
        "TERMINBUCHUNG_BASE_URL": fuzzed_stack,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "shared")]),
    }
    run = subprocess.run(
        command,
        check=False,
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "23 selected / 23 total" in output, output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅  {phase}" in output, output
    print(output[output.find("Examples (in") :])  # the phases and their counts, with pytest -s


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND"])
def test_any_method_gets_the_apis_answer_not_the_servers_501(base_url: str, method: str) -> None:
    """Schemathesis' first finding: http.server answered methods it has no do_ for with an
    HTML 501; API Gateway's $default route takes any method."""
    answer = requests.request(method, f"{base_url}/bookings", timeout=10)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
