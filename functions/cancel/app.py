"""POST /bookings/{reference}/cancel: a citizen cancels with the token from the e-mail."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from http_api import create_api, entry_point, json_body, respond
from terminbuchung import bookings, clock
from terminbuchung.forms import CancelForm, parse
from terminbuchung.references import token_keys

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_api(logger)


@app.post("/bookings/<reference>/cancel")
def cancel_booking(reference: str) -> Response[str]:
    form = parse(CancelForm, json_body(app))
    cancellation = bookings.cancel(reference, form.token, clock.now(), token_keys())
    # The dashboard's funnel (template.yaml, Dashboard).
    metrics.add_metric("BookingCancelled", MetricUnit.Count, 1)
    return respond(200, asdict(cancellation))


lambda_handler = entry_point(app, logger, tracer, metrics)
