"""Who a member of staff is and where they may work: Cognito groups in the office's words.

A member's groups come from the user pool (template.yaml: one group per location id of
the site configuration, plus `admin`). Staff of a location work there only; `admin` works
at every configured location. The HTTP glue (`http_api.staff`) reads the member from the
token's claims; a use case that touches a location calls `require_location` first.
"""

from dataclasses import dataclass

from terminbuchung.config import SiteConfig
from terminbuchung.errors import BookingError

ADMIN_GROUP = "admin"


class Unauthorized(BookingError):
    """No member of staff is signed in (no token, or no identity in it)."""

    code = "unauthorized"


class Forbidden(BookingError):
    """A member of staff who may not act at this location (or not at all)."""

    code = "forbidden"


@dataclass(frozen=True)
class StaffMember:
    username: str
    groups: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups

    def may_work_at(self, location_id: str) -> bool:
        """Admin: everywhere; staff: at the locations their groups name.

        Whether the location exists is the use case's question (`location_not_found`), so
        an admin is never refused here; staff are refused for any other id.
        """
        return self.is_admin or (location_id != ADMIN_GROUP and location_id in self.groups)

    def locations(self, site: SiteConfig) -> list[str]:
        """The configured locations this member may work at, in the configuration's order.

        Enabled or not: a location that offers no online booking yet still has staff.
        """
        return [loc.id for loc in site.locations if self.may_work_at(loc.id)]


def require_location(member: StaffMember, location_id: str) -> None:
    """Raise `forbidden` unless the member may work at this location."""
    if not member.may_work_at(location_id):
        raise Forbidden()
