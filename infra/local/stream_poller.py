"""The table's stream delivered to a function, the way Lambda's event source mapping does it.

For each DynamoDB event in template.yaml: read the stream (DynamoDB Streams API, on moto or
DynamoDB Local), drop what the FilterCriteria drop, invoke the function with real-shaped
events in batches of BatchSize, and on `batchItemFailures` retry from the first failed
record, up to MaximumRetryAttempts; then the rest of the batch goes to a local
dead-letter list (in AWS: the OnFailure SQS queue).
"""

import base64
import json
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from infra.local.event_filter import parse_filters, passes
from infra.local.lambda_runtime import LocalFunction
from infra.template import Template


@dataclass(frozen=True)
class StreamSource:
    """A function's DynamoDB event in the template."""

    function: str
    batch_size: int
    maximum_retry_attempts: int
    filters: list[dict[str, Any]] = field(compare=False)


def stream_sources(template: Template) -> list[StreamSource]:
    sources = []
    for name, resource in template.of_type("AWS::Serverless::Function").items():
        props = resource["Properties"]
        for event in props.get("Events", {}).values():
            if event["Type"] != "DynamoDB":
                continue
            spec = event["Properties"]
            sources.append(
                StreamSource(
                    function=name,
                    batch_size=int(spec.get("BatchSize", 100)),
                    maximum_retry_attempts=int(spec.get("MaximumRetryAttempts", -1)),
                    filters=parse_filters(spec.get("FilterCriteria")),
                )
            )
    return sources


def _json_ready(value: Any) -> Any:
    """Binary attributes as Lambda shows them: base64 text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def lambda_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A record from GetRecords (boto3) in the shape Lambda hands to the function."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    shaped = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": _json_ready(change),
        "eventSourceARN": stream_arn,
    }
    # Through JSON and back, as Lambda's payload is: nothing un-serialisable slips in.
    result: dict[str, Any] = json.loads(json.dumps(shaped))
    return result


class StreamReader:
    """Reads a table's stream from a checkpoint per shard."""

    def __init__(self, table_name: str, endpoint: str | None, region: str) -> None:
        import boto3

        self.region = region
        dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
        self.stream_arn: str = dynamodb.describe_table(TableName=table_name)["Table"][
            "LatestStreamArn"
        ]
        self.streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=region)
        self.in_moto = endpoint is None  # the local stack's in-memory AWS
        self.checkpoints: dict[str, str | None] = {}

    def shards(self) -> Iterator[str]:
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            yield shard["ShardId"]

    def read(self, shard: str, limit: int = 100) -> list[dict[str, Any]]:
        """Records after the shard's checkpoint (the oldest first), Lambda-shaped."""
        # A fresh iterator every time: moto's iterators can go stale when a failed
        # transaction rolls the table back, and real ones expire after 15 minutes.
        checkpoint = self.checkpoints.get(shard)
        if checkpoint:
            answer = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn,
                ShardId=shard,
                ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=checkpoint,
            )
        else:
            answer = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )
        iterator = answer["ShardIterator"]
        page = self.streams.get_records(ShardIterator=iterator, Limit=limit)
        if self.in_moto:
            _forget_moto_iterators(self.region, iterator, page.get("NextShardIterator"))
        return [lambda_record(r, self.stream_arn, self.region) for r in page["Records"]]

    def advance(self, shard: str, sequence_number: str) -> None:
        self.checkpoints[shard] = sequence_number


def _forget_moto_iterators(region: str, *iterators: str | None) -> None:
    """moto keeps every shard iterator forever; polling makes several a second."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    registry = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][region].shard_iterators
    for iterator in iterators:
        if iterator:
            registry.pop(iterator, None)


@dataclass
class Delivery:
    """What one poll did: for the log line and the tests."""

    records: int = 0
    failed: int = 0
    dead_lettered: int = 0


class StreamPoller:
    """One DynamoDB event source mapping: a reader, a function, retries, dead letters."""

    def __init__(
        self,
        source: StreamSource,
        function: LocalFunction,
        reader: StreamReader,
        gate: AbstractContextManager[Any],
    ) -> None:
        self.source = source
        self.function = function
        self.reader = reader
        self.gate = gate
        self.dead_letters: list[dict[str, Any]] = []
        self._attempts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self) -> Delivery:
        delivery = Delivery()
        with self.gate:
            shards = list(self.reader.shards())
        for shard in shards:
            while True:
                with self.gate:
                    records = self.reader.read(shard)
                if not records:
                    break
                step = self._deliver(shard, records)
                delivery.records += step.records
                delivery.failed += step.failed
                delivery.dead_lettered += step.dead_lettered
                if step.failed and not step.dead_lettered:
                    break  # retried at the next poll, as Lambda retries the shard
        return delivery

    def _deliver(self, shard: str, records: list[dict[str, Any]]) -> Delivery:
        batch: list[dict[str, Any]] = []
        seen: list[dict[str, Any]] = []  # every record this round covers, filtered or not
        for record in records:
            if len(batch) == self.source.batch_size:
                break
            seen.append(record)
            if passes(self.source.filters, record):
                batch.append(record)
        last = seen[-1]["dynamodb"]["SequenceNumber"]
        if not batch:
            self.reader.advance(shard, last)
            return Delivery()
        failed_from = self._invoke(batch)
        if failed_from is None:
            self._attempts.pop(shard, None)
            self.reader.advance(shard, last)
            return Delivery(records=len(batch))
        attempts = self._attempts.get(shard, 0) + 1
        self._attempts[shard] = attempts
        failed = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) >= failed_from]
        retries = self.source.maximum_retry_attempts
        if 0 <= retries < attempts:
            # Given up, like Lambda after MaximumRetryAttempts: on to the OnFailure queue.
            self.dead_letters.append(
                {
                    "function": self.source.function,
                    "shard": shard,
                    "first_sequence_number": failed[0]["dynamodb"]["SequenceNumber"],
                    "last_sequence_number": failed[-1]["dynamodb"]["SequenceNumber"],
                    "records": len(failed),
                }
            )
            self._attempts.pop(shard, None)
            self.reader.advance(shard, last)
            return Delivery(records=len(batch), failed=len(failed), dead_lettered=len(failed))
        # Retry from the first failed record: what follows it comes again too.
        before = [r for r in seen if int(r["dynamodb"]["SequenceNumber"]) < failed_from]
        if before:
            self.reader.advance(shard, before[-1]["dynamodb"]["SequenceNumber"])
        return Delivery(records=len(batch), failed=len(failed))

    def _invoke(self, batch: list[dict[str, Any]]) -> int | None:
        """The sequence number to retry from, or None when the whole batch is done."""
        started = time.perf_counter()
        try:
            with self.gate:
                result = self.function.invoke({"Records": batch})
        except Exception:
            # A function error fails the whole batch.
            traceback.print_exc()
            failures = [r["dynamodb"]["SequenceNumber"] for r in batch]
        else:
            reported = (result or {}).get("batchItemFailures") or []
            failures = [f["itemIdentifier"] for f in reported]
        elapsed = (time.perf_counter() - started) * 1000
        print(
            f"stream -> {self.source.function}: {len(batch)} records, "
            f"{len(failures)} failed ({elapsed:.0f} ms)",
            file=sys.stderr,
            flush=True,
        )
        return min(int(s) for s in failures) if failures else None

    def start(self, interval: float = 0.5) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    delivery = self.poll_once()
                except Exception:
                    traceback.print_exc()
                    delivery = Delivery(failed=1)
                # Failed records wait a little, as Lambda backs off between retries.
                self._stop.wait(1.0 if delivery.failed else interval)

        self._thread = threading.Thread(target=loop, name=f"stream-{self.source.function}")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
