"""Booking references and the secret token that goes with each.

A reference is read aloud on the phone, so it avoids look-alikes (0/O, 1/I/L).
The token in the e-mail's link is never stored: it is an HMAC of the reference under a
key from Secrets Manager, so whoever holds the table alone cannot cancel anything.

The key can be rotated without voiding a link or a person's guard: the secret holds the
current key and, for a grace period, the previous one (`TokenKeys`). New tokens and
person hashes are made with the current key; tokens are accepted under either, and the
booking checks a person's guards under both (table.bookings.reserve).
"""

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from functools import cache

from terminbuchung.settings import SettingsError, read_settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 8


def new_reference() -> str:
    """e.g. 'K7QP-3XMA': 31**8, about 10**12 references, drawn by a CSPRNG."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalize_reference(text: str) -> str | None:
    """The canonical form of a reference as a citizen may type it, or None if it is none."""
    code = text.upper().replace("-", "").replace(" ", "")
    if len(code) != _LENGTH or any(char not in ALPHABET for char in code):
        return None
    return f"{code[:4]}-{code[4:]}"


def _mac(key: bytes, purpose: str, value: str) -> bytes:
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()


def cancel_token(reference: str, key: bytes) -> str:
    """The secret that lets the holder of the e-mail see and cancel this booking."""
    return base64.urlsafe_b64encode(_mac(key, "cancel-token", reference)[:18]).decode()


def person_hash(kind: str, value: str, key: bytes) -> str:
    """A keyed hash of an e-mail address or household number: the table never names a person."""
    return _mac(key, f"person:{kind}", value).hex()[:40]


@dataclass(frozen=True)
class TokenKeys:
    """The key new tokens and person hashes are made with, and the one before the last
    rotation, still accepted until ops drop it (the end of the grace period)."""

    current: bytes
    previous: bytes | None = None

    def all(self) -> tuple[bytes, ...]:
        return (self.current,) if self.previous is None else (self.current, self.previous)


def token_matches(reference: str, token: str, keys: TokenKeys) -> bool:
    """Whether `token` is this reference's, under the current or the previous key."""
    # Both comparisons always run: the time taken tells nothing about which key matched.
    matches = [
        hmac.compare_digest(cancel_token(reference, k).encode(), token.encode()) for k in keys.all()
    ]
    return any(matches)


def person_hashes(kind: str, value: str, keys: TokenKeys) -> tuple[str, str | None]:
    """The person's hash under the current key, and under the previous one if there is one."""
    previous = person_hash(kind, value, keys.previous) if keys.previous else None
    return person_hash(kind, value, keys.current), previous


def parse_token_keys(secret: str) -> TokenKeys:
    """The secret's value: `{"current": ..., "previous": ...}` (previous optional), as
    `python -m infra.ops token-key` writes it, or a bare key, as CloudFormation generated it."""
    try:
        value = json.loads(secret)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        return TokenKeys(secret.encode())
    current, previous = value.get("current"), value.get("previous")
    if not isinstance(current, str) or not current:
        raise SettingsError("the token key secret has no key 'current'")
    if previous is not None and (not isinstance(previous, str) or not previous):
        raise SettingsError("the token key secret's 'previous' is not a key")
    return TokenKeys(current.encode(), previous.encode() if previous else None)


@cache
def token_keys() -> TokenKeys:
    """The HMAC keys, read once per cold start.

    In AWS they live in Secrets Manager (TOKEN_KEY_SECRET_ARN); the local stack and the
    tests give them directly as TOKEN_KEY and, after a rotation, TOKEN_KEY_PREVIOUS.
    """
    settings = read_settings()
    if settings.token_key:
        previous = settings.token_key_previous
        return TokenKeys(settings.token_key.encode(), previous.encode() if previous else None)
    from aws_lambda_powertools.utilities import parameters

    # Powertools' own cache would serve a value for 5 seconds more; this function caches.
    value = parameters.get_secret(settings.required("token_key_secret_arn"), force_fetch=True)
    return parse_token_keys(value if isinstance(value, str) else bytes(value).decode())
