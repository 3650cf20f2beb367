"""The staff console's SRP (web/staff/console/srp.js) against a reference implementation.

moto accepts any SRP proof, so the local stack cannot tell a wrong signature from a right
one: these known-answer tests can. The module runs in Debian's Chromium (BigInt and
crypto.subtle, as at the counter) with a fixed private `a`, salt, B, secret block and
timestamp; A and PASSWORD_CLAIM_SIGNATURE must equal what pycognito's AWSSRP (a
well-kept Python implementation of Cognito's SRP) computes for the same values. The
vectors cover the paddings: A, B, salt with a leading high bit (a "00" in front) and with a
leading zero digit (odd length, a "0" in front), non-ASCII names and passwords, and
Cognito's timestamp with a one-digit day of the month.
"""

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from pycognito.aws_srp import (  # type: ignore[import-untyped]
    AWSSRP,
    N_HEX,
    long_to_hex,
    pad_hex,
)

CONSOLE = Path(__file__).resolve().parents[2] / "web" / "staff" / "console"
# A secure context (crypto.subtle) without a server: the browser's requests are answered
# from the folder (Playwright's routing), never sent.
ORIGIN = "http://localhost:9"
BIG_N = int(N_HEX, 16)


@pytest.fixture(scope="module")
def srp_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()

    def answer(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>SRP</title>"
            )
        elif path.startswith("/console/") and (CONSOLE / path.removeprefix("/console/")).is_file():
            body = (CONSOLE / path.removeprefix("/console/")).read_text(encoding="utf-8")
            route.fulfill(status=200, content_type="text/javascript", body=body)
        else:
            route.fulfill(status=404, body="")

    page.route(f"{ORIGIN}/**", answer)
    page.goto(f"{ORIGIN}/")
    assert page.evaluate("() => window.isSecureContext && !!crypto.subtle")
    yield page
    context.close()


def candidate_a(seed: str) -> int:
    """A private `a` as the console draws it (128 bytes mod N), from a seed."""
    stream = b"".join(hashlib.sha512(f"{seed}/{i}".encode()).digest() for i in range(2))
    return int.from_bytes(stream, "big") % BIG_N


def a_where(condition: Any) -> int:
    """The first seeded `a` whose A = g^a mod N has the property."""
    for i in range(10_000):
        a = candidate_a(f"a-{i}")
        if condition(long_to_hex(pow(2, a, BIG_N))):
            return a
    raise AssertionError("no such a")


def high_bit(hex_: str) -> bool:
    return len(hex_) % 2 == 0 and hex_[0] in "89abcdef"


def odd_length(hex_: str) -> bool:
    return len(hex_) % 2 == 1


@dataclass(frozen=True)
class Vector:
    name: str
    a: int
    srp_b: str
    salt: str
    secret_block: str
    pool_id: str = "eu-central-1_AbCdEf123"
    username: str = "staff-oranienburg"
    user_id_for_srp: str = "7c1e2b0a-3f4d-4e5f-8a9b-0c1d2e3f4a5b"
    password: str = "Oranienburg-Demo-2026"
    moment: datetime = datetime(2026, 12, 1, 10, 10, 0, tzinfo=UTC)


def block(seed: str, size: int = 96) -> str:
    raw = b"".join(hashlib.sha256(f"{seed}/{i}".encode()).digest() for i in range(size // 32))
    return base64.standard_b64encode(raw).decode()


def hex_of(seed: str, first: str = "", digits: int = 768) -> str:
    """`digits` hex digits (B is as long as N), starting with `first`."""
    body = b"".join(
        hashlib.sha256(f"{seed}/{i}".encode()).digest() for i in range(digits // 64 + 1)
    )
    return (first + body.hex())[:digits]


VECTORS = [
    Vector(
        "A and B with a leading high bit, salt too",
        a=a_where(high_bit),
        srp_b=hex_of("b1", "f"),
        salt="f" + hex_of("s1", digits=31),
        secret_block=block("block-1"),
    ),
    Vector(
        "A of odd length (a leading zero digit), B and salt with a leading zero digit",
        a=a_where(odd_length),
        srp_b=hex_of("b2", "0a", 768),
        salt="0" + hex_of("s2", "7", digits=31),
        secret_block=block("block-2", 64),
        moment=datetime(2026, 3, 29, 1, 59, 59, tzinfo=UTC),
    ),
    Vector(
        "no padding needed, a member with umlauts and a long password",
        a=a_where(lambda h: not high_bit(h) and not odd_length(h)),
        srp_b=hex_of("b3", "3c"),
        salt=hex_of("s3", "5", digits=32),
        secret_block=block("block-3", 288),
        username="jörg.weiß",
        user_id_for_srp="jörg.weiß",
        password="Überstunden-Änderung-2026!§",
        moment=datetime(2027, 1, 9, 23, 0, 7, tzinfo=UTC),
    ),
    Vector(
        "a short B (fewer digits than N), another pool",
        a=candidate_a("short-b"),
        srp_b=hex_of("b4", "9", digits=255),
        salt=hex_of("s4", "e", digits=32),
        secret_block=block("block-4", 32),
        pool_id="eu-central-1_Zz9Yy8Xx7",
        moment=datetime(2026, 10, 25, 0, 30, 0, tzinfo=UTC),
    ),
]


def reference(vector: Vector) -> dict[str, str]:
    """What pycognito's AWSSRP sends for this vector: SRP_A and the challenge's answer."""
    srp = AWSSRP(
        username=vector.username,
        password=vector.password,
        pool_id=vector.pool_id,
        client_id="client",
        client=object(),  # never called: no request leaves this test
    )
    srp.small_a_value = vector.a
    srp.large_a_value = srp.calculate_a()
    timestamp = AWSSRP.get_cognito_formatted_timestamp(vector.moment.replace(tzinfo=None))
    srp.get_cognito_formatted_timestamp = lambda _now: timestamp
    answer: dict[str, str] = srp.process_challenge(
        {
            "USERNAME": vector.username,
            "USER_ID_FOR_SRP": vector.user_id_for_srp,
            "SALT": vector.salt,
            "SRP_B": vector.srp_b,
            "SECRET_BLOCK": vector.secret_block,
        },
        {"USERNAME": vector.username},
    )
    return {"SRP_A": srp.get_auth_params()["SRP_A"], **answer}


def in_browser(page: Page, vector: Vector) -> dict[str, str]:
    result: dict[str, str] = page.evaluate(
        """async (v) => {
            const srp = await import("/console/srp.js");
            const client = srp.start(v.a);
            const timestamp = srp.cognitoTimestamp(new Date(v.epochMs));
            const claim = await srp.passwordClaim({poolId: v.poolId, userIdForSrp: v.userIdForSrp,
                password: v.password, a: client.a, srpB: v.srpB, salt: v.salt,
                secretBlock: v.secretBlock, timestamp: timestamp});
            return {SRP_A: client.srpA, ...claim};
        }""",
        {
            "a": format(vector.a, "x"),
            "epochMs": int(vector.moment.timestamp() * 1000),
            "poolId": vector.pool_id,
            "userIdForSrp": vector.user_id_for_srp,
            "password": vector.password,
            "srpB": vector.srp_b,
            "salt": vector.salt,
            "secretBlock": vector.secret_block,
        },
    )
    return result


def test_the_vectors_cover_the_paddings() -> None:
    a_hexes = [long_to_hex(pow(2, v.a, BIG_N)) for v in VECTORS]
    assert any(high_bit(h) for h in a_hexes)
    assert any(odd_length(h) for h in a_hexes)
    assert any(pad_hex(v.srp_b).startswith("00") for v in VECTORS)
    assert any(v.srp_b.startswith("0") for v in VECTORS)
    assert any(pad_hex(v.salt).startswith("00") for v in VECTORS)
    assert any(v.salt.startswith("0") for v in VECTORS)
    assert any(v.moment.day < 10 for v in VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_a_and_the_signature_equal_pycognitos(srp_page: Page, vector: Vector) -> None:
    expected = reference(vector)
    assert in_browser(srp_page, vector) == {
        "SRP_A": expected["SRP_A"],
        "PASSWORD_CLAIM_SECRET_BLOCK": expected["PASSWORD_CLAIM_SECRET_BLOCK"],
        "PASSWORD_CLAIM_SIGNATURE": expected["PASSWORD_CLAIM_SIGNATURE"],
        "TIMESTAMP": expected["TIMESTAMP"],
    }


def test_a_wrong_password_gives_another_signature(srp_page: Page) -> None:
    vector = VECTORS[0]
    wrong = Vector(**{**vector.__dict__, "password": vector.password + "x"})
    assert (
        in_browser(srp_page, wrong)["PASSWORD_CLAIM_SIGNATURE"]
        != (reference(vector)["PASSWORD_CLAIM_SIGNATURE"])
    )


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 1, 9, 5, 3, tzinfo=UTC),
        datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC),
        datetime(2027, 8, 15, 0, 0, 0, tzinfo=UTC),
    ],
)
def test_the_timestamp_in_cognitos_format(srp_page: Page, moment: datetime) -> None:
    shown = srp_page.evaluate(
        """async (ms) => (await import("/console/srp.js")).cognitoTimestamp(new Date(ms))""",
        int(moment.timestamp() * 1000),
    )
    assert shown == AWSSRP.get_cognito_formatted_timestamp(moment.replace(tzinfo=None))
    if moment.day == 1:
        assert shown == "Tue Dec 1 09:05:03 UTC 2026"


def test_a_fresh_a_each_time_and_within_the_group(srp_page: Page) -> None:
    drawn = srp_page.evaluate(
        """async () => { const srp = await import("/console/srp.js");
            return [srp.start(), srp.start()].map((c) => ({a: c.a.toString(16), A: c.srpA})); }"""
    )
    assert drawn[0]["a"] != drawn[1]["a"]
    for client in drawn:
        a = int(client["a"], 16)
        assert 0 < a < BIG_N
        assert client["A"] == long_to_hex(pow(2, a, BIG_N))
