"""POST /bookings: book one appointment."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from http_api import Response, create_api, entry_point, respond
from http_api.contract import EXAMPLE_CONFIRMATION, Answer, Operation, links_to_the_booking
from http_api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from terminbuchung import bookings, clock
from terminbuchung.config import site_config
from terminbuchung.forms import BookingForm
from terminbuchung.proof_of_work import challenge_key
from terminbuchung.references import token_keys
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()
app = create_api(logger)

BOOK = Operation(
    summary="Einen Termin buchen",
    description="Mit einem gelösten Rätsel aus GET /challenge im Feld altcha. Je nach "
    "Konfiguration gilt die Buchung sofort (201, mit cancel_token) oder erst, wenn die "
    "E-Mail-Adresse bestätigt ist (202: der Link kommt per E-Mail).",
    body=BookingForm,
    parameters=(IDEMPOTENCY_KEY,),
    answers=(
        Answer(
            201,
            bookings.Confirmation,
            "Gebucht. cancel_token verwaltet die Buchung (absagen, verschieben, ansehen).",
            example=EXAMPLE_CONFIRMATION,
            links=links_to_the_booking("$response.body#/reference", "$response.body#/cancel_token"),
        ),
        Answer(
            202,
            bookings.Pending,
            "Der Platz ist reserviert, bis die E-Mail-Adresse bestätigt ist (confirm_by); "
            "dieselbe Antwort, ob die Person schon einen Termin hat oder nicht.",
            example={
                "email": "e…@example.de",
                "confirm_by": "2026-11-25T10:30:00+01:00",
                "hold": "…",
                "status": "pending",
            },
        ),
    ),
    errors=(
        "challenge_failed",
        "location_not_found",
        "service_unknown",
        "service_not_online",
        "slot_full",
        "slot_unavailable",
        "already_booked",
        "priority_invalid",
        "idempotency_key_reused",
        "busy",
    ),
    example={
        "location": "oranienburg",
        "service": "beratung",
        "start": "2026-12-01T09:00:00+01:00",
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.de",
        "phone": "03301 123456",
        "household_number": "12345BG0012345",
        "remarks": "Ich komme mit einer Dolmetscherin für Arabisch.",
        "altcha": "eyJhbGdvcml0aG0iOiJTSEEtMjU2Ii…",
    },
)


@app.post("/bookings")
@BOOK
def book() -> Response:
    key = idempotency_key(app)
    form = BOOK.form(app)
    confirmation = bookings.book(
        form, site_config(), clock.now(), token_keys(), key, proof_key=challenge_key()
    )
    metrics.add_dimension("location", form.location)
    if isinstance(confirmation, bookings.Pending):
        # Waits for the e-mail address to be confirmed; the same answer whether or not the
        # person holds a booking already (they learn it by e-mail).
        metrics.add_metric("BookingPending", MetricUnit.Count, 1)
        return respond(202, asdict(confirmation))
    metrics.add_metric("BookingCreated", MetricUnit.Count, 1)
    return respond(201, asdict(confirmation))


lambda_handler = entry_point(app, logger, tracer, metrics)
