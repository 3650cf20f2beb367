"""Move a booking to another slot in one DynamoDB transaction.

A seat of the new slot, the old seat freed, the booking's times changed and its guards
kept alive until the new end: together or not at all. The booking's condition is that it
is still confirmed at the old time, so a move racing a cancellation, another move or the
office's check-in loses cleanly and leaves everything as it was. The person's guards stay
the same items (a move is not a new booking); only their expiry follows the appointment.
"""

from dataclasses import dataclass
from datetime import datetime

from terminbuchung.clock import iso
from terminbuchung.table import requests, statistics
from terminbuchung.table.bookings import (
    ATTEMPTS,
    Contended,
    SeatNotFree,
    _append_history,
    _back_off,
    _why_not,
)
from terminbuchung.table.challenges import Spent, raise_if_spent, spend_in
from terminbuchung.table.items import BookingItem, GuardItem, HistoryEntry, SlotItem
from terminbuchung.table.keys import day_key, day_order, location_key, slot_key
from terminbuchung.table.requests import RequestSeen
from terminbuchung.table.transaction import Transaction, TransactionFailed

__all__ = ["BookingChanged", "Contended", "Move", "RequestSeen", "SeatNotFree", "move"]


class BookingChanged(Exception):
    """The booking is no longer confirmed at the old time (cancelled, moved, checked in,
    or moved as often as allowed) since it was read."""


@dataclass(frozen=True)
class Move:
    """Where a booking goes, and what changes with it."""

    start: datetime
    end: datetime
    expires_at: datetime  # the booking's personal data, counted from the new end
    limit: int  # the booking may have been moved fewer times than this
    at: datetime
    by: str = BookingItem.CITIZEN


def move(
    item: BookingItem,
    to: Move,
    request: requests.KeyedRequest | None = None,
    proof: Spent | None = None,
) -> None:
    """Move `item` (as read) to `to.start`. Raises SeatNotFree, BookingChanged, RequestSeen
    or Contended; on any of them nothing has changed."""
    guards = [str(guard) for guard in item.guards]
    old_start: datetime = item.starts_at
    entry = HistoryEntry.of(to.at, to.by, "rescheduled", f"{iso(old_start)} -> {iso(to.start)}")
    for attempt in range(ATTEMPTS):
        transaction = Transaction()
        transaction.update(
            "booking",
            item,
            [
                BookingItem.slot.set(slot_key(to.start)),
                BookingItem.starts_at.set(to.start),
                BookingItem.ends_at.set(to.end),
                BookingItem.day_key.set(day_key(item.location, to.start.date())),
                BookingItem.day_order.set(day_order(to.start, item.reference)),
                BookingItem.expires_at.set(to.expires_at),
                BookingItem.reschedules.add(1),
                BookingItem.rescheduled_at.set(to.at),
                _append_history(entry),
            ],
            condition=(BookingItem.status == BookingItem.CONFIRMED)
            & (BookingItem.starts_at == old_start)
            & BookingItem.checked_in_at.does_not_exist()
            & BookingItem.no_show_at.does_not_exist()
            & (BookingItem.reschedules.does_not_exist() | (BookingItem.reschedules < to.limit)),
        )
        transaction.update(
            "new slot",
            SlotItem(location_key(item.location), slot_key(to.start)),
            [SlotItem.booked.add(1), *statistics.moved_in(to.at)],
            condition=SlotItem.pk.exists()
            & SlotItem.closed_reason.does_not_exist()
            & (SlotItem.booked < SlotItem.capacity)
            & (SlotItem.starts_at == to.start),
        )
        transaction.update(
            "old slot",
            SlotItem(location_key(item.location), item.slot),
            [SlotItem.booked.add(-1), statistics.moved_away()],
            condition=SlotItem.booked > 0,
        )
        for number, guard in enumerate(guards):
            pk, sk = guard.split("|")
            transaction.update(
                f"guard{number}",
                GuardItem(pk, sk),
                [GuardItem.expires_at.set(to.end)],
                condition=GuardItem.reference == item.reference,
            )
        if request:
            requests.put(transaction, request, item.reference, to.at)
        spend_in(transaction, proof)  # the proof of work: spent with the move, or not at all
        try:
            transaction.commit()
        except TransactionFailed as failed:
            if failed.failed(requests.LABEL):
                raise RequestSeen() from None
            raise_if_spent(failed)
            if failed.failed("booking"):
                raise BookingChanged() from None
            if failed.failed("new slot"):
                raise _why_not(failed.raw_item("new slot"), to.start) from None
            # A guard that is gone (expired, freed by the office) holds nothing to extend.
            left = [g for n, g in enumerate(guards) if not failed.failed(f"guard{n}")]
            if failed.conflict:
                _back_off(attempt)
            elif left == guards:
                raise
            guards = left
            continue
        return
    raise Contended()
