"""`python -m infra.ops --stack NAME redrive`: e-mails whose stream records failed for good.

When the e-mail function fails on a batch of the table's stream for 6 hours or 10 retries,
Lambda gives up on it and puts a note in MailDeadLetters: which stream, shard and sequence
numbers (no personal data). Once the cause is fixed, redrive reads each note, fetches
those records from the stream again and hands them to the e-mail function, filtered and
shaped exactly as the stream's event source mapping does. The function's markers make
every e-mail go out once: what was sent before is skipped (mail.delivery). A note is
deleted only when the function handled all its records; one whose records the stream no
longer holds (it keeps them 24 hours) is kept and reported, for the manual way
(docs/OPERATIONS.md, Alarms).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.local.event_filter import parse_filters, passes
from infra.local.stream_poller import lambda_record
from infra.template import Template

Invoke = Callable[[dict[str, Any]], dict[str, Any]]

# SQS hides a received note this long: enough to fetch and send one batch.
_VISIBILITY_SECONDS = 300


@dataclass
class Redrive:
    replayed: int = 0  # notes whose records were all handled, then deleted
    records: int = 0
    kept: list[str] = field(default_factory=list)  # why each kept note was kept

    def report(self) -> str:
        lines = [f"{self.replayed} dead letters replayed ({self.records} stream records)"]
        lines += [f"kept: {why}" for why in self.kept]
        return "\n".join(lines)


def mail_stream_filters(template: Template | None = None) -> list[dict[str, Any]]:
    """The e-mail function's filter patterns, as its event source mapping applies them."""
    resources = (template or Template()).resources
    events = resources["SendEmailFunction"]["Properties"]["Events"]
    (mapping,) = [e["Properties"] for e in events.values() if e["Type"] == "DynamoDB"]
    return parse_filters(mapping.get("FilterCriteria"))


def lambda_invoker(lambda_client: Any, function_name: str) -> Invoke:
    """Invokes the deployed function and returns its answer; a crash is an answer too."""

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        answer = lambda_client.invoke(
            FunctionName=function_name, Payload=json.dumps(event).encode()
        )
        payload = answer["Payload"].read()
        if answer.get("FunctionError"):
            return {"error": answer["FunctionError"]}
        result: dict[str, Any] = json.loads(payload or b"{}") or {}
        return result

    return invoke


def redrive(
    sqs: Any,
    streams: Any,
    queue_url: str,
    *,
    invoke: Invoke,
    filters: list[dict[str, Any]],
    region: str,
) -> Redrive:
    done = Redrive()
    seen: set[str] = set()
    while True:
        notes = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=_VISIBILITY_SECONDS,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        fresh = [n for n in notes if n["MessageId"] not in seen]
        for again in (n for n in notes if n["MessageId"] in seen):
            _show_again(sqs, queue_url, again)
        if not fresh:
            return done
        for note in fresh:
            seen.add(note["MessageId"])
            kept = _replay(note, streams, invoke=invoke, filters=filters, region=region, done=done)
            if kept:
                done.kept.append(f"{note['MessageId']}: {kept}")
                _show_again(sqs, queue_url, note)
            else:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=note["ReceiptHandle"])
                done.replayed += 1


def _show_again(sqs: Any, queue_url: str, note: dict[str, Any]) -> None:
    """A kept note is visible again at once: the alarm keeps counting it, a run sees it."""
    sqs.change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=note["ReceiptHandle"], VisibilityTimeout=0
    )


def _replay(
    note: dict[str, Any],
    streams: Any,
    *,
    invoke: Invoke,
    filters: list[dict[str, Any]],
    region: str,
    done: Redrive,
) -> str | None:
    """Replays one note; None when done, else why it is kept."""
    try:
        batch = json.loads(note["Body"])["DDBStreamBatchInfo"]
        stream_arn, shard = batch["streamArn"], batch["shardId"]
        first, last = int(batch["startSequenceNumber"]), int(batch["endSequenceNumber"])
    except (ValueError, KeyError, TypeError):
        return "not a note about stream records"
    records = _records(streams, stream_arn, shard, first, last)
    if records is None:
        return f"the stream no longer holds shard {shard} from {first} (older than 24 hours)"
    shaped = [lambda_record(r, stream_arn, region) for r in records]
    wanted = [r for r in shaped if passes(filters, r)]
    if wanted:
        answer = invoke({"Records": wanted})
        failures = answer.get("batchItemFailures") or []
        if "error" in answer or failures:
            why = answer.get("error") or f"{len(failures)} records"
            return f"the e-mail function failed again ({why})"
    done.records += len(wanted)
    return None


def _records(
    streams: Any, stream_arn: str, shard: str, first: int, last: int
) -> list[dict[str, Any]] | None:
    """The shard's records from `first` to `last`, or None if the stream lost them."""
    from botocore.exceptions import ClientError

    try:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn,
            ShardId=shard,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=str(first),
        )["ShardIterator"]
    except ClientError as error:
        if error.response["Error"]["Code"] in (
            "TrimmedDataAccessException",
            "ResourceNotFoundException",
        ):
            return None
        raise
    found: list[dict[str, Any]] = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in page["Records"]:
            number = int(record["dynamodb"]["SequenceNumber"])
            if number > last:
                return found
            if number >= first:
                found.append(record)
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")
    return found if found else None
