"""The hold handle of a pending booking (terminbuchung.hold_handles): it opens only under
the token key it was sealed with (or the previous one after a rotation), tells nothing,
and a blank one has the same form."""

import base64
import re

from terminbuchung.hold_handles import HANDLE_LENGTH, blank, opened, seal
from terminbuchung.references import TokenKeys
from terminbuchung.table.bookings import HeldSeat

HELD = HeldSeat(
    "K7QP-3XMA",
    "l" * 40,  # the longest location id
    "SLOT#2026-12-01T10:00",
    ("GUARD#" + "a" * 40 + "|ACTIVE#0", "GUARD#" + "b" * 40 + "|ACTIVE#4"),
)
KEYS = TokenKeys(b"current key")


def test_a_sealed_handle_opens_under_its_key_and_after_a_rotation() -> None:
    handle = seal(HELD, KEYS.current)
    assert opened(handle, KEYS) == HELD
    assert opened(handle, TokenKeys(b"next key", KEYS.current)) == HELD
    assert opened(handle, TokenKeys(b"next key")) is None


def test_sealed_and_blank_handles_have_one_form_and_name_nothing_in_clear() -> None:
    another = HeldSeat("K7QP-3XMB", HELD.location, HELD.slot, HELD.guards)
    handles = [seal(HELD, KEYS.current), seal(another, KEYS.current), blank()]
    # The same hold, the same handle (a retry's answer is the first one's); any other
    # differs throughout, as the nonce is derived from the content.
    assert seal(HELD, KEYS.current) == handles[0]
    assert len(set(handles)) == 3
    assert sum(a == b for a, b in zip(handles[0], handles[1], strict=True)) < HANDLE_LENGTH // 4
    for handle in handles:
        assert len(handle) == HANDLE_LENGTH
        assert re.fullmatch(r"[A-Za-z0-9_-]+", handle)
        raw = base64.urlsafe_b64decode(handle)
        for clear in (b"K7QP", b"SLOT", b"GUARD", b"oranienburg"):
            assert clear not in raw
    assert opened(handles[2], KEYS) is None


def test_an_altered_or_malformed_handle_opens_nothing() -> None:
    raw = bytearray(base64.urlsafe_b64decode(seal(HELD, KEYS.current)))
    for position in (0, 20, len(raw) - 1):  # nonce, content, tag
        altered = bytearray(raw)
        altered[position] ^= 0x01
        assert opened(base64.urlsafe_b64encode(bytes(altered)).decode(), KEYS) is None
    for junk in (None, "", "kurz", "ä" * HANDLE_LENGTH, "=" * HANDLE_LENGTH, "A" * 10_000):
        assert opened(junk, KEYS) is None
