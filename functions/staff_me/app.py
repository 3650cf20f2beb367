"""GET /staff/me: who the signed-in member of staff is and where they may work.

The console asks this first: the answer comes from the token's claims (checked by the
StaffAuthorizer before this runs) and the site configuration; no table access.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response

from http_api import create_api, entry_point, respond
from http_api.staff import staff_member
from terminbuchung.config import site_config

logger = Logger()
tracer = Tracer()
app = create_api(logger)


@app.get("/staff/me")
def me() -> Response[str]:
    member = staff_member(app)
    return respond(
        200,
        {
            "username": member.username,
            "groups": sorted(member.groups),
            "locations": member.locations(site_config()),
            "admin": member.is_admin,
        },
    )


lambda_handler = entry_point(app, logger, tracer)
