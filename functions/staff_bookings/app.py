"""The office changes bookings: POST /staff/bookings (for a caller), check-in and no-show
(POST, and DELETE the same day to undo), POST /staff/bookings/{reference}/cancel and
/resend (the confirmation again, sent by the e-mail function from the table's stream)."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from http_api import create_api, entry_point, json_body, respond
from http_api.staff import staff_member
from terminbuchung import clock, office
from terminbuchung.config import site_config
from terminbuchung.forms import OfficeCancelForm, PhoneBookingForm, parse
from terminbuchung.references import token_keys

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_api(logger)


@app.post("/staff/bookings")
def book() -> Response[str]:
    member = staff_member(app)
    form = parse(PhoneBookingForm, json_body(app))
    made = office.book_for_caller(form, site_config(), member, clock.now(), token_keys())
    metrics.add_dimension("location", made.location)
    metrics.add_metric("BookingCreatedByOffice", MetricUnit.Count, 1)
    return respond(201, asdict(made))


@app.post("/staff/bookings/<reference>/cancel")
def cancel(reference: str) -> Response[str]:
    member = staff_member(app)
    form = parse(OfficeCancelForm, json_body(app))
    cancelled = office.cancel(member, reference, form.reason, clock.now())
    metrics.add_metric("BookingCancelledByOffice", MetricUnit.Count, 1)
    return respond(200, asdict(cancelled))


@app.post("/staff/bookings/<reference>/resend")
def resend(reference: str) -> Response[str]:
    return respond(200, asdict(office.resend(staff_member(app), reference, clock.now())))


@app.post("/staff/bookings/<reference>/check-in")
def check_in(reference: str) -> Response[str]:
    return _mark(reference, office.CHECKED_IN)


@app.post("/staff/bookings/<reference>/no-show")
def no_show(reference: str) -> Response[str]:
    return _mark(reference, office.NO_SHOW)


@app.delete("/staff/bookings/<reference>/check-in")
def undo_check_in(reference: str) -> Response[str]:
    return _unmark(reference, office.CHECKED_IN)


@app.delete("/staff/bookings/<reference>/no-show")
def undo_no_show(reference: str) -> Response[str]:
    return _unmark(reference, office.NO_SHOW)


def _mark(reference: str, attendance: str) -> Response[str]:
    line = office.mark(staff_member(app), reference, attendance, clock.now())
    return respond(200, asdict(line))


def _unmark(reference: str, attendance: str) -> Response[str]:
    line = office.unmark(staff_member(app), reference, attendance, clock.now())
    return respond(200, asdict(line))


lambda_handler = entry_point(app, logger, tracer, metrics)
