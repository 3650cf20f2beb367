"""The small rules of the e-mails: German dates, links, which change gets which e-mail."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from terminbuchung.addresses import AddressNotDeliverable, ascii_address
from terminbuchung.clock import BERLIN
from terminbuchung.config import ConfigError, SiteConfig, parse_site_config
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.delivery import letter_for_change
from terminbuchung.mail.german import date_and_time, long_date
from terminbuchung.mail.letters import Kind, compose
from terminbuchung.mail.settings import MailSettings, MailSettingsError
from terminbuchung.table import BookingItem
from tests.conftest import SHIPPED_SITE, TEST_SITE


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 12, 1), "Dienstag, 1. Dezember 2026"),
        (date(2026, 3, 29), "Sonntag, 29. März 2026"),
        (date(2027, 1, 4), "Montag, 4. Januar 2027"),
        (date(2026, 5, 13), "Mittwoch, 13. Mai 2026"),
        (date(2026, 10, 1), "Donnerstag, 1. Oktober 2026"),
        (date(2026, 7, 31), "Freitag, 31. Juli 2026"),
        (date(2026, 2, 28), "Samstag, 28. Februar 2026"),
    ],
)
def test_dates_are_written_the_german_way(day: date, text: str) -> None:
    assert long_date(day) == text


def test_date_and_time_as_in_the_subject() -> None:
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=BERLIN)
    assert date_and_time(moment) == "Dienstag, 1. Dezember 2026, 09:30 Uhr"


def test_the_manage_link_carries_reference_and_token_in_the_fragment() -> None:
    settings = MailSettings(
        "termine@oberhavel.de", None, "https://www.oberhavel.de/Arbeitsuchende/Terminbuchung"
    )

    link = settings.manage_link("K7QP-3XMA", "aB-c_d9")

    assert link == (
        "https://www.oberhavel.de/Arbeitsuchende/Terminbuchung#reference=K7QP-3XMA&token=aB-c_d9"
    )
    assert settings.book_again_link == "https://www.oberhavel.de/Arbeitsuchende/Terminbuchung"


def test_a_page_url_with_a_fragment_of_its_own_loses_it() -> None:
    settings = MailSettings("termine@oberhavel.de", None, "http://127.0.0.1:3000/#start")
    assert (
        settings.manage_link("K7QP-3XMA", "t")
        == "http://127.0.0.1:3000/#reference=K7QP-3XMA&token=t"
    )


@pytest.mark.parametrize(
    ("sender", "page"),
    [("termine", "https://www.oberhavel.de/"), ("termine@oberhavel.de", "www.oberhavel.de")],
)
def test_bad_mail_settings_are_refused_at_start(sender: str, page: str) -> None:
    with pytest.raises(MailSettingsError):
        MailSettings(sender, None, page)


def test_addresses_go_to_ses_in_ascii() -> None:
    assert ascii_address("erika@münchen.de") == "erika@xn--mnchen-3ya.de"
    with pytest.raises(AddressNotDeliverable) as refused:
        ascii_address("jörg@example.de")
    assert "jörg" not in str(refused.value)


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (None, "confirmed", Kind.CONFIRMATION),
        ("confirmed", "cancelled", Kind.CANCELLATION),
        ("confirmed", "cancelled_by_office", Kind.OFFICE_CANCELLATION),
        ("confirmed", "confirmed", None),  # another field changed
        ("cancelled", "cancelled", None),
        ("cancelled", "cancelled_by_office", None),  # told once is enough
        ("confirmed", None, None),  # removed by TTL
        (None, "cancelled", None),
    ],
)
def test_which_change_gets_which_e_mail(
    before: str | None, after: str | None, kind: Kind | None
) -> None:
    assert letter_for_change(before, after) == kind


@pytest.mark.parametrize("site", [SHIPPED_SITE, TEST_SITE])
def test_both_site_files_set_a_reminder_time(site: Path) -> None:
    config = parse_site_config(site.read_text(encoding="utf-8"))
    assert config.mail.reminder_time.minute == 0


def test_a_reminder_time_off_the_hour_is_refused_with_line_and_field() -> None:
    text = SHIPPED_SITE.read_text(encoding="utf-8").replace(
        "reminder_time = 16:00:00", "reminder_time = 16:30:00"
    )
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("[mail]"))

    with pytest.raises(ConfigError) as refused:
        parse_site_config(text, source="oberhavel.toml")

    assert re.search(
        rf"oberhavel\.toml:{line}: mail: .*reminder_time must be on the full hour",
        str(refused.value),
    )


def test_a_site_file_without_mail_section_is_refused() -> None:
    text = SHIPPED_SITE.read_text(encoding="utf-8").replace("[mail]", "[unused]")

    with pytest.raises(ConfigError, match=r"mail: Field required"):
        parse_site_config(text, source="oberhavel.toml")


def test_a_booking_at_a_location_since_removed_from_the_configuration_still_gets_its_e_mail(
    site: SiteConfig,
) -> None:
    booking = BookingItem(
        "BOOKING#K7QP-3XMA",
        reference="K7QP-3XMA",
        location="zehdenick",
        service="abgeschafft",
        starts_at=datetime(2026, 12, 1, 9, 30, tzinfo=BERLIN),
        ends_at=datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN),
        name="Erika Mustermann",
        email="erika@example.de",
    )
    settings = MailSettings("termine@oberhavel.de", None, "https://www.oberhavel.de/termine")

    letter = compose(
        Kind.CONFIRMATION,
        Appointment.of(booking, site),
        site=site,
        settings=settings,
        token="t",
        now=datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN),
    )

    assert "zehdenick" in letter.text
    assert "abgeschafft" in letter.text
    assert "Bitte bringen Sie mit" not in letter.text
    assert "Wo:              zehdenick\n  Anliegen:" in letter.text
