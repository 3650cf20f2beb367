"""The test phase's evaluation (GET /staff/reports/evaluation): figures from the slots'
anonymous counters, per day and location, as JSON and as a German spreadsheet; who may see
which location; and the figures outliving the bookings' personal data (TTL)."""

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import boto3
import pytest

from http_api.negotiation import preferred_type
from terminbuchung import evaluation, forms, office
from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.errors import BookingError
from terminbuchung.forms import PhoneBookingForm
from terminbuchung.references import token_keys
from terminbuchung.staff_members import StaffMember
from terminbuchung.table import BookingItem, SlotItem
from terminbuchung.table.keys import location_key, slot_key
from terminbuchung.table.slots import slots_between
from tests.api_client import Answer, ApiClient

ANNA = {"cognito:username": "anna", "cognito:groups": "[oranienburg]"}  # staff, Oranienburg
ADMIN = {"cognito:username": "chefin", "cognito:groups": "[admin]"}
PATH = "/staff/reports/evaluation"

# Slots of the week before: released on the Friday before at 06:00.
RELEASED = datetime(2026, 11, 6, 6, 0, tzinfo=BERLIN)

HEADERS = [
    "Datum",
    "Standort",
    "Plätze freigegeben",
    "Online gebucht",
    "Telefonisch gebucht",
    "Abgesagt (Bürger)",
    "Abgesagt (Jobcenter)",
    "Erschienen",
    "Nicht erschienen",
    "Auslastung",
    "Vorlaufzeit Median (Stunden)",
    "Ausgebucht nach (Stunden)",
]


def put_slot(
    start: str,
    *,
    location: str = "oranienburg",
    capacity: int = 3,
    booked: int = 0,
    closed_reason: str | None = None,
    released_at: datetime = RELEASED,
    **counters: Any,
) -> SlotItem:
    """A slot item as the release, the bookings and the office leave it (counters: None = 0)."""
    begins = datetime.fromisoformat(start).replace(tzinfo=BERLIN)
    item = SlotItem(
        location_key(location),
        slot_key(begins),
        location=location,
        starts_at=begins,
        ends_at=begins + timedelta(minutes=30),
        capacity=capacity,
        booked=booked,
        closed_reason=closed_reason,
        released_at=released_at,
        **counters,
    )
    item.save()
    return item


def member(*groups: str) -> StaffMember:
    return StaffMember(username="anna", groups=frozenset(groups))


def report(
    site: SiteConfig, first: str, last: str, location: str | None = "oranienburg"
) -> list[evaluation.DayFigures]:
    return evaluation.evaluation(
        site, member("admin"), date.fromisoformat(first), date.fromisoformat(last), location
    )


# --- the figures ----------------------------------------------------------------------


def test_a_days_figures_add_up_its_slots_counters(aws: None, site: SiteConfig) -> None:
    put_slot(
        "2026-11-10T09:00",
        booked=3,
        booked_online=3,
        booked_by_phone=1,
        cancelled_by_citizens=1,
        checked_in=2,
        no_shows=1,
        lead_minutes=[60, 120, 180, 240],
        last_booked_at=datetime(2026, 11, 8, 12, 0, tzinfo=BERLIN),
    )
    put_slot("2026-11-10T09:30", booked=1, booked_online=1, lead_minutes=[600])
    # Closed by the office after two bookings: they count, its seats do not.
    put_slot(
        "2026-11-10T10:00",
        closed_reason="Fortbildung",
        booked_online=2,
        cancelled_by_office=2,
        lead_minutes=[30, 90],
    )
    put_slot("2026-11-10T10:30")  # never booked: every counter None

    (day,) = report(site, "2026-11-10", "2026-11-10")

    assert day == evaluation.DayFigures(
        day=date(2026, 11, 10),
        location="oranienburg",
        seats_released=9,
        booked_online=6,
        booked_by_phone=1,
        cancelled_by_citizens=1,
        cancelled_by_office=2,
        checked_in=2,
        no_shows=1,
        utilisation=0.4444,  # 4 of 9 seats booked now
        median_lead_time_hours=2.0,  # 30 60 90 [120] 180 240 600 minutes
        fully_booked_after_hours=None,  # 10:30 and a seat at 09:30 are free
    )


def test_fully_booked_after_counts_from_the_days_first_release_to_its_last_booking(
    aws: None, site: SiteConfig
) -> None:
    put_slot(
        "2026-11-11T09:00",
        booked=3,
        booked_online=3,
        last_booked_at=datetime(2026, 11, 7, 8, 30, tzinfo=BERLIN),
        lead_minutes=[1, 2, 3],
    )
    late = put_slot(
        "2026-11-11T09:30",
        capacity=2,
        booked=2,
        booked_online=2,
        released_at=RELEASED + timedelta(hours=1),
        last_booked_at=datetime(2026, 11, 6, 18, 0, tzinfo=BERLIN),
        lead_minutes=[4, 5],
    )
    put_slot("2026-11-11T10:00", closed_reason="Betriebsversammlung")  # free, but closed

    (day,) = report(site, "2026-11-11", "2026-11-11")
    assert day.fully_booked_after_hours == 26.5  # Fri 06:00 to Sat 08:30
    assert day.utilisation == 1.0
    assert day.seats_released == 5
    assert day.median_lead_time_hours == 0.05  # 3 minutes

    # A citizen cancels: a seat is free again, so the day is not fully booked (now).
    late.update(actions=[SlotItem.booked.add(-1), SlotItem.cancelled_by_citizens.add(1)])
    (day,) = report(site, "2026-11-11", "2026-11-11")
    assert day.fully_booked_after_hours is None
    assert day.utilisation == 0.8
    assert day.cancelled_by_citizens == 1


def test_a_day_without_bookings_or_open_seats_has_no_ratios(aws: None, site: SiteConfig) -> None:
    put_slot("2026-11-12T09:00")
    put_slot("2026-11-13T09:00", closed_reason="Betriebsausflug")

    quiet, closed = report(site, "2026-11-12", "2026-11-13")

    assert (quiet.seats_released, quiet.booked_online, quiet.no_shows) == (3, 0, 0)
    assert quiet.utilisation == 0.0
    assert quiet.median_lead_time_hours is None
    assert quiet.fully_booked_after_hours is None  # never
    assert closed.seats_released == 0
    assert closed.utilisation is None
    assert closed.fully_booked_after_hours is None


def test_days_in_order_within_the_period_with_one_query_per_location(
    aws: None, site: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_slot("2026-11-09T23:00")  # the day before
    put_slot("2026-11-10T08:00", location="gransee", capacity=1)
    put_slot("2026-11-10T09:00")
    put_slot("2026-11-12T23:30")  # the last minute of the period
    put_slot("2026-11-13T00:00")  # the day after
    queries: list[str] = []

    def counted(location: str, first: date, last: date) -> Any:
        queries.append(location)
        return slots_between(location, first, last)

    monkeypatch.setattr("terminbuchung.evaluation.slots_between", counted)

    days = report(site, "2026-11-10", "2026-11-12", location=None)

    assert [(d.day.isoformat(), d.location) for d in days] == [
        ("2026-11-10", "oranienburg"),  # the configuration's order within a day
        ("2026-11-10", "gransee"),
        ("2026-11-12", "oranienburg"),
    ]
    assert queries == ["oranienburg", "gransee"]


def test_the_heat_map_adds_up_open_seats_by_weekday_and_hour_from_the_same_query(
    aws: None, site: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_slot("2026-11-10T09:00", booked=3)  # Tuesday
    put_slot("2026-11-10T09:30", booked=1)  # the same hour
    put_slot("2026-11-17T09:00", booked=2)  # the next Tuesday, same cell
    put_slot("2026-11-17T10:00", booked=0, closed_reason="Fortbildung")  # withdrawn: no cell
    put_slot("2026-11-13T14:00", capacity=2, booked=2)  # Friday
    queries: list[str] = []

    def counted(location: str, first: date, last: date) -> Any:
        queries.append(location)
        return slots_between(location, first, last)

    monkeypatch.setattr("terminbuchung.evaluation.slots_between", counted)

    found = evaluation.report(
        site, member("admin"), date(2026, 11, 1), date(2026, 11, 29), "oranienburg"
    )

    assert queries == ["oranienburg"]
    assert found.hours == [
        evaluation.HourFigures(2, 9, 9, 6, 0.6667),
        evaluation.HourFigures(5, 14, 2, 2, 1.0),
    ]
    # The heat map and the days are the same seats, counted once.
    assert sum(h.seats_released for h in found.hours) == sum(d.seats_released for d in found.days)


# --- the period -----------------------------------------------------------------------

TODAY = date(2026, 11, 30)


def test_the_period_defaults_to_the_last_thirty_days() -> None:
    assert evaluation.period({}, TODAY) == evaluation.Period(
        date(2026, 11, 1), date(2026, 11, 30), None
    )
    assert evaluation.period({"from": "2026-11-20", "location": " "}, TODAY) == (
        evaluation.Period(date(2026, 11, 20), TODAY, None)
    )
    assert evaluation.period({"to": "2026-10-31", "location": "gransee"}, TODAY) == (
        evaluation.Period(date(2026, 10, 2), date(2026, 10, 31), "gransee")
    )
    # A year and a leap day is the longest period.
    longest = evaluation.period({"from": "2027-12-01", "to": "2028-11-30"}, TODAY)
    assert (longest.last - longest.first).days + 1 == 366


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2026-12-01", "to": "2026-11-30"}, "to", "nicht vor dem ersten"),
        ({"from": "2026-11-01"}, None, None),  # valid: to is today
        ({"from": "2026-12-01"}, "to", "nicht vor dem ersten"),  # after today
        ({"from": "2025-11-29", "to": "2026-11-30"}, "to", "höchstens 366 Tage"),
        ({"from": "2026-13-01"}, "from", "JJJJ-MM-TT"),
        ({"from": "30.11.2026"}, "from", "JJJJ-MM-TT"),
        ({"to": "gestern"}, "to", "JJJJ-MM-TT"),
        ({"to": "1999-12-31"}, "to", "JJJJ-MM-TT"),
    ],
)
def test_a_period_out_of_bounds_names_its_field(
    params: dict[str, str], field: str | None, message: str | None
) -> None:
    if field is None:
        evaluation.period(params, TODAY)
        return
    with pytest.raises(BookingError) as refused:
        evaluation.period(params, TODAY)
    assert refused.value.code == "field_invalid"
    assert refused.value.field == field
    assert message is not None
    assert message in refused.value.message


def test_the_use_case_refuses_a_period_too_long_or_backwards(aws: None, site: SiteConfig) -> None:
    for first, last in (("2026-11-02", "2026-11-01"), ("2025-01-01", "2026-01-02")):
        with pytest.raises(BookingError) as refused:
            report(site, first, last)
        assert (refused.value.code, refused.value.field) == ("field_invalid", "to")


def test_field_errors_over_http_are_422_in_german(api: ApiClient) -> None:
    answer = api.get(PATH, query={"from": "2026-11-30", "to": "2026-11-01"}, claims=ANNA)

    assert answer.status == 422
    assert answer.error == {
        "code": "field_invalid",
        "message": "Das letzte Datum darf nicht vor dem ersten liegen.",
        "field": "to",
    }
    answer = api.get(PATH, query={"from": "morgen"}, claims=ANNA)
    assert (answer.status, answer.error["field"]) == (422, "from")


# --- who may see what -----------------------------------------------------------------


@pytest.fixture
def two_locations(aws: None) -> None:
    put_slot("2026-11-10T09:00", booked=1, booked_online=1, lead_minutes=[60])
    put_slot("2026-11-10T09:00", location="gransee", capacity=1)


def locations_in(answer: Answer) -> list[str]:
    assert answer.status == 200, answer.body
    return [row["location"] for row in answer.body["days"]]


# Up to Sunday: the api fixture releases the slots from Monday 30 November on.
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-29"}


def test_staff_see_their_own_location_only(api: ApiClient, two_locations: None) -> None:
    own = api.get(PATH, query={**NOVEMBER, "location": "oranienburg"}, claims=ANNA)
    assert locations_in(own) == ["oranienburg"]
    assert locations_in(api.get(PATH, query=NOVEMBER, claims=ANNA)) == ["oranienburg"]

    for other in ("gransee", "nirgendwo", "admin"):
        refused = api.get(PATH, query={**NOVEMBER, "location": other}, claims=ANNA)
        assert refused.status == 403, other
        assert refused.error["code"] == "forbidden"


def test_an_admin_sees_every_location(api: ApiClient, two_locations: None) -> None:
    assert locations_in(api.get(PATH, query=NOVEMBER, claims=ADMIN)) == ["oranienburg", "gransee"]
    gransee = api.get(PATH, query={**NOVEMBER, "location": "gransee"}, claims=ADMIN)
    assert locations_in(gransee) == ["gransee"]

    unknown = api.get(PATH, query={**NOVEMBER, "location": "nirgendwo"}, claims=ADMIN)
    assert (unknown.status, unknown.error["code"]) == (404, "location_not_found")


def test_nobody_signed_in_or_without_a_location_sees_nothing(
    api: ApiClient, two_locations: None
) -> None:
    anonymous = api.get(PATH, query=NOVEMBER)
    assert (anonymous.status, anonymous.error["code"]) == (401, "unauthorized")

    nowhere = {"cognito:username": "neu", "cognito:groups": "[]"}
    refused = api.get(PATH, query=NOVEMBER, claims=nowhere)
    assert (refused.status, refused.error["code"]) == (403, "forbidden")


# --- JSON and CSV ---------------------------------------------------------------------


def test_the_json_answer_names_the_period_and_every_figure(
    api: ApiClient, two_locations: None
) -> None:
    answer = api.get(PATH, query={**NOVEMBER, "location": "oranienburg"}, claims=ANNA)

    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Vary"] == "Accept"
    assert answer.body == {
        "from": "2026-11-01",
        "to": "2026-11-29",
        "days": [
            {
                "day": "2026-11-10",
                "location": "oranienburg",
                "seats_released": 3,
                "booked_online": 1,
                "booked_by_phone": 0,
                "cancelled_by_citizens": 0,
                "cancelled_by_office": 0,
                "checked_in": 0,
                "no_shows": 0,
                "utilisation": 0.3333,
                "median_lead_time_hours": 1.0,
                "fully_booked_after_hours": None,
            }
        ],
        # Tuesday 10 November, 09:00-09:30: the heat map's one cell.
        "by_weekday_hour": [
            {"weekday": 2, "hour": 9, "seats_released": 3, "booked": 1, "utilisation": 0.3333}
        ],
    }


def spreadsheet(answer: Answer) -> list[list[str]]:
    text: str = answer.body
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_the_csv_download_is_a_german_spreadsheet(aws: None, api: ApiClient) -> None:
    put_slot(
        "2026-11-10T09:00",
        booked=2,
        booked_online=2,
        booked_by_phone=1,
        cancelled_by_office=1,
        checked_in=1,
        no_shows=1,
        lead_minutes=[45, 90, 1440],
        last_booked_at=datetime(2026, 11, 6, 9, 45, tzinfo=BERLIN),
        capacity=2,
    )
    put_slot("2026-11-12T09:00")

    answer = api.get(PATH, query=NOVEMBER, claims=ANNA, headers={"Accept": "text/csv"})

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="Auswertung-2026-11-01-2026-11-29.csv"'
    )
    assert answer.headers["Cache-Control"] == "no-store"
    header, *rows = spreadsheet(answer)
    assert header == HEADERS
    assert rows == [
        ["2026-11-10", "oranienburg", "2", "2", "1", "0", "1", "1", "1", "1,0", "1,5", "3,75"],
        ["2026-11-12", "oranienburg", "3", "0", "0", "0", "0", "0", "0", "0,0", "", ""],
    ]
    # The same figures as the JSON answer.
    json_rows = api.get(PATH, query=NOVEMBER, claims=ANNA).body["days"]
    assert [row[2:] for row in rows] == [
        [
            "" if value is None else str(value).replace(".", ",")
            for key, value in day.items()
            if key not in ("day", "location")
        ]
        for day in json_rows
    ]


def test_an_empty_period_gives_the_header_row_alone(api: ApiClient) -> None:
    answer = api.get(PATH, query=NOVEMBER, claims=ANNA, headers={"Accept": "text/csv"})
    assert spreadsheet(answer) == [HEADERS]
    assert api.get(PATH, query=NOVEMBER, claims=ANNA).body["days"] == []


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        (None, "json"),
        ("application/json", "json"),
        ("*/*", "json"),
        ("text/html", "json"),  # nothing acceptable: JSON rather than 406
        ("text/csv", "csv"),
        ("text/*", "csv"),
        ("TEXT/CSV; charset=utf-8", "csv"),
        ("application/json;q=0.5, text/csv", "csv"),
        ("text/csv;q=0.2, application/json", "json"),
        ("text/csv, */*;q=0.1", "csv"),
        ("text/csv;q=0, */*", "json"),
        ("text/csv;q=oops, application/json;q=0.1", "json"),
    ],
)
def test_the_accept_header_chooses_csv_or_json(accept: str | None, kind: str) -> None:
    offered = ["application/json", "text/csv"]
    assert preferred_type(accept, offered) == {"json": offered[0], "csv": offered[1]}[kind]


def test_a_browser_gets_csv_when_it_asks_for_it(api: ApiClient) -> None:
    csv_answer = api.get(PATH, claims=ANNA, headers={"Accept": "text/csv;q=0.9, */*;q=0.1"})
    assert csv_answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    # The default period: the thirty days up to today (Monday 30 November).
    assert "Auswertung-2026-11-01-2026-11-30.csv" in csv_answer.headers["Content-Disposition"]
    json_answer = api.get(PATH, claims=ANNA, headers={"Accept": "application/json, text/csv"})
    assert json_answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert (json_answer.body["from"], json_answer.body["to"]) == ("2026-11-01", "2026-11-30")


# --- the figures outlive the bookings ---------------------------------------------------

TUESDAY = "2026-12-01"
TUESDAY_10 = "2026-12-01T10:00:00+01:00"


def citizen_books(api: ApiClient, start: str, email: str) -> dict[str, str]:
    answer = api.post(
        "/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Erika Mustermann",
            "email": email,
        },
    )
    assert answer.status == 201, answer.body
    made: dict[str, str] = answer.body
    return made


def items_by_prefix() -> dict[str, int]:
    client = boto3.client("dynamodb")
    items = client.scan(TableName=BookingItem.Meta.table_name)["Items"]
    counts: dict[str, int] = {}
    for item in items:
        prefix = item["pk"]["S"].split("#", 1)[0]
        counts[prefix] = counts.get(prefix, 0) + 1
    return counts


def expire_everything_but_the_slots() -> None:
    """What TTL does after retention_days: bookings (with their history), the persons'
    guards and the e-mail markers are gone; slots (kept 400 days) stay."""
    client = boto3.client("dynamodb")
    table = BookingItem.Meta.table_name
    for item in client.scan(TableName=table)["Items"]:
        if not item["pk"]["S"].startswith("LOC#"):
            client.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})


def test_the_report_is_unchanged_after_the_bookings_expire(
    api: ApiClient, site: SiteConfig, now: datetime
) -> None:
    anna = StaffMember(username="anna", groups=frozenset({"oranienburg"}))
    slots = api.get("/locations/oranienburg/slots", query={"from": TUESDAY, "to": TUESDAY})
    other = slots.body["slots"][-1]["start"]  # in the afternoon
    assert other > TUESDAY_10

    # Online, Monday 07:00: two citizens take both seats at 10:00, one of them cancels.
    erika = citizen_books(api, TUESDAY_10, "erika@example.de")
    max_ = citizen_books(api, TUESDAY_10, "max@example.de")
    cancelled = api.post(
        f"/bookings/{erika['reference']}/cancel", json_body={"token": erika["cancel_token"]}
    )
    assert cancelled.status == 200
    # By phone, at 08:00: the office books a caller into the free seat.
    form = forms.parse(
        PhoneBookingForm,
        {
            "location": "oranienburg",
            "service": "beratung",
            "start": TUESDAY_10,
            "name": "Anrufer ohne E-Mail",
        },
    )
    caller = office.book_for_caller(form, site, anna, now + timedelta(hours=1), token_keys())
    # Another citizen's appointment the office calls off.
    lena = citizen_books(api, other, "lena@example.de")
    office.cancel(anna, lena["reference"], "Erkrankung", now + timedelta(hours=2))
    # Tuesday 10:05: Max came, the caller did not.
    at_ten = datetime(2026, 12, 1, 10, 5, tzinfo=BERLIN)
    office.mark(anna, max_["reference"], office.CHECKED_IN, at_ten)
    office.mark(anna, caller.reference, office.NO_SHOW, at_ten)

    period = {"from": TUESDAY, "to": TUESDAY}
    before = api.get(PATH, query=period, claims=ANNA)
    before_csv = api.get(PATH, query=period, claims=ANNA, headers={"Accept": "text/csv"})
    assert before.status == 200
    (tuesday,) = before.body["days"]
    assert tuesday == {
        "day": TUESDAY,
        "location": "oranienburg",
        "seats_released": 12,  # six slots of two seats (the test phase's quota)
        "booked_online": 3,
        "booked_by_phone": 1,
        "cancelled_by_citizens": 1,
        "cancelled_by_office": 1,
        "checked_in": 1,
        "no_shows": 1,
        "utilisation": round(2 / 12, 4),  # Max and the caller hold seats now
        # Monday 07:00 to Tuesday 10:00 is 27 h (three bookings), from 08:00 26 h.
        "median_lead_time_hours": 27.0,
        "fully_booked_after_hours": None,
    }
    assert items_by_prefix().get("BOOKING") == 4

    expire_everything_but_the_slots()

    assert set(items_by_prefix()) == {"LOC"}
    after = api.get(PATH, query=period, claims=ANNA)
    after_csv = api.get(PATH, query=period, claims=ANNA, headers={"Accept": "text/csv"})
    assert after.body == before.body
    assert after_csv.body == before_csv.body
