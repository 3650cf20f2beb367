"""`python -m infra.ops --stack NAME token-key ...` on a deployed secret and functions (moto).

What the functions make of the rotated secret (old links, one booking per person) is tested
through the API in tests/unit/test_token_key_rotation.py.
"""

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from infra.ops import cli
from terminbuchung import clock
from terminbuchung.references import TokenKeys, parse_token_keys

GENERATED = "generated-by-cloudformation-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHI"


@dataclass(frozen=True)
class Deployed:
    secret_arn: str
    readers: tuple[str, ...]  # functions with TOKEN_KEY_SECRET_ARN
    others: tuple[str, ...]


def _function(name: str, role: str, variables: dict[str, str]) -> None:
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return None\n")
    boto3.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="app.lambda_handler",
        Code={"ZipFile": code.getvalue()},
        Environment={"Variables": variables},
    )


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Iterator[Deployed]:
    with mock_aws():
        secret_arn = boto3.client("secretsmanager").create_secret(
            Name="TokenKeySecret-abc", SecretString=GENERATED
        )["ARN"]
        other_arn = boto3.client("secretsmanager").create_secret(
            Name="TokenKeySecret-of-another-stack", SecretString="x"
        )["ARN"]
        role = boto3.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")
        role_arn = role["Role"]["Arn"]
        for name in ("stack-BookFunction-1", "stack-CancelFunction-1"):
            _function(name, role_arn, {"TABLE_NAME": "t", "TOKEN_KEY_SECRET_ARN": secret_arn})
        _function("stack-ListSlotsFunction-1", role_arn, {"TABLE_NAME": "t"})
        _function("other-BookFunction-1", role_arn, {"TOKEN_KEY_SECRET_ARN": other_arn})
        outputs = {"TokenKeySecretArn": secret_arn, "TableName": "t"}
        monkeypatch.setattr(cli, "_deployed_stack", lambda name: outputs)
        yield Deployed(
            secret_arn,
            ("stack-BookFunction-1", "stack-CancelFunction-1"),
            ("stack-ListSlotsFunction-1", "other-BookFunction-1"),
        )


def ops(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--stack", "terminbuchung-prod", "token-key", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def secret(stack: Deployed) -> dict[str, str]:
    text = boto3.client("secretsmanager").get_secret_value(SecretId=stack.secret_arn)
    value: dict[str, str] = json.loads(text["SecretString"])
    return value


def variables(name: str) -> dict[str, str]:
    configuration = boto3.client("lambda").get_function_configuration(FunctionName=name)
    found: dict[str, str] = configuration["Environment"]["Variables"]
    return found


def later(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_rotate_keeps_the_old_key_as_previous_and_refreshes_the_functions_that_read_it(
    stack: Deployed, capsys: pytest.CaptureFixture[str], now: datetime
) -> None:
    code, out, err = ops(capsys, "rotate")

    assert (code, err) == (0, "")
    value = secret(stack)
    assert value["previous"] == GENERATED
    assert len(value["current"]) == 64
    assert value["current"] != GENERATED
    assert datetime.fromisoformat(value["rotated_at"]) == now
    # What the functions read at their next cold start.
    keys = parse_token_keys(json.dumps(value))
    assert keys == TokenKeys(value["current"].encode(), GENERATED.encode())

    version = boto3.client("secretsmanager").get_secret_value(SecretId=stack.secret_arn)
    for name in stack.readers:
        assert variables(name)["TOKEN_KEY_VERSION"] == version["VersionId"]
        assert variables(name)["TOKEN_KEY_SECRET_ARN"] == stack.secret_arn  # the rest stays
    for name in stack.others:
        assert "TOKEN_KEY_VERSION" not in variables(name)
    assert "functions refreshed: stack-BookFunction-1, stack-CancelFunction-1" in out
    assert GENERATED not in out
    assert value["current"] not in out


def test_a_second_rotation_waits_for_the_end_of_the_grace_period(
    stack: Deployed, capsys: pytest.CaptureFixture[str], now: datetime
) -> None:
    ops(capsys, "rotate")
    first = secret(stack)

    code, _, err = ops(capsys, "rotate")
    assert code == 2
    # The shipped configuration books 5 days ahead: the last appointment under the old key
    # is over 6 days after the rotation.
    assert "drop it first (token-key drop-previous), from 2026-12-06 07:00" in err
    assert secret(stack) == first

    code, _, _ = ops(capsys, "rotate", "--force")
    assert code == 0
    assert secret(stack)["previous"] == first["current"]


def test_drop_previous_refuses_within_the_grace_period_and_ends_it_after(
    stack: Deployed,
    capsys: pytest.CaptureFixture[str],
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ops(capsys, "rotate")
    rotated = secret(stack)

    code, out, _ = ops(capsys, "show")
    assert code == 0
    assert "previous one, still accepted (rotated 2026-11-30 07:00)" in out
    assert "drop it from 2026-12-06 07:00" in out

    later(monkeypatch, now + timedelta(days=5))
    code, _, err = ops(capsys, "drop-previous")
    assert code == 2
    assert "may not be over before 2026-12-06 07:00" in err
    assert secret(stack) == rotated

    later(monkeypatch, now + timedelta(days=6))
    code, out, _ = ops(capsys, "drop-previous")
    assert code == 0
    assert secret(stack) == {"current": rotated["current"]}
    assert "links from before the rotation no longer work" in out
    version = boto3.client("secretsmanager").get_secret_value(SecretId=stack.secret_arn)
    assert all(variables(n)["TOKEN_KEY_VERSION"] == version["VersionId"] for n in stack.readers)

    code, out, _ = ops(capsys, "drop-previous")
    assert (code, out.strip()) == (0, "no previous key: nothing to drop")
    assert ops(capsys, "show")[1].strip() == "one key: no previous key is accepted"


def test_drop_previous_with_force_ends_the_grace_period_at_once(
    stack: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    ops(capsys, "rotate")
    current = secret(stack)["current"]

    code, _, _ = ops(capsys, "drop-previous", "--force")

    assert code == 0
    assert secret(stack) == {"current": current}


def test_token_key_needs_a_deployed_stack(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["token-key", "show"])
    _, err = capsys.readouterr()

    assert code == 2
    assert "token-key works on a deployed stack (--stack NAME)" in err
    assert "TOKEN_KEY_PREVIOUS" in err
