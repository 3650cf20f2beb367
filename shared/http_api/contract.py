"""Each route's contract: what it takes (body model, query, headers) and what it answers
(status and shape per answer, the error codes it can give).

A function declares it next to its route, as a decorator, and reads its body and query
through it (`Operation.form`, `Operation.query_of`); infra/openapi.py reads the same
declarations from the function's resolver to write docs/openapi.json. Document and
handler therefore name the same models and cannot drift apart.

Only dataclasses and typing here: a function's cold start pays nothing for the document
(pydantic's schema generation runs in infra/openapi.py, never in a Lambda; the forms are
plain dataclasses, terminbuchung.forms).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from http_api.routing import Api

# The handler's attribute infra/openapi.py finds the contract under.
CONTRACT_ATTRIBUTE = "api_contract"


@dataclass(frozen=True)
class Parameter:
    """A header or query parameter the handler reads itself (not through a model)."""

    name: str
    where: str  # "header" or "query"
    description: str
    required: bool = False
    # JSON Schema of the value, e.g. {"type": "string", "pattern": "..."}.
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    example: str | None = None


# The token from the booking's e-mail (GET /bookings/{reference} and its calendar file).
BOOKING_TOKEN = Parameter(
    "X-Booking-Token",
    "header",
    "Der Code aus dem Link der E-Mail (token). Fehlt er oder ist er falsch, lautet die "
    "Antwort wie für eine unbekannte Buchungsnummer: 404 booking_not_found.",
    required=True,
    schema={"type": "string", "maxLength": 200},
    example="q3vJ0bX8Yk2Lr5tW9nA1cE7dF4gH6iK0",
)

# Every operation: the language of its error messages (http_api.answer_language; a body's
# `language` field, where the form has one, goes first).
ACCEPT_LANGUAGE = Parameter(
    "Accept-Language",
    "header",
    "Die Sprache der Fehlermeldungen: de, de-x-ls (Leichte Sprache), en, uk oder ar, mit "
    "Gewichten nach RFC 9110 (de-DE gilt als de). Ohne passende Sprache: Deutsch. Die Antwort "
    "nennt ihre Sprache in Content-Language.",
    schema={"type": "string", "maxLength": 200},
    example="uk, en;q=0.8",
)


# The booking the examples show (made up), as the answers about one booking carry it.
EXAMPLE_BOOKING: dict[str, Any] = {
    "reference": "K7QP-3XMA",
    "status": "confirmed",
    "location": "oranienburg",
    "service": "beratung",
    "start": "2026-12-01T09:00:00+01:00",
    "end": "2026-12-01T09:30:00+01:00",
    "name": "Erika Mustermann",
}
# The same booking as a booking's own answer (201) gives it, with its token.
EXAMPLE_CONFIRMATION: dict[str, Any] = {
    "reference": "K7QP-3XMA",
    "location": "oranienburg",
    "service": "beratung",
    "start": "2026-12-01T09:00:00+01:00",
    "end": "2026-12-01T09:30:00+01:00",
    "cancel_token": "q3vJ0bX8Yk2Lr5tW9nA1cE7dF4gH6iK0",
}


@dataclass(frozen=True)
class Answer:
    """One successful answer: its status, the type the handler answers with (a dataclass
    of the domain or a TypedDict; None for a body that is no JSON), and an example."""

    status: int
    shape: object
    description: str
    media_type: str = "application/json"
    example: object = None
    headers: tuple[Parameter, ...] = ()
    # OpenAPI links: the operations the answer's values lead to (a client's next step; the
    # fuzzer's stateful sequences, e.g. book, show, cancel).
    links: dict[str, dict[str, Any]] = field(default_factory=dict)


def links_to_the_booking(reference: str, token: str) -> dict[str, dict[str, Any]]:
    """What a citizen can do next with a booking's `reference` and `token` (runtime
    expressions such as "$response.body#/reference")."""
    by_header = {"path.reference": reference, "header.X-Booking-Token": token}
    with_body = {"parameters": {"path.reference": reference}, "requestBody": {"token": token}}
    return {
        "show": {"operationId": "show_booking", "parameters": by_header},
        "calendar": {"operationId": "calendar_file", "parameters": by_header},
        "confirm": {"operationId": "confirm_booking", **with_body},
        "reschedule": {"operationId": "reschedule_booking", **with_body},
        "cancel": {"operationId": "cancel_booking", **with_body},
    }


def links_for_the_office(reference: str) -> dict[str, dict[str, Any]]:
    """What the office can do next with a booking's `reference`."""
    operations = (
        "booking",
        "check_in",
        "undo_check_in",
        "no_show",
        "undo_no_show",
        "resend",
        "cancel_by_office",
    )
    return {
        operation: {"operationId": operation, "parameters": {"path.reference": reference}}
        for operation in operations
    }


@dataclass(frozen=True)
class Operation[Form = object, Query = object]:
    """The contract of one route. `errors`: the codes of its domain; infra/openapi.py adds
    those every route of its kind can answer (a body's, a query's, the staff routes')."""

    summary: str
    answers: tuple[Answer, ...]
    errors: tuple[str, ...] = ()
    body: "type[Form] | None" = None
    query: "type[Query] | None" = None
    parameters: tuple[Parameter, ...] = ()
    staff: bool = False
    description: str = ""
    # A request body as the booking page or the console sends it (German, made up).
    example: dict[str, Any] | None = None

    def __call__[Handler: Callable[..., Any]](self, handler: Handler) -> Handler:
        setattr(handler, CONTRACT_ATTRIBUTE, self)
        return handler

    def form(self, app: "Api") -> Form:
        """The request's JSON body checked as `body`, or the API's 4xx naming the field."""
        from http_api import json_body
        from terminbuchung.forms import parse

        if self.body is None:
            raise TypeError(f"{self.summary}: no body in the contract")
        return parse(self.body, json_body(app))

    def query_of(self, app: "Api") -> Query:
        """The query string checked as `query`."""
        from terminbuchung.forms import parse

        if self.query is None:
            raise TypeError(f"{self.summary}: no query in the contract")
        return parse(self.query, app.current_event.query_string_parameters or {})


def contract_of(handler: Callable[..., Any]) -> Operation[Any, Any] | None:
    found = getattr(handler, CONTRACT_ATTRIBUTE, None)
    return found if isinstance(found, Operation) else None
