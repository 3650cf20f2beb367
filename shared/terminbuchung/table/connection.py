"""Which table the items live in, and the one low-level connection transactions share.

Read from the settings on first use, not at import; `table.use_table` points every item
at another table (the tests, the local stack, ops against a deployed stack).
"""

import threading
from dataclasses import dataclass
from functools import cache

from pynamodb.connection import Connection

from terminbuchung.settings import read_settings


@dataclass(frozen=True)
class TableTarget:
    name: str
    region: str
    host: str | None  # DynamoDB Local's endpoint, or None for AWS


_chosen: TableTarget | None = None


@cache
def target() -> TableTarget:
    if _chosen is not None:
        return _chosen
    settings = read_settings()
    return TableTarget(settings.table_name, settings.region, settings.dynamodb_endpoint)


class ItemMeta(type):
    """PynamoDB's Meta, answered from `target()` whenever PynamoDB asks."""

    @property
    def table_name(cls) -> str:
        return target().name

    @property
    def region(cls) -> str:
        return target().region

    @property
    def host(cls) -> str | None:
        return target().host


class TableMeta(metaclass=ItemMeta):
    # Throttles and transient faults get the SDK's retries; conflicts are handled by us.
    max_retry_attempts = 3


_shared: Connection | None = None
_making = threading.Lock()


def connection() -> Connection:
    """The one connection of this process, with its SDK client made at once, under a lock.

    PynamoDB makes the botocore client on first use; a burst of first requests on many
    threads (the local stack under load) would each make one, at up to a second apiece
    while the others wait for the CPU. In Lambda one request at a time uses it."""
    global _shared  # noqa: PLW0603 - one per process, made on first use
    if _shared is None:
        with _making:
            if _shared is None:
                where = target()
                made = Connection(region=where.region, host=where.host, max_retry_attempts=3)
                made.client  # noqa: B018 - the property makes the client: here, once
                _shared = made
    return _shared


def choose_table(name: str, host: str | None = None, region: str | None = None) -> None:
    """Every item and transaction from now on works on this table; see `table.use_table`."""
    global _chosen, _shared  # noqa: PLW0603 - one table per process, chosen at start
    _chosen = TableTarget(name, region or read_settings().region, host)
    target.cache_clear()
    with _making:
        _shared = None
