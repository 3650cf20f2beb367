"""GET /challenge: a fresh proof-of-work puzzle for the booking page (ALTCHA).

No table access: the puzzle is signed, so checking a solution needs no stored state.
"""

from typing import TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from terminbuchung import clock
from terminbuchung.config import site_config
from terminbuchung.proof_of_work import challenge_key, new_challenge
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)


class Puzzle(TypedDict):
    """An ALTCHA puzzle (terminbuchung.proof_of_work.new_challenge)."""

    algorithm: str
    challenge: str
    salt: str
    signature: str
    maxnumber: int  # what the widget reads
    maxNumber: int  # what the library writes
    expires: int  # seconds since 1970


CHALLENGE = Operation(
    summary="Ein Rätsel für den Arbeitsnachweis (proof of work)",
    description="Gelöst (tests/proof_of_work.py zeigt wie) geht es als Feld altcha mit "
    "POST /bookings, /bookings/lookup und /bookings/{reference}/reschedule mit. Nie "
    "zwischengespeichert.",
    answers=(
        Answer(
            200,
            Puzzle,
            "Ein frisches, signiertes Rätsel.",
            example={
                "algorithm": "SHA-256",
                "challenge": "02cafaf5e19128bbdf88650fe151afe969d7f429df5d7fcfd9155782498cdbc5",
                "salt": "bfe0592d0866f4df52068a38?expires=1795645023&",
                "signature": "29e47fc338555400180d49de85f9d537a051543752339b9cdaf895c14daa73f9",
                "maxnumber": 250000,
                "maxNumber": 250000,
                "expires": 1795645023,
            },
        ),
    ),
)


@app.get("/challenge")
@CHALLENGE
def challenge() -> Response:
    return respond(200, new_challenge(site_config().proof_of_work, challenge_key(), clock.now()))


lambda_handler = entry_point(app, logger, tracer)
