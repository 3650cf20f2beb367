"""http_api.routing answers as Powertools' APIGatewayHttpResolver did, which it replaced
(for the cold start): the same route for every method and path, with the same variables, and
the same answer shape. Every route of every function, against thousands of paths."""

import random
import re
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse

from http_api.routing import Api, NotFound, Request, Response
from infra.openapi import resolver_routes

METHODS = ("GET", "POST", "DELETE", "PUT", "OPTIONS")
# What a path variable may meet: letters of any script, every printable ASCII character
# (the quote and the slash among them), percent escapes, a space.
CHARACTERS = [*(chr(c) for c in range(33, 127)), "ä", "ß", "Ж", "ا", " ", "%20", "%2F", "/"]


def _all_routes() -> list[tuple[str, str]]:
    """(method, path as written at the handler) of every function's routes."""
    return sorted({(r.method, re.sub(r"{(\w+)}", r"<\1>", r.path)) for r in resolver_routes()})


ROUTES = _all_routes()


def _event(method: str, path: str, stage: str = "$default") -> dict[str, Any]:
    return {
        "version": "2.0",
        "rawPath": path,
        "headers": {"Content-Type": "application/json"},
        "requestContext": {"http": {"method": method}, "stage": stage, "requestId": "r-1"},
    }


def _both() -> tuple[Api, APIGatewayHttpResolver]:
    ours, theirs = Api(), APIGatewayHttpResolver()
    for method, path in ROUTES:

        def answer(_method: str = method, _path: str = path, **variables: str) -> Any:
            return f"{_method} {_path} {sorted(variables.items())}"

        ours.route(method, path)(lambda _a=answer, **v: Response(200, "text/plain", _a(**v)))
        theirs.route(path, method)(
            lambda _a=answer, **v: PowertoolsResponse(200, "text/plain", _a(**v))
        )

    @ours.not_found
    def _missing(_: NotFound) -> Response:
        return Response(404, "text/plain", "not found")

    @theirs.not_found
    def _theirs_missing(_: Exception) -> PowertoolsResponse[str]:
        return PowertoolsResponse(404, "text/plain", "not found")

    return ours, theirs


def _paths(chance: random.Random) -> list[str]:
    paths = ["/", "", "/bookings", "/bookings/", "/staff", "/nowhere"]
    for _, route in ROUTES:
        for _ in range(60):
            value = "".join(chance.choice(CHARACTERS) for _ in range(chance.randint(0, 4)))
            paths.append(route.replace("<", "{").replace(">", "}").format_map(_Any(value)))
        paths.append(route + "/")
    return paths


class _Any(dict[str, str]):
    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, _: str) -> str:
        return self.value


def test_every_route_is_compared() -> None:
    assert len(ROUTES) == 23
    assert ("GET", "/bookings/<reference>/calendar.ics") in ROUTES


@pytest.mark.parametrize("stage", ["$default", "prod"])
def test_the_same_route_and_variables_as_powertools(stage: str) -> None:
    ours, theirs = _both()
    chance = random.Random(20261126)  # noqa: S311 - test inputs, no secret
    compared = found = 0
    for path in _paths(chance):
        for method in METHODS:
            raw = path if stage == "$default" else f"/{stage}{path}"
            answer = ours.resolve(_event(method, raw, stage))
            expected = theirs.resolve(_event(method, raw, stage), None)  # type: ignore[arg-type]
            assert (answer["statusCode"], answer["body"]) == (
                expected["statusCode"],
                expected["body"],
            ), (method, raw)
            assert answer["headers"] == expected["headers"]
            compared += 1
            found += answer["statusCode"] == 200
    assert compared > 5000
    assert 0.1 < found / compared < 0.5  # both kinds of outcome were compared


def test_an_error_goes_to_the_handler_of_its_closest_class() -> None:
    app = Api()

    class Refused(ValueError):
        pass

    @app.get("/refuse")
    def refuse() -> Response:
        raise Refused()

    @app.get("/fail")
    def fail() -> Response:
        raise KeyError("x")

    app.exception_handler(Exception)(lambda _: Response(500, body="any"))
    app.exception_handler(ValueError)(lambda _: Response(422, body="value"))
    assert app.resolve(_event("GET", "/refuse"))["statusCode"] == 422
    assert app.resolve(_event("GET", "/fail"))["statusCode"] == 500


def test_an_error_without_a_handler_is_raised_and_the_request_forgotten() -> None:
    app = Api()

    @app.get("/fail")
    def fail() -> Response:
        raise KeyError("x")

    with pytest.raises(KeyError):
        app.resolve(_event("GET", "/fail"))
    with pytest.raises(RuntimeError):
        _ = app.current_event
    with pytest.raises(NotFound):
        app.resolve(_event("GET", "/elsewhere"))


def test_the_request_as_the_handlers_read_it() -> None:
    event = {
        **_event("post", "/prod/bookings", "prod"),
        "headers": {"X-Booking-Token": "t", "accept-language": "uk"},
        "body": "e30=",
        "isBase64Encoded": True,
        "queryStringParameters": {"from": "2026-12-01"},
    }
    request = Request(event)
    assert request.http_method == "POST"
    assert request.path == "/bookings"
    assert request.headers == {"x-booking-token": "t", "accept-language": "uk"}
    assert (request.body, request.is_base64_encoded) == ("e30=", True)
    assert request.query_string_parameters == {"from": "2026-12-01"}
    assert request.request_id == "r-1"
    assert request.raw_event == event


def test_the_answer_as_api_gateway_takes_it() -> None:
    answer = Response(201, "application/json", "{}", {"Cache-Control": "no-store"})
    assert answer.for_api_gateway() == {
        "statusCode": 201,
        "body": "{}",
        "isBase64Encoded": False,
        "headers": {"Cache-Control": "no-store", "Content-Type": "application/json"},
        "cookies": [],
    }
    own_type = Response(200, "text/plain", "", {"Content-Type": "text/calendar"})
    assert own_type.for_api_gateway()["headers"] == {"Content-Type": "text/calendar"}
