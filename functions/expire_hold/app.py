"""Invoked by a booking's one-time EventBridge Scheduler schedule at its confirm_by: an
unconfirmed booking expires, its seat and guards are free again (terminbuchung.holds).

Input: {"reference": "K7QP-3XMA"}. Safe to run any number of times; a run before the
booking's time fails, and Scheduler retries it.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from terminbuchung import clock
from terminbuchung.cold_start import init_done
from terminbuchung.holds import expire_hold
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    reference = str(event.get("reference", ""))
    status = expire_hold(reference, clock.now())
    logger.info("hold settled", extra={"reference": reference, "status": status})
    return {"reference": reference, "status": status}


# Everything this module makes is made: the collector runs again (terminbuchung.cold_start).
init_done()
