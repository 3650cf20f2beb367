"""The evaluation's counters: anonymous, on the slot items, changed in the same transaction
as the booking they count, so a replayed request (whose condition fails) never counts twice.

Slots keep no personal data and outlive the bookings (SLOT_HISTORY against the bookings'
retention_days), so the evaluation of the test phase never reads a booking item. Counting
on the slot, not on one item per day, adds no item to the booking's transaction and keeps
concurrent bookings of one day from contending for a single counter.
"""

from datetime import datetime

from pynamodb.expressions.update import Action

from terminbuchung.table.items import BookingItem, SlotItem

_CANCELLED = {
    BookingItem.CANCELLED: SlotItem.cancelled_by_citizens,
    BookingItem.CANCELLED_BY_OFFICE: SlotItem.cancelled_by_office,
}


def booked(via: str, start: datetime, at: datetime) -> list[Action]:
    counter = SlotItem.booked_by_phone if via == BookingItem.PHONE else SlotItem.booked_online
    lead = max(int((start - at).total_seconds() // 60), 0)
    return [
        counter.add(1),
        SlotItem.lead_minutes.set((SlotItem.lead_minutes | []).append([lead])),
        SlotItem.last_booked_at.set(at),
    ]


def cancelled(status: str) -> Action:
    return _CANCELLED[status].add(1)


def attendance(mark: str, step: int) -> Action:
    counter = SlotItem.checked_in if mark == "checked_in" else SlotItem.no_shows
    return counter.add(step)


def moved_in(at: datetime) -> list[Action]:
    """A booking moved to this slot: not a new booking (no lead time, no booked_* count),
    but the slot may be full from now on."""
    return [
        SlotItem.moved_in.add(1),
        SlotItem.last_booked_at.set(at),
    ]


def moved_away() -> Action:
    """A booking moved from this slot to another: not a cancellation."""
    return SlotItem.moved_away.add(1)


def hold_expired() -> Action:
    """An online booking never confirmed: not a booking, but the test phase wants to know."""
    return SlotItem.holds_expired.add(1)


def hold_replaced() -> Action:
    """A pending booking replaced by the citizen's corrected one (a mistyped address): not
    a booking and not an expiry; the corrected booking counts once confirmed."""
    return SlotItem.holds_replaced.add(1)
