"""POST /bookings/lookup: "Termin wiederfinden". The links to the bookings an address holds
go to that address by e-mail; the answer is the same for every address."""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, json_body, respond
from terminbuchung import clock, notices
from terminbuchung.forms import LookupForm, parse
from terminbuchung.proof_of_work import challenge_key
from terminbuchung.references import token_keys

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.post("/bookings/lookup")
def look_up() -> Response[str]:
    form = parse(LookupForm, json_body(app))
    masked = notices.look_up(
        form.email, clock.now(), token_keys(), proof=form.altcha, proof_key=challenge_key()
    )
    return respond(202, {"email": masked})


lambda_handler = entry_point(app, logger, tracer)
