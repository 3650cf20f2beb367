"""The office reads: GET /staff/locations/{location}/days/{day} (who is coming) and
GET /staff/bookings/{reference} (one booking with its history). Read-only."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, respond
from http_api.staff import staff_member
from terminbuchung import office
from terminbuchung.config import site_config
from terminbuchung.forms import parse_day

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.get("/staff/locations/<location>/days/<day>")
def day(location: str, day: str) -> Response[str]:
    member = staff_member(app)
    listing = office.day_list(site_config(), member, location, parse_day(day, field="day"))
    return respond(200, asdict(listing))


@app.get("/staff/bookings/<reference>")
def booking(reference: str) -> Response[str]:
    record = office.booking_record(staff_member(app), reference)
    answer = asdict(record.appointment) | {
        "location": record.location,
        "history": [asdict(line) for line in record.history],
    }
    return respond(200, answer)


lambda_handler = entry_point(app, logger, tracer)
