"""GET /bookings/{reference}: a citizen looks at their booking (token in X-Booking-Token)."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, respond
from terminbuchung import bookings
from terminbuchung.references import secret_key

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.get("/bookings/<reference>")
def show_booking(reference: str) -> Response[str]:
    token = app.current_event.headers.get("x-booking-token") or ""
    return respond(200, asdict(bookings.show(reference, token, secret_key())))


lambda_handler = entry_point(app, logger, tracer)
