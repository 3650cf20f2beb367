"""The `Idempotency-Key` header of a write (POST /bookings, reschedule): see
terminbuchung.idempotency for what it does."""

from http_api.contract import Parameter
from http_api.routing import Api
from terminbuchung.idempotency import _KEY as KEY_PATTERN
from terminbuchung.idempotency import HEADER, check_key


def idempotency_key(app: Api) -> str | None:
    """The header's value (API Gateway passes header names in lower case), None without
    one; a malformed key is a 422 naming the header."""
    return check_key(app.current_event.headers.get("idempotency-key"))


# The header in the API's contract (docs/openapi.json), with the pattern check_key holds it to.
IDEMPOTENCY_KEY = Parameter(
    HEADER,
    "header",
    "Frei gewählt, 16 bis 128 sichtbare ASCII-Zeichen (die Seite schickt eine zufällige UUID "
    "je Versuch). Dieselbe Anfrage mit demselben Schlüssel innerhalb von 24 Stunden erhält "
    "die erste Antwort, ohne zweite Buchung; eine andere Anfrage mit ihm 422 "
    "idempotency_key_reused.",
    schema={"type": "string", "pattern": f"^{KEY_PATTERN.pattern}$"},
    example="8f14e45f-ceea-467f-a8d9-3c2e1b0a7d65",
)
