"""The token key's rotation: `python -m infra.ops --stack NAME token-key show|rotate|drop-previous`.

    python -m infra.ops --stack NAME token-key show
    python -m infra.ops --stack NAME token-key rotate [--force]
    python -m infra.ops --stack NAME token-key drop-previous [--force]

The key (Secrets Manager, the stack's output TokenKeySecretArn) makes the cancel tokens in
the e-mails' links and the hashes that count a person's bookings. Its secret holds JSON,
`{"current": KEY, "previous": KEY, "rotated_at": ISO TIME}`; a bare key (as CloudFormation
generated it) counts as "current" alone.

`rotate` makes a new current key and keeps the old one as "previous": links from before
still work, and a person's guards under the old key still count. `drop-previous` ends that
grace period; it refuses to before every appointment booked under the old key is over
(the longest booking horizon of the site configuration after the rotation, plus a day).
Both then refresh every function that reads the key (a configuration change, so Lambda
starts new execution environments, which read the secret anew): no warm environment keeps
making tokens or guards with a key the others no longer check.

Key material is never printed.
"""

import argparse
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# The variable set on each function at a rotation: which version of the secret it was
# refreshed for. Changing it is what makes Lambda start new execution environments.
VERSION_VARIABLE = "TOKEN_KEY_VERSION"
KEY_ARN_VARIABLE = "TOKEN_KEY_SECRET_ARN"


class TokenKeyError(Exception):
    """A request ops can correct: the message says what to change."""


def add_parser(commands: Any) -> None:
    """The `token-key` sub-commands, on the ops parser's sub-parsers."""
    token_key = commands.add_parser(
        "token-key", help="rotate the key of the cancel links and person hashes (deployed stack)"
    )
    actions = token_key.add_subparsers(dest="key_action", required=True)
    actions.add_parser("show", help="whether a previous key is still accepted, and until when")
    rotate = actions.add_parser("rotate", help="a new current key; the old one stays accepted")
    rotate.add_argument(
        "--force",
        action="store_true",
        help="rotate although a previous key is still accepted (its links stop working)",
    )
    drop = actions.add_parser("drop-previous", help="end the grace period: old links stop working")
    drop.add_argument(
        "--force",
        action="store_true",
        help="drop it before every appointment booked under it is over",
    )


@dataclass(frozen=True)
class KeySecret:
    """The secret's value. Keys are text, as the functions read them (references.py)."""

    current: str
    previous: str | None = None
    rotated_at: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> "KeySecret":
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            return cls(text)  # a bare key, as CloudFormation generated it
        if not isinstance(value.get("current"), str) or not value["current"]:
            raise TokenKeyError("the secret is JSON without a key 'current': repair it first")
        rotated_at = value.get("rotated_at")
        return cls(
            value["current"],
            value.get("previous") or None,
            datetime.fromisoformat(rotated_at) if rotated_at else None,
        )

    def text(self) -> str:
        value: dict[str, str] = {"current": self.current}
        if self.previous:
            value["previous"] = self.previous
        if self.rotated_at:
            value["rotated_at"] = self.rotated_at.isoformat()
        return json.dumps(value)


def grace_period(horizon_days: int) -> timedelta:
    """How long the previous key must stay: a booking made just before the rotation is for a
    day at most `horizon_days` ahead; once it is over, its guard has expired and its link
    can cancel nothing."""
    return timedelta(days=horizon_days + 1)


def new_key() -> str:
    """64 characters of a CSPRNG, like the key CloudFormation generates."""
    return secrets.token_urlsafe(48)


def run(
    secrets_client: Any,
    lambda_client: Any,
    secret_arn: str,
    args: argparse.Namespace,
    *,
    horizon_days: int,
    now: datetime,
) -> str:
    """One `token-key` command on the deployed secret; the report to print."""
    from botocore.exceptions import ClientError

    try:
        secret = KeySecret.parse(
            secrets_client.get_secret_value(SecretId=secret_arn)["SecretString"]
        )
        grace = grace_period(horizon_days)
        if args.key_action == "show":
            return _show(secret, grace)
        if args.key_action == "rotate":
            if secret.previous and not args.force:
                raise TokenKeyError(
                    f"a previous key is still accepted ({_since(secret)}): drop it first "
                    f"(token-key drop-previous), from {_drop_from(secret, grace)}"
                )
            changed = KeySecret(new_key(), secret.current, now)
            report = "rotated: new links and guards use a new key; links from before still work"
        else:
            if not secret.previous:
                return "no previous key: nothing to drop"
            if secret.rotated_at and now < secret.rotated_at + grace and not args.force:
                raise TokenKeyError(
                    f"appointments booked under the previous key may not be over before "
                    f"{_drop_from(secret, grace)} ({_since(secret)}); --force drops it anyway"
                )
            changed = KeySecret(secret.current)
            report = "dropped the previous key: links from before the rotation no longer work"
        version = secrets_client.put_secret_value(SecretId=secret_arn, SecretString=changed.text())
        refreshed = refresh_functions(lambda_client, secret_arn, version["VersionId"])
    except ClientError as error:
        raise TokenKeyError(error.response["Error"].get("Message") or str(error)) from None
    return f"{report}\nfunctions refreshed: {', '.join(refreshed) or 'none found'}"


def _since(secret: KeySecret) -> str:
    return f"rotated {secret.rotated_at:%Y-%m-%d %H:%M}" if secret.rotated_at else "rotated"


def _drop_from(secret: KeySecret, grace: timedelta) -> str:
    if secret.rotated_at is None:
        return "now"
    return f"{secret.rotated_at + grace:%Y-%m-%d %H:%M}"


def _show(secret: KeySecret, grace: timedelta) -> str:
    if not secret.previous:
        return "one key: no previous key is accepted"
    return (
        f"current key and a previous one, still accepted ({_since(secret)}); "
        f"drop it from {_drop_from(secret, grace)} (token-key drop-previous)"
    )


def refresh_functions(lambda_client: Any, secret_arn: str, version: str) -> list[str]:
    """Every function that reads this secret starts new execution environments, which read
    it anew. Returns their names."""
    refreshed = []
    for page in lambda_client.get_paginator("list_functions").paginate():
        for function in page["Functions"]:
            variables = (function.get("Environment") or {}).get("Variables") or {}
            if variables.get(KEY_ARN_VARIABLE) != secret_arn:
                continue
            name = function["FunctionName"]
            lambda_client.update_function_configuration(
                FunctionName=name,
                Environment={"Variables": {**variables, VERSION_VARIABLE: version}},
            )
            lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
            refreshed.append(name)
    return sorted(refreshed)
