"""What each function really does to the table: a pytest plugin that records it.

Loaded with `-p tests.unit.table_access` (tests/unit/test_table_access.py runs the unit
scenarios so), it wraps every Lambda invocation of infra.local.lambda_runtime and every
botocore call: each DynamoDB request a handler sends is broken down, as IAM evaluates it,
into (function, IAM action, resource, leading key) and written, one JSON object a line, to
the file named by TABLE_ACCESS_LOG. The leading key is the partition key's value (the base
table's `pk`, an index's `gsi1pk`) cut after its prefix (`BOOKING#`); a transaction counts
per item, with the action IAM checks for it (Put is dynamodb:PutItem, and so on).

moto does not enforce IAM: this record is what shows that the `dynamodb:LeadingKeys` of
template.yaml let every function do what its scenarios do, and grant nothing they never do.
"""

import contextvars
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

import botocore.client
import pytest

from infra.local.lambda_runtime import ROOT, LocalFunction

TESTS = str(ROOT / "tests")

PARTITION_KEYS = {None: "pk", "by-location-day": "gsi1pk"}
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
Access = tuple[str, str, str, str]  # function, action, resource ("table", "index/<name>"), prefix

_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("function", default=None)
_lock = threading.Lock()


def _sent_by_a_test() -> bool:
    """A request a test's stand-in makes inside a handler (a patched commit that reads the
    table, say) is the test's, not the function's."""
    frame: FrameType | None = sys._getframe(2)  # the caller of make_api_call
    while frame is not None:
        code = frame.f_code
        if code.co_filename == __file__ and code.co_name == "invoke":
            return False  # down to the invocation: the handler's own code
        if code.co_filename.startswith(TESTS):
            return True
        frame = frame.f_back
    return False


def prefix(value: Any) -> str:
    """`BOOKING#X7K2` → `BOOKING#`: a key's prefix, the part IAM's patterns name."""
    text = value.get("S") if isinstance(value, dict) else value
    assert isinstance(text, str), f"a partition key that is not a string: {value!r}"
    match = re.match(r"[A-Z]+#", text)
    assert match, f"a partition key without a prefix: {text!r}"
    return match.group(0)


def _resource(index: str | None) -> str:
    return f"index/{index}" if index else "table"


def _query_partition(params: dict[str, Any]) -> Any:
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    wanted = PARTITION_KEYS[params.get("IndexName")]
    for name, placeholder in re.findall(r"([#\w]+)\s*=\s*(:\w+)", params["KeyConditionExpression"]):
        if names.get(name, name) == wanted:
            return values[placeholder]
    raise AssertionError(f"a Query without an equality on {wanted}: {params}")


def accesses(operation: str, params: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(action, resource, prefix) for one DynamoDB request, as IAM authorizes it."""
    if operation in ("GetItem", "UpdateItem", "DeleteItem"):
        yield operation, "table", prefix(params["Key"]["pk"])
    elif operation == "PutItem":
        yield operation, "table", prefix(params["Item"]["pk"])
    elif operation == "Query":
        index = params.get("IndexName")
        yield operation, _resource(index), prefix(_query_partition(params))
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        for item in params["TransactItems"]:
            ((kind, request),) = item.items()
            key = request.get("Key") or request["Item"]
            yield TRANSACT_ACTIONS[kind], "table", prefix(key["pk"])
    elif operation == "BatchWriteItem":
        for requests in params["RequestItems"].values():
            for request in requests:
                ((kind, body),) = request.items()
                key = body.get("Key") or body["Item"]
                yield operation, "table", prefix(key["pk"])
    elif operation == "BatchGetItem":
        for request in params["RequestItems"].values():
            for key in request["Keys"]:
                yield operation, "table", prefix(key["pk"])
    elif operation not in ("DescribeTable", "CreateTable", "DeleteTable", "ListTables"):
        # A Scan, say: no leading key to restrict it by; a function must not need one.
        yield operation, "table", "*"


class Recorder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.seen: set[Access] = set()

    def add(self, function: str, operation: str, params: dict[str, Any]) -> None:
        new = {(function, *access) for access in accesses(operation, params)} - self.seen
        if not new:
            return
        with _lock:
            self.seen |= new
            with open(self.path, "a", encoding="utf-8") as log:
                for access in sorted(new):
                    log.write(json.dumps(access) + "\n")


@pytest.fixture(autouse=True, scope="session")
def _record_table_access() -> Iterator[None]:
    path = os.environ["TABLE_ACCESS_LOG"]
    recorder = Recorder(path)
    original_call = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]
    original_invoke = LocalFunction.invoke
    original_submit = ThreadPoolExecutor.submit

    def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        function = _function.get()
        if (
            function is not None
            and client.meta.service_model.service_name == "dynamodb"
            and not _sent_by_a_test()
        ):
            recorder.add(function, operation, params)
        return original_call(client, operation, params)

    def invoke(self: LocalFunction, event: dict[str, Any]) -> Any:
        token = _function.set(self.name)
        try:
            return original_invoke(self, event)
        finally:
            _function.reset(token)

    def submit(self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kw: Any) -> Any:
        # A handler's worker threads (the release's puts) act for the handler.
        context = contextvars.copy_context()
        return original_submit(self, context.run, fn, *args, **kw)

    patches = [
        (botocore.client.BaseClient, "_make_api_call", make_api_call, original_call),
        (LocalFunction, "invoke", invoke, original_invoke),
        (ThreadPoolExecutor, "submit", submit, original_submit),
    ]
    for owner, name, patched, _ in patches:
        setattr(owner, name, patched)
    try:
        yield
    finally:
        for owner, name, _, original in patches:
            setattr(owner, name, original)
