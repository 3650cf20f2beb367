"""The widget on the county's own page, calling the API on another origin (CORS).

The county's site is a second web server on this machine (another origin); it serves a
page as the county's editor would write it and copies of the widget's files as web/README.md
lists them: terminbuchung.css, the entry module terminbuchung.js and its folder terminbuchung/.
"""

import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import CountySite, check_accessibility
from tests.e2e.helpers import (
    calendar_file,
    event_lines,
    expect_step,
    manage_link,
    show_booking,
    unique_email,
)

WEB = Path(__file__).resolve().parents[2] / "web"


def county_policy(api_base: str) -> str:
    """The Content Security Policy web/README.md asks of the county's page, as a <meta>
    because this test server sends no headers (so without frame-ancestors, which browsers
    ignore there). connect-src: the API, and 'self' for the widget's catalogues of texts
    (terminbuchung/messages/<language>.json, next to its modules)."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self' {api_base}; form-action 'none'; base-uri 'none'"
    )


def county_page(api_base: str, privacy_url: str) -> str:
    """What the county's editor pastes into its CMS (see web/README.md)."""
    return f"""<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="{county_policy(api_base)}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Arbeitsuchende – Landkreis Oberhavel</title>
  <link rel="stylesheet" href="/terminbuchung/terminbuchung.css">
  <script type="module" src="/terminbuchung/terminbuchung.js"></script>
</head>
<body>
  <main>
    <h1>Arbeitsuchende</h1>
    <p>Informationen des Landkreises für Arbeitsuchende.</p>
    <div id="terminbuchung" data-api-base="{api_base}/"
         data-privacy-url="{privacy_url}"></div>
  </main>
</body>
</html>"""


def publish(county: CountySite, api_base: str, privacy_url: str) -> str:
    (county.folder / "terminbuchung").mkdir(exist_ok=True)
    for name in ("terminbuchung.js", "terminbuchung.css"):
        shutil.copy(WEB / name, county.folder / "terminbuchung" / name)
    # The modules the entry imports, from the folder next to it.
    shutil.copytree(
        WEB / "terminbuchung", county.folder / "terminbuchung" / "terminbuchung", dirs_exist_ok=True
    )
    (county.folder / "Arbeitsuchende.html").write_text(
        county_page(api_base, privacy_url), encoding="utf-8"
    )
    return f"{county.origin}/Arbeitsuchende.html"


def test_embedded_on_the_county_site_with_the_api_elsewhere(
    page: Page, site_url: str, county_site: CountySite
) -> None:
    privacy = f"{county_site.origin}/datenschutz.html"
    url = publish(county_site, site_url, privacy)
    api_calls: list[str] = []
    page.on("request", lambda request: api_calls.append(request.url))

    page.goto(url)
    expect_step(page, "Tag wählen", focused=False)
    assert any(call.startswith(f"{site_url}/locations") for call in api_calls)
    assert not any(call.startswith(f"{site_url}//") for call in api_calls)  # "/" trimmed

    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("radio").nth(10).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    expect(page.get_by_role("link", name="Hinweisen zum Datenschutz")).to_have_attribute(
        "href", privacy
    )
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("embedded"))
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Ihr Termin ist gebucht")
    check_accessibility(page, "Eingebettet: Bestätigung")

    # The calendar file comes from the API on its origin, and is saved on the county's page.
    reference = page.locator("[data-tb-reference]").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="In den Kalender eintragen").click()
    download = download_info.value
    assert download.suggested_filename == f"Termin-Jobcenter-{reference}.ics"
    ics = download.path().read_bytes().decode("utf-8")

    # The manage link points to the county's page, and works there across origins.
    href = page.get_by_role("link", name="Termin ansehen oder absagen").get_attribute("href")
    assert href is not None
    assert href.startswith(f"{url}#reference=")
    link_reference, token = manage_link(href)
    assert link_reference == reference
    assert event_lines(ics) == event_lines(calendar_file(site_url, reference, token))
    page.goto(href)
    expect_step(page, "Ihr Termin", focused=False)
    page.get_by_role("button", name="Termin absagen", exact=True).click()
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect_step(page, "Ihr Termin ist abgesagt")
    assert show_booking(site_url, reference, token)["status"] == "cancelled"
