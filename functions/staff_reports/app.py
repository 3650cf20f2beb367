"""GET /staff/reports/evaluation?from=&to=&location=: the test phase's figures per day and
location, as JSON or, for `Accept: text/csv`, as a spreadsheet (terminbuchung.evaluation).

Reads slot items only (one Query per location), never a booking: the figures outlive the
bookings' personal data.
"""

from typing import NotRequired, TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation, Parameter
from http_api.negotiation import preferred_type
from http_api.staff import staff_member
from terminbuchung import clock, evaluation
from terminbuchung.config import site_config
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)

CSV = "text/csv"

_DAY = {"type": "string", "format": "date"}

# What evaluation.as_json answers (its keys "from" and "to" are no Python names).
EvaluationFigures = TypedDict(
    "EvaluationFigures",
    {
        "from": str,
        "to": str,
        "days": list[evaluation.DayFigures],
        "by_weekday_hour": NotRequired[list[evaluation.HourFigures]],
    },
)

EVALUATION = Operation(
    summary="Die Zahlen der Testphase je Tag und Standort",
    description="Als JSON oder, mit Accept: text/csv, als Tabelle für Excel (Semikolon, "
    "Dezimalkomma, UTF-8 mit BOM). Liest nur die Zähler der Plätze, nie eine Buchung.",
    staff=True,
    # evaluation.period reads the query string itself (three optional values).
    parameters=(
        Parameter("from", "query", "Erster Tag (JJJJ-MM-TT); sonst 30 Tage bis to.", schema=_DAY),
        Parameter("to", "query", "Letzter Tag (JJJJ-MM-TT); sonst heute.", schema=_DAY),
        Parameter("location", "query", "Nur dieser Standort; sonst alle erlaubten."),
    ),
    answers=(
        Answer(
            200,
            EvaluationFigures,
            "from, to, days (je Tag und Standort) und by_weekday_hour; als CSV dieselben "
            "Tage mit deutschen Spaltennamen.",
            example={"from": "2026-11-01", "to": "2026-11-30", "days": []},
        ),
        Answer(200, None, "Dieselben Zahlen als Tabelle.", media_type=CSV),
    ),
    errors=("location_not_found",),
)


@app.get("/staff/reports/evaluation")
@EVALUATION
def evaluation_report() -> Response:
    member = staff_member(app)
    today = clock.in_berlin(clock.now()).date()
    period = evaluation.period(app.current_event.query_string_parameters or {}, today)
    found = evaluation.report(site_config(), member, period.first, period.last, period.location)
    days = found.days
    # Caches must keep the two answers of one address apart.
    headers = {"Vary": "Accept"}
    if preferred_type(app.current_event.headers.get("accept"), ["application/json", CSV]) == CSV:
        name = evaluation.csv_filename(period.first, period.last)
        return Response(
            status_code=200,
            content_type=f"{CSV}; charset=utf-8",
            body=evaluation.as_csv(days),
            headers={
                **headers,
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
    return respond(200, evaluation.as_json(period.first, period.last, days, found.hours), headers)


lambda_handler = entry_point(app, logger, tracer)
