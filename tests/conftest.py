"""Fixtures for every test: a fake AWS account, the table from template.yaml, a fixed clock."""

import io
import json
import logging
import os
import tempfile
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
# The tests over HTTP and in the browser that confirm the e-mail address: the always-open
# test site with confirm_within_minutes = 30 (site-test.toml keeps bookings that count at once).
CONFIRMING_TEST_SITE = TESTS / "site-test-confirming.toml"


def _without_confirmation(shipped: Path) -> Path:
    """The shipped configuration with bookings that count at once (confirm_within_minutes
    = 0), the flow most unit tests exercise; the tests of the confirmation use the shipped
    file itself (fixture `confirming_site`)."""
    text = shipped.read_text(encoding="utf-8")
    if "confirm_within_minutes = 30" not in text:
        raise RuntimeError(f"{shipped.name} no longer confirms within 30 minutes: adapt the tests")
    folder = Path(tempfile.mkdtemp(prefix="terminbuchung-site-"))
    direct = folder / "oberhavel-without-confirmation.toml"
    direct.write_text(text.replace("confirm_within_minutes = 30", "confirm_within_minutes = 0"))
    return direct


SHIPPED_SITE_WITHOUT_CONFIRMATION = _without_confirmation(SHIPPED_SITE)
# What the handlers read unless a test says otherwise.
os.environ["SITE_CONFIG"] = str(SHIPPED_SITE_WITHOUT_CONFIRMATION)

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
    """The configuration the Jobcenter ships (Oranienburg open, Gransee not yet), with
    bookings that count at once: what the handlers read too (SITE_CONFIG)."""
    return load_site_config(SHIPPED_SITE_WITHOUT_CONFIRMATION)


@pytest.fixture
def confirming_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[SiteConfig]:
    """The configuration exactly as shipped: online bookings wait 30 minutes for the
    citizen to confirm the e-mail address. The handlers read it too."""
    from terminbuchung.config import site_config

    monkeypatch.setenv("SITE_CONFIG", str(SHIPPED_SITE))
    site_config.cache_clear()
    yield load_site_config(SHIPPED_SITE)
    site_config.cache_clear()


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
