"""The whole stack on one machine: `make dev` (what `sam local start-api` does, without Docker).

Reads the routes of template.yaml and serves them at http://127.0.0.1:3000 by invoking the
very same handlers with API Gateway HTTP API events; every other GET serves the booking
page from web/ (infra/local/static_site.py), so the page finds the API on its own origin.
AWS is in memory (moto), or DynamoDB Local when --dynamodb-endpoint is given (the integration
tests). At start the table is created from the template and the daily release runs once.
The table's stream drives the e-mail function; SES is always moto's, and /_dev/outbox
shows what it sent (infra.local.dev_mail). Cognito is moto's too: the template's staff pool
with demo users (infra.local.dev_cognito), and every route whose event names an authorizer
gets its token checked as API Gateway's JWT authorizer would (infra.local.jwt_authorizer).

    python -m infra.local [--port 3000] [--dynamodb-endpoint http://localhost:8000]
"""

import argparse
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from contextlib import nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from infra.local.dev_clock import DevClock
from infra.local.dev_cognito import DevCognito
from infra.local.dev_mail import DevMail
from infra.local.dev_scheduler import ACCOUNT, DevScheduler, function_arn
from infra.local.http_events import (
    DevRoute,
    HeaderRoute,
    http_api_event,
    http_response,
    json_answer,
)
from infra.local.jwt_authorizer import LocalJwtAuthorizer, TokenRefused
from infra.local.lambda_runtime import LocalFunction
from infra.local.static_site import staff_console_routes, static_file, static_headers
from infra.template import Cors, Route, Template

LOCAL_TABLE = "terminbuchung-local"
# For the local stack only: in AWS the key comes from Secrets Manager.
LOCAL_TOKEN_KEY = "local-development-key-not-for-production"  # noqa: S105
LOCAL_CHALLENGE_KEY = "local-challenge-key-not-for-production"
LOCAL_ORIGINS = "http://127.0.0.1:3000,http://localhost:3000"
LOCAL_REGION = "eu-central-1"
LOCAL_HOLD_SCHEDULES = "terminbuchung-local-holds"
# The local stack's 401 for a staff route, in the API's error shape. In AWS the JWT
# authorizer answers itself, before any function: 401 {"message": "Unauthorized"}.
NOT_SIGNED_IN = "Bitte melden Sie sich an."
SIGN_IN_AGAIN = "Ihre Anmeldung ist ungültig oder abgelaufen. Bitte melden Sie sich neu an."

# API Gateway's limit for an HTTP API request body: a Content-Length above it is refused
# before a byte of the body is read (the functions refuse anything above 16 KiB themselves).
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# How long the whole body may take to arrive once the headers are in. Then the client gets
# 400, as from API Gateway, instead of holding a thread for as long as it keeps quiet.
BODY_TIMEOUT_SECONDS = 3.0
# After refusing a request, how long to swallow what the client still sends: closing a
# socket with unread data resets the connection, and the client may lose the answer.
LINGER_SECONDS = 1.0
# ASCII digits only: no sign, no blanks, no "1e3" or "0x10" (int() would take some of these).
_DIGITS = re.compile(r"[0-9]+")


class Refused(Exception):
    """A request the stack answers itself, as API Gateway's front door would."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        from http_api import STATUS_BY_CODE  # from the layer, on the path once a function is

        return STATUS_BY_CODE[self.code]

    @property
    def payload(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "field": None}}


def content_length(values: list[str]) -> int:
    """The announced body length, from every Content-Length header of the request."""
    if not values:
        return 0
    value = values[0].strip()
    # Two different lengths: which one a proxy in front believed is unknown (smuggling).
    if any(other.strip() != value for other in values) or not _DIGITS.fullmatch(value):
        raise Refused("content_length_invalid", "Die Längenangabe der Anfrage ist ungültig.")
    # Counting digits first: int() refuses numbers of thousands of digits with ValueError.
    digits = value.lstrip("0")
    if len(digits) > len(str(MAX_REQUEST_BYTES)) or int(digits or "0") > MAX_REQUEST_BYTES:
        raise Refused("body_too_large", "Die Anfrage ist zu groß.")
    return int(digits or "0")


def local_environment(dynamodb_endpoint: str | None, template: Template) -> dict[str, str]:
    environment = template.environment({"BookingTable": LOCAL_TABLE})
    environment.update(
        {
            "AWS_REGION": LOCAL_REGION,
            "AWS_DEFAULT_REGION": LOCAL_REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            # The shell may set both to try a key rotation (README, Operations).
            "TOKEN_KEY": os.environ.get("TOKEN_KEY") or LOCAL_TOKEN_KEY,
            "CHALLENGE_KEY": os.environ.get("CHALLENGE_KEY") or LOCAL_CHALLENGE_KEY,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            # Unconfirmed bookings' one-time schedules, in moto's Scheduler; the local
            # scheduler (infra.local.dev_scheduler) fires them by the stack's clock.
            "HOLD_SCHEDULE_GROUP": LOCAL_HOLD_SCHEDULES,
            "HOLD_EXPIRY_FUNCTION_ARN": function_arn(LOCAL_REGION, "ExpireHoldFunction"),
            "HOLD_EXPIRY_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/{LOCAL_HOLD_SCHEDULES}",
        }
    )
    if previous_key := os.environ.get("TOKEN_KEY_PREVIOUS"):
        environment["TOKEN_KEY_PREVIOUS"] = previous_key
    if dynamodb_endpoint:
        environment["DYNAMODB_ENDPOINT"] = dynamodb_endpoint
    return environment


class LocalStack:
    def __init__(self, template: Template, serialize: bool) -> None:
        self.template = template
        self.routes = template.routes()
        self.default_route = template.default_route()
        self.cors = template.cors()
        self.functions = {
            name: LocalFunction(name, code_dir, handler)
            for name, (code_dir, handler) in template.functions().items()
        }
        # moto's in-memory backend is not built for concurrent writers; DynamoDB Local is.
        self.gate: Any = threading.Lock() if serialize else nullcontext()
        # Pages of the local stack only (/_dev/...), not of the API: by method and path.
        self.dev_routes: dict[tuple[str, str], DevRoute] = {
            ("POST", "/_dev/release"): lambda _: json_answer(200, self.release()),
            ("POST", "/_dev/ops"): lambda body: json_answer(
                *self.ops(json.loads(body or b"{}").get("argv", []))
            ),
        }
        # Pages of the local stack that read the request's headers (Cognito's API).
        self.dev_proxies: dict[tuple[str, str], HeaderRoute] = {}
        # The template's JWT authorizers, once the local user pool exists (use_authorizers).
        self.authorizers: dict[str, LocalJwtAuthorizer] = {}
        self._config_stamp = 0

    def use_authorizers(self, authorizers: dict[str, LocalJwtAuthorizer]) -> None:
        """Check that every route's authorizer exists, as a deployment would."""
        for route in self.routes:
            if route.authorizer and route.authorizer not in authorizers:
                raise ValueError(f"{route.route_key}: no authorizer {route.authorizer!r}")
        self.authorizers = authorizers

    def authorize(self, route: Route, headers: dict[str, str]) -> dict[str, Any] | None:
        """`requestContext.authorizer` for the route's function; TokenRefused: answer 401."""
        if route.authorizer is None:
            return None
        return self.authorizers[route.authorizer].authorize(headers)

    def follow_config(self) -> None:
        """An edited site configuration takes effect as after a deploy: at the next call."""
        from terminbuchung.config import config_path, site_config

        stamp = config_path().stat().st_mtime_ns
        if stamp != self._config_stamp:
            if self._config_stamp:
                print(f"{config_path().name} changed: the next calls read it anew", file=sys.stderr)
            site_config.cache_clear()
            self._config_stamp = stamp

    def create_table(self) -> None:
        import boto3

        client = boto3.client("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT"))
        if LOCAL_TABLE in client.list_tables()["TableNames"]:
            return
        client.create_table(**self.template.table(LOCAL_TABLE))
        client.get_waiter("table_exists").wait(TableName=LOCAL_TABLE)
        if attribute := self.template.ttl_attribute():
            client.update_time_to_live(
                TableName=LOCAL_TABLE,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
            )

    def release(self) -> dict[str, Any]:
        """What the hourly schedule does in AWS: invoke the release function."""
        self.follow_config()
        with self.gate:
            result: dict[str, Any] = self.functions["ReleaseSlotsFunction"].invoke(
                {"source": "terminbuchung.release-schedule"}
            )
        return result

    def ops(self, argv: list[str]) -> tuple[int, dict[str, str]]:
        """`python -m infra.ops` against this stack: run in this process, on its table."""
        from infra.ops.cli import run_in_local_stack

        self.follow_config()
        with self.gate:
            return run_in_local_stack(argv)

    def route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None

    def invoke(self, route: Route, event: dict[str, Any]) -> Any:
        self.follow_config()
        with self.gate:
            return self.functions[route.function].invoke(event)


def cors_headers(cors: Cors, origin: str | None, preflight: bool) -> list[tuple[str, str]]:
    """What API Gateway adds for the template's CorsConfiguration."""
    if not origin or not (origin in cors.allow_origins or "*" in cors.allow_origins):
        return []
    headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    if preflight:
        headers += [
            ("Access-Control-Allow-Methods", ",".join(cors.allow_methods)),
            ("Access-Control-Allow-Headers", ",".join(cors.allow_headers)),
            ("Access-Control-Max-Age", str(cors.max_age)),
        ]
    return headers


def make_handler(stack: LocalStack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "terminbuchung-local"

        def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, payload: Any, extra: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
            body = json.dumps(payload, ensure_ascii=False, indent=1).encode()
            self._send(status, [("Content-Type", "application/json; charset=utf-8"), *extra], body)

        def _read_body(self) -> bytes:
            length = content_length(self.headers.get_all("Content-Length") or [])
            deadline = time.monotonic() + BODY_TIMEOUT_SECONDS
            chunks: list[bytes] = []
            missing = length
            try:
                while missing > 0:
                    # One deadline for the whole body: a client trickling a byte at a time
                    # must not hold the thread either.
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self.connection.settimeout(left)
                    chunk = self.rfile.read1(min(missing, 65536))
                    if not chunk:
                        break  # the client closed its side early
                    chunks.append(chunk)
                    missing -= len(chunk)
            except TimeoutError:
                pass
            finally:
                self.connection.settimeout(self.timeout)
            if missing > 0:
                raise Refused(
                    "body_incomplete",
                    "Die Anfrage ist nicht vollständig angekommen. Bitte senden Sie sie erneut.",
                )
            return b"".join(chunks)

        def _refuse(self, refused: Refused, origin: str | None) -> int:
            """Answer and close: the rest of the body, if any, is not read."""
            extra = [("Connection", "close"), *cors_headers(stack.cors, origin, False)]
            self._json(refused.status, refused.payload, extra)
            try:
                self.connection.shutdown(socket.SHUT_WR)  # the client sees the end at once
                self.connection.settimeout(LINGER_SECONDS)
                deadline = time.monotonic() + LINGER_SECONDS
                swallowed = 0
                while time.monotonic() < deadline and swallowed < MAX_REQUEST_BYTES:
                    chunk = self.connection.recv(65536)
                    if not chunk:
                        break
                    swallowed += len(chunk)
            except OSError:
                pass  # reset or timed out: either way the connection is done
            return refused.status

        def _handle(self) -> None:
            started = time.perf_counter()
            url = urlsplit(self.path)
            origin = self.headers.get("Origin")
            try:
                body = self._read_body()
            except Refused as refused:
                status = self._refuse(refused, origin)
            else:
                if dev_route := stack.dev_routes.get((self.command, url.path)):
                    status, headers, payload = dev_route(body)
                    self._send(status, headers, payload)
                elif dev_proxy := stack.dev_proxies.get((self.command, url.path)):
                    status, headers, payload = dev_proxy(body, self._header_map())
                    self._send(status, headers, payload)
                else:
                    status = self._dispatch(url.path, url.query, body, origin)
            elapsed = (time.perf_counter() - started) * 1000
            print(f"{self.command} {url.path} -> {status} ({elapsed:.0f} ms)", file=sys.stderr)

        def _header_map(self) -> dict[str, str]:
            """Headers by lower-case name; repeated ones joined with commas (as HTTP API)."""
            joined: dict[str, str] = {}
            for raw_name, value in self.headers.items():
                name = raw_name.lower()
                joined[name] = f"{joined[name]},{value}" if name in joined else value
            return joined

        def _unauthorized(self, refused: TokenRefused, origin: str | None) -> int:
            """What the route's JWT authorizer answers instead of the function (401)."""
            message = SIGN_IN_AGAIN if refused.token_given else NOT_SIGNED_IN
            payload = Refused("unauthorized", message).payload
            challenge = 'Bearer error="invalid_token"' if refused.token_given else "Bearer"
            extra = [
                ("Cache-Control", "no-store"),
                ("WWW-Authenticate", challenge),
                *cors_headers(stack.cors, origin, False),
            ]
            self._json(401, payload, extra)
            print(f"unauthorized: {refused.reason}", file=sys.stderr)  # never the token
            return 401

        def _dispatch(self, path: str, query: str, body: bytes, origin: str | None) -> int:
            if self.command == "OPTIONS" and self.headers.get("Access-Control-Request-Method"):
                self._send(204, cors_headers(stack.cors, origin, preflight=True), b"")
                return 204
            found = stack.route(self.command, path)
            if found is None and self.command in ("GET", "HEAD") and (page := static_file(path)):
                self._send(200, static_headers(page[1]), page[0])  # the booking page in web/
                return 200
            if found is None and stack.default_route is not None:
                found = stack.default_route, {}  # the API's answer for what it has no route for
            if found is None:
                # API Gateway's own answer when the API has no $default route.
                self._json(404, {"message": "Not Found"}, cors_headers(stack.cors, origin, False))
                return 404
            route, params = found
            try:
                authorizer = stack.authorize(route, self._header_map())
            except TokenRefused as refused:
                return self._unauthorized(refused, origin)
            event = http_api_event(
                route,
                params,
                method=self.command,
                path=path,
                raw_query=query,
                headers=self.headers.items(),
                body=body,
                source_ip=self.client_address[0],
                authorizer=authorizer,
            )
            try:
                result = stack.invoke(route, event)
            except Exception:
                # What API Gateway answers when the function itself fails.
                traceback.print_exc()
                self._json(500, {"message": "Internal Server Error"})
                return 500
            status, headers, payload = http_response(result)
            self._send(status, headers + cors_headers(stack.cors, origin, False), payload)
            return status

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, QUERY, ...) reaches the routes too, as API Gateway's
            # $default route takes any method; http.server alone answered an HTML 501
            # (found by schemathesis).
            if name.startswith("do_"):
                return self._handle
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request is printed by _handle, without client addresses

    return Handler


def start_cognito(stack: LocalStack, template: Template) -> DevCognito:
    """The staff pool in moto, its demo users, and the JWT authorizers checking its tokens."""
    from terminbuchung.config import site_config

    site = site_config()
    staff = DevCognito(template, os.environ.get("AWS_REGION", LOCAL_REGION))
    with staff.lock:
        staff.start([loc.id for loc in site.locations], [loc.id for loc in site.open_locations])
    # Variables that name the pool or its client, should a function need them; what the
    # stack set before (local_environment) stays.
    names = {"BookingTable": LOCAL_TABLE, **staff.resource_names}
    for name, value in template.environment(names).items():
        os.environ.setdefault(name, value)
    authorizers = template.jwt_authorizers(staff.resource_names, staff.pseudo_parameters)
    stack.use_authorizers({name: LocalJwtAuthorizer(a) for name, a in authorizers.items()})
    stack.dev_routes.update(staff.routes())
    stack.dev_proxies.update(staff.proxies())
    # The staff console at /staff/ learns the pool's client here (config.json).
    stack.dev_routes.update(staff_console_routes(staff.client_id, staff.pool_id))
    return staff


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 resets connections when a test fires 50 requests at once;
    # the benchmark's stampede opens 1,000 at once (Linux caps it at net.core.somaxconn).
    request_queue_size = 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--dynamodb-endpoint", default=os.environ.get("DYNAMODB_ENDPOINT"))
    parser.add_argument("--no-release", action="store_true", help="do not release slots at start")
    args = parser.parse_args(argv)

    parameters = {
        # The stack's own origin on whatever port it runs, and the usual one of `make dev`.
        "AllowedOrigins": os.environ.get(
            "ALLOWED_ORIGINS",
            f"{LOCAL_ORIGINS},http://127.0.0.1:{args.port},http://localhost:{args.port}",
        ),
        "Stage": "dev",
    }
    if "SITE_CONFIG" in os.environ:  # another site file, e.g. the tests' always-open one
        parameters["SiteConfigFile"] = os.environ["SITE_CONFIG"]
    # The links in the e-mails lead to the booking page this stack serves.
    parameters["BookingPageUrl"] = f"http://{args.host}:{args.port}/"
    template = Template(parameters=parameters)
    os.environ.update(local_environment(args.dynamodb_endpoint, template))
    # moto is all of AWS, or all but DynamoDB: requests to DynamoDB Local's endpoint are no
    # AWS address, so moto lets them through (tests/integration checks that).
    from moto import mock_aws

    mock_aws().start()

    stack = LocalStack(template, serialize=not args.dynamodb_endpoint)
    stack.create_table()
    mail = DevMail(template, stack.functions, LOCAL_TABLE, args.dynamodb_endpoint, stack.gate)
    mail.start()
    stack.dev_routes.update(mail.routes())
    # The clock tests move (/_dev/clock), and the one-time schedules it fires.
    dev_clock = DevClock()
    dev_clock.install()
    stack.dev_routes.update(dev_clock.routes())
    scheduler = DevScheduler(
        LOCAL_HOLD_SCHEDULES, LOCAL_REGION, stack.functions, stack.gate, dev_clock.now
    )
    scheduler.create_group()
    scheduler.start()
    stack.dev_routes.update(scheduler.routes())
    staff = start_cognito(stack, template)
    if not args.no_release:
        released = stack.release()
        print(f"released {released['created']} slots", file=sys.stderr)

    server = LocalServer((args.host, args.port), make_handler(stack))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    backend = args.dynamodb_endpoint or "moto (in memory)"
    print(f"Terminbuchung läuft: http://{args.host}:{server.server_port}/  (DynamoDB: {backend})")
    print(f"Versandte E-Mails: http://{args.host}:{server.server_port}/_dev/outbox.html")
    print(f"Anmeldung für Mitarbeitende (lokal): {staff.pool_id}, App-Client {staff.client_id}")
    for user in staff.users:
        print(f"  {user.username:24} Passwort {user.password:24} Gruppen {', '.join(user.groups)}")
    print(f"  Als JSON: http://{args.host}:{server.server_port}/_dev/staff-users")
    print("Beenden mit Ctrl-C.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.stop()
        mail.stop()
        server.server_close()


if __name__ == "__main__":
    main()
