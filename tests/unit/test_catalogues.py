"""The message catalogues (issue 15): the server's (e-mails, calendar file, API errors) and
the booking page's, one ARB-style JSON file per language. German is the source: every
other catalogue has exactly its keys, the same {placeholders} per key, and a header that
marks it as a draft for the county's review."""

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest

from terminbuchung import languages

ROOT = Path(__file__).resolve().parents[2]
# Both sides, named here so that neither can go missing unnoticed.
CATALOGUE_DIRECTORIES = (
    ROOT / "shared" / "terminbuchung" / "messages",
    ROOT / "web" / "terminbuchung" / "messages",
)
CODES = ("de", "de-x-ls", "en", "uk", "ar")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
CASES = [(directory, code) for directory in CATALOGUE_DIRECTORIES for code in CODES]


def ids(case: tuple[Path, str]) -> str:
    directory, code = case
    return f"{directory.relative_to(ROOT)}/{code}"


def read(directory: Path, code: str) -> dict[str, Any]:
    raw = (directory / f"{code}.json").read_text(encoding="utf-8")
    catalogue: dict[str, Any] = json.loads(raw)
    return catalogue


def texts(catalogue: dict[str, Any]) -> dict[str, Any]:
    """The messages alone: no header (@@...), no translators' notes (@key)."""
    return {key: value for key, value in catalogue.items() if not key.startswith("@")}


def test_the_server_s_languages_are_the_five_of_issue_15_in_one_list() -> None:
    assert languages.CODES == CODES
    assert get_args(languages.Language) == CODES
    assert [(i.code, i.name, i.name_in_german, i.direction) for i in languages.LANGUAGES] == [
        ("de", "Deutsch", "Deutsch", "ltr"),
        ("de-x-ls", "Leichte Sprache", "Leichte Sprache", "ltr"),
        ("en", "English", "Englisch", "ltr"),
        ("uk", "Українська", "Ukrainisch", "ltr"),
        ("ar", "العربية", "Arabisch", "rtl"),
    ]


@pytest.mark.parametrize("directory", CATALOGUE_DIRECTORIES, ids=lambda d: str(d.relative_to(ROOT)))
def test_each_directory_holds_one_catalogue_per_language_and_nothing_else(directory: Path) -> None:
    assert sorted(path.name for path in directory.glob("*.json")) == sorted(
        f"{code}.json" for code in CODES
    )


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_a_catalogue_is_json_with_its_header(case: tuple[Path, str]) -> None:
    directory, code = case
    catalogue = read(directory, code)

    assert catalogue["@@locale"] == code
    assert catalogue["@@x-source"] == "de"
    messages = texts(catalogue)
    assert messages, "no messages"
    assert all(isinstance(value, str) and value.strip() for value in messages.values())
    assert all(re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*", key) for key in messages)
    # A note (@key) belongs to a message of the catalogue.
    notes = [key[1:] for key in catalogue if key.startswith("@") and not key.startswith("@@")]
    assert set(notes) <= set(messages)


@pytest.mark.parametrize("case", [c for c in CASES if c[1] != "de"], ids=ids)
def test_every_translation_is_marked_as_a_draft_for_review(case: tuple[Path, str]) -> None:
    directory, code = case
    status = read(directory, code).get("@@x-status", "")

    assert status.startswith("Entwurf")
    if code == "de-x-ls":
        assert "Leichte Sprache" in status
        assert "Netzwerk" in status
    else:
        assert "Kreisverwaltung" in status


@pytest.mark.parametrize("case", [c for c in CASES if c[1] != "de"], ids=ids)
def test_a_translation_has_exactly_german_s_keys(case: tuple[Path, str]) -> None:
    directory, code = case
    german = texts(read(directory, "de"))
    translated = texts(read(directory, code))

    assert sorted(set(german) - set(translated)) == [], "missing"
    assert sorted(set(translated) - set(german)) == [], "not in the German source"


@pytest.mark.parametrize("case", [c for c in CASES if c[1] != "de"], ids=ids)
def test_a_translation_has_german_s_placeholders_in_every_text(case: tuple[Path, str]) -> None:
    directory, code = case
    german = texts(read(directory, "de"))
    translated = texts(read(directory, code))

    wrong = {
        key: (sorted(PLACEHOLDER.findall(text)), sorted(PLACEHOLDER.findall(translated[key])))
        for key, text in german.items()
        if key in translated
        and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(translated[key]))
    }
    assert wrong == {}


def test_the_checks_find_a_missing_key_and_a_missing_placeholder(tmp_path: Path) -> None:
    """The checker itself: a translation that lost a key or a {time} fails it."""
    (tmp_path / "de.json").write_text(
        json.dumps({"@@locale": "de", "a": "um {time}", "b": "Termin"}), encoding="utf-8"
    )
    (tmp_path / "en.json").write_text(
        json.dumps({"@@locale": "en", "a": "at ten"}), encoding="utf-8"
    )
    german, english = texts(read(tmp_path, "de")), texts(read(tmp_path, "en"))

    assert set(german) - set(english) == {"b"}
    assert PLACEHOLDER.findall(german["a"]) != PLACEHOLDER.findall(english["a"])


def test_text_fails_loudly_on_a_missing_key_or_value() -> None:
    with pytest.raises(languages.MissingText):
        languages.text("en", "mail.no_such_text")
    with pytest.raises(languages.MissingText):
        languages.text("uk", "mail.list.pending")  # {time} not given
    with pytest.raises(languages.MissingText):
        languages.text("ar", "mail.regards", name="x")  # a value the text does not use
    assert languages.text("ar", "mail.list.pending", time="10:00").endswith("10:00:")


def test_names_numbers_and_the_reference_format_stay_untranslated() -> None:
    """Offices, addresses and phone numbers come from the site configuration, the booking
    number as it is: the catalogues only say where they go."""
    for code in CODES:
        server = texts(read(CATALOGUE_DIRECTORIES[0], code))
        for key in ("mail.say_reference", "calendar.reference"):
            assert "{reference}" in server[key]
        assert "{jobcenter}" in server["mail.confirmation.subject"]
        assert "{phone}" in server["calendar.cancel"]
        assert "{email}" in server["mail.contact.html"]
        assert "Oberhavel" not in json.dumps(server, ensure_ascii=False)
