"""POST /bookings/lookup: "Termin wiederfinden". The links to the bookings an address holds
go to that address by e-mail; the answer is the same for every address."""

from typing import TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from terminbuchung import clock, notices
from terminbuchung.forms import LookupForm
from terminbuchung.proof_of_work import challenge_key
from terminbuchung.references import token_keys
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)


class LookupAnswer(TypedDict):
    email: str  # masked: e…@gmx.de


LOOK_UP = Operation(
    summary="Termin wiederfinden",
    description="Die Links zu den Buchungen einer Adresse gehen per E-Mail an diese "
    "Adresse (höchstens eine E-Mail je 10 Minuten); die Antwort ist für jede Adresse gleich.",
    body=LookupForm,
    answers=(
        Answer(
            202,
            LookupAnswer,
            "Angenommen; die E-Mail folgt, wenn die Adresse Buchungen hat.",
            example={"email": "e…@example.de"},
        ),
    ),
    errors=("challenge_failed",),
    example={"email": "erika.mustermann@example.de", "altcha": "eyJhbGdvcml0aG0iOiJTSEEt…"},
)


@app.post("/bookings/lookup")
@LOOK_UP
def look_up() -> Response:
    form = LOOK_UP.form(app)
    masked = notices.look_up(
        form.email, clock.now(), token_keys(), proof=form.altcha, proof_key=challenge_key()
    )
    answer: LookupAnswer = {"email": masked}
    return respond(202, answer)


lambda_handler = entry_point(app, logger, tracer)
