"""Serve the booking page in web/ next to the API, for `make dev` and the browser tests.

In AWS the county hosts the page itself (or a bucket does); locally one origin serving both
lets the page call the API with no setting. Only GET and HEAD, only files below web/, no
directory listings, and a fixed list of content types.
"""

from pathlib import Path
from urllib.parse import unquote

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}


def static_file(path: str, root: Path = WEB_ROOT) -> tuple[bytes, str] | None:
    """The body and content type for a URL path, or None when there is no such file."""
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
    content_type = CONTENT_TYPES.get(target.suffix.lower())
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
    ]
