"""No anonymous input is ever a 5xx: every route, with any path, query, header and body.

Hypothesis draws the inputs; the budget is fixed (max_examples) so CI runs the same amount
of search every time. Each answer of 4xx carries the API's error shape.
"""

import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api_client import Answer, ApiClient

FUZZ = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

segments = st.text(st.characters(exclude_characters="/?#%", codec="utf-8"), min_size=1, max_size=60)
texts = st.text(st.characters(codec="utf-8"), max_size=80)

# Instants at the edges of Python's calendar, with any offset API Gateway could pass on.
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: (
        f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    )
)
instants = st.one_of(
    st.builds(
        lambda moment, offset: moment.isoformat() + offset,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
        offsets | st.just(""),
    ),
    st.sampled_from(
        [
            "9999-12-31T23:30:00-12:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59+00:00",
            "0001-01-01T00:00:00",
            "2026-03-29T02:30:00",  # the hour the clocks skip
            "2026-10-25T02:30:00",  # the hour that happens twice
        ]
    ),
    texts,
)
days = st.one_of(
    st.dates().map(str), st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30"]), texts
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts, instants
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=10,
)
form = st.fixed_dictionaries(
    {},
    optional={
        "location": st.sampled_from(["oranienburg", "gransee"]) | texts,
        "service": st.sampled_from(["beratung"]) | texts,
        "start": instants,
        "name": texts,
        "email": st.emails().map(str) | texts,
        "phone": texts,
        "household_number": texts,
        "token": texts,
    },
)


def _nested(depth: int, opener: bytes) -> bytes:
    return opener * depth


raw_bodies = st.one_of(
    form.map(lambda body: json.dumps(body).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.integers(1, 16_000).map(lambda depth: _nested(depth, b"[")),
    st.integers(1, 5_000).map(lambda depth: _nested(depth, b'{"a":')),
    st.binary(max_size=300),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ]
)
queries = st.dictionaries(st.sampled_from(["from", "to", "service", "utm_source"]), days)


def assert_no_server_error(answer: Answer) -> None:
    assert answer.status < 500, answer.body
    if answer.status >= 400:
        assert {"code", "message", "field"} <= set(answer.error)
        assert answer.error["code"] != "internal_error"


@FUZZ
@given(body=raw_bodies, content_type=content_types)
def test_any_booking_request_is_answered_without_a_5xx(
    api: ApiClient, body: bytes, content_type: str | None
) -> None:
    answer = api.post("/bookings", raw_body=body, content_type=content_type)
    assert_no_server_error(answer)


@FUZZ
@given(location=segments | st.just("oranienburg"), query=queries)
def test_any_slot_query_is_answered_without_a_5xx(
    api: ApiClient, location: str, query: dict[str, str]
) -> None:
    assert_no_server_error(api.get(f"/locations/{location}/slots", query=query))
    assert_no_server_error(api.get("/locations", query=query))


@FUZZ
@given(
    reference=segments,
    token=texts,
    body=raw_bodies,
    content_type=content_types,
)
def test_any_look_or_cancel_is_answered_without_a_5xx(
    api: ApiClient, reference: str, token: str, body: bytes, content_type: str | None
) -> None:
    assert_no_server_error(api.get(f"/bookings/{reference}", headers={"X-Booking-Token": token}))
    assert_no_server_error(
        api.post(f"/bookings/{reference}/cancel", raw_body=body, content_type=content_type)
    )


# --- the examples the probe found, and their kin -----------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        "9999-12-31T23:30:00-12:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00-00:01",
        "1999-12-31T10:00:00+01:00",
    ],
)
def test_a_start_at_the_edge_of_the_calendar_is_a_field_error(api: ApiClient, start: str) -> None:
    answer = api.post(
        "/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Erika Mustermann",
            "email": "erika@example.de",
        },
    )
    assert answer.status == 422
    assert (answer.error["code"], answer.error["field"]) == ("field_invalid", "start")


@pytest.mark.parametrize(("name", "day"), [("from", "0001-01-01"), ("to", "9999-12-31")])
def test_a_day_at_the_edge_of_the_calendar_is_a_field_error(
    api: ApiClient, name: str, day: str
) -> None:
    answer = api.get("/locations/oranienburg/slots", query={name: day})
    assert answer.status == 422
    assert (answer.error["code"], answer.error["field"]) == ("field_invalid", name)


@pytest.mark.parametrize(
    "body",
    [b"[" * 16_000, b'{"a":' * 3_000, b"[" * 5_000 + b"]" * 5_000],
    ids=["brackets", "objects", "balanced"],
)
@pytest.mark.parametrize("path", ["/bookings", "/bookings/K7QP-3XMA/cancel"])
def test_deeply_nested_json_is_a_clean_400(api: ApiClient, path: str, body: bytes) -> None:
    answer = api.post(path, raw_body=body)
    assert answer.status == 400
    assert answer.error["code"] in {"body_not_json", "body_invalid"}


# --- only JSON may write: no simple cross-site request without a preflight --------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=----x",
        "text/json",
        "application/json-seq",
        "application/json, text/plain",
        None,
    ],
)
@pytest.mark.parametrize("path", ["/bookings", "/bookings/K7QP-3XMA/cancel"])
def test_a_write_that_is_not_json_is_refused_with_415(
    api: ApiClient, path: str, content_type: str | None
) -> None:
    body: dict[str, Any] = {
        "location": "oranienburg",
        "service": "beratung",
        "start": "2026-12-01T10:00:00+01:00",
        "name": "Erika Mustermann",
        "email": "erika@example.de",
        "token": "x",
    }
    slots_before = api.get("/locations/oranienburg/slots").body

    answer = api.post(path, raw_body=json.dumps(body).encode(), content_type=content_type)

    assert answer.status == 415
    assert answer.error["code"] == "unsupported_media_type"
    assert api.get("/locations/oranienburg/slots").body == slots_before  # nothing booked


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=UTF-8", "Application/JSON"]
)
def test_json_in_any_spelling_of_its_media_type_books(api: ApiClient, content_type: str) -> None:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": "2026-12-01T10:00:00+01:00",
        "name": "Erika Mustermann",
        "email": "erika@example.de",
        "altcha": api.solved_challenge(),  # the proof of work, as the page sends it
    }
    answer = api.post("/bookings", raw_body=json.dumps(body).encode(), content_type=content_type)
    assert answer.status == 201
