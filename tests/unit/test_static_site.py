"""infra/local/static_site.py: the files of web/ and nothing else, with the right content type."""

from pathlib import Path

import pytest

from infra.local.static_site import WEB_ROOT, content_security_policy, static_file, static_headers


@pytest.fixture
def root(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "sub").mkdir(parents=True)
    (web / "index.html").write_text("<p>start</p>")
    (web / "app.js").write_text("run()")
    (web / "sub" / "index.html").write_text("<p>sub</p>")
    (web / ".secret.html").write_text("hidden")
    (web / "notes.bin").write_bytes(b"\x00")
    # Files that may lie next to the page but are not part of it.
    for name in ("README.md", "notes.txt", "data.json", "logo.svg", "map.png", "favicon.ico"):
        (web / name).write_text("not for the public")
    (tmp_path / "outside.html").write_text("outside")
    return web


def test_files_with_their_content_type(root: Path) -> None:
    assert static_file("/", root) == (b"<p>start</p>", "text/html; charset=utf-8")
    assert static_file("/index.html", root) == (b"<p>start</p>", "text/html; charset=utf-8")
    assert static_file("/app.js", root) == (b"run()", "text/javascript; charset=utf-8")
    assert static_file("/sub/", root) == (b"<p>sub</p>", "text/html; charset=utf-8")
    assert static_file("/sub", root) == (b"<p>sub</p>", "text/html; charset=utf-8")


@pytest.mark.parametrize(
    "path",
    [
        "/../outside.html",
        "/%2e%2e/outside.html",
        "/sub/../../outside.html",
        "/..%2foutside.html",
        "/.secret.html",
        "/notes.bin",
        "/missing.html",
        "/nul%00.html",
        "/sub\\..\\..\\outside.html",
        "/README.md",
        "/readme.md",
        "/notes.txt",
        "/data.json",
        "/logo.svg",
        "/map.png",
        "/favicon.ico",
    ],
)
def test_nothing_outside_or_unlisted(root: Path, path: str) -> None:
    assert static_file(path, root) is None


def test_the_shipped_page_is_found() -> None:
    found = static_file("/")
    assert found is not None
    assert found[1] == "text/html; charset=utf-8"
    assert (WEB_ROOT / "terminbuchung.js").is_file()


def test_the_page_catalogues_are_served_and_no_other_json(root: Path) -> None:
    (root / "terminbuchung" / "messages").mkdir(parents=True)
    (root / "terminbuchung" / "messages" / "de.json").write_bytes(b"{}")
    (root / "terminbuchung" / "config.json").write_bytes(b"{}")
    assert static_file("/terminbuchung/messages/de.json", root) == (
        b"{}",
        "application/json; charset=utf-8",
    )
    assert static_file("/terminbuchung/config.json", root) is None
    assert static_file("/terminbuchung/messages/../config.json", root) is None
    found = static_file("/terminbuchung/messages/de.json")
    assert found is not None
    assert found[1] == "application/json; charset=utf-8"


@pytest.mark.parametrize("path", ["/README.md", "/index.html/", "/terminbuchung.js.map"])
def test_the_shipped_folder_serves_only_the_page(path: str) -> None:
    assert (WEB_ROOT / "README.md").is_file()
    assert static_file(path) is None


def test_every_shipped_file_that_is_served_is_one_the_pages_use() -> None:
    served = sorted(p.name for p in WEB_ROOT.iterdir() if static_file(f"/{p.name}") is not None)
    assert served == [
        "datenschutz.html",
        "index.html",
        "page.css",
        "staff",  # the staff console's folder: its index.html at /staff/
        "terminbuchung.css",
        "terminbuchung.js",
    ]


def _directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = values
    return directives


def test_the_page_gets_a_strict_content_security_policy() -> None:
    headers = dict(static_headers("text/html; charset=utf-8"))
    policy = headers["Content-Security-Policy"]
    assert "unsafe" not in policy
    assert _directives(policy) == {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        # The proof of work's Web Worker, from the page's own folder.
        "worker-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    # For browsers that predate frame-ancestors.
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_the_api_on_another_origin_is_allowed_to_connect() -> None:
    policy = _directives(content_security_policy("https://termine-api.oberhavel.de"))
    assert policy["connect-src"] == ["'self'", "https://termine-api.oberhavel.de"]
    assert policy["default-src"] == ["'none'"]


@pytest.mark.parametrize(
    "origin",
    ["https://termine-api.oberhavel.de/", "https://x.de; script-src *", "javascript:", ""],
)
def test_only_a_plain_origin_goes_into_the_policy(origin: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        content_security_policy(origin)
