"""infra/static_site.py: the files of web/ and nothing else, with the right content type."""

from pathlib import Path

import pytest

from infra.static_site import WEB_ROOT, static_file


@pytest.fixture
def root(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "sub").mkdir(parents=True)
    (web / "index.html").write_text("<p>start</p>")
    (web / "app.js").write_text("run()")
    (web / "sub" / "index.html").write_text("<p>sub</p>")
    (web / ".secret.html").write_text("hidden")
    (web / "notes.bin").write_bytes(b"\x00")
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
    ],
)
def test_nothing_outside_or_unlisted(root: Path, path: str) -> None:
    assert static_file(path, root) is None


def test_the_shipped_page_is_found() -> None:
    found = static_file("/")
    assert found is not None
    assert found[1] == "text/html; charset=utf-8"
    assert (WEB_ROOT / "terminbuchung.js").is_file()
