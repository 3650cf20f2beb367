"""A function's routes: which handler answers a request of API Gateway's HTTP API (payload
format 2.0), and the answer in the form API Gateway takes.

Why not Powertools' APIGatewayHttpResolver, which this replaces with the same behaviour for
what we use (routes with `<variables>`, exception handlers by class, a not-found handler):
importing it loads Powertools' whole event_handler package, every resolver it has (AppSync
with asyncio, Bedrock, VPC Lattice, ALB) and ~40 event classes, ~23 ms of every function's
cold start, 0.18x `import boto3` (issue 14, `make benchmark`). Powertools' Logger, Metrics
and Tracer stay. tests/unit/test_routing.py holds the matching to Powertools' own.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# A path variable takes what Powertools' resolver takes: RFC 3986's unreserved and
# sub-delimiter characters, ':' and '@', percent escapes, and these others API Gateway
# passes on; never '/'. A segment with another character (a quote, say) matches no route.
_VARIABLE = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"
_PLACEHOLDER = re.compile(r"<(\w+)>")

type RouteHandler = Callable[..., "Response"]
type ErrorHandler = Callable[[Exception], "Response"]


class NotFound(Exception):
    """No route of this function takes the request's method and path."""


@dataclass
class Response:
    """An answer: status, body (text) and headers; `content_type` is the Content-Type header
    unless `headers` name one."""

    status_code: int
    content_type: str | None = None
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def for_api_gateway(self) -> dict[str, Any]:
        headers = dict(self.headers)
        if self.content_type:
            headers.setdefault("Content-Type", self.content_type)
        return {
            "statusCode": self.status_code,
            "body": self.body,
            "isBase64Encoded": False,
            "headers": headers,
            "cookies": [],
        }


class Request:
    """The parts of the event the handlers read. API Gateway passes header names in lower
    case; other callers (tests, a proxy) may not, so they are made lower case here."""

    def __init__(self, event: Mapping[str, Any]) -> None:
        self.raw_event: dict[str, Any] = dict(event)
        headers = event.get("headers") or {}
        self.headers: dict[str, str] = {str(k).lower(): v for k, v in headers.items()}
        self.body: str | None = event.get("body")
        self.is_base64_encoded = bool(event.get("isBase64Encoded"))
        self.query_string_parameters: dict[str, str] = event.get("queryStringParameters") or {}
        context = event.get("requestContext") or {}
        self.http_method = str((context.get("http") or {}).get("method") or "").upper()
        self.request_id = str(context.get("requestId") or "")
        path = str(event.get("rawPath") or "/")
        stage = context.get("stage") or "$default"
        # A named stage is the path's first segment, which the routes do not carry.
        self.path = path[len(stage) + 1 :] if stage != "$default" else path


class Route(NamedTuple):
    """One route of a function: its method and path, the handler, the path's pattern."""

    method: str
    path: str  # as written at the handler, e.g. /bookings/<reference>
    func: RouteHandler
    pattern: re.Pattern[str]

    @property
    def openapi_path(self) -> str:
        """The path as OpenAPI and API Gateway write it: /bookings/{reference}."""
        return _PLACEHOLDER.sub(r"{\1}", self.path)


class Api:
    """The routes of one function, and how its errors are answered."""

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._error_handlers: dict[type[Exception], ErrorHandler] = {}
        self._current: Request | None = None

    @property
    def current_event(self) -> Request:
        """The request being answered (one at a time: Lambda runs one per environment)."""
        if self._current is None:
            raise RuntimeError("no request is being answered")
        return self._current

    @property
    def routes(self) -> list[Route]:
        """In the order they are tried: routes without variables first, as Powertools."""
        return list(self._routes)

    def route(self, method: str, path: str) -> Callable[[RouteHandler], RouteHandler]:
        def register(func: RouteHandler) -> RouteHandler:
            variables = _PLACEHOLDER.sub(lambda name: f"(?P<{name[1]}>{_VARIABLE})", path)
            pattern = re.compile(f"^{variables}$")
            self._routes.append(Route(method.upper(), path, func, pattern))
            self._routes.sort(key=lambda route: "<" in route.path)  # stable: else as written
            return func

        return register

    def get(self, path: str) -> Callable[[RouteHandler], RouteHandler]:
        return self.route("GET", path)

    def post(self, path: str) -> Callable[[RouteHandler], RouteHandler]:
        return self.route("POST", path)

    def delete(self, path: str) -> Callable[[RouteHandler], RouteHandler]:
        return self.route("DELETE", path)

    def exception_handler[E: Exception](
        self, kind: type[E]
    ) -> Callable[[Callable[[E], Response]], Callable[[E], Response]]:
        def register(func: Callable[[E], Response]) -> Callable[[E], Response]:
            # Called only with a `kind` (_handler_for looks the error's classes up).
            self._error_handlers[kind] = func  # type: ignore[assignment]
            return func

        return register

    def not_found(self, func: Callable[[NotFound], Response]) -> Callable[[NotFound], Response]:
        return self.exception_handler(NotFound)(func)

    def resolve(self, event: Mapping[str, Any], context: object = None) -> dict[str, Any]:
        """The answer to `event`, for API Gateway. An exception without a handler is raised."""
        self._current = Request(event)
        try:
            return self._answer(self._current).for_api_gateway()
        finally:
            self._current = None

    def _answer(self, request: Request) -> Response:
        try:
            for route in self._routes:
                if route.method == request.http_method:
                    found = route.pattern.match(request.path)
                    if found:
                        return route.func(**found.groupdict())
            raise NotFound()
        except Exception as error:
            handler = self._handler_for(type(error))
            if handler is None:
                raise
            return handler(error)

    def _handler_for(self, kind: type[Exception]) -> ErrorHandler | None:
        # The most specific handler: the first class of the error's MRO that has one.
        return next(
            (self._error_handlers[k] for k in kind.__mro__ if k in self._error_handlers), None
        )
