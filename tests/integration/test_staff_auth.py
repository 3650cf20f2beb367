"""Staff sign-in over HTTP, through the local stack: tokens from its Cognito (moto), checked
as API Gateway's JWT authorizer checks them, on GET /staff/me and on a route with a location.

Tokens are obtained as README.md shows: InitiateAuth through /_dev/cognito/. Tokens that
must fail are forged for real: the claims of a genuine token, changed, and signed either
with a key the pool's JWKS does not hold, or with moto's own signing key (the one key of
moto's every pool), so that only the changed claim can be the reason for the 401. The
verifier itself is never mocked.
"""

import base64
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.template import Template
from terminbuchung.clock import BERLIN

COGNITO = "AWSCognitoIdentityProviderService"
AMZ_JSON = "application/x-amz-json-1.1"
ORIGIN = "http://localhost:3000"  # one of the local stack's allowed origins


def cognito(base_url: str, action: str, request: dict[str, Any]) -> requests.Response:
    """Cognito's JSON API on the stack's origin, as the console (or curl) calls it."""
    return requests.post(
        f"{base_url}/_dev/cognito/",
        data=json.dumps(request),
        headers={"X-Amz-Target": f"{COGNITO}.{action}", "Content-Type": AMZ_JSON},
        timeout=10,
    )


@pytest.fixture(scope="module")
def staff(base_url: str) -> dict[str, Any]:
    answer = requests.get(f"{base_url}/_dev/staff-users", timeout=10)
    assert answer.status_code == 200
    users: dict[str, Any] = answer.json()
    return users


def password_of(staff: dict[str, Any], username: str) -> str:
    return str(next(u["password"] for u in staff["users"] if u["username"] == username))


def sign_in(base_url: str, staff: dict[str, Any], username: str) -> dict[str, str]:
    answer = cognito(
        base_url,
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": staff["client_id"],
            "AuthParameters": {"USERNAME": username, "PASSWORD": password_of(staff, username)},
        },
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, str] = answer.json()["AuthenticationResult"]
    return result


@pytest.fixture(scope="module")
def oranienburg(base_url: str, staff: dict[str, Any]) -> dict[str, str]:
    return sign_in(base_url, staff, "staff-oranienburg")


@pytest.fixture(scope="module")
def admin(base_url: str, staff: dict[str, Any]) -> dict[str, str]:
    return sign_in(base_url, staff, "staff-admin")


def me(base_url: str, authorization: str | None) -> requests.Response:
    headers = {"Origin": ORIGIN}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.get(f"{base_url}/staff/me", headers=headers, timeout=10)


def assert_unauthorized(answer: requests.Response) -> None:
    assert answer.status_code == 401, answer.text
    error = answer.json()["error"]
    assert error["code"] == "unauthorized"
    assert error["field"] is None
    assert error["message"]  # German, for the console to show
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert answer.headers["Cache-Control"] == "no-store"


# --- forging tokens -------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _part(token: str, index: int) -> dict[str, Any]:
    text = token.split(".")[index]
    part: dict[str, Any] = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    return part


def claims_of(token: str) -> dict[str, Any]:
    return _part(token, 1)


def header_of(token: str) -> dict[str, Any]:
    return _part(token, 0)


Signer = Callable[[dict[str, Any]], str]


def signer(key: Any) -> Signer:
    from joserfc import jwt

    def sign(claims: dict[str, Any]) -> str:
        return str(jwt.encode({"alg": "RS256", "kid": "dummy", "typ": "JWT"}, claims, key))

    return sign


@pytest.fixture(scope="module")
def sign_as_moto() -> Signer:
    """moto's own signing key: what its Cognito signs every pool's tokens with."""
    from joserfc.jwk import RSAKey
    from moto.utilities.utils import load_resource

    return signer(RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json")))


@pytest.fixture(scope="module")
def sign_as_stranger() -> Signer:
    """A fresh key under the same key id: not in the pool's JWKS."""
    from joserfc.jwk import RSAKey

    return signer(RSAKey.generate_key(2048))


# --- the matrix on GET /staff/me ------------------------------------------------------


def test_staff_of_oranienburg_work_in_oranienburg(
    base_url: str, oranienburg: dict[str, str]
) -> None:
    answer = me(base_url, f"Bearer {oranienburg['IdToken']}")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [d["name"] for d in body.pop("location_details")] == ["Servicecenter Oranienburg"]
    assert body == {
        "username": "staff-oranienburg",
        "groups": ["oranienburg"],
        "locations": ["oranienburg"],
        "admin": False,
    }
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_an_admin_works_at_every_location(base_url: str, admin: dict[str, str]) -> None:
    answer = me(base_url, f"Bearer {admin['IdToken']}")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    # Gransee is configured (not yet open for online booking): an admin works there too.
    assert (body["username"], body["locations"], body["admin"]) == (
        "staff-admin",
        ["oranienburg", "gransee"],
        True,
    )


def test_the_access_token_and_the_bare_token_work_as_in_api_gateway(
    base_url: str, oranienburg: dict[str, str]
) -> None:
    for authorization in (
        f"Bearer {oranienburg['AccessToken']}",  # client_id instead of aud
        oranienburg["IdToken"],  # API Gateway also takes the token without "Bearer"
    ):
        answer = me(base_url, authorization)
        assert answer.status_code == 200, answer.text
        assert answer.json()["locations"] == ["oranienburg"]


def test_no_token_is_unauthorized(base_url: str) -> None:
    assert_unauthorized(me(base_url, None))
    assert_unauthorized(me(base_url, ""))
    assert_unauthorized(me(base_url, "Bearer "))


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer abc",
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJSUzI1NiJ9.eyJ4Ijox.",  # no signature
        "Basic c3RhZmY6cGFzc3dvcmQ=",
        "Bearer " + _b64(b'{"alg":"none"}') + "." + _b64(b'{"cognito:username":"x"}') + ".",
    ],
)
def test_a_malformed_token_is_unauthorized(base_url: str, authorization: str) -> None:
    assert_unauthorized(me(base_url, authorization))


def test_a_token_of_another_signer_is_unauthorized(
    base_url: str, oranienburg: dict[str, str], sign_as_stranger: Signer
) -> None:
    forged = sign_as_stranger(claims_of(oranienburg["IdToken"]))
    assert header_of(forged)["kid"] == header_of(oranienburg["IdToken"])["kid"]

    assert_unauthorized(me(base_url, f"Bearer {forged}"))


def test_a_token_signed_with_the_public_key_as_a_secret_is_unauthorized(
    base_url: str, oranienburg: dict[str, str]
) -> None:
    """The old algorithm confusion: HS256 with the published key as the HMAC secret."""
    from joserfc import jwt
    from joserfc.jwk import OctKey
    from moto.utilities.utils import load_resource

    # The key set the pool publishes (moto's, the same for every pool).
    public = load_resource("cognitoidp/resources/jwks-public.json")["keys"][0]
    secret = OctKey.import_key(json.dumps(public).encode())
    forged = jwt.encode({"alg": "HS256", "kid": "dummy"}, claims_of(oranienburg["IdToken"]), secret)

    assert_unauthorized(me(base_url, f"Bearer {forged}"))


def test_a_token_signed_with_the_pools_key_passes_until_a_claim_is_wrong(
    base_url: str, oranienburg: dict[str, str], admin: dict[str, str], sign_as_moto: Signer
) -> None:
    genuine = claims_of(oranienburg["IdToken"])
    now = int(time.time())

    # The control: re-signed unchanged, the token is as good as Cognito's own.
    assert me(base_url, f"Bearer {sign_as_moto(genuine)}").status_code == 200

    def refused(**changes: Any) -> None:
        assert_unauthorized(me(base_url, f"Bearer {sign_as_moto({**genuine, **changes})}"))

    refused(exp=now - 1)  # expired a second ago
    refused(nbf=now + 300)  # not valid yet
    refused(iat=now + 300)  # issued in the future
    # Another pool: moto signs every pool's tokens with this one key, so a token of another
    # pool differs in its issuer only.
    refused(iss=genuine["iss"].rsplit("/", 1)[0] + "/eu-central-1_another")
    refused(aud="another-client")  # another app client of the pool
    access = claims_of(admin["AccessToken"])
    assert me(base_url, f"Bearer {sign_as_moto(access)}").status_code == 200
    assert_unauthorized(
        me(base_url, f"Bearer {sign_as_moto({**access, 'client_id': 'another-client'})}")
    )


def test_a_flow_the_client_does_not_allow_is_refused_as_by_cognito(
    base_url: str, staff: dict[str, Any]
) -> None:
    answer = cognito(
        base_url,
        "InitiateAuth",
        {
            "AuthFlow": "CUSTOM_AUTH",
            "ClientId": staff["client_id"],
            "AuthParameters": {"USERNAME": "staff-admin"},
        },
    )
    assert answer.status_code == 400
    assert answer.json()["__type"] == "InvalidParameterException"


def test_a_wrong_password_and_an_unknown_user_answer_alike(
    base_url: str, staff: dict[str, Any]
) -> None:
    def attempt(username: str) -> requests.Response:
        return cognito(
            base_url,
            "InitiateAuth",
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": staff["client_id"],
                "AuthParameters": {"USERNAME": username, "PASSWORD": "Falsch-Passwort-1"},
            },
        )

    wrong, unknown = attempt("staff-admin"), attempt("nobody-here")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["__type"] == "NotAuthorizedException"


def test_administrative_actions_need_aws_credentials(base_url: str, staff: dict[str, Any]) -> None:
    answer = cognito(
        base_url,
        "AdminCreateUser",
        {"UserPoolId": staff["user_pool_id"], "Username": "intruder"},
    )
    assert answer.status_code == 400
    assert answer.json()["__type"] == "MissingAuthenticationTokenException"
    users = requests.get(f"{base_url}/_dev/staff-users", timeout=10).json()["users"]
    assert "intruder" not in [u["username"] for u in users]


def test_the_preflight_allows_the_authorization_header(base_url: str) -> None:
    answer = requests.options(
        f"{base_url}/staff/me",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=10,
    )
    assert answer.status_code == 204
    assert "authorization" in answer.headers["Access-Control-Allow-Headers"].split(",")


# --- a route with a location ----------------------------------------------------------


def location_route() -> str | None:
    """A staff route of the template with {location} in its path, GET without a body."""
    for route in Template().routes():
        if (
            route.method == "GET"
            and route.path.startswith("/staff/")
            and "{location}" in route.path
        ):
            return route.path
    return None


def location_path(template_path: str, location: str) -> str:
    return (
        template_path.replace("{location}", location)
        .replace("{day}", datetime.now(BERLIN).date().isoformat())
        .replace("{reference}", "K7QP-3XMA")
    )


@pytest.mark.skipif(location_route() is None, reason="no GET /staff/ route with {location} yet")
def test_staff_get_their_location_and_403_for_another(
    base_url: str, oranienburg: dict[str, str], admin: dict[str, str]
) -> None:
    path = location_route()
    assert path is not None

    def get(location: str, authorization: str | None) -> requests.Response:
        headers = {"Origin": ORIGIN, **({"Authorization": authorization} if authorization else {})}
        return requests.get(
            f"{base_url}{location_path(path, location)}", headers=headers, timeout=10
        )

    own = get("oranienburg", f"Bearer {oranienburg['IdToken']}")
    assert own.status_code == 200, own.text

    other = get("gransee", f"Bearer {oranienburg['IdToken']}")
    assert other.status_code == 403, other.text
    assert other.json()["error"]["code"] == "forbidden"
    assert other.json()["error"]["message"] == "Sie haben keinen Zugriff auf diesen Standort."

    assert_unauthorized(get("oranienburg", None))
    assert_unauthorized(get("oranienburg", "Bearer a.b.c"))
    for location in ("oranienburg", "gransee"):
        answer = get(location, f"Bearer {admin['IdToken']}")
        assert answer.status_code not in (401, 403), (location, answer.text)


# --- logs -----------------------------------------------------------------------------


def test_no_password_or_token_reaches_a_log(
    base_url: str, staff: dict[str, Any], stack_log: Path
) -> None:
    before = len(stack_log.read_bytes())
    tokens = sign_in(base_url, staff, "staff-oranienburg")
    assert me(base_url, f"Bearer {tokens['IdToken']}").status_code == 200
    assert me(base_url, f"Bearer {tokens['AccessToken']}").status_code == 200
    assert_unauthorized(me(base_url, f"Bearer {tokens['IdToken']}x"))
    refreshed = cognito(
        base_url,
        "InitiateAuth",
        {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": staff["client_id"],
            "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]},
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    time.sleep(0.5)  # the stack writes its lines after answering

    log = stack_log.read_bytes()[before:].decode()
    assert "GET /staff/me -> 200" in log  # the log is captured
    secrets = [password_of(staff, "staff-oranienburg")]
    secrets += [tokens[name] for name in ("IdToken", "AccessToken", "RefreshToken")]
    secrets += [t.split(".")[2] for t in (tokens["IdToken"], tokens["AccessToken"])]
    for secret in secrets:
        assert secret not in log
    # Also not the start banner's demo passwords in any request's line.
    for user in staff["users"]:
        assert user["password"] not in log


# --- staff accounts by ops ------------------------------------------------------------


def ops(base_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.ops", "--local", base_url, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ops_add_a_member_who_signs_in_with_a_new_password_then_remove_them(
    base_url: str, staff: dict[str, Any]
) -> None:
    added = ops(base_url, "staff", "add", "m.mueller", "--email", "m.mueller@example.de",
                "--group", "oranienburg", "--group", "gransee")  # fmt: skip
    assert added.returncode == 0, added.stderr
    temporary = re.search(r"temporary password: (\S+)", added.stdout)
    assert temporary, added.stdout
    listed = ops(base_url, "staff", "list")
    assert re.search(r"m\.mueller\s+FORCE_CHANGE_PASSWORD\s+gransee,oranienburg", listed.stdout)

    first = cognito(
        base_url,
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": staff["client_id"],
            "AuthParameters": {"USERNAME": "m.mueller", "PASSWORD": temporary.group(1)},
        },
    ).json()
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    too_weak = cognito(
        base_url,
        "RespondToAuthChallenge",
        {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ClientId": staff["client_id"],
            "Session": first["Session"],
            "ChallengeResponses": {"USERNAME": "m.mueller", "NEW_PASSWORD": "kurz"},
        },
    )
    assert too_weak.status_code == 400  # the template's password policy
    answered = cognito(
        base_url,
        "RespondToAuthChallenge",
        {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ClientId": staff["client_id"],
            "Session": first["Session"],
            "ChallengeResponses": {
                "USERNAME": "m.mueller",
                "NEW_PASSWORD": "Mein-Neues-Passwort-7",
            },
        },
    )
    assert answered.status_code == 200, answered.text
    token = answered.json()["AuthenticationResult"]["IdToken"]
    assert me(base_url, f"Bearer {token}").json()["locations"] == ["oranienburg", "gransee"]

    unknown_group = ops(base_url, "staff", "add", "x", "--email", "x@example.de", "--group", "x")
    assert unknown_group.returncode == 2
    assert "no group x" in unknown_group.stderr

    removed = ops(base_url, "staff", "remove", "m.mueller")
    assert removed.returncode == 0, removed.stderr
    assert "m.mueller" not in ops(base_url, "staff", "list").stdout


def test_the_readmes_staff_sign_in_works_as_written(base_url: str) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("Sign in as staff:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    script = block.replace("localhost:3000", base_url.removeprefix("http://"))

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body = json.loads(done.stdout)
    assert [d["id"] for d in body.pop("location_details")] == ["oranienburg"]
    assert body == {
        "username": "staff-oranienburg",
        "groups": ["oranienburg"],
        "locations": ["oranienburg"],
        "admin": False,
    }
