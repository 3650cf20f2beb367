"""POST /bookings/{reference}/confirm: the citizen confirms the e-mail address with the
token from the e-mail's link; from then on the booking counts."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, json_body, respond
from terminbuchung import bookings, clock
from terminbuchung.forms import ConfirmForm, parse
from terminbuchung.references import token_keys

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.post("/bookings/<reference>/confirm")
def confirm_booking(reference: str) -> Response[str]:
    form = parse(ConfirmForm, json_body(app))
    details = bookings.confirm(reference, form.token, clock.now(), token_keys())
    return respond(200, asdict(details))


lambda_handler = entry_point(app, logger, tracer)
