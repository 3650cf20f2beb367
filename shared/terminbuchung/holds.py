"""Unconfirmed bookings expire without a cron: their seat and guards are freed at
`confirm_by` (see docs/ARCHITECTURE.md, "Pending bookings and their schedules").

1. The e-mail function sees the pending booking on the table's stream and creates a
   one-time EventBridge Scheduler schedule `at(confirm_by)` for it (`schedule_expiry`),
   off the booking's request path, so the request stays one DynamoDB round trip.
2. The schedule invokes the expiry function with the reference (`expire_hold`); Scheduler
   deletes the schedule after it ran (ActionAfterCompletion DELETE).
3. Should a schedule never have been made or never fire, the hourly reminder run sweeps
   (`sweep`): every pending booking past its time is freed then.
4. A confirmation that comes too late expires the booking itself (bookings.confirm).

All of them end in `settle`, the one place a pending booking ends (confirmed in time, or
expired): one transaction that holds only while the booking is pending
(table.bookings.confirm/expire), so any number of them may run, in any order, at once.
"""

import json
from datetime import UTC, date, datetime, timedelta
from functools import cache
from math import ceil
from typing import Any

from aws_lambda_powertools import Logger

from terminbuchung.clock import in_berlin
from terminbuchung.config import SiteConfig
from terminbuchung.errors import BookingNotFound, Busy, SlotUnavailable
from terminbuchung.settings import read_settings
from terminbuchung.table import bookings as table
from terminbuchung.table.items import BookingItem

logger = Logger(child=True)

# A schedule made late (the stream was held up) still fires, a little after it was made.
LEAST_DELAY = timedelta(minutes=1)
# Scheduler retries an invocation that failed (throttling, the function's own error);
# the sweep catches whatever it gave up on.
RETRIES = 10
RETRY_WINDOW_SECONDS = 3600


def schedule_name(reference: str) -> str:
    """One per booking; the stack's own schedule group keeps stacks apart (at most 64)."""
    return f"hold-{reference}"


def at_expression(moment: datetime) -> str:
    """Scheduler's one-time expression, in UTC, to the next full second."""
    whole = datetime.fromtimestamp(ceil(moment.timestamp()), tz=UTC)
    return f"at({whole:%Y-%m-%dT%H:%M:%S})"


@cache
def _scheduler() -> Any:
    import boto3

    return boto3.client("scheduler", region_name=read_settings().region)


def schedule_expiry(booking: BookingItem, now: datetime) -> bool:
    """The one-time schedule that frees `booking` at its confirm_by, unless it exists.

    False if it existed already (a replayed stream record)."""
    settings = read_settings()
    when = max(booking.confirm_by, now + LEAST_DELAY)
    try:
        _scheduler().create_schedule(
            Name=schedule_name(booking.reference),
            GroupName=settings.required("hold_schedule_group"),
            ScheduleExpression=at_expression(when),
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": settings.required("hold_expiry_function_arn"),
                "RoleArn": settings.required("hold_expiry_role_arn"),
                "Input": json.dumps({"reference": booking.reference}),
                "RetryPolicy": {
                    "MaximumRetryAttempts": RETRIES,
                    "MaximumEventAgeInSeconds": RETRY_WINDOW_SECONDS,
                },
            },
            Description="Frees the seat of an unconfirmed booking (terminbuchung.holds).",
        )
    except _scheduler().exceptions.ConflictException:
        return False
    logger.info("expiry scheduled", extra={"reference": booking.reference})
    return True


class HoldNotDue(Exception):
    """The schedule fired before the booking's time (clocks differ): Scheduler retries."""


def settle(item: BookingItem, now: datetime) -> str:
    """A pending booking is confirmed (in time) or expires (too late): the status it ends in.

    Each transaction holds only while the booking is pending, so of any number of clicks,
    schedules and sweeps racing each other one decides, and the others read what it did.
    """
    try:
        if now < item.confirm_by:
            if table.confirm(item, now):
                logger.info("booking confirmed", extra={"reference": item.reference})
                return BookingItem.CONFIRMED
        elif table.expire(item, now):
            logger.info("booking expired unconfirmed", extra={"reference": item.reference})
            return BookingItem.EXPIRED
    except table.Contended:
        raise Busy() from None
    except table.SeatNotFree:
        raise SlotUnavailable() from None
    settled = table.load(item.reference)
    if settled is None:
        raise BookingNotFound()
    return settled.status


def expire_hold(reference: str, now: datetime) -> str:
    """What a booking's schedule does at its confirm_by: the status it ends in.

    Already confirmed, expired or gone: nothing to do. One GetItem and one transaction.
    """
    item = table.load(reference)
    if item is None or item.status != BookingItem.PENDING:
        return item.status if item else "gone"
    if now < item.confirm_by:
        raise HoldNotDue(reference)
    return settle(item, now)


def sweep(site: SiteConfig, now: datetime) -> int:
    """Free every pending booking past its time, should its schedule have failed: how many
    it found (each ends expired, by this run or a schedule at the same moment).

    Pending bookings are for days from yesterday (booked late at night) to the horizon;
    one Query of the day index per location and day, no scan.
    """
    today = in_berlin(now).date()
    freed = 0
    for location in site.locations:
        for day in _days(today - timedelta(days=1), today + timedelta(days=location.horizon_days)):
            for item in table.pending_on(location.id, day, now):
                if settle(item, now) == BookingItem.EXPIRED:
                    logger.warning("hold freed by the sweep", extra={"reference": item.reference})
                    freed += 1
    return freed


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
