"""Glue between API Gateway (HTTP API, payload v2) and the domain in `terminbuchung`.

Handlers stay thin: they parse with these helpers, call one use case and return
`respond(...)`; every domain error becomes the API's JSON error with its status here.
"""

import base64
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any, NotRequired, TypedDict

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from http_api.routing import Api
from http_api.routing import Response as Response  # the answer type the handlers return
from terminbuchung import languages
from terminbuchung.cold_start import init_done
from terminbuchung.errors import BookingError, InvalidInput
from terminbuchung.references import new_reference

MAX_BODY_BYTES = 16 * 1024

# One place for the status of every error code the API speaks.
STATUS_BY_CODE = {
    "body_missing": 400,
    "body_not_json": 400,
    "body_invalid": 400,
    "body_too_large": 413,
    "unsupported_media_type": 415,
    # Only the local stack answers these two, in API Gateway's place: a request whose
    # Content-Length is no length, or whose body stops short of it.
    "content_length_invalid": 400,
    "body_incomplete": 400,
    # Staff routes: no valid sign-in (in AWS the authorizer itself answers 401 first), or
    # a member of staff who may not act there.
    "unauthorized": 401,
    "forbidden": 403,
    "location_not_found": 404,
    "booking_not_found": 404,
    "not_found": 404,
    # The proof of work (field altcha) is missing, wrong, expired or used: 403, not a
    # field error the citizen could correct; the page fetches a new puzzle and retries.
    "challenge_failed": 403,
    "slot_full": 409,
    "slot_unavailable": 409,
    "already_booked": 409,
    "too_late": 409,
    "expired": 409,
    "not_confirmed": 409,
    "already_marked": 409,
    "too_early": 409,
    "no_address": 409,
    "reschedule_limit": 409,
    "not_yet_confirmed": 409,
    "priority_invalid": 409,
    "busy": 503,
}
_FIELD_ERROR_STATUS = 422


def status_of(code: str) -> int:
    """The status an error code answers with; a code not listed is a form field's: 422."""
    return STATUS_BY_CODE.get(code, _FIELD_ERROR_STATUS)


class ErrorDetail(TypedDict):
    """What every error answer carries under "error" (docs/openapi.json: ErrorDetail)."""

    code: str
    # Fit to show a citizen, in the body's `language` or as Accept-Language asks; German
    # by default (http_api.answer_language).
    message: str
    field: str | None  # the form field (or header, query parameter) at fault
    # Only with 500 internal_error: to read out on the phone, and API Gateway's request id.
    error_number: NotRequired[str]
    request_id: NotRequired[str]


class ErrorAnswer(TypedDict):
    error: ErrorDetail


# Counted per function when an API answers 500: Lambda's own Errors metric stays 0 for an
# exception the handler turned into a response. Each function's errors alarm in
# template.yaml adds this to Lambda's Errors (docs/OPERATIONS.md, "Alarms").
UNEXPECTED_ERRORS_METRIC = "UnexpectedErrors"

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def _plain(value: object) -> object:
    """The domain's answers are dataclasses; a TypedDict answer may hold them too."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def respond(status: int, payload: object, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type="application/json; charset=utf-8",
        body=json.dumps(payload, ensure_ascii=False, default=_plain),
        # Answers carry personal data or change by the minute: no cache may keep them.
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def error_response(error: BookingError, language: str = languages.GERMAN) -> Response:
    """The error's JSON answer, its message in `language` (answer_language): the one place
    where an error is put into words for the citizen."""
    status = status_of(error.code)
    headers = {"Retry-After": "1"} if status == 503 else None
    message = error.in_language(language)
    body: ErrorAnswer = {"error": {"code": error.code, "message": message, "field": error.field}}
    # The language the answer speaks (RFC 9110 §8.5), and that it depends on the request's.
    headers = {**(headers or {}), "Content-Language": language, "Vary": "Accept-Language"}
    return respond(status, body, headers)


def answer_language(headers: Mapping[str, str], body: str | None, base64_body: bool) -> str:
    """The language of an error answer: the body's `language` field if it names one of ours
    (a booking's own language), else the Accept-Language header's choice, else German."""
    if body and len(body) <= 2 * MAX_BODY_BYTES:
        try:
            data = json.loads(base64.b64decode(body) if base64_body else body)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and data.get("language") in languages.CODES:
            return str(data["language"])
    return languages.preferred(headers.get("accept-language"))


def _language_of(app: Api) -> str:
    event = app.current_event
    return answer_language(event.headers, event.body, bool(event.is_base64_encoded))


def json_body(app: Api) -> object:
    """The request's JSON body, or InvalidInput saying what is wrong with it."""
    event = app.current_event
    media_type = (event.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        # Another site's page may send text/plain, a form or a typeless body to us from a
        # visitor's browser without asking first (no CORS preflight); JSON it cannot send so.
        raise InvalidInput(field=None, code="unsupported_media_type")
    raw = event.body
    if raw is None or raw.strip() == "":
        raise InvalidInput(field=None, code="body_missing")
    try:
        data = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode()
    except ValueError:
        data = b"\xff"  # not base64 as API Gateway writes it: no JSON either
    if len(data) > MAX_BODY_BYTES:
        raise InvalidInput(field=None, code="body_too_large")
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        # RecursionError: thousands of nested brackets, well below the size limit.
        raise InvalidInput(field=None, code="body_not_json") from None


def create_api(logger: Logger) -> Api:
    app = Api()

    @app.exception_handler(BookingError)
    def _booking_error(error: BookingError) -> Response:
        logger.info("request refused", extra={"code": error.code, "field": error.field})
        return error_response(error, _language_of(app))

    @app.not_found
    def _not_found(_: Exception) -> Response:
        # This answers the API's $default route too: unknown paths, and known paths with
        # another method (the function cannot know the other functions' routes, so 404).
        event = app.current_event
        if event.http_method == "OPTIONS" and event.headers.get("access-control-request-method"):
            # API Gateway answers preflights from its CORS configuration; should one reach
            # a function anyway, an error would block the page's request, so no error here.
            return Response(status_code=204, content_type=None, body="")
        return error_response(BookingError(field=None, code="not_found"), _language_of(app))

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response:
        # The stack goes to the log (no personal data in our exceptions). The citizen gets
        # an error number short enough to read out on the phone (8 characters, no 0/O or
        # 1/I/L), which the log line carries too, so support finds it by that number.
        error_number = new_reference().replace("-", "")
        logger.exception("unexpected error", extra={"error_number": error_number})
        count_unexpected_error()
        request_id = app.current_event.request_id
        language = _language_of(app)
        message = languages.text(language, "error.internal_error", error_number=error_number)
        body: ErrorAnswer = {
            "error": {
                "code": "internal_error",
                "message": message,
                "field": None,
                "error_number": error_number,
                "request_id": request_id,
            }
        }
        return respond(500, body, {"Content-Language": language, "Vary": "Accept-Language"})

    return app


def count_unexpected_error() -> None:
    """One UnexpectedErrors datapoint for this function (EMF, written to the log at once)."""
    with single_metric(name=UNEXPECTED_ERRORS_METRIC, unit=MetricUnit.Count, value=1) as metric:
        metric.add_dimension(
            name="function_name", value=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        )


def entry_point(
    app: Api, logger: Logger, tracer: Tracer, metrics: Metrics | None = None
) -> Handler:
    """The Lambda handler for an API: correlation ids, traces without payloads, metrics."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if not came_through_the_edge(event):
            logger.warning("request bypassed the edge", extra={"code": "forbidden"})
            return _bypassed_the_edge(event)
        return app.resolve(event, context)

    # The last line of an API function's module: its objects are made (terminbuchung.cold_start).
    init_done()
    return metrics.log_metrics(handler) if metrics else handler


# The header CloudFront adds when the stack runs behind the edge (template.yaml: Edge).
EDGE_HEADER = "x-origin-verify"


def came_through_the_edge(event: dict[str, Any]) -> bool:
    """Without an edge, every request; behind it, those CloudFront forwarded (with its
    header), so nobody bypasses the WAF's rate limit by the API's own domain."""
    import hmac

    from terminbuchung.settings import read_settings

    expected = read_settings().edge_origin_token
    if not expected:
        return True
    sent = str((event.get("headers") or {}).get(EDGE_HEADER, ""))
    return hmac.compare_digest(sent.encode(), expected.encode())


def _bypassed_the_edge(event: dict[str, Any]) -> dict[str, Any]:
    body = {
        "error": {
            "code": "forbidden",
            "message": BookingError(code="forbidden", key="error.forbidden.edge").in_language(
                languages.preferred((event.get("headers") or {}).get("accept-language"))
            ),
            "field": None,
        }
    }
    return {
        "statusCode": 403,
        "headers": {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }
