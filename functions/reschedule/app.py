"""POST /bookings/{reference}/reschedule: a citizen moves their appointment to another
time with the token from the e-mail, in one step (the old one stays until the new is theirs).
"""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from http_api import Response, create_api, entry_point, respond
from http_api.contract import EXAMPLE_BOOKING, Answer, Operation
from http_api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from terminbuchung import clock
from terminbuchung.config import site_config
from terminbuchung.forms import RescheduleForm
from terminbuchung.proof_of_work import challenge_key
from terminbuchung.references import token_keys
from terminbuchung.reschedule import Moved, reschedule
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()
app = create_api(logger)

RESCHEDULE = Operation(
    summary="Einen Termin verschieben",
    description="In einem Schritt: der alte Termin bleibt, bis der neue sicher ist. Nach "
    "der Zeit, die der Termin schon hat, gefragt: dieselbe Antwort.",
    body=RescheduleForm,
    parameters=(IDEMPOTENCY_KEY,),
    answers=(
        Answer(
            200,
            Moved,
            "Verschoben; reschedules_left: wie oft noch online.",
            example={
                **EXAMPLE_BOOKING,
                "start": "2026-12-02T10:00:00+01:00",
                "end": "2026-12-02T10:30:00+01:00",
                "reschedules_left": 2,
            },
        ),
    ),
    errors=(
        "challenge_failed",
        "booking_not_found",
        "not_confirmed",
        "not_yet_confirmed",
        "reschedule_limit",
        "too_late",
        "slot_full",
        "slot_unavailable",
        "idempotency_key_reused",
        "busy",
    ),
    example={
        "token": "q3vJ0bX8Yk2Lr5tW9nA1cE7dF4gH6iK0",
        "start": "2026-12-02T10:00:00+01:00",
        "altcha": "eyJhbGdvcml0aG0iOiJTSEEt…",
    },
)


@app.post("/bookings/<reference>/reschedule")
@RESCHEDULE
def reschedule_booking(reference: str) -> Response:
    key = idempotency_key(app)
    form = RESCHEDULE.form(app)
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
