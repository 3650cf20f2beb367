"""What a citizen fills in, checked field by field, with German messages per field.

The models validate and normalise (e-mail, household number); `parse` turns the first
problem into an InvalidInput that names the field, fit to show next to it in a form.
"""

import re
import unicodedata
from contextlib import suppress
from datetime import date, datetime, time
from typing import Annotated, Any, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from terminbuchung.addresses import local_part_deliverable
from terminbuchung.clock import in_berlin
from terminbuchung.errors import InvalidInput
from terminbuchung.languages import CODES, GERMAN, Language, Term, catalogue, message

# RFC 5321: a mail server need not accept a longer local part; SES refuses it.
_LOCAL_PART_LIMIT = 64


def _invalid(key: str, **values: object) -> PydanticCustomError:
    """A field's problem: its German text (pydantic fills in the values) and the catalogue's
    key, so the API can say it in the citizen's language (terminbuchung.languages)."""
    return PydanticCustomError("field_invalid", message(GERMAN, key), {"key": key, **values})


def _plain_text(value: str) -> str:
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise _invalid("field.plain_text")
    return value


# Appointments lie in these years; outside them date arithmetic (a slot's end, a day's
# last minute, another offset) may leave Python's calendar, years 1 to 9999.
_YEARS = range(2000, 2200)


def _instant(value: object) -> datetime:
    """ISO 8601 text only: a bare number must not pass as seconds since 1970."""
    try:
        if isinstance(value, str) and len(value) <= 40:
            moment = datetime.fromisoformat(value.strip())
            if moment.year in _YEARS:
                return in_berlin(moment)
    except ValueError:
        pass
    raise _invalid("field.instant")


def _day(value: object) -> date:
    try:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            day = date.fromisoformat(value.strip())
            if day.year in _YEARS:
                return day
    except ValueError:
        pass
    raise _invalid("field.day")


def _clock_time(value: object) -> time:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{2}:[0-9]{2}", value.strip()):
        with suppress(ValueError):
            return time.fromisoformat(value.strip())
    raise _invalid("field.clock_time")


def _email(value: str) -> str:
    # Full-width letters from an East Asian keyboard, ligatures and the like: one spelling.
    value = unicodedata.normalize("NFKC", value)
    local = value.rpartition("@")[0]
    if len(local) > _LOCAL_PART_LIMIT:
        raise _invalid("field.email_local_part_too_long", limit=_LOCAL_PART_LIMIT)
    if not local_part_deliverable(value):
        raise _invalid("field.email_undeliverable")
    # Imported here: ~25 ms of a cold start that only functions reading an address pay.
    from email_validator import EmailNotValidError, validate_email

    try:
        # Syntax only: a DNS lookup per booking would make the form as slow as the resolver.
        address = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise _invalid("field.email") from None
    # A domain with umlauts is kept in its ASCII form (see terminbuchung.addresses).
    return address.ascii_email or address.normalized


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ()/-]{4,28}[0-9]", value):
        raise _invalid("field.phone")
    return value


def _ascii_digits(value: str) -> str:
    """Digits of any script as 0-9: ١٢٣, १२३, １２３ and 𝟏𝟐𝟑 are all 123."""
    return "".join(str(unicodedata.decimal(char, "")) or char for char in value)


def _household_number(value: str) -> str:
    # Printed on every notice of the Jobcenter, e.g. "12345BG0012345". One person, one
    # spelling: the one-booking-per-household rule counts this exact text.
    compact = re.sub(r"[\s/-]", "", _ascii_digits(unicodedata.normalize("NFKC", value))).upper()
    if not re.fullmatch(r"[0-9]{5}BG[0-9]{7}", compact, flags=re.ASCII):
        raise _invalid("field.household_number")
    return compact


def _language(value: object) -> object:
    if value not in CODES:
        raise _invalid("field.language", codes=", ".join(CODES))
    return value


Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_plain_text)]
Identifier = Annotated[str, Field(min_length=1, max_length=40)]
Instant = Annotated[datetime, BeforeValidator(_instant)]
Email = Annotated[str, Field(min_length=1, max_length=254), AfterValidator(_email)]
Phone = Annotated[str, Field(max_length=30), AfterValidator(_phone)]
HouseholdNumber = Annotated[str, Field(max_length=20), AfterValidator(_household_number)]
Remark = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_plain_text)]
Reason = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_text)]
# The language of the booking's e-mails (terminbuchung.languages); German if not given.
ChosenLanguage = Annotated[Language, BeforeValidator(_language)]


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Applicant(Protocol):
    """Who asks for an appointment, whether online or through the office."""

    @property
    def start(self) -> datetime: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def household_number(self) -> str | None: ...
    @property
    def language(self) -> Language: ...


class PriorityClaim(_Form):
    """The office-cancelled booking whose priority a new booking uses (terminbuchung.priority),
    as the notice's link carries it."""

    reference: Identifier
    token: Annotated[str, Field(min_length=1, max_length=200)]


class BookingForm(_Form):
    @field_validator("remarks", mode="before")
    @classmethod
    def _no_remarks(cls, value: Any) -> Any:
        # A text area left empty (or only spaces) is no remark, not a missing one.
        return None if isinstance(value, str) and not value.strip() else value

    location: Identifier
    service: Identifier
    start: Instant
    name: Name
    email: Email
    phone: Phone | None = None
    household_number: HouseholdNumber | None = None
    # "Anmerkungen", e.g. an interpreter or step-free access: stored with the booking's
    # personal data, shown to staff, never logged.
    remarks: Remark | None = None
    # After an office cancellation: that booking's reference and token (the notice's link).
    priority_for: PriorityClaim | None = None
    # A corrected address: the `hold` the 202 of the first try answered, so this booking
    # replaces that pending one (terminbuchung.hold_handles). Anything that opens nothing
    # is as if not given.
    replaces_hold: Annotated[str, Field(max_length=1000)] | None = None
    language: ChosenLanguage = GERMAN
    # The solved proof-of-work puzzle, as the page sends it: checked by the use case
    # (proof_of_work.check_solution), so anything here fails as challenge_failed.
    altcha: Any = None


class PhoneBookingForm(_Form):
    """The office books for a caller: an e-mail address only if the caller gives one."""

    @model_validator(mode="before")
    @classmethod
    def _empty_is_not_given(cls, data: Any) -> Any:
        # A console sends "" for a field left empty: for a caller that means "not given".
        if not isinstance(data, dict):
            return data
        optional = ("email", "phone", "household_number", "remarks", "language")
        return {k: v for k, v in data.items() if not (k in optional and v == "")}

    location: Identifier
    service: Identifier
    start: Instant
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    household_number: HouseholdNumber | None = None
    remarks: Remark | None = None
    language: ChosenLanguage = GERMAN


class OfficeCancelForm(_Form):
    reason: Reason


class ClosureForm(_Form):
    day: Annotated[date, BeforeValidator(_day)]
    start: Annotated[time, BeforeValidator(_clock_time)] | None = Field(default=None, alias="from")
    end: Annotated[time, BeforeValidator(_clock_time)] | None = Field(default=None, alias="until")
    reason: Reason
    # True: only say what the closure would do (slots, bookings cancelled); change nothing.
    dry_run: StrictBool = False


class SlotQuery(_Form):
    # Query strings carry whatever a browser or cache adds; only these three count.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    first_day: Annotated[date, BeforeValidator(_day)] | None = Field(default=None, alias="from")
    last_day: Annotated[date, BeforeValidator(_day)] | None = Field(default=None, alias="to")
    service: Identifier | None = None
    # "1": also the times the daily quota kept back, which a booking with priority may take
    # (terminbuchung.priority); anything else is no.
    priority: str | None = None

    @property
    def with_priority(self) -> bool:
        return self.priority == "1"


class CancelForm(_Form):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class ConfirmForm(_Form):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class LookupForm(_Form):
    """ "Termin wiederfinden": the address the links are to go to."""

    email: Email
    altcha: Any = None  # the proof of work, as for a booking (proof_of_work.check_solution)


class RescheduleForm(_Form):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    start: Instant
    altcha: Any = None  # the proof of work, as for a booking (proof_of_work.check_solution)


def _problem(error: dict[str, Any], field: str | None) -> InvalidInput:
    """The InvalidInput for one pydantic error: its code, and its text as a catalogue key
    with values (German by default; the API answers in the citizen's language)."""
    kind = error["type"]
    labelled = f"field.label.{field}"
    label = Term(labelled if labelled in catalogue(GERMAN) else "field.label.other")
    if kind == "field_invalid":
        values = dict(error.get("ctx") or {})
        return InvalidInput(field=field, code="field_invalid", key=values.pop("key"), values=values)
    # Every text field asks for at least one character: too short means left empty.
    if kind in ("missing", "string_too_short", "too_short"):
        return InvalidInput(
            field=field, code="field_missing", key="field.missing", values={"label": label}
        )
    if kind in ("string_too_long", "too_long"):
        limit = error.get("ctx", {}).get("max_length")
        return InvalidInput(
            field=field,
            code="field_too_long",
            key="field.too_long",
            values={"label": label, "limit": limit},
        )
    if kind == "extra_forbidden":
        return InvalidInput(field=field, code="field_unknown", key="field.unknown")
    if field == "email":
        return InvalidInput(field=field, code="field_invalid", key="field.email")
    return InvalidInput(
        field=field, code="field_invalid", key="field.check", values={"label": label}
    )


def parse_day(text: str, *, field: str) -> date:
    """A day in a path, e.g. /days/2026-12-01, or InvalidInput naming `field`."""
    try:
        return _day(text)
    except PydanticCustomError as error:
        values = dict(error.context or {})
        key = values.pop("key")
        raise InvalidInput(field=field, code="field_invalid", key=key, values=values) from None


def parse[F: BaseModel](form: type[F], data: object) -> F:
    """Validate `data` as `form`, or raise InvalidInput for the first field at fault."""
    if not isinstance(data, dict):
        raise InvalidInput(field=None, code="body_invalid")
    try:
        return form.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        loc = first["loc"]
        field = str(loc[0]) if loc else None
        raise _problem(dict(first), field) from None
