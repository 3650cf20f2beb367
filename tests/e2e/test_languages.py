"""The page in its five languages: the switch, booking in Arabic (right to left) and in
Leichte Sprache, the e-mail's link in another language, and axe-core on every language.

The browser's clock runs far from Berlin: dates and times must still be Berlin's, written
the language's way.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, expect

from terminbuchung.clock import BERLIN
from tests.conftest import CONFIRMING_TEST_SITE
from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    open_page,
    screenshot,
)
from tests.e2e.helpers import (
    REFERENCE,
    book,
    e_mail,
    free_slots,
    show_booking,
    try_booking,
    unique_email,
)
from tests.local_processes import local_stack

# The switch's links as the citizen reads them: code, name in itself, direction.
LANGUAGES = [
    ("de", "Deutsch", "ltr"),
    ("de-x-ls", "Leichte Sprache", "ltr"),
    ("en", "English", "ltr"),
    ("uk", "Українська", "ltr"),
    ("ar", "العربية", "rtl"),
]

# What each language's page says at the steps the tests walk through (from its catalogue;
# written out here, so a wrong key or file shows).
STEPS: dict[str, dict[str, str]] = {
    "de": {
        "day": "Tag wählen",
        "time": "Uhrzeit wählen",
        "details": "Ihre Angaben",
        "done": "Ihr Termin ist gebucht",
        "next": "Weiter",
        "back": "Zurück",
        "name": "Vor- und Nachname",
        "email": "E-Mail-Adresse",
        "consent": "Ich bin einverstanden",
        "book": "Termin verbindlich buchen",
    },
    "de-x-ls": {
        "day": "Tag wählen",
        "time": "Uhrzeit wählen",
        "details": "Ihre Angaben",
        "done": "Sie haben den Termin gebucht",
        "next": "Weiter",
        "back": "Zurück",
        "name": "Vorname und Nachname",
        "email": "E-Mail-Adresse",
        "consent": "Ich bin einverstanden",
        "book": "Termin fest buchen",
    },
    "en": {
        "day": "Choose a day",
        "time": "Choose a time",
        "details": "Your details",
        "done": "Your appointment is booked",
        "next": "Continue",
        "back": "Back",
        "name": "First name and surname",
        "email": "E-mail address",
        "consent": "I agree",
        "book": "Book appointment (binding)",
    },
    "uk": {
        "day": "Виберіть день",
        "time": "Виберіть час",
        "details": "Ваші дані",
        "done": "Ви записані",
        "next": "Далі",
        "back": "Назад",
        "name": "Ім’я та прізвище",
        "email": "Адреса електронної пошти",
        "consent": "Я погоджуюся",
        "book": "Записатися остаточно",
    },
    "ar": {
        "day": "اختيار اليوم",
        "time": "اختيار الوقت",
        "details": "بياناتكم",
        "done": "تم حجز موعدكم",
        "next": "التالي",
        "back": "رجوع",
        "name": "الاسم الأول واسم العائلة",
        "email": "عنوان البريد الإلكتروني",
        "consent": "أوافق",
        "book": "حجز الموعد نهائيًا",
    },
}

ARABIC_MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
ARABIC_WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
GERMAN_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
# Arabic-Indic digits, as Arabic may write them, read as 0-9.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
# Bidi marks some languages' dates carry; no part of what is read.
MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"))

FAR_FROM_BERLIN = "Pacific/Auckland"


def _berlin(start: str) -> datetime:
    return datetime.fromisoformat(start).astimezone(BERLIN)


def _plain(text: str) -> str:
    return text.translate(DIGITS).translate(MARKS)


@pytest.fixture
def far_page(browser: Browser, browser_errors: BrowserErrors) -> Iterator[Page]:
    """Desktop width, the device's clock in New Zealand, the browser set to German."""
    with open_page(browser, browser_errors, 1280, timezone_id=FAR_FROM_BERLIN) as page:
        yield page


def expect_language(page: Page, code: str, direction: str) -> None:
    """The widget's root, and the reference page around it, say the language."""
    root = page.locator("#terminbuchung")
    expect(root).to_have_attribute("lang", code)
    expect(root).to_have_attribute("dir", direction)
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    # The page's own header and footer stay German, and say so.
    expect(page.locator("footer")).to_have_attribute("lang", "de")


def expect_switch(page: Page, current: str) -> None:
    """The switch: a navigation landmark holding a list of links, each in its own language."""
    links = page.locator("[data-tb-languages] ul > li > a")
    expect(links).to_have_count(len(LANGUAGES))
    for index, (code, name, direction) in enumerate(LANGUAGES):
        link = links.nth(index)
        expect(link).to_have_text(name)
        expect(link).to_have_attribute("lang", code)
        expect(link).to_have_attribute("hreflang", code)
        expect(link).to_have_attribute("dir", direction)
        expect(link).to_have_attribute("href", f"?lang={code}")
        if code == current:
            expect(link).to_have_attribute("aria-current", "true")
        else:
            expect(link).not_to_have_attribute("aria-current", "true")
    expect(page.get_by_role("navigation").locator("a")).to_have_count(len(LANGUAGES))


def step(page: Page, title: str) -> Locator:
    heading = page.locator("[data-tb-app] h2").filter(has_text=title)
    expect(heading).to_be_visible()
    return heading


def axe_clean(page: Page, name: str) -> None:
    """axe-core: no violation at all, of any impact (lang and dir included)."""
    record = check_accessibility(page, name)
    assert record.rules == [], f"axe on {name}: {record.rules}"


def book_through(
    page: Page, code: str, day_index: int, time_index: int, name: str, artifacts: str | None
) -> dict[str, Any]:
    """The booking from the day to the confirmation in `code`; axe at every step, and the
    step's screenshot if `artifacts` names the series. Returns what was booked."""
    texts = STEPS[code]
    step(page, texts["day"])
    assert_no_horizontal_scrolling(page)
    axe_clean(page, f"{code}: {texts['day']}")
    if artifacts:
        screenshot(page, f"{artifacts}-1-tag")
    day = page.get_by_role("radio").nth(day_index)
    day_value = day.get_attribute("value")
    day.check()
    page.get_by_role("button", name=texts["next"], exact=True).click()

    step(page, texts["time"])
    assert_no_horizontal_scrolling(page)
    axe_clean(page, f"{code}: {texts['time']}")
    if artifacts:
        screenshot(page, f"{artifacts}-2-uhrzeit")
    time = page.get_by_role("radio").nth(time_index)
    start = time.get_attribute("value")
    assert start is not None
    time_label = page.locator(f"label[for='{time.get_attribute('id')}']").inner_text()
    time.check()
    page.get_by_role("button", name=texts["next"], exact=True).click()

    step(page, texts["details"])
    email = unique_email(f"sprache-{code}")
    page.get_by_label(texts["name"], exact=True).fill(name)
    page.get_by_label(texts["email"], exact=True).fill(email)
    page.get_by_label(texts["consent"]).check()
    assert_no_horizontal_scrolling(page)
    axe_clean(page, f"{code}: {texts['details']}")
    if artifacts:
        screenshot(page, f"{artifacts}-3-angaben")
    page.get_by_role("button", name=texts["book"], exact=True).click()

    step(page, texts["done"])
    reference = page.locator("[data-tb-reference]").inner_text()
    assert REFERENCE.match(reference), reference
    assert_no_horizontal_scrolling(page)
    axe_clean(page, f"{code}: {texts['done']}")
    if artifacts:
        screenshot(page, f"{artifacts}-4-bestaetigung")
    return {"day": day_value, "start": start, "time_label": time_label, "reference": reference}


# --- booking in Arabic and in Leichte Sprache ------------------------------------------------


def test_booking_in_arabic_right_to_left(far_page: Page, site_url: str) -> None:
    page = far_page
    page.goto(f"{site_url}/?lang=ar")
    expect_language(page, "ar", "rtl")
    expect_switch(page, "ar")
    expect(page).to_have_title("حجز موعد في Jobcenter – Jobcenter Oberhavel")
    expect(page.get_by_role("heading", level=1)).to_have_text("حجز موعد في Jobcenter")
    # Names, numbers and addresses stay as they are.
    hint = page.get_by_role("region", name="معلومات مفيدة")
    expect(hint).to_contain_text("Servicecenter Oranienburg")
    expect(hint.get_by_role("link", name="03301 601-5500")).to_have_attribute(
        "href", "tel:+4933016015500"
    )

    heading = step(page, STEPS["ar"]["day"])
    expect(heading).to_have_text(re.compile(r"^الخطوة 1 من 3: اختيار اليوم$"))
    # Every day in Arabic, and Berlin's day whatever the device's clock says.
    days = page.get_by_role("radio")
    for index in range(days.count()):
        value = days.nth(index).get_attribute("value")
        assert value is not None
        date = datetime.fromisoformat(value)
        label_of = page.locator(f"label[for='{days.nth(index).get_attribute('id')}']")
        label = _plain(label_of.inner_text())
        assert ARABIC_WEEKDAYS[date.weekday()] in label, label
        assert ARABIC_MONTHS[date.month - 1] in label, label
        assert re.search(rf"(?<!\d){date.day}(?!\d)", label), label
        assert str(date.year) in label, label

    # Text from the right: the heading's words end at the right edge of the widget.
    text_align = heading.evaluate("(element) => getComputedStyle(element).textAlign")
    assert text_align in ("start", "right")
    edges = heading.evaluate(
        """(element) => {
          const range = document.createRange();
          range.selectNodeContents(element.lastChild); // the title, not the step number
          const text = range.getBoundingClientRect();
          const box = element.getBoundingClientRect();
          return [text.left, text.right, box.left, box.right];
        }"""
    )
    assert abs(edges[1] - edges[3]) < 2, edges
    assert edges[0] - edges[2] > 50, edges

    booked = book_through(page, "ar", 1, 2, "ليلى حداد", "ar")
    # The time as Berlin's clock reads it, written the Arabic way.
    berlin = _berlin(booked["start"])
    assert _plain(booked["time_label"]) == berlin.strftime("%H:%M")
    summary = _plain(page.locator(".tb-summary").inner_text())
    assert berlin.strftime("%H:%M") in summary
    assert ARABIC_MONTHS[berlin.month - 1] in summary
    expect(page.locator(".tb-summary")).to_contain_text("Servicecenter Oranienburg")
    stored = show_booking(site_url, booked["reference"], token_of(page))
    assert stored["language"] == "ar"


def token_of(page: Page) -> str:
    """The token from the confirmation's own link to the manage view."""
    href = page.locator("a[href*='#reference=']").first.get_attribute("href")
    assert href is not None
    match = re.search(r"token=([^&]+)", href)
    assert match is not None
    return match.group(1)


def test_arabic_steps_mirrored(far_page: Page, site_url: str) -> None:
    """On the time step: "التالي" (Weiter) to the left of "رجوع" (Zurück), text from the right."""
    page = far_page
    page.goto(f"{site_url}/?lang=ar")
    step(page, STEPS["ar"]["day"])
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="التالي", exact=True).click()
    step(page, STEPS["ar"]["time"])
    forward = page.get_by_role("button", name="التالي", exact=True).bounding_box()
    back = page.get_by_role("button", name="رجوع", exact=True).bounding_box()
    assert forward is not None
    assert back is not None
    assert forward["x"] + forward["width"] <= back["x"], (forward, back)
    legend = page.locator("legend").first
    assert legend.evaluate("(element) => getComputedStyle(element).direction") == "rtl"
    # The notice's coloured edge is on the right, where the text begins.
    border = page.locator(".tb-hint").evaluate(
        "(element) => [getComputedStyle(element).borderRightWidth,"
        " getComputedStyle(element).borderLeftWidth]"
    )
    assert border[0] != "0px"
    assert border[1] == "0px"
    # Berlin's times on the device in New Zealand.
    times = page.get_by_role("radio")
    start = times.first.get_attribute("value")
    assert start is not None
    label = page.locator(f"label[for='{times.first.get_attribute('id')}']").inner_text()
    assert _plain(label) == _berlin(start).strftime("%H:%M")


def test_booking_in_leichte_sprache(
    browser: Browser, browser_errors: BrowserErrors, site_url: str
) -> None:
    with open_page(browser, browser_errors, 360, timezone_id=FAR_FROM_BERLIN) as page:
        page.goto(f"{site_url}/?lang=de-x-ls")
        expect_language(page, "de-x-ls", "ltr")
        expect_switch(page, "de-x-ls")
        hint = page.get_by_role("region", name="Das ist wichtig")
        expect(hint).to_contain_text("Bitte kommen Sie allein.")
        days = page.get_by_role("radio")
        step(page, "Tag wählen")
        expect(page.get_by_text(re.compile(r"^\d+ Termine? frei$")).first).to_be_visible()
        first_value = days.nth(1).get_attribute("value")
        assert first_value is not None
        weekday = GERMAN_WEEKDAYS[datetime.fromisoformat(first_value).weekday()]
        expect(days.nth(1)).to_have_accessible_name(re.compile(f"^{weekday}, "))

        booked = book_through(page, "de-x-ls", 1, 3, "Erika Leicht", "leichte-sprache")
        berlin = _berlin(booked["start"])
        assert booked["time_label"] == berlin.strftime("%H:%M Uhr")
        expect(page.locator(".tb-summary")).to_contain_text(
            f"von {berlin.strftime('%H:%M')} Uhr bis"
        )
        expect(page.get_by_text("Ihre Buchungs-Nummer ist:")).to_be_visible()
        stored = show_booking(site_url, booked["reference"], token_of(page))
        assert stored["language"] == "de-x-ls"


@pytest.fixture(scope="module")
def confirming_url(logs: Path) -> Iterator[str]:
    """A stack whose bookings wait for the address's confirmation (202, the e-mail's link)."""
    with local_stack(
        logs / "stack-languages-confirming.log", site_config=CONFIRMING_TEST_SITE
    ) as url:
        yield url


def test_confirming_by_the_e_mail_link_in_arabic(
    browser: Browser, browser_errors: BrowserErrors, confirming_url: str
) -> None:
    """The booking that waits for its confirmation, and the e-mail's confirm link, in Arabic."""
    url = confirming_url
    with open_page(browser, browser_errors, 360, timezone_id=FAR_FROM_BERLIN) as page:
        page.goto(f"{url}/?lang=ar")
        step(page, STEPS["ar"]["day"])
        page.get_by_role("radio").nth(1).check()
        page.get_by_role("button", name="التالي", exact=True).click()
        step(page, STEPS["ar"]["time"])
        time = page.get_by_role("radio").nth(4)
        start = time.get_attribute("value")
        assert start is not None
        time.check()
        page.get_by_role("button", name="التالي", exact=True).click()
        step(page, STEPS["ar"]["details"])
        email = unique_email("sprache-bestaetigen")
        page.get_by_label(STEPS["ar"]["name"], exact=True).fill("ليلى حداد")
        page.get_by_label(STEPS["ar"]["email"], exact=True).fill(email)
        page.get_by_label(STEPS["ar"]["consent"]).check()
        page.get_by_role("button", name=STEPS["ar"]["book"], exact=True).click()

        step(page, "يُرجى تأكيد موعدكم")
        pending = page.locator("[data-tb-view=pending]")
        expect(pending).to_contain_text("نحتفظ لكم بالموعد حتى الساعة")
        expect(page.locator("[data-tb-masked-email]")).to_have_attribute("dir", "ltr")
        assert _berlin(start).strftime("%H:%M") in _plain(pending.inner_text())
        assert_no_horizontal_scrolling(page)
        axe_clean(page, "ar: يُرجى تأكيد موعدكم")
        screenshot(page, "ar-4-bitte-bestaetigen")

        mail = e_mail(url, email, "")
        found = re.search(r"http://\S+#reference=\S+&confirm=1", mail["text"])
        assert found, mail["text"]
        page.goto(found.group(0))
        step(page, "تم تأكيد موعدكم")
        expect_language(page, "ar", "rtl")
        reference = page.locator("[data-tb-reference]").inner_text()
        assert REFERENCE.match(reference)
        assert _berlin(start).strftime("%H:%M") in _plain(page.locator(".tb-summary").inner_text())
        axe_clean(page, "ar: تم تأكيد موعدكم")
        screenshot(page, "ar-4-bestaetigt")
        assert show_booking(url, reference, token_of(page))["language"] == "ar"


# --- the switch ---------------------------------------------------------------------------


def test_switch_is_a_link_list_remembered_in_the_session(page: Page, site_url: str) -> None:
    page.goto(site_url)
    expect_language(page, "de", "ltr")
    expect_switch(page, "de")
    # A German browser on the German page: nothing is proposed.
    expect(page.locator("[data-tb-language-offer]")).to_have_count(0)
    step(page, "Tag wählen")
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    step(page, "Uhrzeit wählen")

    # The link goes to ?lang=en: the same step, the day still chosen, in English.
    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?lang=en$"))
    expect_language(page, "en", "ltr")
    expect_switch(page, "en")
    step(page, "Choose a time")
    expect(page.get_by_role("navigation", name="Language")).to_be_visible()

    # Remembered for the tab: a reload, and the page's address without ?lang=.
    page.reload()
    step(page, "Choose a time")
    page.goto(site_url)
    expect_language(page, "en", "ltr")
    step(page, "Choose a time")

    # Another tab is another session: German again, and German is chosen like any other.
    other = page.context.new_page()
    other.goto(site_url)
    expect(other.locator("#terminbuchung")).to_have_attribute("lang", "de")
    other.close()
    page.get_by_role("link", name="Deutsch", exact=True).click()
    expect_language(page, "de", "ltr")
    step(page, "Uhrzeit wählen")


def test_the_e_mail_link_keeps_working_in_another_language(page: Page, site_url: str) -> None:
    start = free_slots(site_url)[7]["start"]
    booking = book(site_url, start, unique_email("sprache-link"))
    page.goto(f"{site_url}/?lang=uk#reference={booking.reference}&token={booking.token}")
    expect_language(page, "uk", "ltr")
    step(page, "Ваш запис")
    expect(page.locator(".tb-summary")).to_contain_text(_berlin(start).strftime("%H:%M"))

    # Switching keeps the fragment: the same booking, now in Arabic.
    page.get_by_role("link", name="العربية", exact=True).click()
    expect_language(page, "ar", "rtl")
    step(page, "موعدكم")
    assert f"#reference={booking.reference}&token={booking.token}" in page.url
    expect(page.get_by_role("button", name="إلغاء الموعد", exact=True)).to_be_visible()
    axe_clean(page, "ar: موعدكم")
    screenshot(page, "ar-5-termin")


def test_the_e_mail_link_proposes_the_booking_s_language(
    browser: Browser, browser_errors: BrowserErrors, site_url: str
) -> None:
    """Booked in Arabic, the e-mail's link opened in a new browser: German until the citizen
    follows the one link offered in Arabic."""
    start = free_slots(site_url)[9]["start"]
    answer = try_booking(
        site_url,
        {
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Samir Haddad",
            "email": unique_email("sprache-vorschlag"),
            "language": "ar",
        },
    )
    assert answer.status_code == 201, answer.text
    reference, token = answer.json()["reference"], answer.json()["cancel_token"]
    with open_page(browser, browser_errors, 360) as page:
        page.goto(f"{site_url}/#reference={reference}&token={token}")
        step(page, "Ihr Termin")
        expect_language(page, "de", "ltr")
        offer = page.locator("[data-tb-language-offer] a")
        expect(offer).to_have_text("هذه الصفحة باللغة العربية")
        expect(offer).to_have_attribute("lang", "ar")
        expect(offer).to_have_attribute("dir", "rtl")
        axe_clean(page, "de: Ihr Termin, Vorschlag العربية")
        offer.click()
        expect_language(page, "ar", "rtl")
        step(page, "موعدكم")
        assert f"#reference={reference}&token={token}" in page.url
        expect(page.locator("[data-tb-language-offer]")).to_have_count(0)


def test_the_browser_language_is_proposed_once_never_switched(
    browser: Browser, browser_errors: BrowserErrors, site_url: str
) -> None:
    with open_page(browser, browser_errors, 1280, locale="uk-UA") as page:
        page.goto(site_url)
        # German until the citizen chooses: only a link in the browser's language.
        expect_language(page, "de", "ltr")
        offer = page.locator("[data-tb-language-offer] a")
        expect(offer).to_have_text("Ця сторінка українською")
        expect(offer).to_have_attribute("lang", "uk")
        expect(offer).to_have_attribute("hreflang", "uk")
        axe_clean(page, "de: Vorschlag Українська")
        page.reload()
        step(page, "Tag wählen")
        expect_language(page, "de", "ltr")
        expect(page.locator("[data-tb-language-offer]")).to_have_count(0)


def test_error_messages_in_the_language(far_page: Page, site_url: str) -> None:
    """The page's own checks, and the API's answer to Accept-Language."""
    page = far_page
    requests_seen: list[Request] = []

    def record(request: Request) -> None:
        requests_seen.append(request)

    page.on("request", record)
    page.goto(f"{site_url}/?lang=en")
    step(page, "Choose a day")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("[data-tb-error-summary]")
    expect(summary).to_contain_text("Please check your details")
    expect(summary).to_contain_text("Please choose a day.")
    api_calls = [request for request in requests_seen if "/locations" in request.url]
    assert api_calls
    assert all(request.all_headers()["accept-language"] == "en" for request in api_calls)

    # The API's own check of the address, answered in English at the field.
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Continue").click()
    step(page, "Choose a time")
    page.get_by_role("radio").nth(11).check()
    page.get_by_role("button", name="Continue").click()
    step(page, "Your details")
    page.get_by_label("First name and surname").fill("Sam Example")
    page.get_by_label("E-mail address", exact=True).fill("sam@example")
    page.get_by_label("I agree").check()
    with page.expect_response(lambda answer: answer.url.endswith("/bookings")) as booking:
        page.get_by_role("button", name="Book appointment (binding)").click()
    assert booking.value.status == 422
    assert booking.value.request.all_headers()["accept-language"] == "en"
    message = "Please enter a valid e-mail address, e.g. name@example.com."
    expect(page.locator("#tb-field-email-error")).to_contain_text(message)
    expect(page.locator("[data-tb-error-summary]")).to_contain_text(message)
    axe_clean(page, "en: Your details, the API's error")


# --- axe-core on every language, at a desktop's and a phone's width ----------------------


@pytest.mark.parametrize("width", [1280, 360], ids=lambda width: f"{width}px")
@pytest.mark.parametrize("language", range(len(LANGUAGES)), ids=[code for code, _, _ in LANGUAGES])
def test_every_language_passes_axe(
    browser: Browser, browser_errors: BrowserErrors, site_url: str, language: int, width: int
) -> None:
    """The whole booking in each language, axe-core with no violation at each step; the
    screenshots of each language's steps land in test-artifacts/screenshots/."""
    code, _, direction = LANGUAGES[language]
    # Each booking its own time, apart from the other tests' ones.
    day_index = 1 + (width == 360)
    time_index = 5 + language
    with open_page(browser, browser_errors, width, timezone_id=FAR_FROM_BERLIN) as page:
        page.goto(f"{site_url}/?lang={code}")
        expect_language(page, code, direction)
        book_through(page, code, day_index, time_index, "Alex Beispiel", f"sprache-{code}")
