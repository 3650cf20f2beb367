"""POST /bookings/{reference}/reschedule: a citizen moves their appointment to another
time with the token from the e-mail, in one step (the old one stays until the new is theirs).
"""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from http_api import create_api, entry_point, json_body, respond
from http_api.idempotency import idempotency_key
from terminbuchung import clock
from terminbuchung.config import site_config
from terminbuchung.forms import RescheduleForm, parse
from terminbuchung.proof_of_work import challenge_key
from terminbuchung.references import token_keys
from terminbuchung.reschedule import reschedule

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_api(logger)


@app.post("/bookings/<reference>/reschedule")
def reschedule_booking(reference: str) -> Response[str]:
    key = idempotency_key(app)
    form = parse(RescheduleForm, json_body(app))
    moved = reschedule(
        reference,
        form.token,
        form.start,
        site=site_config(),
        now=clock.now(),
        keys=token_keys(),
        idempotency_key=key,
        proof=form.altcha,
        proof_key=challenge_key(),
    )
    metrics.add_dimension("location", moved.location)
    metrics.add_metric("BookingRescheduled", MetricUnit.Count, 1)
    return respond(200, asdict(moved))


lambda_handler = entry_point(app, logger, tracer, metrics)
