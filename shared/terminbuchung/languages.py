"""The languages a citizen can book in, and the texts of the e-mails and answers in each.

The one list of languages on the server side is `LANGUAGES`; the page keeps its own in
web/terminbuchung (README, "Languages"). German is the source: the other catalogues in
messages/ translate its keys, and tests/unit/test_catalogues.py holds them to it.
Dates and times are written as the language writes them (CLDR data by Babel, imported
only where a text needs a date), and always in Berlin time.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from terminbuchung.clock import BERLIN, in_berlin

Language = Literal["de", "de-x-ls", "en", "uk", "ar"]
GERMAN: Language = "de"


@dataclass(frozen=True)
class LanguageInfo:
    code: Language
    name: str  # in the language itself, as the page's switch names it
    name_in_german: str  # for the office: the staff console, the e-mails' German line
    direction: Literal["ltr", "rtl"]
    # Whose CLDR data writes its dates: Leichte Sprache writes them as German does.
    locale: str


LANGUAGES: tuple[LanguageInfo, ...] = (
    LanguageInfo("de", "Deutsch", "Deutsch", "ltr", "de_DE"),
    LanguageInfo("de-x-ls", "Leichte Sprache", "Leichte Sprache", "ltr", "de_DE"),
    LanguageInfo("en", "English", "Englisch", "ltr", "en_GB"),
    LanguageInfo("uk", "Українська", "Ukrainisch", "ltr", "uk_UA"),
    LanguageInfo("ar", "العربية", "Arabisch", "rtl", "ar"),
)
# The codes in the table's order; tests/unit/test_catalogues.py holds `Language` to them.
CODES: tuple[Language, ...] = tuple(known.code for known in LANGUAGES)

CATALOGUES = Path(__file__).resolve().parent / "messages"


def info(code: str | None) -> LanguageInfo:
    """The language of a booking; one stored before languages existed is German."""
    return next((known for known in LANGUAGES if known.code == code), LANGUAGES[0])


class MissingText(LookupError):
    """A key or a placeholder the catalogue lacks: a bug the tests must find, never a
    half-filled e-mail."""


@cache
def catalogue(code: Language) -> dict[str, str]:
    """The texts of one language: its messages/<code>.json without the header (@@...) and
    the translators' notes (@key)."""
    raw = json.loads((CATALOGUES / f"{code}.json").read_text(encoding="utf-8"))
    return {key: value for key, value in raw.items() if not key.startswith("@")}


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(message: str) -> set[str]:
    """The named placeholders of a catalogue text, {time} and the like."""
    return set(_PLACEHOLDER.findall(message))


@dataclass(frozen=True)
class Term:
    """A value that is itself a text of the catalogue, e.g. the label of a form field in
    "Bitte geben Sie {label} an.": said in the same language as the text around it."""

    key: str


def text(language: str | None, key: str, **values: object) -> str:
    """The text `key` in `language`, its placeholders filled in. A missing key, a missing
    value or a value the text does not use fails loudly."""
    said = {
        name: text(language, value.key) if isinstance(value, Term) else value
        for name, value in values.items()
    }
    return fill(message(language, key), said, str)


def message(language: str | None, key: str) -> str:
    """The catalogue's text `key` in `language`, placeholders unfilled."""
    code = info(language).code
    try:
        return catalogue(code)[key]
    except KeyError:
        raise MissingText(f"{code}: no text {key!r}") from None


def fill[T: str](template: str, values: dict[str, object], quote: Callable[[object], T]) -> str:
    """`template` with each {name} replaced by `quote(values[name])`: every name given,
    none more (HTML passes an escaping `quote`)."""
    wanted = placeholders(template)
    if wanted != set(values):
        raise MissingText(f"{template!r} takes {sorted(wanted)}, given {sorted(values)}")
    return _PLACEHOLDER.sub(lambda found: quote(values[found.group(1)]), template)


def preferred(accept_language: str | None) -> Language:
    """Our language an Accept-Language header asks for (RFC 9110 §12.5.4): its ranges by
    weight q (0 refuses), each matched by RFC 4647 lookup, dropping subtags from the end
    (de-DE → de, uk-UA → uk, de-x-ls exactly); German when none matches."""
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and weight > 0:
            ranges.append((-weight, position, tag.lower()))
    for _, _, asked in sorted(ranges):
        tag = asked
        while tag and tag != "*":
            known = next((code for code in CODES if code == tag), None)
            if known:
                return known
            tag = tag.rpartition("-")[0]
            if len(tag) > 1 and tag[-2] == "-":  # a singleton (x, u) is not left alone
                tag = tag[:-2]
    return GERMAN


# Dates and times, as each language writes them (CLDR), always on the clock in Berlin.
# Babel is loaded on first use: only the functions that write e-mails pay for it.


def long_date(language: str | None, day: date) -> str:
    """Dienstag, 1. Dezember 2026 · Tuesday, 1 December 2026 · вівторок, 1 грудня 2026 р."""
    from babel.dates import format_date

    return format_date(day, "full", locale=info(language).locale)


def clock_time(language: str | None, moment: datetime) -> str:
    """10:00 Uhr · 10:00 · 10:00 ص"""
    from babel.dates import format_time

    shown = format_time(in_berlin(moment), "short", tzinfo=BERLIN, locale=info(language).locale)
    return text(language, "time.clock", time=shown)


def date_and_time(language: str | None, moment: datetime) -> str:
    """Dienstag, 1. Dezember 2026, 10:00 Uhr"""
    moment = in_berlin(moment)
    return text(
        language,
        "time.date_and_time",
        date=long_date(language, moment.date()),
        time=clock_time(language, moment),
    )
