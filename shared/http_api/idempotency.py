"""The `Idempotency-Key` header of a write (POST /bookings, reschedule): see
terminbuchung.idempotency for what it does."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from terminbuchung.idempotency import check_key


def idempotency_key(app: APIGatewayHttpResolver) -> str | None:
    """The header's value (API Gateway passes header names in lower case), None without
    one; a malformed key is a 422 naming the header."""
    return check_key(app.current_event.headers.get("idempotency-key"))
