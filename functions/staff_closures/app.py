"""The office closes part of a day at short notice, or reopens it:
POST /staff/locations/{location}/closures (with "dry_run": true only what it would do) and
DELETE /staff/locations/{location}/closures/{day}.
The same use case as `python -m infra.ops close/reopen`, which keep working."""

from dataclasses import asdict
from typing import TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from http_api.staff import staff_member
from terminbuchung import clock, office
from terminbuchung.config import site_config
from terminbuchung.forms import ClosureForm, parse_day
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)


class Reopened(TypedDict):
    location: str
    day: str
    reopened: int  # the closures taken back


CLOSE = Operation(
    summary="Einen Tag oder einen Teil davon schließen",
    description="Wie python -m infra.ops close: Plätze zurückgezogen, Termine in dieser "
    "Zeit abgesagt; mit dry_run nur, was geschehen würde.",
    staff=True,
    body=ClosureForm,
    answers=(
        Answer(
            200,
            office.ClosureDone,
            "Geschlossen (oder mit dry_run: was die Schließung täte).",
            example={
                "location": "oranienburg",
                "day": "2026-12-01",
                "start": "13:00",
                "end": "16:00",
                "slots_closed": 6,
                "bookings_cancelled": ["K7QP-3XMA"],
                "dry_run": False,
            },
        ),
    ),
    errors=("location_not_found", "busy"),
    example={
        "day": "2026-12-01",
        "from": "13:00",
        "until": "16:00",
        "reason": "Betriebsversammlung",
        "dry_run": True,
    },
)

REOPEN = Operation(
    summary="Die Schließungen eines Tages zurücknehmen",
    description="Wie python -m infra.ops reopen; abgesagte Termine bleiben abgesagt.",
    staff=True,
    answers=(
        Answer(
            200,
            Reopened,
            "Wieder geöffnet.",
            example={"location": "oranienburg", "day": "2026-12-01", "reopened": 1},
        ),
    ),
    errors=("location_not_found", "busy"),
)


@app.post("/staff/locations/<location>/closures")
@CLOSE
def close(location: str) -> Response:
    member = staff_member(app)
    form = CLOSE.form(app)
    done = office.close(site_config(), member, location, form, clock.now(), dry_run=form.dry_run)
    return respond(200, asdict(done))


@app.delete("/staff/locations/<location>/closures/<day>")
@REOPEN
def reopen(location: str, day: str) -> Response:
    member = staff_member(app)
    the_day = parse_day(day, field="day")
    reopened = office.reopen(site_config(), member, location, the_day, clock.now())
    answer: Reopened = {"location": location, "day": the_day.isoformat(), "reopened": reopened}
    return respond(200, answer)


lambda_handler = entry_point(app, logger, tracer)
