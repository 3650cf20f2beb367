"""Which table the items live in, and the one low-level connection transactions share.

Read from the settings on first use, not at import; `table.use_table` points every item
at another table (the tests, the local stack, ops against a deployed stack).
"""

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


@cache
def connection() -> Connection:
    where = target()
    return Connection(region=where.region, host=where.host, max_retry_attempts=3)


def choose_table(name: str, host: str | None = None, region: str | None = None) -> None:
    """Every item and transaction from now on works on this table; see `table.use_table`."""
    global _chosen  # noqa: PLW0603 - one table per process, chosen at start
    _chosen = TableTarget(name, region or read_settings().region, host)
    target.cache_clear()
    connection.cache_clear()
