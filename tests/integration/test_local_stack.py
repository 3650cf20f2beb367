"""`make dev` as ops use it (edit the site configuration, release again, see the new days),
and as a broken client meets it: bodies shorter or longer than announced, over a raw socket.
"""

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from terminbuchung.clock import BERLIN
from tests.conftest import TEST_SITE
from tests.local_processes import local_stack


def days_offered(base: str) -> set[str]:
    slots = requests.get(f"{base}/locations/oranienburg/slots", timeout=10).json()["slots"]
    return {slot["start"][:10] for slot in slots}


def test_a_wider_horizon_in_the_config_file_shows_after_the_next_release(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(TEST_SITE.read_text(encoding="utf-8"), encoding="utf-8")
    today = datetime.now(BERLIN).date()
    horizon = [f"{today + timedelta(days=n)}" for n in range(8)]

    with local_stack(tmp_path / "stack.log", site_config=site) as base:
        assert days_offered(base) <= set(horizon[:6])
        assert horizon[5] in days_offered(base)  # the test site opens every day

        site.write_text(site.read_text().replace("horizon_days = 5", "horizon_days = 7", 1))
        released = requests.post(f"{base}/_dev/release", timeout=30).json()

        assert released["created"] > 0
        assert {horizon[6], horizon[7]} <= days_offered(base)
        again = requests.post(f"{base}/_dev/release", timeout=30).json()
        assert again["created"] == 0


# --- Content-Length that does not fit the body ------------------------------------------

# The stack waits a few seconds for an announced body; the tests allow it some slack.
BODY_WAIT_SECONDS = 10


def raw_exchange(base_url: str, head: str, body: bytes = b"", pause: float = 0) -> bytes:
    """Send a request as bytes (headers, then the body after `pause`), read until closed."""
    address = urlsplit(base_url)
    with socket.create_connection(
        (address.hostname, address.port), timeout=BODY_WAIT_SECONDS
    ) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        if pause:
            time.sleep(pause)
        connection.sendall(body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def parsed(answer: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, json.loads(body) if body else None


def post_head(path: str, content_length: str, *extra: str) -> str:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {content_length}",
        *extra,
    ]
    return "\n".join(lines) + "\n"


def test_a_body_shorter_than_announced_gets_400_and_the_stack_keeps_serving(
    base_url: str,
) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        pending = pool.submit(
            raw_exchange,
            base_url,
            post_head("/bookings", "100", "Origin: http://localhost:3000"),
            b'{"name": "',  # 10 of the 100 bytes announced, then silence
        )
        time.sleep(0.5)
        # Meanwhile other requests are answered as usual.
        other = requests.get(f"{base_url}/locations", timeout=5)
        assert other.status_code == 200
        assert not pending.done()

        status, headers, body = parsed(pending.result(timeout=BODY_WAIT_SECONDS + 5))
        elapsed = time.monotonic() - started

    assert status == 400
    assert body["error"]["code"] == "body_incomplete"
    assert body["error"]["field"] is None
    assert body["error"]["message"]
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Connection"] == "close"
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert elapsed < BODY_WAIT_SECONDS
    assert requests.get(f"{base_url}/locations", timeout=5).status_code == 200


def test_a_body_sent_in_pieces_within_the_wait_is_read_whole(base_url: str) -> None:
    body = json.dumps({"location": "oranienburg"}).encode()
    answer = raw_exchange(
        base_url, post_head("/bookings", str(len(body)), "Connection: close"), body, pause=0.5
    )

    status, _, payload = parsed(answer)
    assert status == 422  # the function read the whole body and found fields missing
    assert payload["error"]["code"] == "field_missing"


@pytest.mark.parametrize("content_length", ["abc", "-5", "+10", "1e3", "0x10", "", "10, 12"])
def test_a_content_length_that_is_no_length_gets_400(base_url: str, content_length: str) -> None:
    started = time.monotonic()
    answer = raw_exchange(base_url, post_head("/bookings", content_length), b"{}")

    status, headers, body = parsed(answer)
    assert status == 400
    assert body["error"]["code"] == "content_length_invalid"
    assert headers["Connection"] == "close"
    assert time.monotonic() - started < 2  # answered at once, not after waiting for a body


def test_two_different_content_lengths_get_400(base_url: str) -> None:
    head = post_head("/bookings", "2", "Content-Length: 30")
    status, _, body = parsed(raw_exchange(base_url, head, b"{}"))

    assert status == 400
    assert body["error"]["code"] == "content_length_invalid"


@pytest.mark.parametrize("content_length", ["1073741824", "9" * 30, "50000000"])
def test_a_huge_content_length_gets_413_without_reading_the_body(
    base_url: str, content_length: str
) -> None:
    started = time.monotonic()
    answer = raw_exchange(base_url, post_head("/bookings", content_length), b"x" * 4096)

    status, headers, body = parsed(answer)
    assert status == 413
    assert body["error"]["code"] == "body_too_large"
    assert headers["Connection"] == "close"
    assert time.monotonic() - started < 2  # refused from the header, not after the wait
