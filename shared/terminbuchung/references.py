"""Booking references and the secret token that goes with each.

A reference is read aloud on the phone, so it avoids look-alikes (0/O, 1/I/L).
The token in the e-mail's link is never stored: it is an HMAC of the reference under a
key from Secrets Manager, so whoever holds the table alone cannot cancel anything.
"""

import base64
import hashlib
import hmac
import secrets
from functools import cache

from terminbuchung.settings import read_settings

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


def token_matches(reference: str, token: str, key: bytes) -> bool:
    return hmac.compare_digest(cancel_token(reference, key).encode(), token.encode())


def person_hash(kind: str, value: str, key: bytes) -> str:
    """A keyed hash of an e-mail address or household number: the table never names a person."""
    return _mac(key, f"person:{kind}", value).hex()[:40]


@cache
def secret_key() -> bytes:
    """The HMAC key, read once per cold start.

    In AWS it lives in Secrets Manager (TOKEN_KEY_SECRET_ARN); the local stack and the
    tests give it directly as TOKEN_KEY.
    """
    settings = read_settings()
    if settings.token_key:
        return settings.token_key.encode()
    from aws_lambda_powertools.utilities import parameters

    value = parameters.get_secret(settings.required("token_key_secret_arn"))
    return value.encode() if isinstance(value, str) else bytes(value)
