"""The proof of work (ALTCHA): puzzles from GET /challenge, solutions checked without I/O."""

import base64
import json
from datetime import datetime, timedelta

import pytest

from terminbuchung.clock import BERLIN
from terminbuchung.config import ProofOfWorkRules
from terminbuchung.errors import ChallengeFailed
from terminbuchung.proof_of_work import check_solution, new_challenge
from tests.api_client import ApiClient
from tests.proof_of_work import payload, solve

KEY = b"test-challenge-key"
NOW = datetime(2026, 11, 30, 5, 59, tzinfo=BERLIN)
EASY = ProofOfWorkRules(max_number=2_000, valid_minutes=5)


def fields(solution: str) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(base64.b64decode(solution))
    return decoded


def encoded(values: object) -> str:
    return base64.b64encode(json.dumps(values).encode()).decode()


def test_a_solved_puzzle_passes_once_per_id_until_it_expires() -> None:
    puzzle = new_challenge(EASY, KEY, NOW)
    solved = check_solution(solve(puzzle), KEY, NOW + timedelta(minutes=4))

    assert solved.id == puzzle["challenge"]
    assert solved.expires_at == NOW + timedelta(minutes=5)
    # What the ALTCHA widget sends: exactly these five fields.
    assert set(fields(solve(puzzle))) == {"algorithm", "challenge", "number", "salt", "signature"}


def test_the_puzzle_is_what_the_altcha_widget_reads() -> None:
    puzzle = new_challenge(ProofOfWorkRules(max_number=250_000), KEY, NOW)

    assert puzzle["algorithm"] == "SHA-256"
    assert puzzle["maxnumber"] == puzzle["maxNumber"] == 250_000
    assert puzzle["expires"] == int((NOW + timedelta(minutes=5)).timestamp())
    assert f"expires={puzzle['expires']}" in puzzle["salt"]
    assert new_challenge(EASY, KEY, NOW)["challenge"] != new_challenge(EASY, KEY, NOW)["challenge"]


def test_an_expired_solution_fails() -> None:
    puzzle = new_challenge(EASY, KEY, NOW)
    with pytest.raises(ChallengeFailed) as failed:
        check_solution(solve(puzzle), KEY, NOW + timedelta(minutes=5))
    assert failed.value.code == "challenge_failed"
    assert failed.value.field == "altcha"


def test_a_wrong_number_fails() -> None:
    puzzle = new_challenge(EASY, KEY, NOW)
    right = fields(solve(puzzle))["number"]
    assert isinstance(right, int)
    with pytest.raises(ChallengeFailed):
        check_solution(payload(puzzle, right + 1), KEY, NOW)


def test_a_puzzle_signed_with_another_key_fails() -> None:
    forged = new_challenge(EASY, b"the attacker's key", NOW)
    with pytest.raises(ChallengeFailed):
        check_solution(solve(forged), KEY, NOW)


def test_a_longer_expiry_cannot_be_spliced_into_the_salt() -> None:
    puzzle = new_challenge(EASY, KEY, NOW)
    solution = fields(solve(puzzle))
    later = int((NOW + timedelta(days=1)).timestamp())
    for salt in (
        f"{solution['salt']}expires={later}&",
        str(solution["salt"]).replace(str(puzzle["expires"]), str(later)),
    ):
        with pytest.raises(ChallengeFailed):
            check_solution(encoded({**solution, "salt": salt}), KEY, NOW + timedelta(hours=1))


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "",
        42,
        ["a"],
        "not base64!",
        base64.b64encode(b"not json").decode(),
        encoded(["a list"]),
        encoded({"algorithm": "SHA-256"}),
        "A" * 5000,
    ],
)
def test_anything_but_a_solution_fails_cleanly(sent: object) -> None:
    with pytest.raises(ChallengeFailed):
        check_solution(sent, KEY, NOW)


@pytest.mark.parametrize(
    "change",
    [
        {"algorithm": "SHA-1"},
        {"number": True},
        {"number": "17"},
        {"number": -1},
        {"number": 1.5},
        {"challenge": "X" * 64},
        {"signature": None},
        {"salt": ""},
    ],
)
def test_a_tampered_field_fails(change: dict[str, object]) -> None:
    solution = fields(solve(new_challenge(EASY, KEY, NOW)))
    with pytest.raises(ChallengeFailed):
        check_solution(encoded({**solution, **change}), KEY, NOW)


def test_get_challenge_answers_a_fresh_signed_puzzle_never_cached(
    api: ApiClient, now: datetime
) -> None:
    answer = api.get("/challenge")

    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "no-store"
    puzzle = answer.body
    assert puzzle["maxnumber"] == 250_000  # the shipped configuration's difficulty
    check_solution(solve(puzzle), KEY, now)
