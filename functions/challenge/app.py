"""GET /challenge: a fresh proof-of-work puzzle for the booking page (ALTCHA).

No table access: the puzzle is signed, so checking a solution needs no stored state.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, respond
from terminbuchung import clock
from terminbuchung.config import site_config
from terminbuchung.proof_of_work import challenge_key, new_challenge

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.get("/challenge")
def challenge() -> Response[str]:
    return respond(200, new_challenge(site_config().proof_of_work, challenge_key(), clock.now()))


lambda_handler = entry_point(app, logger, tracer)
