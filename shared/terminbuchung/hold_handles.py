"""The handle that lets the browser that booked correct a mistyped e-mail address.

In the pending mode the 202 of POST /bookings carries `hold`, an opaque string. The page
keeps it and sends it back as `replaces_hold` with the corrected booking, whose one
transaction then calls the first hold off (status replaced), gives its seat back and
frees or takes over its guards (table.bookings.reserve). Nothing is read first: the
handle itself names what the transaction must touch (the reference, the slot, the guards).

The handle tells nothing, not even the reference (which in this mode goes only to the
e-mail address): it is sealed under the token key with a purpose label of its own,
encrypted and authenticated (HMAC-SHA256 as the keystream, counter mode, and HMAC-SHA256
over nonce and ciphertext as the tag, the nonce derived from the content; stdlib only,
the layer has no cipher library). A booking that took no seat (the person holds their
bookings already) answers random bytes of the same length: the page cannot tell the two
apart, and the server finds that nothing opens it, so the correction books as if no
handle had been given.
"""

import base64
import hashlib
import hmac
import json
import secrets
from binascii import Error as Base64Error

from terminbuchung.references import TokenKeys
from terminbuchung.table.bookings import HeldSeat

_NONCE = 16
_TAG = 16
# Room for the longest content: a 40-character location, the slot, two guards.
_BODY = 304
HANDLE_BYTES = _NONCE + _BODY + _TAG  # 336, a multiple of 3: base64 without padding
HANDLE_LENGTH = HANDLE_BYTES // 3 * 4  # 448 characters


def _key(key: bytes, use: str) -> bytes:
    return hmac.new(key, f"hold-handle:{use}".encode(), hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes) -> bytes:
    blocks = (
        hmac.new(_key(key, "encrypt"), nonce + n.to_bytes(4, "big"), hashlib.sha256).digest()
        for n in range(-(-_BODY // 32))
    )
    return b"".join(blocks)[:_BODY]


def _tag(key: bytes, nonce: bytes, body: bytes) -> bytes:
    return hmac.new(_key(key, "authenticate"), nonce + body, hashlib.sha256).digest()[:_TAG]


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


def seal(held: HeldSeat, key: bytes) -> str:
    """The handle of a pending booking that holds a seat, under the current key."""
    content = json.dumps(
        [held.reference, held.location, held.slot, list(held.guards)], separators=(",", ":")
    ).encode()
    if len(content) > _BODY:
        raise ValueError("the hold does not fit its handle")
    # Derived from the content (synthetic IV): a retry with the same Idempotency-Key gets
    # the very same answer, and two holds never share a keystream.
    nonce = hmac.new(_key(key, "nonce"), content, hashlib.sha256).digest()[:_NONCE]
    body = _xor(content.ljust(_BODY), _keystream(key, nonce))
    return base64.urlsafe_b64encode(nonce + body + _tag(key, nonce, body)).decode()


def blank() -> str:
    """A handle that refers to nothing: the same length and alphabet as a sealed one."""
    return base64.urlsafe_b64encode(secrets.token_bytes(HANDLE_BYTES)).decode()


def opened(handle: str | None, keys: TokenKeys) -> HeldSeat | None:
    """What a handle sealed under the current or the previous key names; None for anything
    else (a blank, a forged or altered one, garbage). Tried under every key, so the time
    taken tells nothing about which one matched."""
    if not handle or len(handle) != HANDLE_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(handle.encode("ascii"))
    except (Base64Error, UnicodeEncodeError, ValueError):
        return None
    if len(raw) != HANDLE_BYTES:
        return None
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    matching = [k for k in keys.all() if hmac.compare_digest(_tag(k, nonce, body), tag)]
    if not matching:
        return None
    try:
        reference, location, slot, guards = json.loads(
            _xor(body, _keystream(matching[0], nonce)).rstrip()
        )
    except ValueError:
        return None
    return HeldSeat(reference, location, slot, tuple(guards))
