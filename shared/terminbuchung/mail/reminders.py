"""The day before an appointment, remind the citizen of it.

The schedule runs every hour; from the configured reminder time of day on, each run sends
the reminders for tomorrow that have not gone out yet (the markers of `delivery` make the
later runs of the day send nothing new, and retry what failed). Tomorrow's bookings come
from the location+day index: one query per location, no scan.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from aws_lambda_powertools import Logger

from terminbuchung.clock import BERLIN, in_berlin
from terminbuchung.mail.delivery import MailNotSent, Outcome, Sending, deliver
from terminbuchung.mail.letters import Kind
from terminbuchung.table.bookings import bookings_on
from terminbuchung.table.items import BookingItem

logger = Logger(child=True)


@dataclass
class ReminderRun:
    day: date  # the day whose appointments are reminded of
    due: bool  # False before the reminder time of day
    sent: int = 0
    already_sent: int = 0
    skipped: int = 0  # booked after the reminders went out: the confirmation is fresh
    undeliverable: int = 0  # given up on; the booking tells staff
    failed: list[str] = field(default_factory=list)  # references, to retry next hour


def tomorrows_bookings(location_id: str, day: date) -> list[BookingItem]:
    return list(bookings_on(location_id, day, confirmed_only=True))


def send_reminders(sending: Sending) -> ReminderRun:
    local_now = in_berlin(sending.now)
    reminder_time = sending.site.mail.reminder_time
    run = ReminderRun(
        day=local_now.date() + timedelta(days=1), due=local_now.time() >= reminder_time
    )
    if not run.due:
        return run
    reminders_went_out = datetime.combine(local_now.date(), reminder_time, tzinfo=BERLIN)
    # Every configured location, also one disabled since: its bookings still stand.
    for location in sending.site.locations:
        for booking in tomorrows_bookings(location.id, run.day):
            # Booked or moved here after the reminders went out: that e-mail is fresh.
            if (booking.rescheduled_at or booking.created_at) >= reminders_went_out:
                run.skipped += 1
                continue
            # A moved appointment is reminded of anew: its own marker per move.
            moves = int(booking.reschedules or 0)
            try:
                outcome = deliver(
                    Kind.REMINDER, booking, sending, f"move{moves}" if moves else None
                )
            except MailNotSent:
                run.failed.append(booking.reference)
                continue
            if outcome is Outcome.SENT:
                run.sent += 1
            elif outcome is Outcome.ALREADY_SENT:
                run.already_sent += 1
            elif outcome is Outcome.UNDELIVERABLE:
                run.undeliverable += 1
    logger.info(
        "reminders done",
        extra={
            "day": run.day.isoformat(),
            "sent": run.sent,
            "already_sent": run.already_sent,
            "skipped": run.skipped,
            "undeliverable": run.undeliverable,
            "failed": len(run.failed),
        },
    )
    return run
