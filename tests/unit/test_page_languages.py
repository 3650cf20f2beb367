"""The booking page's list of languages (web/terminbuchung/i18n.js) says what the server's
(terminbuchung.languages) says: the same codes in the same order, each named in itself and
written in the same direction, dates in the same CLDR locale. The page sends the code in
POST /bookings, which refuses a code the server does not know."""

import re
from pathlib import Path

from terminbuchung import languages

I18N = Path(__file__).resolve().parents[2] / "web" / "terminbuchung" / "i18n.js"
ENTRY = re.compile(
    r'\{ code: "(?P<code>[^"]+)", name: "(?P<name>[^"]+)", dir: "(?P<dir>ltr|rtl)", '
    r'formats: "(?P<formats>[^"]+)" \}'
)


def page_languages() -> list[dict[str, str]]:
    source = I18N.read_text(encoding="utf-8")
    table = source[source.index("export const LANGUAGES = [") :]
    table = table[: table.index("];")]
    return [match.groupdict() for match in ENTRY.finditer(table)]


def test_the_page_offers_the_server_s_languages_alike() -> None:
    page = page_languages()
    assert [entry["code"] for entry in page] == list(languages.CODES)
    for entry, known in zip(page, languages.LANGUAGES, strict=True):
        assert entry["name"] == known.name
        assert entry["dir"] == known.direction
        # Intl's tag on the page, Babel's locale on the server: one CLDR locale.
        assert entry["formats"].replace("-", "_") == known.locale


def test_the_table_is_read_whole() -> None:
    # A changed layout of the table must fail here, not pass with fewer entries.
    assert I18N.read_text(encoding="utf-8").count("{ code: ") == len(page_languages())
