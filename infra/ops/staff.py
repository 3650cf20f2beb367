"""Staff accounts in the user pool: `python -m infra.ops staff add|remove|list`.

    python -m infra.ops staff add USERNAME --email E --group G [--group G]
    python -m infra.ops staff remove USERNAME
    python -m infra.ops staff list

Against the local stack (its moto pool, through /_dev/staff) or, with `--stack NAME`, the
deployed pool (the stack's output StaffUserPoolId, with the shell's AWS credentials).
Groups are the location ids of the site configuration and `admin`. In AWS a new member gets
Cognito's invitation e-mail with a temporary password (valid 3 days, changed at the first
sign-in); the local stack sends no e-mail and prints it instead.
"""

import argparse
import secrets
import string
from typing import Any


class StaffError(Exception):
    """A request ops can correct: the message says what to change."""


def add_parser(commands: Any) -> None:
    """The `staff` sub-commands, on the ops parser's sub-parsers."""
    staff = commands.add_parser("staff", help="staff accounts (sign-in for the staff console)")
    actions = staff.add_subparsers(dest="staff_command", required=True)
    add = actions.add_parser("add", help="create an account; the temporary password goes out")
    add.add_argument("username", help="e.g. m.mueller (not case-sensitive)")
    add.add_argument("--email", required=True, help="for the invitation and password resets")
    add.add_argument(
        "--group",
        dest="groups",
        action="append",
        required=True,
        metavar="GROUP",
        help="a location id (staff there) or admin; repeat for several",
    )
    remove = actions.add_parser("remove", help="delete an account and sign it out everywhere")
    remove.add_argument("username")
    actions.add_parser("list", help="every account with its status and groups")


def temporary_password() -> str:
    """Random, and within the pool's policy (12+ characters, upper, lower, digit, symbol)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(14))
    upper, digit = secrets.choice(string.ascii_uppercase), secrets.choice(string.digits)
    return f"{core}-{upper}{digit}z"


def run(cognito: Any, pool_id: str, args: argparse.Namespace, *, local: bool) -> str:
    """One `staff` command on the pool; the report to print. `local`: no e-mail is sent."""
    from botocore.exceptions import ClientError

    try:
        if args.staff_command == "add":
            return _add(cognito, pool_id, args, local=local)
        if args.staff_command == "remove":
            return _remove(cognito, pool_id, args.username)
        return _list(cognito, pool_id)
    except ClientError as error:
        raise StaffError(error.response["Error"].get("Message") or str(error)) from None


def _pool_groups(cognito: Any, pool_id: str) -> list[str]:
    pages = cognito.get_paginator("list_groups").paginate(UserPoolId=pool_id)
    return [group["GroupName"] for page in pages for group in page["Groups"]]


def _add(cognito: Any, pool_id: str, args: argparse.Namespace, *, local: bool) -> str:
    known = _pool_groups(cognito, pool_id)
    unknown = [group for group in args.groups if group not in known]
    if unknown:
        raise StaffError(f"no group {', '.join(unknown)} (groups: {', '.join(sorted(known))})")
    request: dict[str, Any] = {
        "UserPoolId": pool_id,
        "Username": args.username,
        # Ops vouch for the address: password resets may go there.
        "UserAttributes": [
            {"Name": "email", "Value": args.email},
            {"Name": "email_verified", "Value": "true"},
        ],
    }
    password = None
    if local:
        password = temporary_password()
        request.update(TemporaryPassword=password, MessageAction="SUPPRESS")
    else:
        request["DesiredDeliveryMediums"] = ["EMAIL"]
    cognito.admin_create_user(**request)
    for group in args.groups:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=args.username, GroupName=group)
    groups = ", ".join(args.groups)
    if password:
        return (
            f"added {args.username} ({groups}); temporary password: {password}\n"
            "(to be changed at the first sign-in: Cognito answers NEW_PASSWORD_REQUIRED)"
        )
    return (
        f"added {args.username} ({groups}); Cognito e-mailed the temporary password to "
        f"{args.email} (valid 3 days)"
    )


def _remove(cognito: Any, pool_id: str, username: str) -> str:
    # Refresh tokens die at once; ID and access tokens already issued are checked by
    # signature only and stay valid until they expire (60 minutes at most).
    cognito.admin_user_global_sign_out(UserPoolId=pool_id, Username=username)
    cognito.admin_delete_user(UserPoolId=pool_id, Username=username)
    return f"removed {username} (tokens already issued expire within 60 minutes)"


def _list(cognito: Any, pool_id: str) -> str:
    pages = cognito.get_paginator("list_users").paginate(UserPoolId=pool_id)
    lines = ["username                  status                 groups                email"]
    for page in pages:
        for user in page["Users"]:
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            groups = cognito.admin_list_groups_for_user(
                UserPoolId=pool_id, Username=user["Username"]
            )["Groups"]
            names = ",".join(sorted(g["GroupName"] for g in groups)) or "-"
            state = user["UserStatus"] if user.get("Enabled", True) else "DISABLED"
            lines.append(
                f"{user['Username']:25} {state:22} {names:21} {attributes.get('email', '-')}"
            )
    return "\n".join(lines)
