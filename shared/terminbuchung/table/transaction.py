"""DynamoDB transactions whose cancellation reasons come back by label, not by position.

PynamoDB's public `TransactWrite` reports why a transaction was cancelled only as a list
in the order it sent the items, and it sends them grouped by kind (condition checks,
deletes, puts, updates), not in the order they were added. `Transaction` keeps a label per
item and maps the reasons back; tests/unit/test_table.py fails if PynamoDB changes that
order.
"""

from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import CancellationReason, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from terminbuchung.table.connection import connection


class TransactionFailed(Exception):
    """Some conditions of a transaction did not hold; `reasons` by the label of each item."""

    def __init__(self, reasons: dict[str, CancellationReason]) -> None:
        super().__init__(", ".join(f"{label}: {r.code}" for label, r in reasons.items()))
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        reason = self.reasons.get(label)
        return reason is not None and reason.code == "ConditionalCheckFailed"

    def raw_item(self, label: str) -> dict[str, Any] | None:
        reason = self.reasons.get(label)
        return reason.raw_item if reason else None

    @property
    def conflict(self) -> bool:
        """Another transaction held an item: worth a retry, unlike a failed condition."""
        return any(
            r is not None and r.code in ("TransactionConflict", "ThrottlingError")
            for r in self.reasons.values()
        )


class Transaction:
    """A TransactWrite whose cancellation reasons come back by name, not by position."""

    # PynamoDB sends condition checks, deletes, puts and updates in this order.
    _ORDER = ("check", "delete", "put", "update")

    def __init__(self) -> None:
        self._write = TransactWrite(connection=connection())
        self._labels: dict[str, list[str]] = {kind: [] for kind in self._ORDER}

    def check(
        self, label: str, model: type[Model], key: tuple[str, str], condition: Condition
    ) -> None:
        """A condition on an item (`key`: pk, sk) the transaction does not change."""
        self._write.condition_check(model, *key, condition=condition)
        self._labels["check"].append(label)

    def put(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self._write.save(item, condition=condition, return_values="ALL_OLD")
        self._labels["put"].append(label)

    def update(
        self, label: str, item: Model, actions: Sequence[Action], condition: Condition | None
    ) -> None:
        self._write.update(item, list(actions), condition=condition, return_values="ALL_OLD")
        self._labels["update"].append(label)

    def delete(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self._write.delete(item, condition=condition)
        self._labels["delete"].append(label)

    def commit(self) -> None:
        try:
            self._write._commit()
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            labels = [label for kind in self._ORDER for label in self._labels[kind]]
            reasons = {
                label: reason
                for label, reason in zip(labels, error.cancellation_reasons, strict=False)
                if reason is not None and reason.code != "None"
            }
            raise TransactionFailed(reasons) from None
