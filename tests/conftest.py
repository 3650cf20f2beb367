"""Fixtures for every test: a fake AWS account, the table from template.yaml, a fixed clock."""

import io
import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

# The fake account and the test table: read by the settings on first use, whenever that is.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "TABLE_NAME": "terminbuchung-test",
        "TOKEN_KEY": "test-key",
        "CHALLENGE_KEY": "test-challenge-key",
        "POWERTOOLS_SERVICE_NAME": "terminbuchung",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Terminbuchung",
    }
)
os.environ.pop("DYNAMODB_ENDPOINT", None)

import boto3
import pytest
from moto import mock_aws

from infra.template import Template
from terminbuchung import clock
from terminbuchung.config import SiteConfig, load_site_config
from terminbuchung.table import use_table

TESTS = Path(__file__).resolve().parent
TEST_SITE = TESTS / "site-test.toml"
SHIPPED_SITE = TESTS.parent / "shared" / "config" / "oberhavel.toml"

# Monday 30 November 2026, 07:00 in Oranienburg: before the office opens.
MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=clock.BERLIN)


def create_table(name: str, endpoint: str | None = None) -> None:
    """The table exactly as template.yaml defines it."""
    template = Template()
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    client.create_table(**template.table(name))
    if attribute := template.ttl_attribute():
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
        )


@pytest.fixture
def aws() -> Iterator[None]:
    """moto's in-memory AWS with the booking table."""
    with mock_aws():
        create_table(os.environ["TABLE_NAME"])
        use_table(os.environ["TABLE_NAME"])
        yield


@pytest.fixture
def site() -> SiteConfig:
    """The configuration the Jobcenter ships (Oranienburg open, Gransee not yet)."""
    return load_site_config(SHIPPED_SITE)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Freeze the clock the handlers read at Monday morning."""
    monkeypatch.setattr(clock, "now", lambda: MONDAY_MORNING)
    return MONDAY_MORNING


class JsonLogs:
    """What the handlers and the domain log, as the JSON objects Powertools writes."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@pytest.fixture
def json_logs() -> Iterator[JsonLogs]:
    """Capture every log line of the `terminbuchung` service, formatted as in Lambda."""
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    Logger()  # make sure the service logger exists with its formatter
    logs = JsonLogs()
    handler = logging.StreamHandler(logs.stream)
    handler.setFormatter(LambdaPowertoolsFormatter())
    service = logging.getLogger("terminbuchung")
    service.addHandler(handler)
    try:
        yield logs
    finally:
        service.removeHandler(handler)
