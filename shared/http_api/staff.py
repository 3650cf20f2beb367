"""The member of staff behind a request, from the claims API Gateway's JWT authorizer passes.

Every `/staff/...` route has the `StaffAuthorizer` (template.yaml): API Gateway checks the
Cognito token (signature, issuer, audience, expiry) before the function runs and hands over
its claims in `requestContext.authorizer.jwt.claims`, every value as a string: a list such
as `cognito:groups` arrives as `"[admin oranienburg]"`. The local stack does the same
(infra/local/jwt_authorizer.py). Without claims nobody is signed in: 401 `unauthorized`.
"""

import json
from typing import Any

from http_api.routing import Api
from terminbuchung.staff_members import StaffMember, Unauthorized

# ID tokens name the user in `cognito:username`, access tokens in `username`.
_USERNAME_CLAIMS = ("cognito:username", "username")
_GROUPS_CLAIM = "cognito:groups"


def jwt_claims(event: dict[str, Any]) -> dict[str, Any] | None:
    """The token's claims as the authorizer passed them, or None without an authorizer."""
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    jwt = authorizer.get("jwt") if isinstance(authorizer, dict) else None
    claims = jwt.get("claims") if isinstance(jwt, dict) else None
    return claims if isinstance(claims, dict) and claims else None


def groups_claim(value: object) -> frozenset[str]:
    """`cognito:groups` as API Gateway passes it ("[a b]"), as JSON text, or as a list."""
    if value is None:
        return frozenset()
    if isinstance(value, list):
        return frozenset(str(group) for group in value if str(group))
    text = str(value).strip()
    if text.startswith('["'):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return groups_claim(parsed)
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    # Cognito's group names hold no white space; ours are location ids and `admin`.
    return frozenset(text.split())


def member_from_claims(claims: dict[str, Any] | None) -> StaffMember:
    """The signed-in member; `unauthorized` when the claims name nobody."""
    if not claims:
        raise Unauthorized()
    username = next(
        (str(claims[name]) for name in _USERNAME_CLAIMS if str(claims.get(name) or "").strip()),
        None,
    )
    if username is None:
        raise Unauthorized()
    return StaffMember(username=username, groups=groups_claim(claims.get(_GROUPS_CLAIM)))


def staff_member(app: Api) -> StaffMember:
    """The member of staff making the current request (401 `unauthorized` if none)."""
    return member_from_claims(jwt_claims(app.current_event.raw_event))
