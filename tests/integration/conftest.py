"""Integration tests: the handlers over HTTP through the local stack, on DynamoDB Local."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import CONFIRMING_TEST_SITE, TEST_SITE

# A fixture: every module of the suite draws from the same slots handed out.
from tests.integration.test_http import fresh_slot  # noqa: F401
from tests.local_processes import dynamodb_local, local_stack


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def dynamodb_endpoint(logs: Path) -> Iterator[str]:
    with dynamodb_local(logs / "dynamodb-local.log") as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def stack_log(logs: Path) -> Path:
    return logs / "local-stack.log"


@pytest.fixture(scope="session")
def base_url(dynamodb_endpoint: str, stack_log: Path) -> Iterator[str]:
    with local_stack(stack_log, site_config=TEST_SITE, dynamodb_endpoint=dynamodb_endpoint) as url:
        yield url


@pytest.fixture(scope="session")
def table(dynamodb_endpoint: str) -> Any:
    """Read the table directly, to check what the API cannot show (seat counts)."""
    return boto3.resource("dynamodb", endpoint_url=dynamodb_endpoint).Table("terminbuchung-local")


@pytest.fixture(scope="session")
def confirming(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, DynamoDB endpoint) of a stack whose bookings wait for the address to be
    confirmed (as `make dev` with Oberhavel's configuration), on a DynamoDB Local of its own:
    its clock moves in tests/integration/test_confirmation.py and must move nothing else."""
    logs = tmp_path_factory.mktemp("confirming")
    with (
        dynamodb_local(logs / "dynamodb-local.log") as endpoint,
        local_stack(
            logs / "stack.log", site_config=CONFIRMING_TEST_SITE, dynamodb_endpoint=endpoint
        ) as url,
    ):
        yield url, endpoint
