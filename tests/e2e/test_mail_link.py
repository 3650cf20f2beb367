"""The e-mails as a citizen meets them: the link from the confirmation SES sent opens the
booking on the page; cancelling there brings the cancellation e-mail."""

import re

from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    book,
    e_mail,
    expect_step,
    free_slots,
    manage_link,
    unique_email,
)


def test_the_link_in_the_confirmation_opens_the_booking_and_cancelling_e_mails_again(
    page: Page, site_url: str
) -> None:
    slots = free_slots(site_url)
    email = unique_email("e-mail")
    booking = book(site_url, slots[min(20, len(slots) - 1)]["start"], email, "Erika Mustermann")

    confirmation = e_mail(site_url, email, "Ihr Termin im Jobcenter Oberhavel am ")
    found = re.search(r"http://\S+#reference=\S+", confirmation["text"])
    assert found, "no link in the confirmation"
    link = found.group(0)
    assert link.startswith(f"{site_url}/#")
    assert manage_link(link) == (booking.reference, booking.token)

    page.goto(link)

    expect_step(page, "Ihr Termin", focused=False)
    expect(page.locator("[data-tb-view=manage]")).to_contain_text(booking.reference)
    page.get_by_role("button", name="Termin absagen", exact=True).click()
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect_step(page, "Ihr Termin ist abgesagt")

    cancellation = e_mail(site_url, email, "Abgesagt: ")
    assert booking.reference in cancellation["text"]
    (attachment,) = cancellation["attachments"]
    calendar = Calendar.from_ical(attachment["content"])
    assert calendar.method == "CANCEL"
    (event,) = calendar.events
    assert event.uid == f"{booking.reference}@terminbuchung.oberhavel.de"
