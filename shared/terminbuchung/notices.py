"""What a person learns only by e-mail: that they hold an appointment already, and the
links to the appointments they hold ("Termin wiederfinden").

Anyone may type any address or household number into the booking page, so the answers
never depend on whether that person has an appointment: the page gets the same answer
every time, and the owner of the bookings gets an e-mail at the address they booked with
(a notice the stream sends, see mail/notices.py). At most one notice per person and kind
per QUIET_PERIOD, so nobody can flood a mailbox by asking again and again.
"""

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from terminbuchung.addresses import masked_address
from terminbuchung.errors import ChallengeFailed
from terminbuchung.people import mailbox
from terminbuchung.proof_of_work import to_spend
from terminbuchung.references import TokenKeys, person_hashes
from terminbuchung.table import bookings as table
from terminbuchung.table.challenges import AlreadySpent, spend
from terminbuchung.table.items import NoticeItem
from terminbuchung.table.notices import leave_notice

logger = Logger(child=True)

QUIET_PERIOD = timedelta(minutes=10)


def tell_the_holder(person: str | None, references: tuple[str, ...], now: datetime) -> None:
    """A second booking by a person who holds their bookings already: their owner is told
    by e-mail which appointments they have. Never fails the request: its answer must be the
    same as for a fresh booking, so a failure here is logged, not raised."""
    if person is None or not references:
        return  # held under the previous key only: the transaction did not name the booking
    try:
        leave_notice(
            person, NoticeItem.ALREADY_BOOKED, list(references), now=now, quiet_for=QUIET_PERIOD
        )
    except Exception:
        logger.exception("notice not written", extra={"kind": NoticeItem.ALREADY_BOOKED})


def look_up(
    email: str,
    now: datetime,
    keys: TokenKeys,
    *,
    proof: object = None,
    proof_key: bytes | None = None,
) -> str:
    """Send the links to the bookings this address holds to that address; the masked address
    for the answer, which is the same whether it holds any.

    Found through the address's guards (a Query per key, no scan). The notice is written
    for every address, with or without bookings, so both take the same work and the same
    rate applies. Two round trips (three after a key rotation).
    """
    # The page's proof of work (field altcha), spent before anything is looked up: a
    # lookup sends an e-mail, so one solution must not send several. One write more; a
    # lookup has no transaction of its own to put it in.
    if spent := to_spend(proof, proof_key, now):
        try:
            spend(spent)
        except AlreadySpent:
            raise ChallengeFailed() from None
    current, previous = person_hashes("email", mailbox(email), keys)
    references = table.held_by(current, now)
    if previous:
        references += [r for r in table.held_by(previous, now) if r not in references]
    written = leave_notice(current, NoticeItem.LOOKUP, references, now=now, quiet_for=QUIET_PERIOD)
    logger.info("lookup", extra={"notice_written": written})
    return masked_address(email)
