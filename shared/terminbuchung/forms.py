"""What a citizen fills in, checked field by field, with German messages per field.

Each form is a frozen dataclass whose fields carry their rules (terminbuchung.field_rules):
lengths, and functions that check and normalise (e-mail, household number). `parse`
applies them and turns the first problem into an InvalidInput that names the field, fit to
show next to it in a form. The same declarations give the API's document (infra/openapi.py,
through pydantic at build time); tests/unit/test_form_rules.py holds the two readings equal.
Why not pydantic at run time: its import and model building cost ~70 ms of every cold
start (issue 14), more than all of our own code.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime, time
from types import UnionType
from typing import (
    Annotated,
    Any,
    Final,
    Literal,
    NamedTuple,
    Protocol,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from terminbuchung.addresses import local_part_deliverable
from terminbuchung.clock import in_berlin
from terminbuchung.errors import InvalidInput
from terminbuchung.field_rules import After, Before, FieldProblem, Length, Strict
from terminbuchung.languages import CODES, GERMAN, Language, Term, catalogue

# RFC 5321: a mail server need not accept a longer local part; SES refuses it.
_LOCAL_PART_LIMIT = 64


def _plain_text(value: str) -> str:
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise FieldProblem("field.plain_text")
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
    raise FieldProblem("field.instant")


def _day(value: object) -> date:
    try:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            day = date.fromisoformat(value.strip())
            if day.year in _YEARS:
                return day
    except ValueError:
        pass
    raise FieldProblem("field.day")


def _clock_time(value: object) -> time:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{2}:[0-9]{2}", value.strip()):
        with suppress(ValueError):
            return time.fromisoformat(value.strip())
    raise FieldProblem("field.clock_time")


def _email(value: str) -> str:
    # Full-width letters from an East Asian keyboard, ligatures and the like: one spelling.
    value = unicodedata.normalize("NFKC", value)
    local = value.rpartition("@")[0]
    if len(local) > _LOCAL_PART_LIMIT:
        raise FieldProblem("field.email_local_part_too_long", limit=_LOCAL_PART_LIMIT)
    if not local_part_deliverable(value):
        raise FieldProblem("field.email_undeliverable")
    # Imported here: ~25 ms of a cold start that only functions reading an address pay.
    from email_validator import EmailNotValidError, validate_email

    try:
        # Syntax only: a DNS lookup per booking would make the form as slow as the resolver.
        address = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise FieldProblem("field.email") from None
    # A domain with umlauts is kept in its ASCII form (see terminbuchung.addresses).
    return address.ascii_email or address.normalized


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ()/-]{4,28}[0-9]", value):
        raise FieldProblem("field.phone")
    return value


def _ascii_digits(value: str) -> str:
    """Digits of any script as 0-9: ١٢٣, १२३, １２３ and 𝟏𝟐𝟑 are all 123."""
    return "".join(str(unicodedata.decimal(char, "")) or char for char in value)


def _household_number(value: str) -> str:
    # Printed on every notice of the Jobcenter, e.g. "12345BG0012345". One person, one
    # spelling: the one-booking-per-household rule counts this exact text.
    compact = re.sub(r"[\s/-]", "", _ascii_digits(unicodedata.normalize("NFKC", value))).upper()
    if not re.fullmatch(r"[0-9]{5}BG[0-9]{7}", compact, flags=re.ASCII):
        raise FieldProblem("field.household_number")
    return compact


def _language(value: object) -> object:
    if value not in CODES:
        raise FieldProblem("field.language", codes=", ".join(CODES))
    return value


def _blank_is_none(value: object) -> object:
    # A text area left empty (or only spaces) is no remark, not a missing one.
    return None if isinstance(value, str) and not value.strip() else value


Name = Annotated[str, Length(1, 100), After(_plain_text)]
Identifier = Annotated[str, Length(1, 40)]
Instant = Annotated[datetime, Before(_instant)]
Day = Annotated[date, Before(_day)]
ClockTime = Annotated[time, Before(_clock_time)]
Email = Annotated[str, Length(1, 254), After(_email)]
Phone = Annotated[str, Length(max=30), After(_phone)]
HouseholdNumber = Annotated[str, Length(max=20), After(_household_number)]
Remark = Annotated[str, Length(1, 500), After(_plain_text)]
Reason = Annotated[str, Length(1, 200), After(_plain_text)]
Token = Annotated[str, Length(1, 200)]
# The language of the booking's e-mails (terminbuchung.languages); German if not given.
ChosenLanguage = Annotated[Language, Before(_language)]

# Every form: unknown fields are refused (a typo must not pass unnoticed), texts trimmed.
# (A plain dict: pydantic reads a mapping of another type as a deprecated config class.)
_FORM: Final[dict[str, object]] = {"extra": "forbid", "str_strip_whitespace": True}
# Query strings carry whatever a browser or cache adds: only the known parameters count.
_QUERY: Final[dict[str, object]] = {"extra": "ignore", "str_strip_whitespace": True}


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


@dataclass(frozen=True)
class PriorityClaim:
    """The office-cancelled booking whose priority a new booking uses (terminbuchung.priority),
    as the notice's link carries it."""

    __pydantic_config__ = _FORM

    reference: Identifier
    token: Token


@dataclass(frozen=True)
class BookingForm:
    __pydantic_config__ = _FORM

    location: Identifier
    service: Identifier
    start: Instant
    name: Name
    email: Email
    phone: Phone | None = None
    household_number: HouseholdNumber | None = None
    # "Anmerkungen", e.g. an interpreter or step-free access: stored with the booking's
    # personal data, shown to staff, never logged.
    remarks: Annotated[Remark | None, Before(_blank_is_none)] = None
    # After an office cancellation: that booking's reference and token (the notice's link).
    priority_for: PriorityClaim | None = None
    # A corrected address: the `hold` the 202 of the first try answered, so this booking
    # replaces that pending one (terminbuchung.hold_handles). Anything that opens nothing
    # is as if not given.
    replaces_hold: Annotated[str, Length(max=1000)] | None = None
    language: ChosenLanguage = GERMAN
    # The solved proof-of-work puzzle, as the page sends it: checked by the use case
    # (proof_of_work.check_solution), so anything here fails as challenge_failed.
    altcha: Any = None


@dataclass(frozen=True)
class PhoneBookingForm:
    """The office books for a caller: an e-mail address only if the caller gives one."""

    __pydantic_config__ = _FORM

    location: Identifier
    service: Identifier
    start: Instant
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    household_number: HouseholdNumber | None = None
    remarks: Remark | None = None
    language: ChosenLanguage = GERMAN

    @staticmethod
    def given(data: dict[str, Any]) -> dict[str, Any]:
        # A console sends "" for a field left empty: for a caller that means "not given".
        optional = ("email", "phone", "household_number", "remarks", "language")
        return {k: v for k, v in data.items() if not (k in optional and v == "")}


@dataclass(frozen=True)
class OfficeCancelForm:
    __pydantic_config__ = _FORM

    reason: Reason


@dataclass(frozen=True)
class ClosureForm:
    __pydantic_config__ = _FORM

    day: Day
    start: ClockTime | None = field(default=None, metadata={"alias": "from"})
    end: ClockTime | None = field(default=None, metadata={"alias": "until"})
    reason: Reason = field(kw_only=True)
    # True: only say what the closure would do (slots, bookings cancelled); change nothing.
    dry_run: Annotated[bool, Strict()] = field(default=False, kw_only=True)


@dataclass(frozen=True)
class SlotQuery:
    __pydantic_config__ = _QUERY

    first_day: Day | None = field(default=None, metadata={"alias": "from"})
    last_day: Day | None = field(default=None, metadata={"alias": "to"})
    service: Identifier | None = None
    # "1": also the times the daily quota kept back, which a booking with priority may take
    # (terminbuchung.priority); anything else is no.
    priority: str | None = None

    @property
    def with_priority(self) -> bool:
        return self.priority == "1"


@dataclass(frozen=True)
class CancelForm:
    __pydantic_config__ = _FORM

    token: Token


@dataclass(frozen=True)
class ConfirmForm:
    __pydantic_config__ = _FORM

    token: Token


@dataclass(frozen=True)
class LookupForm:
    """ "Termin wiederfinden": the address the links are to go to."""

    __pydantic_config__ = _FORM

    email: Email
    altcha: Any = None  # the proof of work, as for a booking (proof_of_work.check_solution)


@dataclass(frozen=True)
class RescheduleForm:
    __pydantic_config__ = _FORM

    token: Token
    start: Instant
    altcha: Any = None  # the proof of work, as for a booking (proof_of_work.check_solution)


# The checker: reads the declarations above as pydantic reads them for the document.


class _Refused(Exception):
    """A field's problem: the InvalidInput's code and key; `field` once it is known."""

    def __init__(
        self, code: str, key: str, values: Mapping[str, object] | None = None, field: str = ""
    ) -> None:
        self.code, self.key, self.values, self.field = code, key, dict(values or {}), field


type _Check = Callable[[object], object]


def _label(field_name: str) -> Term:
    labelled = f"field.label.{field_name}"
    return Term(labelled if labelled in catalogue(GERMAN) else "field.label.other")


def _problem(refused: _Refused) -> InvalidInput:
    """The InvalidInput for a field's problem, its text as a catalogue key with values
    (German by default; the API answers in the citizen's language)."""
    field_name, values = refused.field, dict(refused.values)
    if refused.key == "field.check" and field_name == "email":
        return InvalidInput(field=field_name, code="field_invalid", key="field.email")
    if refused.code in ("field_missing", "field_too_long") or refused.key == "field.check":
        values["label"] = _label(field_name)
    return InvalidInput(field=field_name, code=refused.code, key=refused.key, values=values)


def _wrong_type() -> _Refused:
    return _Refused("field_invalid", "field.check")


def _text(strip: bool) -> _Check:
    def check(value: object) -> object:
        if not isinstance(value, str):
            raise _wrong_type()
        return value.strip() if strip else value

    return check


def _of_type(kind: type) -> _Check:
    def check(value: object) -> object:
        # bool is an int, and a datetime a date: the exact type, as pydantic's strict check.
        if type(value) is not kind:
            raise _wrong_type()
        return value

    return check


def _length(rule: Length, inner: _Check) -> _Check:
    def check(value: object) -> object:
        checked = inner(value)
        size = len(checked)  # type: ignore[arg-type]
        # Every text field asks for at least one character: too short means left empty.
        if rule.min is not None and size < rule.min:
            raise _Refused("field_missing", "field.missing")
        if rule.max is not None and size > rule.max:
            raise _Refused("field_too_long", "field.too_long", {"limit": rule.max})
        return checked

    return check


def _before(function: _Check, inner: _Check) -> _Check:
    def check(value: object) -> object:
        try:
            converted = function(value)
        except FieldProblem as problem:
            raise _Refused("field_invalid", problem.key, problem.values) from None
        return inner(converted)

    return check


def _after(function: _Check, inner: _Check) -> _Check:
    def check(value: object) -> object:
        checked = inner(value)
        try:
            return function(checked)
        except FieldProblem as problem:
            raise _Refused("field_invalid", problem.key, problem.values) from None

    return check


def _check_of(hint: object, settings: Mapping[str, object]) -> _Check:  # noqa: PLR0911 - one per kind
    """The check of one field's type with its rules."""
    origin = get_origin(hint)
    if origin is Annotated:
        inner_type, *rules = get_args(hint)
        return _with_rules(inner_type, rules, settings)
    if origin in (Union, UnionType):
        choices = [choice for choice in get_args(hint) if choice is not type(None)]
        if len(choices) != 1 or len(get_args(hint)) != 2:
            raise TypeError(f"only 'X | None' is a choice the forms' checker knows: {hint}")
        some = _check_of(choices[0], settings)
        return lambda value: None if value is None else some(value)
    if origin is Literal:
        allowed = get_args(hint)
        return lambda value: value if value in allowed else _raise(_wrong_type())
    if hint is Any:
        return lambda value: value
    if hint is str:
        return _text(bool(settings.get("str_strip_whitespace")))
    if hint is bool:
        raise TypeError("a yes/no field is Annotated[bool, Strict()]: pydantic takes 'yes'")
    if hint in (date, time, datetime):
        return _of_type(hint)
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        return _nested(hint)
    raise TypeError(f"the forms' checker does not know the type {hint!r}")


def _with_rules(inner_type: object, rules: list[object], settings: Mapping[str, object]) -> _Check:
    """In pydantic's order: each rule wraps those written before it (so a Before written
    last runs first)."""
    strict = any(isinstance(rule, Strict) for rule in rules)
    check = _of_type(bool) if inner_type is bool and strict else _check_of(inner_type, settings)
    for rule in rules:
        if isinstance(rule, Length):
            check = _length(rule, check)
        elif isinstance(rule, Before):
            check = _before(rule.function, check)
        elif isinstance(rule, After):
            check = _after(rule.function, check)
        elif not isinstance(rule, Strict):
            raise TypeError(f"the forms' checker does not know the rule {rule!r}")
    return check


def _nested(form: type) -> _Check:
    def check(value: object) -> object:
        if not isinstance(value, dict):
            raise _wrong_type()
        return _checked(form, value)

    return check


def _raise(error: Exception) -> Any:
    raise error


class _Field(NamedTuple):
    """A form's field as the checker reads it."""

    name: str
    key: str  # as sent: the alias, if the field has one
    check: _Check
    required: bool


_FIELDS: dict[type, tuple[tuple[_Field, ...], Mapping[str, object]]] = {}


def _fields_of(form: type) -> tuple[tuple[_Field, ...], Mapping[str, object]]:
    """A form's fields and their checks, made once per form (on its first use)."""
    if form in _FIELDS:
        return _FIELDS[form]
    settings: Mapping[str, object] = getattr(form, "__pydantic_config__", {})
    hints = get_type_hints(form, include_extras=True)
    declared = tuple(
        _Field(
            name=spec.name,
            key=spec.metadata.get("alias", spec.name),
            check=_check_of(hints[spec.name], settings),
            required=spec.default is MISSING and spec.default_factory is MISSING,
        )
        for spec in fields(form)
    )
    _FIELDS[form] = declared, settings
    return declared, settings


def _checked[F](form: type[F], data: dict[str, Any]) -> F:
    """`data` as `form`, or _Refused/InvalidInput for the first field at fault: the fields in
    their order, then the fields the form does not know (as pydantic reports them)."""
    declared, settings = _fields_of(form)
    given = getattr(form, "given", None)
    if given is not None:
        data = given(data)
    values: dict[str, object] = {}
    for spec in declared:
        if spec.key not in data:
            if spec.required:
                raise _Refused("field_missing", "field.missing", field=spec.key)
            continue
        try:
            values[spec.name] = spec.check(data[spec.key])
        except _Refused as refused:
            # Within a nested form too: the problem is this field's (the page shows it here).
            raise _Refused(refused.code, refused.key, refused.values, spec.key) from None
    if settings.get("extra") == "forbid":
        known = {spec.key for spec in declared}
        for key in data:
            if key not in known:
                raise _Refused("field_unknown", "field.unknown", field=str(key))
    return form(**values)


def parse_day(text: str, *, field: str) -> date:
    """A day in a path, e.g. /days/2026-12-01, or InvalidInput naming `field`."""
    try:
        return _day(text)
    except FieldProblem as problem:
        raise InvalidInput(
            field=field, code="field_invalid", key=problem.key, values=problem.values
        ) from None


def parse[F](form: type[F], data: object) -> F:
    """Validate `data` as `form`, or raise InvalidInput for the first field at fault."""
    if not isinstance(data, dict):
        raise InvalidInput(field=None, code="body_invalid")
    try:
        return _checked(form, data)
    except _Refused as refused:
        raise _problem(refused) from None


def as_sent(form: object, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The checked form as JSON values (times as ISO 8601 text), e.g. to compare a retry's
    form with the first one's (terminbuchung.idempotency)."""
    plain = _plain(form)
    if not isinstance(plain, dict):
        raise TypeError(f"not a form: {type(form).__name__}")
    return {name: value for name, value in plain.items() if name not in leave_out}


def _plain(value: object) -> object:
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return {spec.name: _plain(getattr(value, spec.name)) for spec in fields(value)}  # type: ignore[arg-type]
    if isinstance(value, (date, time)):  # a datetime is a date
        return value.isoformat()
    return value
