"""GET /locations and GET /locations/{location}/slots: what can be booked."""

from typing import NotRequired, TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from terminbuchung import clock, offers
from terminbuchung.config import site_config
from terminbuchung.forms import SlotQuery
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)


class LocationList(TypedDict):
    locations: list[offers.LocationOffer]
    contact: offers.Contact


class SlotList(TypedDict):
    location: str
    slots: list[offers.FreeSlot]
    # Only with ?priority=1: the times the daily quota kept back, one seat each.
    priority_slots: NotRequired[list[offers.FreeSlot]]


LOCATIONS = Operation(
    summary="Standorte und ihre online buchbaren Anliegen",
    answers=(
        Answer(
            200,
            LocationList,
            "Die freigeschalteten Standorte; next_release: wann neue Termine erscheinen "
            "(null, wenn keiner in 60 Tagen).",
            example={
                "locations": [
                    {
                        "id": "oranienburg",
                        "name": "Jobcenter Oberhavel, Oranienburg",
                        "address": "Adolf-Dechert-Straße 1, 16515 Oranienburg",
                        "services": [
                            {
                                "id": "beratung",
                                "name": "Beratungsgespräch",
                                "duration_minutes": 30,
                                "what_to_bring": ["Personalausweis"],
                            }
                        ],
                        "horizon_days": 14,
                        "release_time": "06:00",
                        "next_release": "2026-11-26T06:00:00+01:00",
                        "map_url": None,
                        "access_notes": "Eingang über den Hof, barrierefrei.",
                    }
                ],
                "contact": {
                    "name": "Jobcenter Oberhavel",
                    "phone": "03301 6010",
                    "phone_hours": "Mo-Fr 8-16 Uhr",
                    "email": "jobcenter-oberhavel@jobcenter-ge.de",
                },
            },
        ),
    ),
)

SLOTS = Operation(
    summary="Freie Termine eines Standorts",
    description="Nur Termine, die noch gebucht werden können, nach Beginn geordnet; ohne "
    "Angaben von heute bis zum letzten buchbaren Tag.",
    query=SlotQuery,
    answers=(
        Answer(
            200,
            SlotList,
            "Die freien Termine.",
            example={
                "location": "oranienburg",
                "slots": [
                    {
                        "start": "2026-12-01T09:00:00+01:00",
                        "end": "2026-12-01T09:30:00+01:00",
                        "available": 2,
                    }
                ],
            },
        ),
    ),
    errors=("location_not_found", "service_unknown", "service_not_online"),
)


@app.get("/locations")
@LOCATIONS
def list_locations() -> Response:
    site = site_config()
    answer: LocationList = {
        "locations": offers.list_locations(site, clock.now()),
        "contact": offers.contact(site),
    }
    return respond(200, answer)


@app.get("/locations/<location>/slots")
@SLOTS
def list_free_slots(location: str) -> Response:
    query = SLOTS.query_of(app)
    site, now = site_config(), clock.now()
    slots = offers.free_slots(site, location, query, now)
    answer: SlotList = {"location": location, "slots": slots}
    if query.with_priority:
        answer["priority_slots"] = offers.priority_slots(site, location, query, now)
    return respond(200, answer)


lambda_handler = entry_point(app, logger, tracer)
