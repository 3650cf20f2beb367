"""The office closes part of a day at short notice, or reopens it:
POST /staff/locations/{location}/closures (with "dry_run": true only what it would do) and
DELETE /staff/locations/{location}/closures/{day}.
The same use case as `python -m infra.ops close/reopen`, which keep working."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, json_body, respond
from http_api.staff import staff_member
from terminbuchung import clock, office
from terminbuchung.config import site_config
from terminbuchung.forms import ClosureForm, parse, parse_day

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.post("/staff/locations/<location>/closures")
def close(location: str) -> Response[str]:
    member = staff_member(app)
    form = parse(ClosureForm, json_body(app))
    done = office.close(site_config(), member, location, form, clock.now(), dry_run=form.dry_run)
    return respond(200, asdict(done))


@app.delete("/staff/locations/<location>/closures/<day>")
def reopen(location: str, day: str) -> Response[str]:
    member = staff_member(app)
    the_day = parse_day(day, field="day")
    reopened = office.reopen(site_config(), member, location, the_day, clock.now())
    return respond(200, {"location": location, "day": the_day.isoformat(), "reopened": reopened})


lambda_handler = entry_point(app, logger, tracer)
