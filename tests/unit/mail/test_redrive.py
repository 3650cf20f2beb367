"""`infra.ops redrive` (issue 18, item 7): the mail dead letters replayed, each e-mail once.

On moto: a booking's confirmation fails while SES is down until Lambda would give up; its
note in the dead-letter queue is what Lambda writes (DDBStreamBatchInfo). Redrive fetches
the records from the table's stream, filters and shapes them as the event source mapping
does and hands them to the e-mail function (the same handler); the note goes only when
every record was handled, and a second replay sends nothing twice.
"""

import io
import json
from typing import Any

import boto3
import pytest

from infra.ops.redrive import Redrive, lambda_invoker, mail_stream_filters, redrive
from tests.api_client import ApiClient
from tests.unit.mail.conftest import Mailroom
from tests.unit.mail.test_send_email import ERIKA, book

REGION = "eu-central-1"


def dead_letter(mailroom: Mailroom, records: list[dict[str, Any]]) -> str:
    """The note Lambda's on-failure destination writes for a failed stream batch."""
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    return json.dumps(
        {
            "requestContext": {
                "requestId": "c9b8c7d6-0000-4000-8000-000000000001",
                "functionArn": "arn:aws:lambda:eu-central-1:123456789012:function:send-email",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": 11,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
            "version": "1.0",
            "timestamp": "2026-11-30T14:00:00.000Z",
            "DDBStreamBatchInfo": {
                "shardId": mailroom.shard,
                "startSequenceNumber": numbers[0],
                "endSequenceNumber": numbers[-1],
                "approximateArrivalOfFirstRecord": "2026-11-30T08:00:00Z",
                "approximateArrivalOfLastRecord": "2026-11-30T08:00:00Z",
                "batchSize": len(records),
                "streamArn": mailroom.reader.stream_arn,
            },
        }
    )


@pytest.fixture
def queue() -> str:
    url: str = boto3.client("sqs", region_name=REGION).create_queue(QueueName="mail-dlq")[
        "QueueUrl"
    ]
    return url


def run(mailroom: Mailroom, queue: str) -> Redrive:
    return redrive(
        boto3.client("sqs", region_name=REGION),
        boto3.client("dynamodbstreams", region_name=REGION),
        queue,
        invoke=mailroom.send_email.invoke,
        filters=mail_stream_filters(),
        region=REGION,
    )


def waiting(queue: str) -> int:
    attributes = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_a_dead_letter_is_sent_once_when_ses_is_back_and_a_second_replay_sends_nothing(
    api: ApiClient, mailroom: Mailroom, queue: str
) -> None:
    mailroom.refuse(ERIKA, "Throttling")
    book(api)
    records = mailroom.new_records()  # the booking, its slot, its guard: all of the batch
    failed = mailroom.deliver([r for r in records if r["eventName"] == "INSERT"])
    assert failed["batchItemFailures"], "SES down: the confirmation failed"
    assert mailroom.outbox() == []
    sqs = boto3.client("sqs", region_name=REGION)
    note = dead_letter(mailroom, records)
    sqs.send_message(QueueUrl=queue, MessageBody=note)

    # SES still down: the note stays, nothing is lost.
    still = run(mailroom, queue)
    assert (still.replayed, len(still.kept)) == (0, 1)
    assert "failed again" in still.kept[0]
    assert mailroom.outbox() == []

    mailroom.accept_all()
    assert waiting(queue) == 1, "a kept note is visible again at once (the alarm stays)"
    done = run(mailroom, queue)
    assert (done.replayed, done.kept) == (1, [])
    assert done.records == 1  # the booking's record: the filter drops slot and guard
    assert len(mailroom.outbox()) == 1
    assert waiting(queue) == 0
    assert done.report().startswith("1 dead letters replayed")

    # The same note again (a duplicate from SQS, or an operator's second run): no second e-mail.
    sqs.send_message(QueueUrl=queue, MessageBody=note)
    again = run(mailroom, queue)
    assert (again.replayed, again.kept) == (1, [])
    assert len(mailroom.outbox()) == 1


def test_a_note_whose_records_the_stream_no_longer_has_is_kept_and_named(
    api: ApiClient, mailroom: Mailroom, queue: str
) -> None:
    book(api)
    records = mailroom.new_records()
    note = json.loads(dead_letter(mailroom, records))
    # Sequence numbers the shard no longer holds (in AWS: TrimmedDataAccessException).
    first = int(records[-1]["dynamodb"]["SequenceNumber"]) + 1000
    note["DDBStreamBatchInfo"]["startSequenceNumber"] = str(first)
    note["DDBStreamBatchInfo"]["endSequenceNumber"] = str(first + 5)
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(note))
    sqs.send_message(QueueUrl=queue, MessageBody="not a note")
    done = run(mailroom, queue)
    assert done.replayed == 0
    assert sorted(why.split(": ", 1)[1] for why in done.kept) == [
        "not a note about stream records",
        f"the stream no longer holds shard {mailroom.shard} from {first} (older than 24 hours)",
    ]
    assert mailroom.outbox() == []


class FakeLambda:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **call: Any) -> dict[str, Any]:
        self.calls.append(call)
        return self.answer


def test_the_deployed_function_is_invoked_with_the_records_and_a_crash_counts_as_failure() -> None:
    fine = FakeLambda({"StatusCode": 200, "Payload": io.BytesIO(b'{"batchItemFailures": []}')})
    assert lambda_invoker(fine, "send-email")({"Records": []}) == {"batchItemFailures": []}
    assert fine.calls == [{"FunctionName": "send-email", "Payload": b'{"Records": []}'}]
    crashed = FakeLambda(
        {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"x": 1}')}
    )
    assert lambda_invoker(crashed, "send-email")({"Records": []}) == {"error": "Unhandled"}
