"""Priorities used: `PRIORITY#<reference>` / `USED`, one per booking the office cancelled.

After an office cancellation the citizen may book once with priority (terminbuchung.priority).
The mark is put with the condition that it does not exist, inside the transaction of the
booking that uses it, so the priority works once however many requests race, and a failed
booking leaves it unused. It expires with the cancelled booking's personal data: after that
the link's booking is gone and the priority with it.
"""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from terminbuchung.schedule import PlannedSlot
from terminbuchung.table.connection import TableMeta
from terminbuchung.table.keys import used_priority_key
from terminbuchung.table.transaction import Transaction, TransactionFailed

USED_LABEL = "priority"


class UsedPriorityItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    reference = UnicodeAttribute()  # the booking made with it (for staff and the tests)
    expires_at = TTLAttribute()


@dataclass(frozen=True)
class Priority:
    """A checked priority to use: the cancelled booking's reference, when its mark may go
    (with that booking's personal data) and, if the chosen time is one the daily quota kept
    unreleased, that planned slot: the booking then opens one seat of it."""

    cancelled: str
    expires_at: datetime
    extra_seat: PlannedSlot | None = None


class AlreadyUsed(Exception):
    """The priority of this cancelled booking was used for another booking already."""


def use_in(transaction: Transaction, priority: Priority | None, reference: str) -> None:
    """Mark the priority (if any) used by the booking `reference` in `transaction`."""
    if priority is not None:
        mark = UsedPriorityItem(
            *used_priority_key(priority.cancelled),
            reference=reference,
            expires_at=priority.expires_at,
        )
        transaction.put(USED_LABEL, mark, condition=UsedPriorityItem.pk.does_not_exist())


def raise_if_used(failed: TransactionFailed) -> None:
    """AlreadyUsed if `failed` failed because the priority was used already."""
    if failed.failed(USED_LABEL):
        raise AlreadyUsed()
