"""Translate between HTTP and API Gateway HTTP API (payload format 2.0) events."""

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from infra.template import Route

# What a page of the local stack itself (/_dev/...) answers: status, headers, body.
Answer = tuple[int, list[tuple[str, str]], bytes]
DevRoute = Callable[[bytes], Answer]
# A page of the local stack that reads the request's headers too (by lower-case name).
HeaderRoute = Callable[[bytes, dict[str, str]], Answer]


def json_answer(status: int, payload: Any) -> Answer:
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
    return status, headers, json.dumps(payload, ensure_ascii=False, indent=1).encode()


def http_api_event(
    route: Route,
    path_parameters: dict[str, str],
    *,
    method: str,
    path: str,
    raw_query: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    source_ip: str,
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The event API Gateway sends a Lambda integration for this request.

    `authorizer`: what a route's authorizer passes (`requestContext.authorizer`), e.g.
    `{"jwt": {"claims": {...}, "scopes": None}}` (infra/local/jwt_authorizer.py).
    """
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for raw_name, value in headers:
        name = raw_name.lower()
        if name == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
            continue
        # HTTP API joins repeated headers and query parameters with commas.
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value

    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": joined,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": joined.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
    return event


def http_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body from what a handler returned (format 2.0 rules)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # HTTP API's inferred format: a bare value is a 200 JSON answer.
        return 200, [("Content-Type", "application/json")], json.dumps(result).encode()
    headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(v)) for v in values]
    headers += [("Set-Cookie", cookie) for cookie in result.get("cookies") or []]
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return int(result["statusCode"]), headers, body
