"""Each function's `dynamodb:LeadingKeys` cover what its scenarios do to the table, and no more.

moto does not enforce IAM, so the unit scenarios alone cannot show that a restricted role
still lets a function work. tests/unit/table_access.py records, while the unit scenarios run
the handlers, every DynamoDB request each function sends, as IAM authorizes it: (action,
table or index, the partition key's prefix), a transaction per item. Here that record is
compared with the roles of the transformed template: every grant on the table or its index
is restricted by `dynamodb:LeadingKeys`, and the (action, resource, prefix) a function is
granted are exactly those its scenarios use. A path no scenario takes is not granted.

`make unit` records while it runs the unit tests and then runs this file with
TABLE_ACCESS_RECORDED naming the record; run alone, this file runs the scenarios itself.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.template import Template
from tests.unit.recording import record_of_the_scenarios
from tests.unit.test_least_privilege import DAY_INDEX, TABLE, effective_permissions

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = {TABLE: "table", DAY_INDEX: "index/by-location-day"}
# Files that run no handler against the table: left out when this file records alone.
NO_TABLE_SCENARIOS = [
    "test_table_access.py",
    "test_least_privilege.py",
    "test_deploy_rehearsal.py",
    "test_api_fuzz.py",
    "test_layer.py",
    "test_static_site.py",
]

Access = tuple[str, str, str]  # action, resource, prefix


def _read(path: Path) -> dict[str, set[Access]]:
    accesses: dict[str, set[Access]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        function, action, resource, prefix = json.loads(line)
        accesses.setdefault(function, set()).add((action, resource, prefix))
    return accesses


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[Access]]:
    log = record_of_the_scenarios(
        "tests.unit.table_access",
        "TABLE_ACCESS_LOG",
        "TABLE_ACCESS_RECORDED",
        NO_TABLE_SCENARIOS,
        tmp_path_factory.mktemp("table-access"),
    )
    return _read(log)


def _leading_keys(function: str, condition: str) -> Iterator[str]:
    when = json.loads(condition) if condition else {}
    patterns = when.get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
    assert patterns, f"{function}: a grant on the table without dynamodb:LeadingKeys"
    for pattern in patterns:
        assert pattern.endswith("#*"), pattern
        assert "*" not in pattern[:-1], pattern
        yield pattern[:-1]


@pytest.fixture(scope="module")
def granted() -> dict[str, set[Access]]:
    table_grants: dict[str, set[Access]] = {}
    for function, permissions in effective_permissions(Template()).items():
        accesses = table_grants.setdefault(function, set())
        for action, resource, condition in permissions.grants:
            if not action.startswith("dynamodb:"):
                continue
            assert resource in RESOURCES, f"{function}: {action} on {resource}"
            for prefix in _leading_keys(function, condition):
                accesses.add((action.removeprefix("dynamodb:"), RESOURCES[resource], prefix))
    return table_grants


def test_every_function_of_the_template_is_compared(
    granted: dict[str, set[Access]], recorded: dict[str, set[Access]]
) -> None:
    assert set(recorded) <= set(granted), "a function the template does not have"


def test_no_function_needs_a_scan(recorded: dict[str, set[Access]]) -> None:
    """A Scan cannot be restricted by its keys: no function may need one."""
    scans = {f for f, accesses in recorded.items() for a in accesses if a[0] == "Scan"}
    assert scans == set()


@pytest.mark.parametrize(
    "function",
    sorted(
        name
        for name, resource in Template().document["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    ),
)
def test_the_leading_keys_granted_are_the_ones_the_scenarios_use(
    granted: dict[str, set[Access]], recorded: dict[str, set[Access]], function: str
) -> None:
    have, used = granted[function], recorded.get(function, set())
    assert sorted(used - have) == [], "used by a scenario but not granted: denied in AWS"
    assert sorted(have - used) == [], "granted but no scenario uses it"
