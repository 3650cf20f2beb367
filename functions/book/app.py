"""POST /bookings: book one appointment."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from http_api import create_api, entry_point, json_body, respond
from http_api.idempotency import idempotency_key
from terminbuchung import bookings, clock
from terminbuchung.config import site_config
from terminbuchung.forms import BookingForm, parse
from terminbuchung.proof_of_work import challenge_key
from terminbuchung.references import token_keys

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_api(logger)


@app.post("/bookings")
def book() -> Response[str]:
    key = idempotency_key(app)
    form = parse(BookingForm, json_body(app))
    confirmation = bookings.book(
        form, site_config(), clock.now(), token_keys(), key, proof_key=challenge_key()
    )
    metrics.add_dimension("location", form.location)
    if isinstance(confirmation, bookings.Pending):
        # Waits for the e-mail address to be confirmed; the same answer whether or not the
        # person holds a booking already (they learn it by e-mail).
        metrics.add_metric("BookingPending", MetricUnit.Count, 1)
        return respond(202, asdict(confirmation))
    metrics.add_metric("BookingCreated", MetricUnit.Count, 1)
    return respond(201, asdict(confirmation))


lambda_handler = entry_point(app, logger, tracer, metrics)
