"""GET /staff/me: who the signed-in member of staff is and where they may work.

The console asks this first: the answer comes from the token's claims (checked by the
StaffAuthorizer before this runs) and the site configuration; no table access.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, respond
from http_api.staff import staff_member
from terminbuchung.config import SiteConfig, site_config

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.get("/staff/me")
def me() -> Response[str]:
    member = staff_member(app)
    site = site_config()
    locations = member.locations(site)
    return respond(
        200,
        {
            "username": member.username,
            "groups": sorted(member.groups),
            "locations": locations,
            "admin": member.is_admin,
            # Names and every service of those locations, also those not bookable online and
            # locations not yet open to citizens: the console books for callers with them.
            "location_details": [_details(site, location_id) for location_id in locations],
        },
    )


def _details(site: SiteConfig, location_id: str) -> dict[str, object]:
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
