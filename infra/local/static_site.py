"""Serve the booking page in web/ (and the staff console in web/staff/, at /staff/) next to
the API, for `make dev` and the browser tests.

In AWS the county hosts the page itself (or a bucket does); locally one origin serving both
lets the page call the API with no setting. Only GET and HEAD, only files below web/, no
directory listings, only the kinds of file the pages use, and with each the headers
web/README.md asks of the county's web server.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from infra.local.api_reference import api_reference_file
from infra.local.http_events import Answer, json_answer

WEB_ROOT = Path(__file__).resolve().parents[2] / "web"

# An allow-list of what the pages are made of. web/ also holds the README and may hold notes
# or drafts: those are not for the public. Add a type here only when a page uses one.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}

# The page's catalogues of texts (web/terminbuchung/messages/<language>.json) are the one
# kind of JSON it reads; JSON anywhere else in web/ stays unpublished.
CATALOGUE_FOLDER = "terminbuchung/messages"
CATALOGUE_TYPE = "application/json; charset=utf-8"

_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", re.IGNORECASE)


def content_security_policy(api_origin: str | None = None) -> str:
    """The policy the page runs under: its own script, style and API, nothing inline.

    `api_origin` is the API's origin when it is not the page's own (e.g.
    https://termine-api.oberhavel.de); the local stack serves both on one origin.
    """
    connect = ["'self'"]
    if api_origin is not None:
        # The origin becomes part of a header: a path, a ";" or a scheme like javascript:
        # would change the policy's meaning.
        if not _ORIGIN.fullmatch(api_origin):
            raise ValueError(f"not an origin (scheme://host[:port]): {api_origin!r}")
        connect.append(api_origin)
    directives = [
        "default-src 'none'",
        "script-src 'self'",
        # The proof of work is solved in a Web Worker from the page's own folder.
        "worker-src 'self'",
        "style-src 'self'",
        # data: for the empty favicon of index.html, which spares a request for /favicon.ico.
        "img-src 'self' data:",
        "connect-src " + " ".join(connect),
        # The widget's forms are sent by script (fetch), never by the browser.
        "form-action 'none'",
        "base-uri 'none'",
        # Only as a header: browsers ignore frame-ancestors in a <meta> element.
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


# The page uses none of these; a script that got in anyway gets none of them either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"


def static_file(path: str, root: Path = WEB_ROOT) -> tuple[bytes, str] | None:  # noqa: PLR0911
    """The body and content type for a URL path, or None when there is no such file."""
    if root == WEB_ROOT and (reference := api_reference_file(path)) is not None:
        return reference  # the API's contract and its reference (make openapi)
    relative = unquote(path).lstrip("/")
    if "\x00" in relative:
        return None
    parts = relative.split("/")
    # Reject traversal and hidden files before touching the file system.
    if any(part in ("..", ".") or part.startswith(".") or "\\" in part for part in parts):
        return None
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        return None
    if target.is_dir():
        target = target / "index.html"
    elif relative.endswith("/"):
        # "/index.html/" is no folder; served, its relative links would resolve below it.
        return None
    content_type = CONTENT_TYPES.get(target.suffix.lower())
    if target.suffix.lower() == ".json" and target.parent == base / CATALOGUE_FOLDER:
        content_type = CATALOGUE_TYPE
    if content_type is None or not target.is_file():
        return None
    return target.read_bytes(), content_type


def static_headers(content_type: str) -> list[tuple[str, str]]:
    return [
        ("Content-Type", content_type),
        # The page changes with every deploy: browsers ask again instead of keeping old code.
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", content_security_policy()),
        # frame-ancestors for browsers that predate it.
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]


# --- the staff console (web/staff/) ---------------------------------------------------------

# Minutes without a key press, click or request after which the console signs out. A
# deploy writes its own value into the console's config.json (web/staff/README.md).
STAFF_IDLE_MINUTES = 15


def staff_console_config(
    client_id: str, idle_minutes: int = STAFF_IDLE_MINUTES, user_pool_id: str = ""
) -> dict[str, Any]:
    """What web/staff/ reads from config.json: where to sign in, with which app client, and
    the pool's id (SRP's proof names the pool).

    Locally Cognito's JSON API is on the stack's own origin (infra.local.dev_cognito), so the
    page's `connect-src 'self'` covers it; in AWS it is
    https://cognito-idp.<region>.amazonaws.com/ and the API's origin is `api_base`.
    """
    return {
        "api_base": "",
        "cognito_endpoint": "/_dev/cognito/",
        "client_id": client_id,
        "user_pool_id": user_pool_id,
        "idle_minutes": idle_minutes,
    }


def staff_console_routes(
    client_id: str, user_pool_id: str = ""
) -> dict[tuple[str, str], Callable[[bytes], Answer]]:
    """The console's configuration, and /staff without its slash sent to /staff/ (the
    console's modules are addressed relative to its folder)."""
    idle = int(os.environ.get("STAFF_IDLE_MINUTES") or STAFF_IDLE_MINUTES)
    moved: Answer = (308, [("Location", "/staff/"), ("Cache-Control", "no-store")], b"")
    return {
        ("GET", "/staff/config.json"): lambda _: json_answer(
            200, staff_console_config(client_id, idle, user_pool_id)
        ),
        ("GET", "/staff"): lambda _: moved,
    }
