"""Proof of work before a booking: a puzzle every browser solves, unnoticed, while the
citizen types (ALTCHA, https://altcha.org; the `altcha` package, protocol v1).

Why: at the daily release a script can ask for every free seat within a second. Each
booking now costs its sender some CPU seconds of SHA-256 work: nothing for a person, whose
browser solves it in the background, but a price per seat for a script. No puzzle to read,
no third party: the server signs the puzzle itself and needs no state to check a solution.

The puzzle (`new_challenge`): a random salt carrying its expiry, a secret number below
`max_number`, `challenge` = SHA-256(salt + number) and an HMAC of the challenge under the
challenge key. The solver tries numbers until the hash matches and sends back
base64(JSON {algorithm, challenge, number, salt, signature}), as the ALTCHA widget does.
`check_solution` verifies signature, solution and expiry without any I/O; the caller
makes each solution count once (its `id`, stored with the booking in one transaction:
table.bookings.reserve).

The key is not the token key: the challenge function, which faces every visitor, holds no
key to anyone's booking.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from terminbuchung.config import ProofOfWorkRules
from terminbuchung.errors import ChallengeFailed
from terminbuchung.settings import read_settings

if TYPE_CHECKING:
    from terminbuchung.table.challenges import Spent

ALGORITHM: Final = "SHA-256"
# Far more than any honest payload (about 250 characters): refused before decoding.
_MAX_PAYLOAD = 1000
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SolvedChallenge:
    """A valid solution: `id` (the challenge's hash) may be used once until `expires_at`."""

    id: str
    expires_at: datetime


def new_challenge(rules: ProofOfWorkRules, key: bytes, now: datetime) -> dict[str, Any]:
    """A fresh, signed puzzle as GET /challenge answers it (the ALTCHA widget's format)."""
    from altcha.v1 import create_challenge

    challenge = create_challenge(
        algorithm=ALGORITHM,
        max_number=rules.max_number,
        salt_length=12,
        hmac_key=key,
        salt="",
        number=None,
        expires=now + timedelta(minutes=rules.valid_minutes),
        params=None,
    )
    puzzle: dict[str, Any] = challenge.to_dict()
    # The widget reads `maxnumber`; the library writes `maxNumber`: both, for any client.
    puzzle["maxnumber"] = puzzle["maxNumber"]
    puzzle["expires"] = int((now + timedelta(minutes=rules.valid_minutes)).timestamp())
    return puzzle


def check_solution(payload: object, key: bytes, now: datetime) -> SolvedChallenge:
    """The solution sent as the form field `altcha`, verified; else ChallengeFailed.

    Missing, malformed, forged, wrong and expired solutions are all refused alike: the
    page then fetches a new puzzle and tries again by itself.
    """
    from altcha.v1 import Payload, verify_solution

    fields = _decode(payload)
    expires = _expiry(fields["salt"])
    if expires is None or expires <= int(now.timestamp()):
        raise ChallengeFailed()
    # Expiry is checked above against the use case's clock, not the library's time.time().
    solution = Payload(
        ALGORITHM, fields["challenge"], fields["number"], fields["salt"], fields["signature"]
    )
    valid, _ = verify_solution(solution, key, check_expires=False)
    if not valid:
        raise ChallengeFailed()
    return SolvedChallenge(
        id=fields["challenge"], expires_at=datetime.fromtimestamp(expires, tz=now.tzinfo)
    )


def _decode(payload: object) -> dict[str, Any]:
    """The payload's fields, checked for type and size before any hashing."""
    if not isinstance(payload, str) or not payload or len(payload) > _MAX_PAYLOAD:
        raise ChallengeFailed()
    try:
        fields = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        raise ChallengeFailed() from None
    if not (
        isinstance(fields, dict)
        and fields.get("algorithm") == ALGORITHM
        and isinstance(fields.get("challenge"), str)
        and _HEX64.fullmatch(fields["challenge"])
        and isinstance(fields.get("signature"), str)
        and _HEX64.fullmatch(fields["signature"])
        and isinstance(fields.get("salt"), str)
        and 0 < len(fields["salt"]) <= 200
        # bool is an int in Python; JSON true is no number.
        and type(fields.get("number")) is int
        and 0 <= fields["number"] <= 10_000_000
    ):
        raise ChallengeFailed()
    return fields


def _expiry(salt: str) -> int | None:
    """The expiry the salt carries (seconds since 1970), signed with it; None if none."""
    _, _, query = salt.partition("?")
    values = [part[len("expires=") :] for part in query.split("&") if part.startswith("expires=")]
    # Exactly one: two could be read differently by two parsers.
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 12:
        return None
    return int(values[0])


@cache
def challenge_key() -> bytes:
    """The puzzles' HMAC key, read once per cold start: in AWS from Secrets Manager
    (CHALLENGE_KEY_SECRET_ARN), locally and in tests from CHALLENGE_KEY."""
    settings = read_settings()
    if settings.challenge_key:
        return settings.challenge_key.encode()
    from aws_lambda_powertools.utilities import parameters

    value = parameters.get_secret(settings.required("challenge_key_secret_arn"), force_fetch=True)
    return (value if isinstance(value, str) else bytes(value).decode()).encode()


def to_spend(payload: object, key: bytes | None, now: datetime) -> "Spent | None":
    """The solution a citizen's request carries, verified (else ChallengeFailed), as the
    mark its request's own write spends (table.challenges); None without a key: callers
    that stand for no request of the page (tests of other rules, the office)."""
    if key is None:
        return None
    from terminbuchung.table.challenges import Spent

    solved = check_solution(payload, key, now)
    return Spent(solved.id, solved.expires_at)
