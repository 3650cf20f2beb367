"""The booking page's list of languages (web/terminbuchung/i18n.js) says what the server's
(terminbuchung.languages) says: the same codes in the same order, each named in itself and
written in the same direction, dates in the same CLDR locale. The page sends the code in
POST /bookings, which refuses a code the server does not know."""

import json
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


WEB = I18N.parents[1]
# t("key", …), tNodes("key", …), tCount("key", n) in the page's modules; data-tb-text in the
# reference page; the manage view's headings by status are keys too.
CALL = re.compile(r'\bt(?:Nodes|Count)?\(\s*"([^"]+)"')
COUNTED = re.compile(r'\btCount\(\s*"([^"]+)"')
MARKED = re.compile(r'data-tb-text="([^"]+)"')
HEADING = re.compile(r'^\s+[a-z_]+: "(manage\.title(?:\.[a-z]+)?)",$', re.MULTILINE)


def keys_the_page_uses() -> set[str]:
    used: set[str] = set()
    for module in [WEB / "terminbuchung.js", *sorted((WEB / "terminbuchung").glob("*.js"))]:
        source = module.read_text(encoding="utf-8")
        used |= set(CALL.findall(source)) - set(COUNTED.findall(source))
        used |= {f"{key}.{form}" for key in COUNTED.findall(source) for form in ("one", "other")}
        used |= set(HEADING.findall(source))
    used |= set(MARKED.findall((WEB / "index.html").read_text(encoding="utf-8")))
    # The proposal link reads it from the proposed language's catalogue (i18n.offerText).
    used.add("language.offer")
    return used


def test_every_text_the_page_asks_for_is_in_the_german_catalogue_and_no_other() -> None:
    catalogue = json.loads((WEB / "terminbuchung" / "messages" / "de.json").read_text("utf-8"))
    texts = {key for key in catalogue if not key.startswith("@")}
    used = keys_the_page_uses()
    assert sorted(used - texts) == []  # asked for, missing: t() would throw
    assert sorted(texts - used) == []  # in the catalogue, shown nowhere
