"""Two service centres, two services, nothing free: the page asks, then says what to do."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scrolling, check_accessibility, screenshot
from tests.e2e.helpers import expect_step, status_text


def test_no_free_slot_says_when_new_ones_come_and_how_to_call(
    page_both_widths: Page, no_slots_url: str
) -> None:
    walk_to_no_slots(page_both_widths, no_slots_url)


def walk_to_no_slots(page: Page, url: str) -> None:
    page.goto(url)
    heading = expect_step(page, "Standort wählen", focused=False)
    expect(heading).to_have_text("Schritt 1 von 5: Standort wählen")
    expect(page.get_by_role("radio", name="Servicecenter Gransee")).to_have_accessible_description(
        "Rudolf-Breitscheid-Straße 35, 16775 Gransee"
    )
    check_accessibility(page, "Standort wählen")
    screenshot(page, "0-standort")

    # "Weiter" without a choice: the message is at the group, the summary has the focus.
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator("[data-tb-error-summary]")).to_be_focused()
    group = page.get_by_role("group", name="In welchem Servicecenter möchten Sie Ihren Termin?")
    expect(group).to_contain_text("Fehler: Bitte wählen Sie einen Standort.")
    check_accessibility(page, "Standort wählen, ohne Auswahl")

    page.get_by_role("radio", name="Servicecenter Gransee").check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Anliegen wählen")
    expect(page.get_by_role("radio", name="Hilfe beim Antrag")).to_be_visible()
    check_accessibility(page, "Anliegen wählen")
    screenshot(page, "0-anliegen")

    page.get_by_role("radio", name="Hilfe beim Antrag").check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Zurzeit sind alle Termine vergeben")
    view = page.locator("[data-tb-view=no-slots]")
    expect(view).to_contain_text("Servicecenter Gransee, Rudolf-Breitscheid-Straße 35")
    # No opening hours at all: no release to name (GET /locations' next_release is null).
    expect(view).to_contain_text("Wann es wieder neue Online-Termine gibt, steht noch nicht fest.")
    expect(view).to_contain_text("bis zu 5 Tage im Voraus")
    expect(view.get_by_role("link", name="03301 601-5500")).to_have_attribute(
        "href", "tel:033016015500"
    )
    expect(view).to_contain_text("Mo 9–15 Uhr, Di 9–16 Uhr, Mi 9–15 Uhr, Do 9–16 Uhr, Fr 9–12 Uhr")
    expect(view.get_by_role("link", name="Jobcenter.ALG2@oberhavel.de")).to_be_visible()
    expect(status_text(page)).to_have_text("Zurzeit sind alle Termine vergeben.")
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Keine freien Termine")
    screenshot(page, "1-keine-termine")

    # Asking again asks the API again; "Zurück" returns to the service, still chosen.
    page.get_by_role("button", name="Noch einmal nachsehen").click()
    expect_step(page, "Zurzeit sind alle Termine vergeben")
    page.get_by_role("button", name="Zurück").click()
    expect_step(page, "Anliegen wählen")
    expect(page.locator("[data-tb-notice]")).to_have_count(0)
    expect(page.get_by_role("radio", name="Hilfe beim Antrag")).to_be_checked()
    page.get_by_role("button", name="Zurück").click()
    expect_step(page, "Standort wählen")
    expect(page.get_by_role("radio", name="Servicecenter Gransee")).to_be_checked()
