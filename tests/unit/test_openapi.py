"""docs/openapi.json: generated from the handlers' contracts, the same as committed, valid
OpenAPI 3.1, and naming exactly the routes of template.yaml."""

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from http_api import STATUS_BY_CODE
from http_api.contract import Answer, Operation
from infra.openapi import DOCUMENT, Route, document, rendered, resolver_routes
from infra.template import Template
from terminbuchung.forms import CancelForm

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return document()


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_committed_document_is_the_generated_one(generated: dict[str, Any]) -> None:
    assert DOCUMENT.read_text() == rendered(generated), "run make openapi and commit the result"


def test_the_document_is_valid_openapi_3_1(generated: dict[str, Any]) -> None:
    assert generated["openapi"] == "3.1.0"
    validate(json.loads(DOCUMENT.read_text()))


def test_every_route_of_the_template_is_in_the_document_and_no_other() -> None:
    in_template = {(route.method, route.path) for route in Template().routes()}
    in_document = set(_operations(json.loads(DOCUMENT.read_text())))
    assert in_template - in_document == set(), "routes without a contract in the document"
    assert in_document - in_template == set(), "operations the API does not route"


def test_the_resolvers_route_what_the_template_routes_to_them() -> None:
    by_function = {(r.function, r.method, r.path) for r in Template().routes()}
    declared = {(r.function, r.method, r.path) for r in resolver_routes()}
    assert declared == by_function


def test_the_staff_routes_and_only_they_ask_for_the_staff_token(
    generated: dict[str, Any],
) -> None:
    operations = _operations(generated)
    for route in Template().routes():
        operation = operations[(route.method, route.path)]
        staff = route.authorizer == "StaffAuthorizer"
        assert (operation.get("security") == [{"StaffToken": []}]) is staff, route.route_key
        assert ("401" in operation["responses"]) is staff, route.route_key


def test_each_error_code_is_documented_under_its_status(generated: dict[str, Any]) -> None:
    for key, operation in _operations(generated).items():
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            error = response["content"]["application/json"]["schema"]["properties"]["error"]
            for code in error["properties"]["code"]["enum"]:
                expected = 500 if code == "internal_error" else STATUS_BY_CODE.get(code, 422)
                assert int(status) == expected, (key, code)
            assert set(error["required"]) == {"code", "message", "field"}


def test_writes_name_their_body_model_and_its_field_errors(generated: dict[str, Any]) -> None:
    booking = _operations(generated)[("POST", "/bookings")]
    schema = booking["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BookingForm"}
    form = generated["components"]["schemas"]["BookingForm"]
    assert form["additionalProperties"] is False
    assert form["properties"]["name"]["maxLength"] == 100
    assert {"location", "service", "start", "name", "email"} <= set(form["required"])
    codes_422 = booking["responses"]["422"]["content"]["application/json"]["schema"]
    assert {"field_missing", "field_unknown", "idempotency_key_reused"} <= set(
        codes_422["properties"]["error"]["properties"]["code"]["enum"]
    )
    assert [p["name"] for p in booking["parameters"]] == ["Idempotency-Key", "Accept-Language"]
    assert booking["responses"]["415"]["description"] == "unsupported_media_type"
    assert "Retry-After" in booking["responses"]["503"]["headers"]


def test_every_operation_takes_accept_language_and_its_errors_say_their_language(
    generated: dict[str, Any],
) -> None:
    for (method, path), operation in _operations(generated).items():
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Accept-Language" in names, (method, path)
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                language = response["headers"]["Content-Language"]["schema"]
                assert language["enum"] == ["de", "de-x-ls", "en", "uk", "ar"], (method, status)


def test_the_booking_token_header_and_the_calendar_file(generated: dict[str, Any]) -> None:
    operations = _operations(generated)
    for path in ("/bookings/{reference}", "/bookings/{reference}/calendar.ics"):
        parameters = operations[("GET", path)]["parameters"]
        names = [(p["name"], p["in"], p["required"]) for p in parameters]
        assert names == [
            ("reference", "path", True),
            ("X-Booking-Token", "header", True),
            ("Accept-Language", "header", False),
        ]
    calendar = operations[("GET", "/bookings/{reference}/calendar.ics")]["responses"]["200"]
    assert list(calendar["content"]) == ["text/calendar"]


def test_a_handler_without_a_contract_stops_the_generation() -> None:
    def undocumented() -> None:
        """A route someone added without its contract."""

    with pytest.raises(LookupError, match="no contract"):
        document([Route("GET", "/new", undocumented, "NewFunction")])


def test_a_handler_reads_its_body_through_the_model_the_document_names() -> None:
    contract = Operation(
        summary="Absagen",
        body=CancelForm,
        answers=(Answer(200, None, "abgesagt"),),
    )

    @contract
    def cancel() -> None:
        """The decorator leaves the handler as it is and only carries the contract."""

    doc = document([Route("POST", "/bookings/{reference}/cancel", cancel, "CancelFunction")])
    body = doc["paths"]["/bookings/{reference}/cancel"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/CancelForm")


def test_links_lead_to_operations_of_the_document(generated: dict[str, Any]) -> None:
    operations = _operations(generated)
    ids = {operation["operationId"] for operation in operations.values()}
    targets = set()
    for operation in operations.values():
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids, link
                targets.add(link["operationId"])
    # book -> show -> cancel, the sequence a client (and the fuzzer's stateful phase) follows.
    assert {"show_booking", "cancel_booking", "check_in"} <= targets
