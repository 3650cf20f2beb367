"""How many e-mails went to one address on one day (see mail.delivery: the daily cap).

`MAILTO#<keyed hash of the mailbox>` / `<day>`: a counter, no address. It expires two days
after its day, so the table never says for long to whom it wrote.
"""

from contextlib import suppress
from datetime import date, datetime, time, timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model

from terminbuchung.clock import BERLIN
from terminbuchung.table.connection import TableMeta
from terminbuchung.table.keys import mail_quota_key


class MailQuotaItem(Model):
    """E-mails sent to one mailbox (by its keyed hash) on one day, Berlin time."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    sent = NumberAttribute(default=0)
    expires_at = TTLAttribute()


def take(mailbox_hash: str, day: date, cap: int) -> bool:
    """Count one more e-mail to this mailbox today; False, counting nothing, if `cap`
    went there already. One conditional update: two senders at once cannot pass the cap."""
    counter = MailQuotaItem(*mail_quota_key(mailbox_hash, day))
    keep_until = datetime.combine(day + timedelta(days=2), time(), tzinfo=BERLIN)
    try:
        counter.update(
            actions=[MailQuotaItem.sent.add(1), MailQuotaItem.expires_at.set(keep_until)],
            condition=MailQuotaItem.sent.does_not_exist() | (MailQuotaItem.sent < cap),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def give_back(mailbox_hash: str, day: date) -> None:
    """An e-mail counted by `take` did not go out (SES failed): it does not count. Never
    below zero; a counter that is gone (expired) stays gone."""
    counter = MailQuotaItem(*mail_quota_key(mailbox_hash, day))
    with suppress(UpdateError):
        counter.update(
            actions=[MailQuotaItem.sent.add(-1)],
            condition=MailQuotaItem.sent > 0,
        )
