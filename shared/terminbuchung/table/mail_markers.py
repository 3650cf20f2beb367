"""The markers that make each e-mail about a booking go out once (see mail.delivery).

`SENT#<reference>` / `<kind>`: `sending` while an invocation holds the lease, `sent` once
SES took the message, `undeliverable` when it was given up on. `<kind>#FAILED` counts the
failed attempts.
"""

import uuid
from contextlib import suppress
from datetime import datetime

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from terminbuchung.table.items import FailedMailItem, SentMailItem
from terminbuchung.table.keys import failed_mail_key, sent_mail_key

SENT = SentMailItem.SENT
UNDELIVERABLE = SentMailItem.UNDELIVERABLE


def claim(
    reference: str, kind: str, *, lease_until: datetime, now: datetime, expires_at: datetime
) -> SentMailItem | str | None:
    """A marker now ours to send with, leased until `lease_until`.

    Else the state another invocation left: `sent`, `undeliverable`, `sending` (its lease
    still runs), or None (released by a failed attempt just now: the retry claims it).
    """
    pk, sk = sent_mail_key(reference, kind)
    marker = SentMailItem(
        pk,
        sk,
        state=SentMailItem.SENDING,
        claim=uuid.uuid4().hex,
        lease_until=int(lease_until.timestamp()) + 1,
        # As long as the booking: replays and reminder runs end long before.
        expires_at=expires_at,
    )
    lease_over = (SentMailItem.state == SentMailItem.SENDING) & (
        SentMailItem.lease_until < int(now.timestamp())
    )
    try:
        marker.save(condition=SentMailItem.pk.does_not_exist() | lease_over)
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    else:
        return marker
    try:
        return str(SentMailItem.get(pk, sk, consistent_read=True).state)
    except SentMailItem.DoesNotExist:
        return None


def mark_sent(marker: SentMailItem, message_id: str, now: datetime) -> bool:
    """False if the marker could not be updated (the e-mail is out all the same)."""
    try:
        marker.update(
            actions=[
                SentMailItem.state.set(SentMailItem.SENT),
                SentMailItem.message_id.set(message_id),
                SentMailItem.sent_at.set(now),
                SentMailItem.lease_until.remove(),
                SentMailItem.claim.remove(),
            ],
            condition=SentMailItem.claim == marker.claim,
        )
    except UpdateError:
        return False
    return True


def release(marker: SentMailItem) -> None:
    """Give the claim back after a failed send, so the retry sends."""
    with suppress(DeleteError):  # else the lease runs out by itself
        marker.delete(condition=SentMailItem.claim == marker.claim)


def count_failure(reference: str, kind: str, expires_at: datetime) -> int:
    """Counts a failed attempt; returns how many there were (1 if they cannot be counted)."""
    counter = FailedMailItem(*failed_mail_key(reference, kind))
    try:
        counter.update(
            actions=[FailedMailItem.attempts.add(1), FailedMailItem.expires_at.set(expires_at)]
        )
    except UpdateError:
        return 1
    return int(counter.attempts)


def mark_undeliverable(reference: str, kind: str, code: str, expires_at: datetime) -> None:
    """Replays of the stream and later reminder runs try this e-mail no more."""
    pk, sk = sent_mail_key(reference, kind)
    marker = SentMailItem(
        pk, sk, state=SentMailItem.UNDELIVERABLE, error_code=code, expires_at=expires_at
    )
    with suppress(PutError):  # sent by another invocation meanwhile: then all is well
        marker.save(condition=SentMailItem.state != SentMailItem.SENT)
