"""What can go wrong for a citizen, in words fit to show them.

Every error has a stable `code` for the website, a German `message` and, for form
errors, the `field` it concerns. The HTTP status belongs to the API layer.
"""


class BookingError(Exception):
    code: str = "booking_error"
    message: str = "Ihre Anfrage konnte nicht bearbeitet werden."

    def __init__(
        self, message: str | None = None, *, field: str | None = None, code: str | None = None
    ) -> None:
        self.message = message or type(self).message
        self.field = field
        self.code = code or type(self).code
        super().__init__(self.code)


class InvalidInput(BookingError):
    code = "invalid_input"
    message = "Bitte prüfen Sie Ihre Eingabe."


class LocationNotFound(BookingError):
    code = "location_not_found"
    message = "Diesen Standort gibt es nicht oder er bietet noch keine Online-Termine an."


class ServiceNotOffered(InvalidInput):
    code = "service_unknown"
    message = "Dieses Anliegen kann an diesem Standort nicht gebucht werden."


class ServiceNotOnline(InvalidInput):
    code = "service_not_online"
    message = (
        "Für dieses Anliegen brauchen Sie keinen Termin. Bitte schicken Sie Unterlagen "
        "per Post oder E-Mail an das Jobcenter."
    )


class SlotFull(BookingError):
    code = "slot_full"
    message = "Dieser Termin ist leider schon vergeben. Bitte wählen Sie eine andere Uhrzeit."


class SlotUnavailable(BookingError):
    code = "slot_unavailable"
    message = (
        "Dieser Termin kann nicht gebucht werden. Bitte wählen Sie einen der angebotenen Termine."
    )


class AlreadyBooked(BookingError):
    code = "already_booked"
    message = (
        "Sie haben bereits einen Termin gebucht. Wenn Sie einen anderen Termin möchten, "
        "sagen Sie bitte zuerst Ihren bisherigen Termin ab."
    )
    # Who holds the seats, for the e-mail that tells them (never for the answer): the
    # person's hash by the way they were counted, and the references the guards named.
    person: str | None = None
    holders: tuple[str, ...] = ()
    # Counted by the household number, it is the household (Bedarfsgemeinschaft) that has
    # the appointment, perhaps booked by another of its members: said so, not "Sie".
    HOUSEHOLD_MESSAGE = (
        "Für diese Bedarfsgemeinschaft ist bereits ein Termin gebucht. Es reicht, wenn eine "
        "Person der Bedarfsgemeinschaft kommt. Für einen anderen Termin sagen Sie bitte "
        "zuerst den bisherigen ab."
    )

    def __init__(
        self, message: str | None = None, *, field: str | None = None, code: str | None = None
    ) -> None:
        if message is None and field == "household_number":
            message = self.HOUSEHOLD_MESSAGE
        super().__init__(message, field=field, code=code)


class BookingNotFound(BookingError):
    code = "booking_not_found"
    message = "Wir konnten diese Buchung nicht finden. Bitte prüfen Sie den Link aus Ihrer E-Mail."


class TooLate(BookingError):
    code = "too_late"
    message = "Dieser Termin hat bereits begonnen und kann nicht mehr online abgesagt werden."


class Busy(BookingError):
    code = "busy"
    message = (
        "Gerade buchen sehr viele Menschen gleichzeitig. Bitte versuchen Sie es gleich noch einmal."
    )


class NotConfirmed(BookingError):
    code = "not_confirmed"
    message = "Dieser Termin ist abgesagt oder noch nicht bestätigt."


class HoldExpired(BookingError):
    """The citizen did not confirm the e-mail address in time: the seat is free again."""

    code = "expired"
    message = (
        "Die Zeit zum Bestätigen ist abgelaufen. Der Termin wurde wieder freigegeben. "
        "Bitte buchen Sie einen neuen Termin."
    )


class AlreadyMarked(BookingError):
    code = "already_marked"
    message = "Für diesen Termin ist schon vermerkt, ob die Person erschienen ist."


class TooEarly(BookingError):
    code = "too_early"
    message = "Das geht erst ab Beginn des Termins."


class NoAddress(BookingError):
    code = "no_address"
    message = "Für diese Buchung ist keine E-Mail-Adresse hinterlegt."


class RescheduleLimit(BookingError):
    code = "reschedule_limit"
    message = (
        "Dieser Termin wurde schon so oft verschoben, wie es online möglich ist. Bitte sagen "
        "Sie ihn ab und buchen Sie neu, oder rufen Sie uns an."
    )


class NotYetConfirmed(BookingError):
    code = "not_yet_confirmed"
    message = (
        "Bitte bestätigen Sie Ihren Termin zuerst mit dem Link aus unserer E-Mail. "
        "Danach können Sie ihn verschieben."
    )


class PriorityNotValid(BookingError):
    """The link for a new appointment with priority is wrong, used, or not from an office
    cancellation (all alike: the answer tells nothing about other bookings)."""

    code = "priority_invalid"
    message = (
        "Der Link für einen Termin mit Vorrang ist nicht gültig oder wurde schon verwendet. "
        "Sie können einen Termin ohne Vorrang buchen oder uns anrufen."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="priority_for")


class ChallengeFailed(BookingError):
    """The proof of work (form field `altcha`) is missing, wrong, expired or used already.
    The page solves a new puzzle by itself; a person sees this only if that fails too."""

    code = "challenge_failed"
    message = (
        "Die Sicherheitsprüfung Ihres Browsers ist abgelaufen oder fehlgeschlagen. "
        "Bitte senden Sie das Formular noch einmal."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="altcha")
