"""The office changes bookings: POST /staff/bookings (for a caller), check-in and no-show
(POST, and DELETE the same day to undo), POST /staff/bookings/{reference}/cancel and
/resend (the confirmation again, sent by the e-mail function from the table's stream)."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from http_api import Response, create_api, entry_point, respond
from http_api.contract import EXAMPLE_CONFIRMATION, Answer, Operation, links_for_the_office
from http_api.staff import staff_member
from terminbuchung import bookings, clock, office
from terminbuchung.config import site_config
from terminbuchung.forms import OfficeCancelForm, PhoneBookingForm
from terminbuchung.references import token_keys
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
metrics = Metrics()
app = create_api(logger)

# The appointment as in the day's list (GET /staff/locations/{location}/days/{day}).
APPOINTMENT_EXAMPLE: dict[str, object] = {
    "reference": "K7QP-3XMA",
    "start": "2026-12-01T09:00:00+01:00",
    "end": "2026-12-01T09:30:00+01:00",
    "service": "beratung",
    "status": "confirmed",
    "name": "Erika Mustermann",
    "email": "erika.mustermann@example.de",
    "phone": "03301 123456",
    "household_number": "12345BG0012345",
    "remarks": "Ich komme mit einer Dolmetscherin für Arabisch.",
    "booked_via": "online",
    "checked_in_at": None,
    "no_show": False,
    "undelivered_mail": [],
    "email_status": None,
}


def _appointment_answer(description: str) -> Answer:
    return Answer(200, office.AppointmentLine, description, example=APPOINTMENT_EXAMPLE)


BOOK_FOR_CALLER = Operation(
    summary="Für einen Anrufer buchen",
    description="Dieselben Regeln für Plätze und Personen wie online, jedes Anliegen des "
    "Standorts, ohne Mindestvorlauf; ohne email geht keine E-Mail hinaus.",
    staff=True,
    body=PhoneBookingForm,
    answers=(
        Answer(
            201,
            bookings.Confirmation,
            "Gebucht (booked_via: phone).",
            example=EXAMPLE_CONFIRMATION,
            links=links_for_the_office("$response.body#/reference"),
        ),
    ),
    errors=(
        "location_not_found",
        "service_unknown",
        "slot_full",
        "slot_unavailable",
        "already_booked",
        "busy",
    ),
    example={
        "location": "oranienburg",
        "service": "beratung",
        "start": "2026-12-01T09:00:00+01:00",
        "name": "Max Mustermann",
        "phone": "03301 654321",
        "email": "",
    },
)

CANCEL_BY_OFFICE = Operation(
    summary="Einen Termin durch das Amt absagen",
    description="Die Person erhält die Nachricht des Amts mit dem Grund und einem Link "
    "für einen neuen Termin mit Vorrang.",
    staff=True,
    body=OfficeCancelForm,
    answers=(_appointment_answer("Abgesagt (status: cancelled_by_office)."),),
    errors=("booking_not_found", "not_confirmed", "too_late", "busy"),
    example={"reason": "Die Sachbearbeiterin ist erkrankt."},
)

RESEND = Operation(
    summary="Die Bestätigung noch einmal senden",
    staff=True,
    answers=(_appointment_answer("Die Bestätigung geht erneut an die gespeicherte Adresse."),),
    errors=("booking_not_found", "not_confirmed", "no_address", "busy"),
)

_MARKED = (
    "booking_not_found",
    "not_confirmed",
    "already_marked",
    "too_early",
    "too_late",
    "busy",
)

CHECK_IN = Operation(
    summary="Vermerken: die Person ist gekommen",
    description="Ab dem Tag des Termins.",
    staff=True,
    answers=(_appointment_answer("Vermerkt (checked_in_at)."),),
    errors=_MARKED,
)

NO_SHOW = Operation(
    summary="Vermerken: die Person ist nicht gekommen",
    description="Ab Beginn des Termins.",
    staff=True,
    answers=(_appointment_answer("Vermerkt (no_show)."),),
    errors=_MARKED,
)

UNDO_CHECK_IN = Operation(
    summary="Den Vermerk „gekommen“ zurücknehmen",
    description="Nur am selben Tag.",
    staff=True,
    answers=(_appointment_answer("Zurückgenommen."),),
    errors=_MARKED,
)

UNDO_NO_SHOW = Operation(
    summary="Den Vermerk „nicht gekommen“ zurücknehmen",
    description="Nur am selben Tag.",
    staff=True,
    answers=(_appointment_answer("Zurückgenommen."),),
    errors=_MARKED,
)


@app.post("/staff/bookings")
@BOOK_FOR_CALLER
def book_for_caller() -> Response:
    member = staff_member(app)
    form = BOOK_FOR_CALLER.form(app)
    made = office.book_for_caller(form, site_config(), member, clock.now(), token_keys())
    metrics.add_dimension("location", made.location)
    metrics.add_metric("BookingCreatedByOffice", MetricUnit.Count, 1)
    return respond(201, asdict(made))


@app.post("/staff/bookings/<reference>/cancel")
@CANCEL_BY_OFFICE
def cancel_by_office(reference: str) -> Response:
    member = staff_member(app)
    form = CANCEL_BY_OFFICE.form(app)
    cancelled = office.cancel(member, reference, form.reason, clock.now())
    metrics.add_metric("BookingCancelledByOffice", MetricUnit.Count, 1)
    return respond(200, asdict(cancelled))


@app.post("/staff/bookings/<reference>/resend")
@RESEND
def resend(reference: str) -> Response:
    return respond(200, asdict(office.resend(staff_member(app), reference, clock.now())))


@app.post("/staff/bookings/<reference>/check-in")
@CHECK_IN
def check_in(reference: str) -> Response:
    return _mark(reference, office.CHECKED_IN)


@app.post("/staff/bookings/<reference>/no-show")
@NO_SHOW
def no_show(reference: str) -> Response:
    return _mark(reference, office.NO_SHOW)


@app.delete("/staff/bookings/<reference>/check-in")
@UNDO_CHECK_IN
def undo_check_in(reference: str) -> Response:
    return _unmark(reference, office.CHECKED_IN)


@app.delete("/staff/bookings/<reference>/no-show")
@UNDO_NO_SHOW
def undo_no_show(reference: str) -> Response:
    return _unmark(reference, office.NO_SHOW)


def _mark(reference: str, attendance: str) -> Response:
    line = office.mark(staff_member(app), reference, attendance, clock.now())
    return respond(200, asdict(line))


def _unmark(reference: str, attendance: str) -> Response:
    line = office.unmark(staff_member(app), reference, attendance, clock.now())
    return respond(200, asdict(line))


lambda_handler = entry_point(app, logger, tracer, metrics)
