"""API Gateway's JWT authorizer, for the local stack: check the token before the function.

A route whose HttpApi event says `Auth: {Authorizer: NAME}` (template.yaml) reaches its
function only with a token that API Gateway's JWT authorizer would let through
(docs: "Control access to HTTP APIs with JWT authorizers"):

1. the identity source (the Authorization header) holds the token, bare or as `Bearer <JWT>`;
2. the token decodes; its algorithm is RSA (RS256, RS384, RS512) and its `kid` names a
   key of the issuer's JWKS (found through `<issuer>/.well-known/openid-configuration`);
3. the signature verifies with that key;
4. `iss` is the authorizer's issuer; `aud`, or `client_id` where there is no `aud`, is
   one of its audiences; `exp` is in the future, `nbf` and `iat` are not.

The function then gets the claims in `requestContext.authorizer.jwt.claims`, every value a
string as API Gateway passes them (a list as "[a b]"), and the access token's scopes in
`requestContext.authorizer.jwt.scopes`. A refused request never reaches the function.

The issuer is moto's Cognito in this process, so its JWKS is fetched under mock_aws from
the same URL API Gateway would use. Nothing here logs a token or a claim.
"""

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from infra.template import JwtAuthorizer

# The only algorithms an HTTP API's JWT authorizer accepts.
RSA_ALGORITHMS = ("RS256", "RS384", "RS512")
_HEADER_SOURCE = "$request.header."


class TokenRefused(Exception):
    """API Gateway would answer 401; `reason` is for the stack's log (never the token)."""

    def __init__(self, reason: str, *, token_given: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.token_given = token_given


Jwks = dict[str, Any]


def fetch_jwks(issuer: str) -> Jwks:
    """The issuer's key set, found as API Gateway finds it: the OpenID discovery document."""
    import requests

    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
    keys: Jwks = requests.get(discovery["jwks_uri"], timeout=5).json()
    return keys


def _segment(text: str) -> Any:
    padded = text + "=" * (-len(text) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise TokenRefused("the token does not decode") from None


def api_gateway_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as API Gateway hands them to the function: every value a string."""

    def text(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + " ".join(text(item) for item in value) + "]"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value, separators=(",", ":"))

    return {name: text(value) for name, value in claims.items()}


def authorizer_context(claims: Mapping[str, Any]) -> dict[str, Any]:
    """`requestContext.authorizer` of the v2 payload for a token with these claims."""
    scope = claims.get("scope")
    scopes = str(scope).split() if isinstance(scope, str) and scope.strip() else None
    return {"jwt": {"claims": api_gateway_claims(claims), "scopes": scopes}}


class LocalJwtAuthorizer:
    """One JWT authorizer of the template, resolved for the local user pool."""

    def __init__(
        self,
        config: JwtAuthorizer,
        jwks: Callable[[str], Jwks] = fetch_jwks,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not config.identity_source.lower().startswith(_HEADER_SOURCE):
            raise ValueError(f"{config.name}: only a header as identity source is supported")
        self.config = config
        self.header = config.identity_source[len(_HEADER_SOURCE) :].lower()
        self._fetch = jwks
        self._clock = clock
        self._keys: Jwks | None = None
        self._lock = threading.Lock()

    def keys(self) -> Jwks:
        # API Gateway caches the keys (up to two hours); moto's never change.
        with self._lock:
            if self._keys is None:
                self._keys = self._fetch(self.config.issuer)
            return self._keys

    def token(self, headers: Mapping[str, str]) -> str:
        value = (headers.get(self.header) or "").strip()
        if value[:7].lower() == "bearer ":
            value = value[7:].strip()
        if not value:
            raise TokenRefused("no token", token_given=False)
        return value

    def authorize(self, headers: Mapping[str, str]) -> dict[str, Any]:
        """`requestContext.authorizer` for the function, or TokenRefused.

        `headers`: the request's headers by lower-case name.
        """
        claims = self.verify(self.token(headers))
        return authorizer_context(claims)

    def verify(self, token: str) -> dict[str, Any]:
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import RSAKey

        parts = token.split(".")
        if len(parts) != 3:
            raise TokenRefused("the token is no signed JWT")
        header = _segment(parts[0])
        if not isinstance(header, dict):
            raise TokenRefused("the token does not decode")
        algorithm = header.get("alg")
        if algorithm not in RSA_ALGORITHMS:
            raise TokenRefused(f"algorithm {str(algorithm)[:16]!r} is not accepted")
        key = next(
            (k for k in self.keys().get("keys", []) if k.get("kid") == header.get("kid")), None
        )
        if key is None:
            raise TokenRefused("the token's kid is not in the issuer's key set")
        try:
            decoded = jwt.decode(token, RSAKey.import_key(key), algorithms=[algorithm])
        except (JoseError, ValueError):
            raise TokenRefused("the signature does not verify") from None
        claims: dict[str, Any] = dict(decoded.claims)
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("iss") != self.config.issuer:
            raise TokenRefused("another issuer")
        # aud when the token has one (ID tokens), else client_id (Cognito's access tokens).
        audience = claims["aud"] if "aud" in claims else claims.get("client_id")
        audiences = audience if isinstance(audience, list) else [audience]
        if not any(a in self.config.audience for a in audiences if isinstance(a, str)):
            raise TokenRefused("another audience")
        now = self._clock()
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or isinstance(expires, bool) or expires <= now:
            raise TokenRefused("the token has expired")
        for name in ("nbf", "iat"):
            moment = claims.get(name)
            if moment is None:
                continue
            if not isinstance(moment, int | float) or isinstance(moment, bool) or moment > now:
                raise TokenRefused(f"the token is not valid yet ({name})")
