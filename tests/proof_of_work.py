"""Solve the API's proof-of-work puzzles as a client does: the tests' clients and the
benchmark's scripts (the fastest a Python script can, one core)."""

import base64
import hashlib
import json
from typing import Any


def solve(puzzle: dict[str, Any]) -> str:
    """The form field `altcha` for `puzzle` (GET /challenge's answer), as the widget sends it."""
    salt = puzzle["salt"].encode()
    target = bytes.fromhex(puzzle["challenge"])
    prefix = hashlib.sha256(salt)
    for number in range(int(puzzle["maxnumber"]) + 1):
        attempt = prefix.copy()
        attempt.update(str(number).encode())
        if attempt.digest() == target:
            return payload(puzzle, number)
    raise AssertionError("puzzle without a solution")


def payload(puzzle: dict[str, Any], number: int) -> str:
    fields = {
        "algorithm": puzzle["algorithm"],
        "challenge": puzzle["challenge"],
        "number": number,
        "salt": puzzle["salt"],
        "signature": puzzle["signature"],
    }
    return base64.b64encode(json.dumps(fields).encode()).decode()


def solved(base_url: str) -> str:
    """A fresh puzzle from a running stack's GET /challenge, solved: the field `altcha`."""
    import requests

    return solve(requests.get(f"{base_url}/challenge", timeout=30).json())
