"""The office reads: GET /staff/locations/{location}/days/{day} (who is coming) and
GET /staff/bookings/{reference} (one booking with its history). Read-only."""

from dataclasses import asdict
from typing import TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from http_api.staff import staff_member
from terminbuchung import office
from terminbuchung.config import site_config
from terminbuchung.forms import parse_day
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)

DAY = Operation(
    summary="Der Tag eines Standorts: Plätze und Termine",
    staff=True,
    answers=(
        Answer(
            200,
            office.DayList,
            "Plätze und Termine nach Beginn; email_status: was SES über die Adresse "
            "meldete (bounced, complained, rejected) oder null.",
            example={
                "location": "oranienburg",
                "day": "2026-12-01",
                "slots": [
                    {
                        "start": "2026-12-01T09:00:00+01:00",
                        "end": "2026-12-01T09:30:00+01:00",
                        "capacity": 2,
                        "booked": 1,
                        "closed_reason": None,
                    }
                ],
                "appointments": [],
            },
        ),
    ),
    errors=("location_not_found",),
)


class BookingHistory(TypedDict):
    """What GET /staff/bookings/{reference} adds to the appointment of the day's list."""

    location: str
    history: list[office.HistoryLine]


BOOKING = Operation(
    summary="Eine Buchung mit ihrem Verlauf",
    staff=True,
    answers=(
        Answer(
            200,
            (office.AppointmentLine, BookingHistory),
            "Der Termin wie in der Tagesliste, mit Standort und Verlauf (wer was wann).",
            example={
                "reference": "K7QP-3XMA",
                "start": "2026-12-01T09:00:00+01:00",
                "end": "2026-12-01T09:30:00+01:00",
                "service": "beratung",
                "status": "confirmed",
                "name": "Erika Mustermann",
                "email": "erika.mustermann@example.de",
                "phone": None,
                "household_number": None,
                "remarks": None,
                "booked_via": "online",
                "checked_in_at": None,
                "no_show": False,
                "undelivered_mail": [],
                "email_status": None,
                "location": "oranienburg",
                "history": [
                    {
                        "at": "2026-11-25T10:00:00+01:00",
                        "by": "buerger",
                        "action": "booked",
                        "detail": None,
                    }
                ],
            },
        ),
    ),
    errors=("booking_not_found",),
)


@app.get("/staff/locations/<location>/days/<day>")
@DAY
def day(location: str, day: str) -> Response:
    member = staff_member(app)
    listing = office.day_list(site_config(), member, location, parse_day(day, field="day"))
    return respond(200, asdict(listing))


@app.get("/staff/bookings/<reference>")
@BOOKING
def booking(reference: str) -> Response:
    record = office.booking_record(staff_member(app), reference)
    extra: BookingHistory = {"location": record.location, "history": record.history}
    return respond(200, {**asdict(record.appointment), **extra})


lambda_handler = entry_point(app, logger, tracer)
