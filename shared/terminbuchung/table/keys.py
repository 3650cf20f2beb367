"""The keys of the one table: one constant per prefix, one function per kind of key.

| item      | pk                   | sk                        |
| --------- | -------------------- | ------------------------- |
| slot      | LOC#<location>       | SLOT#<local start>        |
| closure   | LOC#<location>       | CLOSURE#<day>#<from>      |
| booking   | BOOKING#<reference>  | BOOKING                   |
| guard     | GUARD#<person hash>  | ACTIVE#<n>                |
| e-mail    | SENT#<reference>     | <kind of message>         |
| failures  | SENT#<reference>     | <kind of message>#FAILED  |
| notice    | NOTICE#<person hash> | <kind of notice>          |
| request   | REQUEST#<key hash>   | REQUEST                   |

A slot's local start is Berlin's wall-clock time to the minute (2026-12-01T09:00), so one
Query on a key range lists a location's days in order. The stream filter in template.yaml
passes items whose pk begins with BOOKING_PREFIX or NOTICE_PREFIX only.
"""

from datetime import date, datetime, time

from terminbuchung.clock import wall_clock

LOCATION_PREFIX = "LOC#"
SLOT_PREFIX = "SLOT#"
CLOSURE_PREFIX = "CLOSURE#"
BOOKING_PREFIX = "BOOKING#"
BOOKING_SORT_KEY = "BOOKING"
GUARD_PREFIX = "GUARD#"
GUARD_SEAT_PREFIX = "ACTIVE#"
SENT_MAIL_PREFIX = "SENT#"
FAILED_MAIL_SUFFIX = "#FAILED"
NOTICE_PREFIX = "NOTICE#"
IDEMPOTENCY_PREFIX = "REQUEST#"  # a request sent with an Idempotency-Key
IDEMPOTENCY_SORT_KEY = "REQUEST"

DAY_PREFIX = "DAY#"
DAY_INDEX = "by-location-day"


def location_key(location: str) -> str:
    return f"{LOCATION_PREFIX}{location}"


def slot_key(start: datetime) -> str:
    return f"{SLOT_PREFIX}{wall_clock(start)}"


def closure_key(day: date, start: time) -> str:
    return f"{CLOSURE_PREFIX}{day.isoformat()}#{start:%H:%M}"


def booking_key(reference: str) -> str:
    return f"{BOOKING_PREFIX}{reference}"


def day_key(location: str, day: date) -> str:
    """The booking index's partition: one location's bookings of one day."""
    return f"{DAY_PREFIX}{location}#{day.isoformat()}"


def day_order(start: datetime, reference: str) -> str:
    """The booking index's sort key: the day's bookings by time."""
    return f"{wall_clock(start)}#{reference}"


def guard_key(person_hash: str, seat: int) -> tuple[str, str]:
    return f"{GUARD_PREFIX}{person_hash}", f"{GUARD_SEAT_PREFIX}{seat}"


def notice_key(person_hash: str, kind: str) -> tuple[str, str]:
    return f"{NOTICE_PREFIX}{person_hash}", kind


def sent_mail_key(reference: str, kind: str) -> tuple[str, str]:
    return f"{SENT_MAIL_PREFIX}{reference}", kind


def failed_mail_key(reference: str, kind: str) -> tuple[str, str]:
    return f"{SENT_MAIL_PREFIX}{reference}", f"{kind}{FAILED_MAIL_SUFFIX}"


def idempotency_key(key_hash: str) -> tuple[str, str]:
    return f"{IDEMPOTENCY_PREFIX}{key_hash}", IDEMPOTENCY_SORT_KEY


# Fair access (issue 13): counters and single-use marks, no personal data.
MAIL_QUOTA_PREFIX = "MAILTO#"  # e-mails to one mailbox (keyed hash) on one day
USED_CHALLENGE_PREFIX = "CHALLENGE#"  # a proof-of-work solution, spent by one booking
USED_CHALLENGE_SORT_KEY = "USED"


def mail_quota_key(mailbox_hash: str, day: date) -> tuple[str, str]:
    return f"{MAIL_QUOTA_PREFIX}{mailbox_hash}", day.isoformat()


def used_challenge_key(challenge: str) -> tuple[str, str]:
    return f"{USED_CHALLENGE_PREFIX}{challenge}", USED_CHALLENGE_SORT_KEY


USED_PRIORITY_PREFIX = "PRIORITY#"  # an office-cancelled booking's priority, used once


def used_priority_key(cancelled_reference: str) -> tuple[str, str]:
    return f"{USED_PRIORITY_PREFIX}{cancelled_reference}", USED_CHALLENGE_SORT_KEY
