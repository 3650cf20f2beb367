"""Links to the manage view that are broken: a mail program wrapped the long line, a copy lost
its end, someone typed it. The page never throws and says what to do."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.helpers import expect_step

# Well-formed but never booked: a link with both parts goes to the API as usual.
REFERENCE = "K7QP-3XMA"
TOKEN = "q1w2e3r4t5y6u7i8o9p0AsDf"

INCOMPLETE = [
    f"#reference={REFERENCE}",
    f"#token={TOKEN}",
    "#reference=&token=",
    "#reference",
    f"#reference={REFERENCE}&token=",
    f"#reference=&token={TOKEN}",
    f"#reference={REFERENCE[:-1]}&token={TOKEN}",
    f"#token={TOKEN}&reference=",
    # Text that cannot go into an HTTP header: fetch() throws a TypeError on it.
    f"#reference={REFERENCE}&token=%E2%80%A6",
    f"#reference={REFERENCE}&token=abc%0Adef",
    "#reference=%E2%80%A6&token=%E2%80%A6",
    "#reference=<script>&token=%00",
]

NOT_A_LINK = ["#", "#garbage", "#%", "#%E0%A4%A", "#=", "#&&&", "#terminbuchung"]

INCOMPLETE_TEXT = (
    "Der Link zu Ihrem Termin ist unvollständig. Bitte öffnen Sie ihn noch einmal direkt aus "
    "Ihrer E-Mail. Wenn Sie den Link kopieren, kopieren Sie ihn bitte ganz."
)


def expect_incomplete_link_notice(page: Page, *, focused: bool) -> None:
    expect_step(page, "Der Link ist unvollständig", focused=focused)
    view = page.locator("[data-tb-view=link-incomplete]")
    expect(view.locator("[data-tb-notice=error]")).to_have_text(INCOMPLETE_TEXT)
    expect(view.get_by_role("link", name="03301 601-5500")).to_have_attribute(
        "href", "tel:033016015500"
    )
    expect(view.get_by_role("link", name="Neuen Termin buchen")).to_be_visible()


@pytest.mark.parametrize("fragment", INCOMPLETE)
def test_an_incomplete_link_says_so(page: Page, site_url: str, fragment: str) -> None:
    page.goto(f"{site_url}/{fragment}")
    expect_incomplete_link_notice(page, focused=False)


def test_from_an_incomplete_link_to_a_new_booking(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/#reference={REFERENCE}")
    expect_incomplete_link_notice(page, focused=False)
    check_accessibility(page, "Verwalten: Link unvollständig")
    screenshot(page, "5-verwalten-link-unvollstaendig")

    page.get_by_role("link", name="Neuen Termin buchen").click()
    expect_step(page, "Tag wählen")
    assert "#" not in page.url


@pytest.mark.parametrize("fragment", NOT_A_LINK)
def test_a_fragment_that_is_no_link_starts_the_booking(
    page: Page, site_url: str, fragment: str
) -> None:
    page.goto(f"{site_url}/{fragment}")
    expect_step(page, "Tag wählen", focused=False)


def test_an_incomplete_link_on_a_page_already_open(page: Page, site_url: str) -> None:
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    page.evaluate("reference => { location.hash = `reference=${reference}`; }", REFERENCE)
    expect_incomplete_link_notice(page, focused=True)

    # An anchor on the page is no link to a booking: the view stays (the browser itself moves
    # the focus to the anchor's element).
    page.evaluate("() => { location.hash = 'terminbuchung'; }")
    page.wait_for_timeout(300)
    expect_incomplete_link_notice(page, focused=False)
