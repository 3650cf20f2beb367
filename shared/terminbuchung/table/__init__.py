"""Everything about the one DynamoDB table: items, keys, transactions, and the small
repository functions the use cases call (slots, bookings, mail_markers).

Use cases above this package speak in domain values (aware Berlin datetimes, dataclasses
of `schedule`); only this package knows conditions, key prefixes and cancellation reasons.
"""

from terminbuchung.table.connection import choose_table
from terminbuchung.table.items import (
    ITEMS,
    BookingItem,
    ClosureItem,
    FailedMailItem,
    GuardItem,
    SentMailItem,
    SlotItem,
)

__all__ = [
    "ITEMS",
    "BookingItem",
    "ClosureItem",
    "FailedMailItem",
    "GuardItem",
    "SentMailItem",
    "SlotItem",
    "use_table",
]


def use_table(name: str, host: str | None = None, region: str | None = None) -> None:
    """Point every item at a table (tests, the local stack, ops); drops cached connections."""
    choose_table(name, host, region)
    for item in ITEMS:
        item._connection = None
