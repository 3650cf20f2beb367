"""The stream as the template configures it: the filter, the local poller's retries and
dead letters, and the template's promises (partial batches, DLQ, alarms, least privilege)."""

import json
from contextlib import nullcontext
from typing import Any

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodbstreams.models import dynamodbstreams_backends

from infra.local.event_filter import UnsupportedPattern, passes
from infra.local.lambda_runtime import LocalFunction
from infra.local.stream_poller import StreamPoller, StreamReader, stream_sources
from infra.template import Template
from terminbuchung.table import BookingItem
from tests.api_client import ApiClient
from tests.template_policies import function_statements
from tests.unit.mail.conftest import Mailroom
from tests.unit.mail.test_send_email import TUESDAY_11, book, cancel

SEND_EMAIL = "SendEmailFunction"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template()


def the_stream_source(template: Template) -> Any:
    (source,) = stream_sources(template)
    assert source.function == SEND_EMAIL
    return source


def test_the_template_s_filter_lets_through_new_and_changed_bookings_only(
    api: ApiClient, mailroom: Mailroom, template: Template
) -> None:
    filters = the_stream_source(template).filters
    made = book(api)
    mailroom.deliver_new()  # writes the sent marker
    cancel(api, made)
    BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING").delete()  # as TTL will
    mailroom.reader.checkpoints.clear()  # the whole stream, from its start

    records = mailroom.new_records()

    changes = [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records]
    booking = f"BOOKING#{made['reference']}"
    # CHALLENGE: the booking's spent proof of work; MAILTO: the e-mail cap's counter.
    kinds = {pk.split("#")[0] for _, pk in changes}
    assert kinds == {"LOC", "BOOKING", "GUARD", "SENT", "CHALLENGE", "MAILTO"}
    assert ("REMOVE", booking) in changes
    assert [
        (r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records if passes(filters, r)
    ] == [("INSERT", booking), ("MODIFY", booking)]


@pytest.mark.parametrize(
    ("pattern", "record", "expected"),
    [
        ({"a": ["x", "y"]}, {"a": "y"}, True),
        ({"a": ["x"]}, {"a": "z"}, False),
        ({"a": {"b": [{"prefix": "BOOKING#"}]}}, {"a": {"b": "BOOKING#1"}}, True),
        ({"a": {"b": [{"prefix": "BOOKING#"}]}}, {"a": {"b": "SENT#1"}}, False),
        ({"a": [{"suffix": ".ics"}]}, {"a": "termin.ics"}, True),
        ({"a": [{"exists": False}]}, {}, True),
        ({"a": [{"exists": True}]}, {}, False),
        ({"a": [{"anything-but": ["REMOVE"]}]}, {"a": "INSERT"}, True),
        ({"a": [{"anything-but": "REMOVE"}]}, {"a": "REMOVE"}, False),
        ({"a": {"b": ["x"]}}, {"a": "not an object"}, False),
    ],
)
def test_filter_patterns(pattern: dict[str, Any], record: dict[str, Any], expected: bool) -> None:
    assert passes([pattern], record) is expected


def test_no_filters_pass_everything_and_unknown_operators_are_refused() -> None:
    assert passes([], {"anything": 1})
    with pytest.raises(UnsupportedPattern):
        passes([{"a": [{"numeric": [">", 1]}]}], {"a": 2})


def test_the_local_poller_retries_a_failing_record_then_dead_letters_it_and_goes_on(
    api: ApiClient, mailroom: Mailroom, template: Template
) -> None:
    source = the_stream_source(template)
    reader = StreamReader(BookingItem.Meta.table_name, None, "eu-central-1")
    code_dir, handler = template.functions()[source.function]
    function = LocalFunction(source.function, code_dir, handler)
    poller = StreamPoller(source, function, reader, nullcontext())
    book(api)
    assert poller.poll_once().records == 1
    assert poller.poll_once().records == 0
    assert len(mailroom.outbox()) == 1

    mailroom.refuse("max@example.de")
    made = book(api, "max@example.de", TUESDAY_11, name="Max Muster")
    for _ in range(source.maximum_retry_attempts):
        delivery = poller.poll_once()
        assert (delivery.failed, delivery.dead_lettered) == (1, 0)
    assert poller.poll_once().dead_lettered == 1

    # Polling leaves nothing behind in moto, however long `make dev` runs.
    assert dynamodbstreams_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"].shard_iterators == {}
    (dead,) = poller.dead_letters
    assert dead["function"] == SEND_EMAIL
    assert dead["records"] == 1
    assert len(mailroom.outbox()) == 1
    shown = api.get(
        f"/bookings/{made['reference']}", headers={"X-Booking-Token": made["cancel_token"]}
    )
    assert shown.body["status"] == "confirmed"  # the booking stands
    # The shard moves on: the next booking's e-mail is not stuck behind the dead one.
    book(api, "lisa@example.de", "2026-12-01T08:30:00+01:00", name="Lisa")
    assert poller.poll_once().records == 1
    assert [m["to"] for m in mailroom.outbox()][-1] == "Lisa <lisa@example.de>"


def test_the_template_reports_partial_failures_and_keeps_what_failed(template: Template) -> None:
    resources = template.resources
    function = resources[SEND_EMAIL]["Properties"]
    (event,) = function["Events"].values()
    spec = event["Properties"]
    assert event["Type"] == "DynamoDB"
    assert spec["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert spec["BisectBatchOnFunctionError"] is True
    assert spec["MaximumRetryAttempts"] > 0
    assert spec["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["MailDeadLetters", "Arn"]},
    }
    (pattern,) = spec["FilterCriteria"]["Filters"]
    assert json.loads(pattern["Pattern"])["dynamodb"]["Keys"]["pk"]["S"] == [
        {"prefix": "BOOKING#"},
        {"prefix": "NOTICE#"},
    ]
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    # An alarm on one metric names its dimensions; one on metric math, each metric's.
    watched = [
        dimension["Value"]
        for a in alarms
        for metric in (
            [a]
            if "Dimensions" in a
            else [m["MetricStat"]["Metric"] for m in a.get("Metrics", []) if "MetricStat" in m]
        )
        for dimension in metric.get("Dimensions", [])[:1]
    ]
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)
    assert {"Fn::GetAtt": ["MailDeadLetters", "QueueName"]} in watched
    assert {"Fn::GetAtt": ["ReminderDeadLetters", "QueueName"]} in watched
    assert {"Ref": SEND_EMAIL} in watched
    assert {"Ref": "SendRemindersFunction"} in watched


@pytest.mark.parametrize("name", [SEND_EMAIL, "SendRemindersFunction"])
def test_the_mail_functions_may_send_from_the_sender_only_and_write_markers_only(
    template: Template, name: str
) -> None:
    props = template.resources[name]["Properties"]
    statements = function_statements(template.document, name)  # inline and managed
    ses = [s for s in statements if str(s["Action"]).startswith("ses:")]
    assert [s["Action"] for s in ses] == ["ses:SendRawEmail"]
    assert ses[0]["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailSender"}}}
    writes = [s for s in statements if "dynamodb:PutItem" in s["Action"]]
    assert [s["Condition"] for s in writes] == [
        # SENT#: the markers.
        {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["SENT#*"]}}
    ]
    # MAILTO#: the daily cap's counters (no address), only ever counted up.
    counters = [s for s in statements if "MAILTO#*" in json.dumps(s.get("Condition", {}))]
    assert [(s["Action"], s["Condition"]) for s in counters] == [
        ("dynamodb:UpdateItem", {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["MAILTO#*"]}})
    ]
    assert props["Environment"]["Variables"]["BOOKING_PAGE_URL"] == {"Ref": "BookingPageUrl"}


def test_reminders_run_hourly_in_berlin_time_with_retries_and_a_dead_letter_queue(
    template: Template,
) -> None:
    (event,) = template.resources["SendRemindersFunction"]["Properties"]["Events"].values()
    spec = event["Properties"]
    assert event["Type"] == "ScheduleV2"
    assert spec["ScheduleExpression"] == "cron(0 * * * ? *)"
    assert spec["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert spec["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert spec["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ReminderDeadLetters", "Arn"]}}
