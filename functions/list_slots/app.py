"""GET /locations and GET /locations/{location}/slots: what can be booked."""

from dataclasses import asdict

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, respond
from terminbuchung import clock, offers
from terminbuchung.config import site_config
from terminbuchung.forms import SlotQuery, parse

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.get("/locations")
def list_locations() -> Response[str]:
    site = site_config()
    locations = [asdict(location) for location in offers.list_locations(site, clock.now())]
    return respond(200, {"locations": locations, "contact": asdict(offers.contact(site))})


@app.get("/locations/<location>/slots")
def list_free_slots(location: str) -> Response[str]:
    query = parse(SlotQuery, app.current_event.query_string_parameters or {})
    site, now = site_config(), clock.now()
    slots = offers.free_slots(site, location, query, now)
    answer = {"location": location, "slots": [asdict(slot) for slot in slots]}
    if query.with_priority:
        extra = offers.priority_slots(site, location, query, now)
        answer["priority_slots"] = [asdict(slot) for slot in extra]
    return respond(200, answer)


lambda_handler = entry_point(app, logger, tracer)
