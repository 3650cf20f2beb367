"""Browser tests of the booking page: the local stack serves page and API, headless Chromium.

Debian's chromium (`make e2e` installs it with apt); Playwright drives it through
`executable_path`, so no browser is downloaded. Each step is checked with axe-core; the
results per step go to test-artifacts/axe-report.md, the screenshots to
test-artifacts/screenshots/ (both ignored by git, for review).

Every page is watched: an uncaught error, a console error or a Content Security Policy
violation fails the test that caused it (see `watch` and `watch_csp`).
"""

import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.conftest import TEST_SITE
from tests.local_processes import local_stack

E2E = Path(__file__).resolve().parent
ROOT = E2E.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
NO_SLOTS_SITE = E2E / "site-no-slots.toml"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No network here: these flags keep Chromium from waiting for services it cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCAL_ORIGINS = "http://127.0.0.1:3000,http://localhost:3000"

BLOCKING_IMPACTS = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")

expect.set_options(timeout=15_000)


# --- processes ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-logs")


@dataclass(frozen=True)
class CountySite:
    """Another web server, on another origin, where the county embeds the widget."""

    origin: str
    folder: Path


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def county_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountySite]:
    folder = tmp_path_factory.mktemp("county-site")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(folder))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # "localhost" and "127.0.0.1" are different origins: the API is called cross-origin.
    yield CountySite(f"http://localhost:{server.server_port}", folder)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_url(logs: Path, county_site: CountySite) -> Iterator[str]:
    """`make dev` with the always-open test site: page and API on one origin."""
    # The county's origin may call the API from the browser (CORS), as AllowedOrigins in AWS.
    origins = f"{LOCAL_ORIGINS},{county_site.origin}"
    with local_stack(logs / "stack.log", site_config=TEST_SITE, allowed_origins=origins) as url:
        yield url


@pytest.fixture(scope="session")
def no_slots_url(logs: Path) -> Iterator[str]:
    """A second stack whose two service centres have no opening hours: nothing is free."""
    with local_stack(logs / "stack-no-slots.log", site_config=NO_SLOTS_SITE) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class BrowserErrors:
    """JavaScript errors, failed requests and CSP violations the page had; a test ends with
    none."""

    messages: list[str] = field(default_factory=list)
    # Parts of messages a test provokes on purpose (e.g. a 503 it answers itself).
    provoked: list[str] = field(default_factory=list)

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(part in m for part in self.provoked)]


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


def new_context(browser: Browser, width: int, **options: Any) -> BrowserContext:
    # A German browser unless a test says otherwise (the page proposes the browser's language).
    options.setdefault("locale", "de-DE")
    return browser.new_context(
        viewport={"width": width, "height": 900},
        accept_downloads=True,
        **options,
    )


@contextmanager
def open_page(
    browser: Browser, errors: BrowserErrors, width: int, **options: Any
) -> Iterator[Page]:
    """A fresh browser context (no cookies, no storage) with one watched page."""
    context = new_context(browser, width, **options)
    watch_csp(context, errors)
    page = context.new_page()
    watch(page, errors)
    try:
        yield page
    finally:
        context.close()
    assert errors.unexpected() == []


@pytest.fixture
def page(browser: Browser, browser_errors: BrowserErrors) -> Iterator[Page]:
    """The page at desktop width."""
    with open_page(browser, browser_errors, 1280) as page:
        yield page


@pytest.fixture(params=[1280, 360], ids=lambda width: f"{width}px")
def page_both_widths(
    request: pytest.FixtureRequest, browser: Browser, browser_errors: BrowserErrors
) -> Iterator[Page]:
    """The page at desktop width and at a phone's width: screenshots of both."""
    with open_page(browser, browser_errors, request.param) as page:
        yield page


def watch(page: Page, errors: BrowserErrors) -> None:
    page.on("pageerror", lambda error: errors.messages.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.messages.append(f"console.{message.type}: {message.text}")
            if _unexpected_console_message(message.type, message.text)
            else None
        ),
    )


def _unexpected_console_message(kind: str, text: str) -> bool:
    # Chromium logs a policy it ignores or only reports (e.g. frame-ancestors in a <meta>) as
    # a warning, not an error; those count too.
    if "Content Security Policy" in text or "Permissions-Policy" in text:
        return True
    return kind == "error" and not _expected_http_error(text)


# Runs in every document before its own scripts: the browser reports each violation of the
# page's Content Security Policy as a `securitypolicyviolation` event, which is handed to
# Python at once, so a violation during a navigation away is not lost with its window.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__tbCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}` +
      (event.sample ? ` (${event.sample})` : "")
  );
}, true);
"""


def watch_csp(context: BrowserContext, errors: BrowserErrors) -> None:
    """Record every CSP violation in any page of the context: the widget must run under the
    strict policy the county is told to send (web/README.md)."""
    context.expose_function(
        "__tbCspViolation", lambda text: errors.messages.append(f"csp violation: {text}")
    )
    context.add_init_script(_CSP_LISTENER)


def _expected_http_error(text: str) -> bool:
    # Chromium logs every 4xx answer; the tests provoke 404, 409 and 422 on purpose.
    return "the server responded with a status of 4" in text


# --- accessibility and screenshots -----------------------------------------------------


@dataclass
class AxeRecord:
    step: str
    width: str
    counts: dict[str, int]
    rules: list[str]


_AXE_RECORDS: list[AxeRecord] = []
_AXE = Axe()


def window_size(page: Page) -> str:
    """'360px', or '1280px-zoom-200' for 640 CSS pixels at 2 device pixels each."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    scale = float(page.evaluate("window.devicePixelRatio"))
    if scale == 1:
        return f"{width}px"
    return f"{round(width * scale)}px-zoom-{round(scale * 100)}"


def check_accessibility(page: Page, step: str) -> AxeRecord:
    """axe-core on the page as it is; no violation of impact serious or critical."""
    results = _AXE.run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    width = window_size(page)
    counts = dict.fromkeys(IMPACTS, 0)
    for violation in violations:
        counts[violation.get("impact") or "minor"] += 1
    record = AxeRecord(
        step,
        width,
        counts,
        [f"{v['id']} ({v.get('impact')}, {len(v['nodes'])} nodes)" for v in violations],
    )
    _AXE_RECORDS.append(record)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe on step {step!r}:\n{results.generate_report()}"
    return record


def screenshot(page: Page, step: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{step}-{window_size(page)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scrolling(page: Page) -> None:
    """WCAG 1.4.10 reflow: the page fits its width, nothing scrolls sideways."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px window"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _AXE_RECORDS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-results.json").write_text(
        json.dumps([record.__dict__ for record in _AXE_RECORDS], indent=1), encoding="utf-8"
    )
    (ARTIFACTS / "axe-report.md").write_text(axe_table(), encoding="utf-8")


def axe_table() -> str:
    lines = [
        "| step | window | critical | serious | moderate | minor | rules |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for record in _AXE_RECORDS:
        counts = " | ".join(str(record.counts[impact]) for impact in IMPACTS)
        rules = ", ".join(record.rules) or "–"
        lines.append(f"| {record.step} | {record.width} | {counts} | {rules} |")
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _AXE_RECORDS:
        terminalreporter.section("axe-core per step (violations by impact)")
        terminalreporter.write(axe_table())
