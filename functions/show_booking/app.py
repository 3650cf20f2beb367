"""GET /bookings/{reference}: a citizen looks at their booking (token in X-Booking-Token);
GET /bookings/{reference}/calendar.ics: the same booking as a calendar file, for the page's
"In den Kalender eintragen"."""

from dataclasses import asdict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import BOOKING_TOKEN, EXAMPLE_BOOKING, Answer, Operation
from terminbuchung import bookings, clock
from terminbuchung.config import site_config
from terminbuchung.mail.calendar_invite import organizer_address
from terminbuchung.references import token_keys
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)


def _token() -> str:
    return app.current_event.headers.get("x-booking-token") or ""


SHOW = Operation(
    summary="Eine Buchung ansehen",
    parameters=(BOOKING_TOKEN,),
    answers=(
        Answer(
            200,
            bookings.BookingDetails,
            "Die Buchung; status: pending, confirmed, cancelled, cancelled_by_office, "
            "expired oder replaced.",
            example=EXAMPLE_BOOKING,
        ),
    ),
    errors=("booking_not_found",),
)

CALENDAR = Operation(
    summary="Die Buchung als Kalenderdatei (.ics)",
    description="Dieselbe Datei wie in der E-Mail (gleiche UID): METHOD:REQUEST, solange "
    "der Termin gilt, METHOD:CANCEL nach der Absage.",
    parameters=(BOOKING_TOKEN,),
    answers=(
        Answer(
            200,
            None,
            "Die Kalenderdatei, als Anhang Termin-Jobcenter-<reference>.ics.",
            media_type="text/calendar",
            example="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n…",
        ),
    ),
    errors=("booking_not_found",),
)


@app.get("/bookings/<reference>")
@SHOW
def show_booking(reference: str) -> Response:
    return respond(200, asdict(bookings.show(reference, _token(), token_keys())))


@app.get("/bookings/<reference>/calendar.ics")
@CALENDAR
def calendar_file(reference: str) -> Response:
    name, content = bookings.calendar(
        reference,
        _token(),
        token_keys(),
        site=site_config(),
        organizer=organizer_address(),
        now=clock.now(),
    )
    return Response(
        status_code=200,
        content_type="text/calendar; charset=utf-8",
        body=content,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            # Personal data (name, e-mail address): no cache may keep it.
            "Cache-Control": "no-store",
        },
    )


lambda_handler = entry_point(app, logger, tracer)
