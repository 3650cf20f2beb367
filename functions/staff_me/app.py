"""GET /staff/me: who the signed-in member of staff is and where they may work.

The console asks this first: the answer comes from the token's claims (checked by the
StaffAuthorizer before this runs) and the site configuration; no table access.
"""

from typing import TypedDict

from aws_lambda_powertools import Logger

from http_api import Response, create_api, entry_point, respond
from http_api.contract import Answer, Operation
from http_api.staff import staff_member
from terminbuchung.config import SiteConfig, site_config
from terminbuchung.tracing import lambda_tracer

logger = Logger()
tracer = lambda_tracer()
app = create_api(logger)


class ServiceDetails(TypedDict):
    id: str
    name: str
    duration_minutes: int


class LocationDetails(TypedDict):
    id: str
    name: str
    services: list[ServiceDetails]


class Me(TypedDict):
    username: str
    groups: list[str]
    locations: list[str]
    admin: bool
    # Names and every service of those locations, also those not bookable online and
    # locations not yet open to citizens: the console books for callers with them.
    location_details: list[LocationDetails]


ME = Operation(
    summary="Wer angemeldet ist und an welchen Standorten gearbeitet werden darf",
    staff=True,
    answers=(
        Answer(
            200,
            Me,
            "Aus den Angaben des Tokens und der Konfiguration.",
            example={
                "username": "m.schulze",
                "groups": ["oranienburg"],
                "locations": ["oranienburg"],
                "admin": False,
                "location_details": [
                    {
                        "id": "oranienburg",
                        "name": "Jobcenter Oberhavel, Oranienburg",
                        "services": [
                            {"id": "beratung", "name": "Beratungsgespräch", "duration_minutes": 30}
                        ],
                    }
                ],
            },
        ),
    ),
)


@app.get("/staff/me")
@ME
def me() -> Response:
    member = staff_member(app)
    site = site_config()
    locations = member.locations(site)
    answer: Me = {
        "username": member.username,
        "groups": sorted(member.groups),
        "locations": locations,
        "admin": member.is_admin,
        "location_details": [_details(site, location_id) for location_id in locations],
    }
    return respond(200, answer)


def _details(site: SiteConfig, location_id: str) -> LocationDetails:
    location = site.location(location_id)
    if location is None:  # member.locations names configured locations only
        return {"id": location_id, "name": location_id, "services": []}
    services = [site.service(service_id) for service_id in location.services]
    return {
        "id": location.id,
        "name": location.name,
        "services": [
            {"id": s.id, "name": s.name, "duration_minutes": s.duration_minutes}
            for s in services
            if s is not None
        ],
    }


lambda_handler = entry_point(app, logger, tracer)
