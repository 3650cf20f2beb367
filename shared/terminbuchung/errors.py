"""What can go wrong for a citizen, in words fit to show them.

Every error has a stable `code` for the website, a `key` into the message catalogues
(terminbuchung.languages: German by default, `in_language` for the others) with the values
it names, and, for form errors, the `field` it concerns. Without a key of its own an error
says `error.<code>`. The HTTP status and the language of the answer belong to the API layer.
"""

from collections.abc import Mapping

from terminbuchung import languages


class BookingError(Exception):
    code: str = "booking_error"

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        code: str | None = None,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        self.field = field
        self.code = code or type(self).code
        # A message given as text without a key (the staff console's) is German in every
        # language; anything a citizen may read has its key.
        self.key = key if key or message else f"error.{self.code}"
        self.values = dict(values or {})
        self.message = message or self.in_language(languages.GERMAN)
        super().__init__(self.code)

    def in_language(self, language: str | None) -> str:
        """The message in one of our languages (terminbuchung.languages)."""
        if self.key is None:
            return self.message
        return languages.text(language, self.key, **self.values)


class InvalidInput(BookingError):
    code = "invalid_input"


class LocationNotFound(BookingError):
    code = "location_not_found"


class ServiceNotOffered(InvalidInput):
    code = "service_unknown"


class ServiceNotOnline(InvalidInput):
    code = "service_not_online"


class SlotFull(BookingError):
    code = "slot_full"


class SlotUnavailable(BookingError):
    code = "slot_unavailable"


class AlreadyBooked(BookingError):
    code = "already_booked"
    # Who holds the seats, for the e-mail that tells them (never for the answer): the
    # person's hash by the way they were counted, and the references the guards named.
    person: str | None = None
    holders: tuple[str, ...] = ()

    def __init__(self, *, field: str | None = None) -> None:
        # Counted by the household number, it is the household (Bedarfsgemeinschaft) that
        # has the appointment, perhaps booked by another of its members: said so, not "Sie".
        household = field == "household_number"
        super().__init__(field=field, key="error.already_booked.household" if household else None)


class BookingNotFound(BookingError):
    code = "booking_not_found"


class TooLate(BookingError):
    code = "too_late"


class Busy(BookingError):
    code = "busy"


class NotConfirmed(BookingError):
    code = "not_confirmed"


class HoldExpired(BookingError):
    """The citizen did not confirm the e-mail address in time: the seat is free again."""

    code = "expired"


class AlreadyMarked(BookingError):
    code = "already_marked"


class TooEarly(BookingError):
    code = "too_early"


class NoAddress(BookingError):
    code = "no_address"


class RescheduleLimit(BookingError):
    code = "reschedule_limit"


class NotYetConfirmed(BookingError):
    code = "not_yet_confirmed"


class PriorityNotValid(BookingError):
    """The link for a new appointment with priority is wrong, used, or not from an office
    cancellation (all alike: the answer tells nothing about other bookings)."""

    code = "priority_invalid"

    def __init__(self) -> None:
        super().__init__(field="priority_for")


class ChallengeFailed(BookingError):
    """The proof of work (form field `altcha`) is missing, wrong, expired or used already.
    The page solves a new puzzle by itself; a person sees this only if that fails too."""

    code = "challenge_failed"

    def __init__(self) -> None:
        super().__init__(field="altcha")
