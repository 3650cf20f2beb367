"""`python -m infra.ops --stack NAME staff ...` against a deployed pool (moto's Cognito here).

The local side (/_dev/staff, the printed temporary password, the first sign-in) is tested
over HTTP in tests/integration/test_staff_auth.py.
"""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.ops import cli
from infra.ops.staff import temporary_password


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        cognito = boto3.client("cognito-idp")
        pool_id = cognito.create_user_pool(PoolName="terminbuchung-prod-staff")["UserPool"]["Id"]
        for group in ("admin", "oranienburg", "gransee"):
            cognito.create_group(UserPoolId=pool_id, GroupName=group)
        outputs = {"StaffUserPoolId": pool_id, "TableName": "t"}
        monkeypatch.setattr(cli, "_deployed_stack", lambda name: outputs)
        yield pool_id


def ops(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--stack", "terminbuchung-prod", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def user(pool_id: str, username: str) -> dict[str, Any]:
    found: dict[str, Any] = boto3.client("cognito-idp").admin_get_user(
        UserPoolId=pool_id, Username=username
    )
    return found


def test_add_in_aws_lets_cognito_e_mail_the_temporary_password(
    pool: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = ops(
        capsys, "staff", "add", "m.mueller", "--email", "m.mueller@oberhavel.de",
        "--group", "oranienburg",
    )  # fmt: skip

    assert code == 0
    assert "e-mailed the temporary password to m.mueller@oberhavel.de" in out
    assert "password:" not in out  # never printed for a deployed pool
    created = user(pool, "m.mueller")
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    attributes = {a["Name"]: a["Value"] for a in created["UserAttributes"]}
    assert attributes["email"] == "m.mueller@oberhavel.de"
    assert attributes["email_verified"] == "true"  # password resets may go there

    code, out, _ = ops(capsys, "staff", "list")
    assert code == 0
    (line,) = [row for row in out.splitlines() if row.startswith("m.mueller")]
    assert line.split()[1:3] == ["FORCE_CHANGE_PASSWORD", "oranienburg"]


def test_an_unknown_group_adds_nobody(pool: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = ops(
        capsys, "staff", "add", "x", "--email", "x@oberhavel.de", "--group", "zehdenick"
    )

    assert code == 2
    assert "no group zehdenick (groups: admin, gransee, oranienburg)" in err
    users = boto3.client("cognito-idp").list_users(UserPoolId=pool)["Users"]
    assert users == []


def test_remove_deletes_the_account(pool: str, capsys: pytest.CaptureFixture[str]) -> None:
    ops(capsys, "staff", "add", "a.admin", "--email", "a@oberhavel.de", "--group", "admin")

    code, out, _ = ops(capsys, "staff", "remove", "a.admin")

    assert code == 0
    assert "removed a.admin" in out
    code, _, err = ops(capsys, "staff", "remove", "a.admin")
    assert code == 2
    assert err.startswith("error: ")


def test_staff_needs_a_user_pool(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--dynamodb-endpoint", "http://127.0.0.1:1", "staff", "list"])

    assert code == 2
    assert "user pool" in capsys.readouterr().err


def test_temporary_passwords_meet_the_pools_policy() -> None:
    for _ in range(200):
        password = temporary_password()
        assert len(password) >= 12
        assert any(c.isupper() for c in password)
        assert any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(not c.isalnum() for c in password)
