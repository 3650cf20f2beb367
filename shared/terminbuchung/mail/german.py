"""Dates and times the way a German letter writes them, without relying on the OS locale.

Lambda's runtime has no German locale installed, so `strftime("%A")` would say "Tuesday".
"""

from datetime import date, datetime

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def long_date(day: date) -> str:
    """Dienstag, 1. Dezember 2026"""
    return f"{WEEKDAYS[day.weekday()]}, {day.day}. {MONTHS[day.month - 1]} {day.year}"


def clock_time(moment: datetime) -> str:
    """09:30 Uhr"""
    return f"{moment:%H:%M} Uhr"


def date_and_time(moment: datetime) -> str:
    """Dienstag, 1. Dezember 2026, 09:30 Uhr"""
    return f"{long_date(moment.date())}, {clock_time(moment)}"
