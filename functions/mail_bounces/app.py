"""SES's bounces, complaints and rejects, from EventBridge: the booking is marked and gets
no further e-mail (terminbuchung.mail.returns). The event names the recipient's address:
it is read for nothing and never logged."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from terminbuchung.cold_start import init_done
from terminbuchung.mail.returns import read_ses_event, record
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    returned = read_ses_event(event.get("detail") or {})
    if returned is None:
        logger.info("SES event without anything to mark", extra={"type": event.get("detail-type")})
        return {"marked": False}
    marked = record(returned)
    if marked:
        # The dashboard's "bounced" line: once per booking and status, repeats not counted.
        metrics.add_metric(name="MailBounced", unit=MetricUnit.Count, value=1)
    return {"marked": marked, "email_status": str(returned.status)}


# Everything this module makes is made: the collector runs again (terminbuchung.cold_start).
init_done()
