"""Notices: e-mails to a person about the bookings they hold, at most one per person, kind
and quiet period (see NoticeItem). Written with one conditional put; the stream sends them.
"""

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from terminbuchung.table.items import NoticeItem
from terminbuchung.table.keys import notice_key


def leave_notice(
    person_hash: str, kind: str, references: list[str], *, now: datetime, quiet_for: timedelta
) -> bool:
    """Write the notice unless one of this kind went to this person within `quiet_for`.

    False when it was too soon. The item expires with its quiet period (TTL; until DynamoDB
    deletes it, the condition on `expires_at` lets the next one in).
    """
    notice = NoticeItem(
        *notice_key(person_hash, kind),
        references=references,
        created_at=now,
        expires_at=now + quiet_for,
    )
    try:
        notice.save(condition=NoticeItem.pk.does_not_exist() | (NoticeItem.expires_at <= now))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True
