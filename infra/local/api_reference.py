"""The API's contract on the local stack: docs/openapi.json at /openapi.json and a browsable
reference at /docs/api (Swagger UI from npm, served from node_modules, never a CDN).

Served like the booking page (infra/local/static_site.py): GET and HEAD, the page's headers
and Content-Security-Policy; the viewer's own files only, by an allow-list.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SWAGGER_UI = ROOT / "node_modules" / "swagger-ui-dist"

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"
JAVASCRIPT = "text/javascript; charset=utf-8"

FILES: dict[str, tuple[Path, str]] = {
    "/openapi.json": (ROOT / "docs" / "openapi.json", JSON),
    "/docs/api": (ROOT / "docs" / "api" / "index.html", HTML),
    "/docs/api/reference.js": (ROOT / "docs" / "api" / "reference.js", JAVASCRIPT),
    "/docs/api/swagger-ui.css": (SWAGGER_UI / "swagger-ui.css", CSS),
    "/docs/api/swagger-ui-bundle.js": (SWAGGER_UI / "swagger-ui-bundle.js", JAVASCRIPT),
}


def api_reference_file(path: str) -> tuple[bytes, str] | None:
    """The body and content type for one of the reference's addresses, else None."""
    found = FILES.get(path.rstrip("/") if path != "/" else path)
    if found is None or not found[0].is_file():
        return None
    return found[0].read_bytes(), found[1]
