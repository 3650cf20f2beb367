"""POST /bookings/{reference}/cancel: a citizen cancels with the token from the e-mail."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from terminbuchung import bookings, clock
from terminbuchung.forms import CancelForm
from terminbuchung.references import token_keys
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()
app = create_api(logger)

CANCEL = Operation(
    summary="Einen Termin absagen",
    description="Mit dem Code aus der E-Mail. Noch einmal gesendet: dieselbe Antwort.",
    body=CancelForm,
    answers=(
        Answer(
            200,
            bookings.Cancellation,
            "Abgesagt; der Platz ist wieder frei.",
            example={"reference": "K7QP-3XMA", "status": "cancelled"},
        ),
    ),
    errors=("booking_not_found", "too_late", "busy"),
    example={"token": "q3vJ0bX8Yk2Lr5tW9nA1cE7dF4gH6iK0"},
)


@app.post("/bookings/<reference>/cancel")
@CANCEL
def cancel_booking(reference: str) -> Response:
    form = CANCEL.form(app)
    cancellation = bookings.cancel(reference, form.token, clock.now(), token_keys())
    # The dashboard's funnel (template.yaml, Dashboard).
    metrics.add_metric("BookingCancelled", MetricUnit.Count, 1)
    return respond(200, asdict(cancellation))


lambda_handler = entry_point(app, logger, tracer, metrics)
