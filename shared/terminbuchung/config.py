"""The site configuration: one TOML file that ops edit and deploy.

It says which service centres exist, when they are open for appointments, which services
can be booked online and the rules of the test phase (horizon, quota, notice). It is read
once per cold start and handed around as frozen objects; an error names the file, the line
and the field, so a typo never reaches a citizen.

Checked at build time, read as plain data at run time: the classes are stdlib dataclasses
whose rules are field_rules markers, so only the check (`parse_site_config`) needs pydantic,
and imports it when it runs. The layer build checks every shipped file and writes its
checked form beside it (`checked_form`, `<name>.toml.checked.json`); a cold start that finds
it, made from the very same bytes, builds the objects from it without pydantic: defining
pydantic models alone cost every function ~45 ms of its cold start (issue 14). A file
without its checked form (tests, the local stack) or edited after the build is checked as
ever.
"""

import dataclasses
import hashlib
import json
import re
import types
from datetime import date, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)
from urllib.parse import urlsplit

from terminbuchung.field_rules import After, Before, Bounds, Length, Pattern
from terminbuchung.settings import read_settings
from terminbuchung.toml_lines import KeyPath, key_lines, line_of

if TYPE_CHECKING:
    from pydantic import TypeAdapter

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
# The layer build writes `oberhavel.toml.checked.json` beside `oberhavel.toml`.
CHECKED_SUFFIX = ".checked.json"

Identifier = Annotated[str, Pattern(r"^[a-z][a-z0-9-]{0,39}$")]
Text = Annotated[str, Length(1, 500)]


class ConfigError(Exception):
    """The site configuration cannot be used; the message says where and why."""


class _Strict:
    # Read by pydantic when it checks a file: a misspelt key is an error, never ignored.
    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}


def _parse_window(value: object) -> object:
    if not isinstance(value, str):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*", value)
    if not match:
        raise ValueError(f"expected a time window like '08:00-12:00', got {value!r}")
    return {"start": match.group(1), "end": match.group(2)}


@dataclasses.dataclass(frozen=True, kw_only=True)
class TimeWindow(_Strict):
    """Appointment hours within one day, e.g. 08:00-12:00 (end exclusive)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"ends at {self.end:%H:%M}, before it starts at {self.start:%H:%M}")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


Window = Annotated[TimeWindow, Before(_parse_window)]


def _no_overlaps(windows: list[TimeWindow]) -> list[TimeWindow]:
    ordered = sorted(windows, key=lambda w: w.start)
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end:
            raise ValueError(f"time windows {earlier} and {later} overlap")
    return ordered


DayHours = Annotated[list[Window], After(_no_overlaps)]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclasses.dataclass(frozen=True, kw_only=True)
class OpeningHours(_Strict):
    """Appointment hours per weekday; a weekday without windows is closed."""

    monday: DayHours = dataclasses.field(default_factory=list)
    tuesday: DayHours = dataclasses.field(default_factory=list)
    wednesday: DayHours = dataclasses.field(default_factory=list)
    thursday: DayHours = dataclasses.field(default_factory=list)
    friday: DayHours = dataclasses.field(default_factory=list)
    saturday: DayHours = dataclasses.field(default_factory=list)
    sunday: DayHours = dataclasses.field(default_factory=list)

    def on(self, day: date) -> list[TimeWindow]:
        windows: list[TimeWindow] = getattr(self, WEEKDAYS[day.weekday()])
        return windows


def on_the_full_hour(value: time, name: str | None = None) -> time:
    # The release and the reminders run at the top of every hour (EventBridge Scheduler):
    # any other minute would silently make them an hour late.
    if value.minute or value.second:
        what = f"{name} must" if name else "must"
        raise ValueError(f"{what} be on the full hour, got {value:%H:%M}")
    return value


def _month_day(value: str) -> str:
    try:
        date.fromisoformat(f"2024-{value}")  # a leap year, so 02-29 is allowed
    except ValueError as error:
        raise ValueError(f"expected a yearly date like '12-24', got {value!r}") from error
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Service(_Strict):
    id: Identifier
    name: Text
    duration_minutes: Annotated[int, Bounds(gt=0, le=480)]
    bookable_online: bool
    what_to_bring: list[Text] = dataclasses.field(default_factory=list)


_MAP_HOSTS = ("www.openstreetmap.org", "openstreetmap.org")


def _map_link(value: str) -> str:
    """A plain link to the location on OpenStreetMap: https and nothing but its host, so a
    typo or a tracker's link never reaches a citizen's page or e-mail."""
    if any(char.isspace() or not char.isprintable() for char in value):
        raise ValueError("the map link must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"expected an https link to openstreetmap.org, got {value!r}") from None
    if parts.scheme != "https" or parts.hostname not in _MAP_HOSTS:
        raise ValueError(f"expected an https link to openstreetmap.org, got {value!r}")
    if parts.username or parts.password or port is not None:
        raise ValueError(f"the map link must name no user and no port, got {value!r}")
    return value


MapLink = Annotated[str, Length(1, 500), After(_map_link)]


def _one_line(value: str) -> str:
    if any(not char.isprintable() for char in value):
        raise ValueError("must be one line of text without control characters")
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Location(_Strict):
    id: Identifier
    name: Text
    address: Text
    # A plain link to the location on openstreetmap.org (https).
    map_url: MapLink | None = None
    # How to find the entrance, step-free access.
    access_notes: Annotated[Text, After(_one_line)] | None = None
    enabled: bool
    services: Annotated[list[Identifier], Length(1)]
    opening_hours: OpeningHours
    slot_minutes: Annotated[int, Bounds(gt=0, le=480)]
    # Appointments in parallel: a slot's capacity.
    desks: Annotated[int, Bounds(ge=1, le=100)]
    # Test phase: at most this many slots a day.
    daily_quota: Annotated[int, Bounds(ge=0)] | None = None
    # Bookable at most this many days ahead.
    horizon_days: Annotated[int, Bounds(ge=0, le=180)]
    minimum_notice_minutes: Annotated[int, Bounds(ge=0, le=7 * 24 * 60)]
    # When the day at the end of the horizon opens.
    release_time: Annotated[time, After(on_the_full_hour)]
    closed_on: list[date] = dataclasses.field(default_factory=list)
    closed_every_year: list[Annotated[str, After(_month_day)]] = dataclasses.field(
        default_factory=list
    )

    @property
    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(minutes=self.minimum_notice_minutes)

    def is_closed_by_config(self, day: date) -> bool:
        return day in self.closed_on or f"{day:%m-%d}" in self.closed_every_year


@dataclasses.dataclass(frozen=True, kw_only=True)
class Jobcenter(_Strict):
    name: Text
    phone: Text
    phone_hours: Text
    email: Text
    website_url: Text


@dataclasses.dataclass(frozen=True, kw_only=True)
class BookingRules(_Strict):
    # Counted per e-mail address and, when given, per household.
    max_active_bookings_per_person: Annotated[int, Bounds(ge=1, le=5)]
    # Personal data is deleted this many days after the appointment.
    retention_days: Annotated[int, Bounds(ge=1, le=365)]
    # How often a citizen may move one booking online (0: never).
    max_reschedules: Annotated[int, Bounds(ge=0, le=20)] = 3
    # An online booking holds its seat this long until the citizen confirms the e-mail
    # address; 0: it counts at once, without confirmation.
    confirm_within_minutes: Annotated[int, Bounds(ge=0, le=24 * 60)] = 0

    @property
    def confirm_within(self) -> timedelta | None:
        """How long an unconfirmed booking holds its seat; None: bookings count at once."""
        minutes = self.confirm_within_minutes
        return timedelta(minutes=minutes) if minutes else None


@dataclasses.dataclass(frozen=True, kw_only=True)
class MailRules(_Strict):
    # From this time of day on, tomorrow's appointments get their reminder.
    reminder_time: time
    # Booking and cancelling in a loop would make us write to any address, with any name:
    # spam in our name, which would cost the sending reputation every confirmation needs.
    # E-mails to one mailbox per day (Berlin); more wait.
    max_per_address_per_day: Annotated[int, Bounds(ge=1, le=50)] = 5

    def __post_init__(self) -> None:
        on_the_full_hour(self.reminder_time, "reminder_time")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProofOfWorkRules(_Strict):
    """How much work a browser does before it may book (ALTCHA, see proof_of_work.py)."""

    # The puzzle's range: a solver tries half of it on average (SHA-256 each).
    max_number: Annotated[int, Bounds(ge=1_000, le=10_000_000)] = 100_000
    # A puzzle must be solved and used within this time.
    valid_minutes: Annotated[int, Bounds(ge=1, le=30)] = 5


@dataclasses.dataclass(frozen=True, kw_only=True)
class SiteConfig(_Strict):
    jobcenter: Jobcenter
    booking: BookingRules
    mail: MailRules
    # Optional: a site file without it gets the defaults above.
    proof_of_work: ProofOfWorkRules = dataclasses.field(default_factory=ProofOfWorkRules)
    services: Annotated[list[Service], Length(1)]
    locations: Annotated[list[Location], Length(1)]

    def location(self, location_id: str) -> Location | None:
        return next((loc for loc in self.locations if loc.id == location_id), None)

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    @property
    def open_locations(self) -> list[Location]:
        return [loc for loc in self.locations if loc.enabled]

    def online_services(self, location: Location) -> list[Service]:
        return [s for s in self.services if s.id in location.services and s.bookable_online]


def _consistency_problems(config: SiteConfig) -> list[tuple[KeyPath, str]]:
    """Rules across sections, which pydantic cannot tie to a field by itself."""
    problems: list[tuple[KeyPath, str]] = []
    for section, ids in (
        ("services", [s.id for s in config.services]),
        ("locations", [loc.id for loc in config.locations]),
    ):
        for index, item_id in enumerate(ids):
            if item_id in ids[:index]:
                problems.append(((section, index, "id"), f"id {item_id!r} is used twice"))
    for index, location in enumerate(config.locations):
        for position, service_id in enumerate(location.services):
            where: KeyPath = ("locations", index, "services", position)
            service = config.service(service_id)
            if service is None:
                problems.append((where, f"unknown service {service_id!r}"))
            elif service.bookable_online and service.duration_minutes > location.slot_minutes:
                problems.append(
                    (
                        where,
                        f"service {service_id!r} lasts {service.duration_minutes} min, "
                        f"longer than a slot of {location.slot_minutes} min",
                    )
                )
    return problems


# pydantic names a dataclass's unknown or missing key as a call's argument; ops edit a file.
_MESSAGES = {
    "unexpected_keyword_argument": "unknown key: Extra inputs are not permitted",
    "missing_argument": "Field required",
}


@cache
def _checker() -> "TypeAdapter[SiteConfig]":
    from pydantic import TypeAdapter

    return TypeAdapter(SiteConfig)


def parse_site_config(text: str, source: str = "<site config>") -> SiteConfig:
    """Validate a TOML document; errors name `source`, the line and the field."""
    import tomllib  # like pydantic: a cold start that reads a checked form needs neither

    from pydantic import ValidationError

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from error
    config: SiteConfig | None = None
    try:
        config = _checker().validate_python(raw)
        problems = _consistency_problems(config)
    except ValidationError as error:
        problems = [
            (
                tuple(p for p in problem["loc"] if not str(p).startswith("function-")),
                _MESSAGES.get(problem["type"], problem["msg"].removeprefix("Value error, ")),
            )
            for problem in error.errors(include_url=False)
        ]
    if not problems and config is not None:
        return config
    lines = key_lines(text)
    report = []
    for path, message in problems:
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        line = line_of(lines, path)
        report.append(f"{source}:{line or '?'}: {field or '(top level)'}: {message}")
    raise ConfigError("invalid site configuration:\n  " + "\n  ".join(report))


def checked_path(path: Path) -> Path:
    """Where the layer build writes the checked form of the TOML file at `path`."""
    return path.with_name(path.name + CHECKED_SUFFIX)


def checked_form(path: Path) -> bytes:
    """The TOML file at `path`, checked by `parse_site_config`, as plain JSON with the hash
    of the bytes it was made from. Sorted keys and fixed separators: the same file gives the
    same bytes, so the layer stays reproducible."""
    source = _read(path)
    config = parse_site_config(_text(source, path), source=path.name)
    document = {
        "source_sha256": hashlib.sha256(source).hexdigest(),
        "config": _checker().dump_python(config, mode="json"),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read site configuration {path}: {error.strerror}") from error


def _text(source: bytes, path: Path) -> str:
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path.name}: not UTF-8 text: {error}") from error


def _checked(path: Path, source: bytes) -> SiteConfig | None:
    """The configuration from the checked form beside `path`, if it was made from `source`."""
    try:
        document = json.loads(checked_path(path).read_bytes())
    except FileNotFoundError:
        return None
    if document.get("source_sha256") != hashlib.sha256(source).hexdigest():
        return None  # edited after the build: check it as it is now
    config: SiteConfig = _from_plain(SiteConfig, document["config"])
    return config


@cache
def _field_types(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)  # without the markers: they were applied at build time


def _from_plain(kind: Any, value: Any) -> Any:
    """A checked value back in its type: dataclasses, lists, optionals, times and dates
    from their ISO text; numbers, texts, yes/no and literals as they are."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        types_of = _field_types(kind)
        return kind(**{name: _from_plain(types_of[name], item) for name, item in value.items()})
    origin = get_origin(kind)
    if origin is list:
        (item_kind,) = get_args(kind)
        return [_from_plain(item_kind, item) for item in value]
    if origin is Union or origin is types.UnionType:
        if value is None:
            return None
        (present,) = [option for option in get_args(kind) if option is not type(None)]
        return _from_plain(present, value)
    if kind in (time, date):
        return kind.fromisoformat(value)
    return value


def config_path() -> Path:
    """The file named by SITE_CONFIG; a bare name is looked up in the shipped config folder."""
    path = Path(read_settings().site_config)
    return path if path.is_absolute() or path.parent != Path(".") else CONFIG_DIR / path


def load_site_config(path: Path) -> SiteConfig:
    """The configuration in the TOML file at `path`: from its checked form when the layer
    build left one made from these bytes, else checked now."""
    source = _read(path)
    return _checked(path, source) or parse_site_config(_text(source, path), source=path.name)


@cache
def site_config() -> SiteConfig:
    """The deployment's configuration, read once per cold start."""
    return load_site_config(config_path())
