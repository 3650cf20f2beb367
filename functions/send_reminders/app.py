"""Hourly (EventBridge Scheduler): from the configured reminder time on, remind everyone
with a confirmed appointment tomorrow. Later runs of the day send only what is missing.
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from terminbuchung.mail.delivery import sending_for
from terminbuchung.mail.reminders import send_reminders

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class RemindersIncomplete(Exception):
    """Some reminders did not go out; the next hourly run tries them again."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = send_reminders(sending_for(context.get_remaining_time_in_millis()))
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
