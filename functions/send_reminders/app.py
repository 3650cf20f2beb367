"""Hourly (EventBridge Scheduler): from the configured reminder time on, remind everyone
with a confirmed appointment tomorrow (pending ones are not reminded). Later runs of the
day send only what is missing. Each run first frees the bookings never confirmed whose
one-time schedule failed (terminbuchung.holds.sweep).
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from terminbuchung.cold_start import init_done
from terminbuchung.holds import sweep
from terminbuchung.mail.delivery import sending_for
from terminbuchung.mail.reminders import send_reminders
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()


class RemindersIncomplete(Exception):
    """Some reminders did not go out; the next hourly run tries them again."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sending = sending_for(context.get_remaining_time_in_millis())
    # The safety sweep first: a booking never confirmed whose schedule failed is freed
    # here at the latest, an hour after its time (terminbuchung.holds).
    freed = sweep(sending.site, sending.now)
    if freed:
        metrics.add_metric(name="HoldsFreedBySweep", unit=MetricUnit.Count, value=freed)
    run = send_reminders(sending)
    metrics.add_metric(name="RemindersSent", unit=MetricUnit.Count, value=run.sent)
    if run.undeliverable:
        metrics.add_metric(name="MailUndeliverable", unit=MetricUnit.Count, value=run.undeliverable)
    if run.failed:
        metrics.add_metric(name="RemindersFailed", unit=MetricUnit.Count, value=len(run.failed))
        # A failed run shows in the function's error alarm; the references are in the log.
        raise RemindersIncomplete(f"{len(run.failed)} reminders not sent: {', '.join(run.failed)}")
    return {
        "day": run.day.isoformat(),
        "due": run.due,
        "sent": run.sent,
        "already_sent": run.already_sent,
        "skipped": run.skipped,
    }


# Everything this module makes is made: the collector runs again (terminbuchung.cold_start).
init_done()
