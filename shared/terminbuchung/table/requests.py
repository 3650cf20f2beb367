"""Requests sent with an `Idempotency-Key`: which booking the first of them wrote.

A record is put in the same transaction as the booking (or the move) it answers for, so a
key stands for exactly one booking even when twenty copies of a request race: the others'
transactions fail on the record and answer from the booking it names. The record holds no
personal data and no token: a hash of the key, a keyed fingerprint of the request and
the reference; the answer is rebuilt from the booking, the token derived again.
"""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.expressions.condition import Condition

from terminbuchung.table.items import RequestItem
from terminbuchung.table.keys import idempotency_key
from terminbuchung.table.transaction import Transaction

LABEL = "request"  # the record's label in a transaction


class RequestSeen(Exception):
    """A request with the same Idempotency-Key was written first: answer from its booking."""


@dataclass(frozen=True)
class KeyedRequest:
    """A request as the table remembers it under its Idempotency-Key."""

    key_hash: str
    operation: str
    fingerprint: str
    expires_at: datetime


def put(transaction: Transaction, request: KeyedRequest, reference: str, now: datetime) -> None:
    """Add the record to the transaction that writes the booking `reference`."""
    item = RequestItem(
        *idempotency_key(request.key_hash),
        operation=request.operation,
        fingerprint=request.fingerprint,
        reference=reference,
        expires_at=request.expires_at,
    )
    transaction.put(LABEL, item, condition=_unused(now))


def _unused(now: datetime) -> Condition:
    """The key was never used, or its 24 hours are over (TTL deletes late)."""
    condition: Condition = RequestItem.pk.does_not_exist() | (RequestItem.expires_at < now)
    return condition


def earlier(key_hash: str, now: datetime) -> RequestItem | None:
    """The first request with this key, while its 24 hours last."""
    try:
        item = RequestItem.get(*idempotency_key(key_hash), consistent_read=True)
    except RequestItem.DoesNotExist:
        return None
    return item if item.expires_at > now else None
