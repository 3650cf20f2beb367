"""DynamoDB stream of booking items: the citizen gets an e-mail when a booking is made,
confirmed, expires unconfirmed or is cancelled (by them or by the office); a pending
booking gets its one-time expiry schedule (terminbuchung.holds); a notice goes out to the
owner of the bookings it names (terminbuchung.mail.notices). Partial batch responses: a
record whose e-mail failed is retried alone; what was sent stays sent (see
terminbuchung.mail.delivery).

The partial batch response is made here (`partial_failures`), not by Powertools' batch
utility: that loads asyncio and Powertools' ~40 event classes, about 30 ms of this
function's cold start (issue 14), for a loop of ten lines.
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from terminbuchung.cold_start import init_done
from terminbuchung.holds import schedule_expiry
from terminbuchung.mail.delivery import (
    MailNotSent,
    Outcome,
    Sending,
    deliver,
    letter_for_change,
    moved,
    resend_requested,
    sending_for,
)
from terminbuchung.mail.letters import Kind
from terminbuchung.mail.notices import deliver_notice
from terminbuchung.table import BookingItem
from terminbuchung.table.items import NoticeItem
from terminbuchung.table.keys import BOOKING_PREFIX, NOTICE_PREFIX
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()

# MailUndeliverable has an alarm: the citizen did not get an e-mail, staff should call.
_METRIC = {
    Outcome.SENT: "MailSent",
    Outcome.ALREADY_SENT: "MailAlreadySent",
    Outcome.UNDELIVERABLE: "MailUndeliverable",
}


def booking_image(image: dict[str, Any] | None) -> BookingItem | None:
    return BookingItem.from_raw_data(image) if image else None


class Batch:
    """One invocation's records. A booking's e-mails go out in order: once one of them
    failed, its later records in the batch wait for the retry too."""

    def __init__(self, sending: Sending) -> None:
        self.sending = sending
        self.held_back: set[str] = set()

    def handle(self, record: dict[str, Any]) -> None:
        change = record.get("dynamodb") or {}
        # The event filter passes booking items and notices only; markers and slots never
        # get here.
        pk = change.get("Keys", {}).get("pk", {}).get("S", "")
        if pk.startswith(NOTICE_PREFIX):
            self.notice(change.get("NewImage"))
            return
        if not pk.startswith(BOOKING_PREFIX):
            return
        before = booking_image(change.get("OldImage"))
        after = booking_image(change.get("NewImage"))
        if before is None and after is not None and after.status == BookingItem.PENDING:
            # First its expiry, then its e-mail: a failed e-mail retries the record, and the
            # schedule, made already, is not made twice.
            schedule_expiry(after, self.sending.now)
        kind = letter_for_change(before.status if before else None, after.status if after else None)
        occasion = resend_requested(before, after) if kind is None else None
        if occasion:
            kind = Kind.CONFIRMATION
        elif kind is None and (occasion := moved(before, after)):
            kind = Kind.RESCHEDULED
        if kind is None or after is None:
            return
        if after.reference in self.held_back:
            raise MailNotSent(after.reference, kind, "earlier_e-mail_of_this_booking_failed")
        try:
            outcome = deliver(kind, after, self.sending, occasion)
        except MailNotSent:
            self.held_back.add(after.reference)
            metrics.add_metric(name="MailFailed", unit=MetricUnit.Count, value=1)
            raise
        if metric := _METRIC.get(outcome):
            metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)

    def notice(self, image: dict[str, Any] | None) -> None:
        if not image:
            return
        for outcome in deliver_notice(NoticeItem.from_raw_data(image), self.sending):
            if metric := _METRIC.get(outcome):
                metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    batch = Batch(sending_for(context.get_remaining_time_in_millis()))
    return partial_failures(event.get("Records") or [], batch.handle)


def partial_failures(
    records: list[dict[str, Any]], handle: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Lambda's partial batch response for a DynamoDB stream (ReportBatchItemFailures): the
    sequence numbers of the records that failed; Lambda retries from the first of them. All
    of them failing is reported the same way. No exception text reaches the log (it could
    name an address): each failure is logged where it happens, without personal data."""
    failed = []
    for record in records:
        try:
            handle(record)
        except Exception:  # any failure is the record's: Lambda retries it
            failed.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failed}


# Everything this module makes is made: the collector runs again (terminbuchung.cold_start).
init_done()
