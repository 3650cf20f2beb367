"""Book and cancel with the keyboard alone: Tab, Shift+Tab, arrows, Space, Enter and typing."""

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    expect_step,
    manage_link,
    show_booking,
    step_heading,
    unique_email,
)

# Counts every pointer event the page receives, so the test proves it used none.
COUNT_POINTER_EVENTS = """
window.__pointerEvents = 0;
for (const type of ["pointerdown", "mousedown", "touchstart"]) {
  window.addEventListener(type, () => { window.__pointerEvents += 1; }, true);
}
"""


def is_focused(target: Locator) -> bool:
    focused: bool = target.evaluate("element => element === document.activeElement")
    return focused


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if is_focused(target):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def assert_focus_visible(target: Locator) -> None:
    """WCAG 2.4.7: the focused control is drawn with a ring (outline and yellow shadow)."""
    style = target.evaluate(
        "element => { const s = getComputedStyle(element);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    assert style[0] == "solid", style
    assert style[1] == "3px", style
    assert "rgb(255, 191, 0)" in style[2], style


def no_pointer_used(page: Page) -> None:
    assert page.evaluate("window.__pointerEvents") == 0


def test_book_and_cancel_by_keyboard_alone(page: Page, site_url: str) -> None:
    page.add_init_script(COUNT_POINTER_EVENTS)
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)

    # Day: Tab into the group, the arrow key chooses tomorrow, Enter on "Weiter".
    days = page.get_by_role("radio")
    tab_to(page, days.first)
    assert_focus_visible(days.first)
    page.keyboard.press("ArrowDown")
    expect(days.nth(1)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Weiter"))
    page.keyboard.press("Enter")
    expect_step(page, "Uhrzeit wählen")

    # Back with "Zurück" and forward again: the chosen day is kept.
    tab_to(page, page.get_by_role("button", name="Zurück"))
    page.keyboard.press("Enter")
    expect_step(page, "Tag wählen")
    expect(page.locator("[data-tb-notice]")).to_have_count(0)
    page.keyboard.press("Tab")
    expect(days.nth(1)).to_be_focused()
    expect(days.nth(1)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Weiter"))
    page.keyboard.press("Space")
    expect_step(page, "Uhrzeit wählen")

    # Time: the fourth free one, by arrow keys.
    times = page.get_by_role("radio")
    tab_to(page, times.first)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(times.nth(3)).to_be_checked()
    start = times.nth(3).get_attribute("value")
    tab_to(page, page.get_by_role("button", name="Weiter"))
    page.keyboard.press("Enter")
    expect_step(page, "Ihre Angaben")

    # Enter in the name field submits; the error summary takes the focus, its link the field.
    name = page.get_by_label("Vor- und Nachname")
    tab_to(page, name)
    page.keyboard.type("Karla Tastatur")
    page.keyboard.press("Enter")
    summary = page.locator("[data-tb-error-summary]")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    email = page.get_by_label("E-Mail-Adresse")
    expect(email).to_be_focused()
    address = unique_email("tastatur")
    page.keyboard.type(address)

    consent = page.get_by_label("Ich bin einverstanden")
    tab_to(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    # Shift+Tab goes back over the privacy link to the optional household number.
    tab_to(page, page.get_by_role("link", name="Hinweisen zum Datenschutz"), backwards=True)
    submit = page.get_by_role("button", name="Termin verbindlich buchen")
    tab_to(page, submit)
    assert_focus_visible(submit)
    page.keyboard.press("Enter")

    expect_step(page, "Ihr Termin ist gebucht")
    expect(page.locator("[data-tb-view=confirmation]")).to_contain_text(address)
    no_pointer_used(page)

    # The manage link on the confirmation, then cancel after the question, all by keyboard.
    manage = page.get_by_role("link", name="Termin ansehen oder absagen")
    href = manage.get_attribute("href")
    assert href is not None
    reference, token = manage_link(href)
    tab_to(page, manage)
    page.keyboard.press("Enter")
    expect_step(page, "Ihr Termin")
    expect(step_heading(page, "Ihr Termin")).to_have_text("Ihr Termin")
    assert show_booking(site_url, reference, token)["start"] == start

    tab_to(page, page.get_by_role("button", name="Termin absagen", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="wirklich absagen?")).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Ja, Termin absagen"))
    page.keyboard.press("Space")
    expect_step(page, "Ihr Termin ist abgesagt")
    assert show_booking(site_url, reference, token)["status"] == "cancelled"
    no_pointer_used(page)
