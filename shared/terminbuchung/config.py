"""The site configuration: one TOML file that ops edit and deploy.

It says which service centres exist, when they are open for appointments, which services
can be booked online and the rules of the test phase (horizon, quota, notice). It is read
once per cold start, validated, and handed around as frozen objects; an error names the
file, the line and the field, so a typo never reaches a citizen.
"""

import re
import tomllib
from datetime import date, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from terminbuchung.settings import read_settings
from terminbuchung.toml_lines import KeyPath, key_lines, line_of

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
Text = Annotated[str, Field(min_length=1, max_length=500)]


class ConfigError(Exception):
    """The site configuration cannot be used; the message says where and why."""


def _parse_window(value: object) -> object:
    if not isinstance(value, str):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*", value)
    if not match:
        raise ValueError(f"expected a time window like '08:00-12:00', got {value!r}")
    return {"start": match.group(1), "end": match.group(2)}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeWindow(_Frozen):
    """Appointment hours within one day, e.g. 08:00-12:00 (end exclusive)."""

    start: time
    end: time

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"ends at {self.end:%H:%M}, before it starts at {self.start:%H:%M}")
        return self

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


Window = Annotated[TimeWindow, BeforeValidator(_parse_window)]


def _no_overlaps(windows: list[TimeWindow]) -> list[TimeWindow]:
    ordered = sorted(windows, key=lambda w: w.start)
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end:
            raise ValueError(f"time windows {earlier} and {later} overlap")
    return ordered


DayHours = Annotated[list[Window], AfterValidator(_no_overlaps)]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class OpeningHours(_Frozen):
    """Appointment hours per weekday; a weekday without windows is closed."""

    monday: DayHours = []
    tuesday: DayHours = []
    wednesday: DayHours = []
    thursday: DayHours = []
    friday: DayHours = []
    saturday: DayHours = []
    sunday: DayHours = []

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


class Service(_Frozen):
    id: Identifier
    name: Text
    duration_minutes: int = Field(gt=0, le=480)
    bookable_online: bool
    what_to_bring: list[Text] = []


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


MapLink = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_map_link)]


def _one_line(value: str) -> str:
    if any(not char.isprintable() for char in value):
        raise ValueError("must be one line of text without control characters")
    return value


class Location(_Frozen):
    id: Identifier
    name: Text
    address: Text
    map_url: MapLink | None = Field(
        default=None, description="a plain link to the location on openstreetmap.org (https)"
    )
    access_notes: Annotated[Text, AfterValidator(_one_line)] | None = Field(
        default=None, description="how to find the entrance, step-free access"
    )
    enabled: bool
    services: list[Identifier] = Field(min_length=1)
    opening_hours: OpeningHours
    slot_minutes: int = Field(gt=0, le=480)
    desks: int = Field(ge=1, le=100, description="appointments in parallel: a slot's capacity")
    daily_quota: int | None = Field(
        default=None, ge=0, description="test phase: at most this many slots a day"
    )
    horizon_days: int = Field(ge=0, le=180, description="bookable at most this many days ahead")
    minimum_notice_minutes: int = Field(ge=0, le=7 * 24 * 60)
    release_time: time = Field(description="when the day at the end of the horizon opens")
    closed_on: list[date] = []
    closed_every_year: list[Annotated[str, AfterValidator(_month_day)]] = []

    @field_validator("release_time")
    @classmethod
    def _on_the_hour(cls, value: time) -> time:
        return on_the_full_hour(value)

    @property
    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(minutes=self.minimum_notice_minutes)

    def is_closed_by_config(self, day: date) -> bool:
        return day in self.closed_on or f"{day:%m-%d}" in self.closed_every_year


class Jobcenter(_Frozen):
    name: Text
    phone: Text
    phone_hours: Text
    email: Text
    website_url: Text


class BookingRules(_Frozen):
    max_active_bookings_per_person: int = Field(
        ge=1, le=5, description="counted per e-mail address and, when given, per household"
    )
    retention_days: int = Field(
        ge=1, le=365, description="personal data is deleted this many days after the appointment"
    )
    max_reschedules: int = Field(
        default=3,
        ge=0,
        le=20,
        description="how often a citizen may move one booking online (0: never)",
    )
    confirm_within_minutes: int = Field(
        default=0,
        ge=0,
        le=24 * 60,
        description="an online booking holds its seat this long until the citizen confirms "
        "the e-mail address; 0: it counts at once, without confirmation",
    )

    @property
    def confirm_within(self) -> timedelta | None:
        """How long an unconfirmed booking holds its seat; None: bookings count at once."""
        minutes = self.confirm_within_minutes
        return timedelta(minutes=minutes) if minutes else None


class MailRules(_Frozen):
    reminder_time: time = Field(
        description="from this time of day on, tomorrow's appointments get their reminder"
    )
    # Booking and cancelling in a loop would make us write to any address, with any name:
    # spam in our name, which would cost the sending reputation every confirmation needs.
    max_per_address_per_day: int = Field(
        default=5, ge=1, le=50, description="e-mails to one mailbox per day (Berlin); more wait"
    )

    @model_validator(mode="after")
    def _reminders_on_the_hour(self) -> Self:
        on_the_full_hour(self.reminder_time, "reminder_time")
        return self


class ProofOfWorkRules(_Frozen):
    """How much work a browser does before it may book (ALTCHA, see proof_of_work.py)."""

    max_number: int = Field(
        default=100_000,
        ge=1_000,
        le=10_000_000,
        description="the puzzle's range: a solver tries half of it on average (SHA-256 each)",
    )
    valid_minutes: int = Field(
        default=5, ge=1, le=30, description="a puzzle must be solved and used within this time"
    )


class SiteConfig(_Frozen):
    jobcenter: Jobcenter
    booking: BookingRules
    mail: MailRules
    # Optional: a site file without it gets the defaults above.
    proof_of_work: ProofOfWorkRules = ProofOfWorkRules()
    services: list[Service] = Field(min_length=1)
    locations: list[Location] = Field(min_length=1)

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


def parse_site_config(text: str, source: str = "<site config>") -> SiteConfig:
    """Validate a TOML document; errors name `source`, the line and the field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from error
    config: SiteConfig | None = None
    try:
        config = SiteConfig.model_validate(raw)
        problems = _consistency_problems(config)
    except ValidationError as error:
        problems = [
            (
                tuple(p for p in problem["loc"] if not str(p).startswith("function-")),
                problem["msg"].removeprefix("Value error, "),
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


def config_path() -> Path:
    """The file named by SITE_CONFIG; a bare name is looked up in the shipped config folder."""
    path = Path(read_settings().site_config)
    return path if path.is_absolute() or path.parent != Path(".") else CONFIG_DIR / path


def load_site_config(path: Path) -> SiteConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read site configuration {path}: {error.strerror}") from error
    return parse_site_config(text, source=path.name)


@cache
def site_config() -> SiteConfig:
    """The deployment's configuration, read once per cold start."""
    return load_site_config(config_path())
