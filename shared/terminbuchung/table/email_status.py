"""The booking's `email_status`: what SES reported back about the citizen's address."""

from pynamodb.exceptions import UpdateError

from terminbuchung.table.items import BookingItem
from terminbuchung.table.keys import BOOKING_SORT_KEY, booking_key


def mark(reference: str, status: str) -> bool:
    """Sets the booking's email_status. False if it had that status already (a repeated
    event) or there is no such booking (any more): nothing changed.

    Only pk, sk and email_status are named, as the function's policy allows
    (dynamodb:Attributes), and nothing is read back."""
    booking = BookingItem(booking_key(reference), BOOKING_SORT_KEY)
    try:
        booking.update(
            actions=[BookingItem.email_status.set(status)],
            condition=BookingItem.pk.exists()
            & (BookingItem.email_status.does_not_exist() | (BookingItem.email_status != status)),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
