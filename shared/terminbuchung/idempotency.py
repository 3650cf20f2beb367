"""A request sent again with the same `Idempotency-Key` gets the first answer, not a second
booking (or a second move).

The page sends one key per attempt and keeps it across its own retries: when an answer is
lost (a train in a tunnel), the retry must find the booking made, not fail with
"already booked" or book twice.

How, without storing anything a person could misuse:
- the record's key is a SHA-256 of the Idempotency-Key (the key is the client's random
  string; its hash tells nothing and survives a rotation of the token key);
- the record holds a keyed fingerprint (HMAC) of the request's content, so the same key with
  another body is refused (`idempotency_key_reused`) and nobody can learn from the table
  what a request said;
- the record is written in the booking's own transaction (table.requests.put): one key, one
  booking, also when twenty copies race; the losers answer from the winner's booking;
- the answer is rebuilt from the booking (the token derived again by HMAC): no answer and no
  token is stored. The record expires after 24 hours, long before the booking's data.

Why not Powertools' idempotency utility: it stores the whole answer, cancel token included,
in clear, and it writes its record outside the booking's transaction (a crash between the
two books again on the retry). Both break rules of this project (docs/ARCHITECTURE.md).
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from terminbuchung.errors import InvalidInput
from terminbuchung.references import TokenKeys
from terminbuchung.table import requests
from terminbuchung.table.items import RequestItem

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)
# What a browser's crypto.randomUUID() or any client's random token looks like: visible
# ASCII, long enough to be unguessable, short enough for a key.
_KEY = re.compile(r"[!-~]{16,128}")


class KeyReused(InvalidInput):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Replay:
    """The booking a request with this key wrote before."""

    reference: str


def check_key(value: str | None) -> str | None:
    """The header's value, None without one; InvalidInput naming the header if malformed."""
    if value is None:
        return None
    if not _KEY.fullmatch(value):
        raise InvalidInput(field=HEADER, code="field_invalid", key="error.idempotency_key")
    return value


def keyed(
    key: str, operation: str, content: dict[str, object], keys: TokenKeys, now: datetime
) -> requests.KeyedRequest:
    """The request as the table remembers it: hashes only, kept for 24 hours."""
    return requests.KeyedRequest(
        key_hash=_key_hash(key),
        operation=operation,
        fingerprint=_fingerprint(operation, content, keys.current),
        expires_at=now + KEPT_FOR,
    )


def earlier(
    request: requests.KeyedRequest, content: dict[str, object], keys: TokenKeys, now: datetime
) -> Replay | None:
    """The booking written for this key before, or None if the key is new.

    Raises KeyReused if the key came with another request (other content or operation).
    """
    item = requests.earlier(request.key_hash, now)
    return None if item is None else _replay(item, request.operation, content, keys)


def written_for(request: requests.KeyedRequest | None, now: datetime) -> str:
    """The reference a racing copy of `request` wrote a moment ago (its transaction won).
    Raises KeyReused if that copy was another request under the same key."""
    item = requests.earlier(request.key_hash, now) if request else None
    if request is None or item is None:
        raise RuntimeError("a request record was reported but cannot be read")
    if item.operation != request.operation or item.fingerprint != request.fingerprint:
        raise KeyReused(field=HEADER)
    return item.reference


def _replay(
    item: RequestItem, operation: str, content: dict[str, object], keys: TokenKeys
) -> Replay:
    # The first request may have been fingerprinted under the key before a rotation.
    same = item.operation == operation and any(
        _fingerprint(operation, content, key) == item.fingerprint for key in keys.all()
    )
    if not same:
        raise KeyReused(field=HEADER)
    return Replay(item.reference)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _fingerprint(operation: str, content: dict[str, object], key: bytes) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    message = f"idempotency:{operation}\x00{canonical}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]
