"""Dates and times the way a German letter writes them: the German of terminbuchung.languages
(CLDR data by Babel, not the OS locale: Lambda's runtime has none installed)."""

from datetime import date, datetime

from terminbuchung import languages


def long_date(day: date) -> str:
    """Dienstag, 1. Dezember 2026"""
    return languages.long_date(languages.GERMAN, day)


def clock_time(moment: datetime) -> str:
    """09:30 Uhr"""
    return languages.clock_time(languages.GERMAN, moment)


def date_and_time(moment: datetime) -> str:
    """Dienstag, 1. Dezember 2026, 09:30 Uhr"""
    return languages.date_and_time(languages.GERMAN, moment)
