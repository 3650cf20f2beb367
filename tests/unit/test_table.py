"""The table package: what it relies on in PynamoDB and moto, and what it promises above."""

import json
import subprocess
import sys
from datetime import datetime
from typing import Any

import boto3
import pytest

from infra.template import Template
from terminbuchung.clock import BERLIN
from terminbuchung.table import BookingItem, GuardItem, SentMailItem, SlotItem
from terminbuchung.table.attributes import BerlinTimeAttribute
from terminbuchung.table.keys import (
    BOOKING_PREFIX,
    MAIL_QUOTA_PREFIX,
    NOTICE_PREFIX,
    SENT_MAIL_PREFIX,
)
from terminbuchung.table.transaction import Transaction, TransactionFailed
from tests.api_client import ApiClient
from tests.conftest import TESTS
from tests.unit.test_api import book


def test_cancellation_reasons_reach_the_label_of_their_item_whatever_the_order_added(
    aws: None,
) -> None:
    """Fails if PynamoDB stops sending checks, deletes, puts and updates in that order."""
    later = datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)
    for name in ("updated", "put", "deleted", "checked"):
        GuardItem(f"GUARD#{name}", "ACTIVE#0", reference=name, expires_at=later).save()

    transaction = Transaction()
    # Added in the reverse of the order PynamoDB sends them in.
    transaction.update(
        "update",
        GuardItem("GUARD#updated", "ACTIVE#0"),
        [GuardItem.reference.set("x")],
        condition=GuardItem.reference == "not this",
    )
    transaction.put(
        "put",
        GuardItem("GUARD#put", "ACTIVE#0", reference="y", expires_at=later),
        GuardItem.pk.does_not_exist(),
    )
    transaction.delete(
        "delete", GuardItem("GUARD#deleted", "ACTIVE#0"), GuardItem.reference == "not this"
    )
    # The one condition that holds: a label out of place would show a failure here.
    transaction.check("check", GuardItem, ("GUARD#checked", "ACTIVE#0"), GuardItem.pk.exists())
    with pytest.raises(TransactionFailed) as failed:
        transaction.commit()

    reasons = failed.value
    assert all(reasons.failed(label) for label in ("update", "put", "delete"))
    assert not reasons.failed("check")
    update_item = reasons.raw_item("update")
    put_item = reasons.raw_item("put")
    assert update_item is not None
    assert update_item["pk"] == {"S": "GUARD#updated"}
    assert put_item is not None
    assert put_item["pk"] == {"S": "GUARD#put"}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN),  # before the clocks go forward
        datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN),  # after
        datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN),
        datetime(2026, 10, 25, 3, 30, tzinfo=BERLIN),
        datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN),
    ],
)
def test_a_moment_is_stored_as_text_with_its_offset_and_read_back_in_berlin(
    moment: datetime,
) -> None:
    attribute = BerlinTimeAttribute()
    stored = attribute.serialize(moment)
    assert stored == moment.isoformat(timespec="seconds")
    back = attribute.deserialize(stored)
    assert back == moment
    assert back.tzinfo == BERLIN


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        BerlinTimeAttribute().serialize(datetime(2026, 12, 1, 9, 0))


def test_the_template_filters_and_scopes_by_the_key_prefixes_of_the_code() -> None:
    resources = Template().resources
    spec = resources["SendEmailFunction"]["Properties"]["Events"]["BookingChanges"]["Properties"]
    (pattern,) = spec["FilterCriteria"]["Filters"]
    assert json.loads(pattern["Pattern"])["dynamodb"]["Keys"]["pk"]["S"] == [
        {"prefix": BOOKING_PREFIX},
        {"prefix": NOTICE_PREFIX},
    ]
    text = (TESTS.parent / "template.yaml").read_text()
    assert f'["{SENT_MAIL_PREFIX}*"]' in text
    assert f'["{MAIL_QUOTA_PREFIX}*"]' in text
    assert f'["{BOOKING_PREFIX}*"]' in text


def test_the_items_find_their_table_however_late_the_environment_is_set() -> None:
    """Importing the table package reads nothing: the settings are read on first use."""
    program = (
        "import os\n"
        "from terminbuchung.table import SlotItem\n"
        "os.environ['TABLE_NAME'] = 'set-after-import'\n"
        "os.environ['DYNAMODB_ENDPOINT'] = 'http://127.0.0.1:9'\n"
        "print(SlotItem.Meta.table_name, SlotItem.Meta.host)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(TESTS.parent / "shared")}
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["set-after-import", "http://127.0.0.1:9"]


def _all_items() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = client.scan(TableName=BookingItem.Meta.table_name)["Items"]
    return items


def test_the_cancel_token_is_stored_nowhere(api: ApiClient) -> None:
    made = book(api, household_number="12345BG0012345")
    assert made.status == 201

    stored = json.dumps(_all_items())
    assert made.body["cancel_token"] not in stored
    assert "12345BG0012345" in stored  # on the booking item, until TTL
    guards = [i for i in _all_items() if i["pk"]["S"].startswith("GUARD#")]
    assert guards
    assert all("12345" not in json.dumps(g) for g in guards)  # a keyed hash only
    assert SlotItem.Meta.table_name == SentMailItem.Meta.table_name
