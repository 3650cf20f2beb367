"""POST /bookings/{reference}/confirm: the citizen confirms the e-mail address with the
token from the e-mail's link; from then on the booking counts."""

from dataclasses import asdict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import EXAMPLE_BOOKING, Answer, Operation
from terminbuchung import bookings, clock
from terminbuchung.forms import ConfirmForm
from terminbuchung.references import token_keys
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)

CONFIRM = Operation(
    summary="Die E-Mail-Adresse bestätigen",
    description="Mit dem Code aus dem Link der E-Mail; erst dann gilt die Buchung. Noch "
    "einmal gesendet: dieselbe Antwort; nach confirm_by 409 expired.",
    body=ConfirmForm,
    answers=(
        Answer(
            200,
            bookings.BookingDetails,
            "Bestätigt: die Buchung wie GET /bookings/{reference}.",
            example=EXAMPLE_BOOKING,
        ),
    ),
    errors=("booking_not_found", "expired", "not_confirmed", "slot_unavailable", "busy"),
    example={"token": "q3vJ0bX8Yk2Lr5tW9nA1cE7dF4gH6iK0"},
)


@app.post("/bookings/<reference>/confirm")
@CONFIRM
def confirm_booking(reference: str) -> Response:
    form = CONFIRM.form(app)
    details = bookings.confirm(reference, form.token, clock.now(), token_keys())
    return respond(200, asdict(details))


lambda_handler = entry_point(app, logger, tracer)
