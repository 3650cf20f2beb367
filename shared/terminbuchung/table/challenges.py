"""Proof-of-work solutions spent: `CHALLENGE#<challenge hash>` / `USED`.

A solution is good for one request. Its mark is put with the condition that it does not
exist, inside the transaction of the booking (or the move) it pays for, so a second use
fails the whole transaction and a failed booking leaves the solution unspent. It expires
with its puzzle: after that the solution is refused as expired anyway.
"""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from terminbuchung.table.connection import TableMeta
from terminbuchung.table.keys import used_challenge_key
from terminbuchung.table.transaction import Transaction, TransactionFailed

SPENT_LABEL = "proof of work"


class UsedChallengeItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute()


@dataclass(frozen=True)
class Spent:
    """A verified solution to spend: its puzzle's id and when the puzzle expires."""

    id: str
    expires_at: datetime


class AlreadySpent(Exception):
    """The solution paid for another request already."""


def _mark(solution: Spent) -> UsedChallengeItem:
    return UsedChallengeItem(*used_challenge_key(solution.id), expires_at=solution.expires_at)


def spend_in(transaction: Transaction, solution: Spent | None) -> None:
    """Spend the solution (if there is one) in `transaction`; see `raise_if_spent`."""
    if solution is not None:
        condition = UsedChallengeItem.pk.does_not_exist()
        transaction.put(SPENT_LABEL, _mark(solution), condition=condition)


def raise_if_spent(failed: TransactionFailed) -> None:
    """AlreadySpent if `failed` failed because its solution had paid for another request."""
    if failed.failed(SPENT_LABEL):
        raise AlreadySpent()


def spend(solution: Spent) -> None:
    """Spend the solution on its own (a request without a transaction of its own); raises
    AlreadySpent."""
    try:
        _mark(solution).save(condition=UsedChallengeItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadySpent() from None
        raise
