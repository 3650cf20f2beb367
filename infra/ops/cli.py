"""Operations at run time, without a deploy: close a day, reopen it, release now, show.

    python -m infra.ops show [LOCATION] [--days N]
    python -m infra.ops close LOCATION YYYY-MM-DD --reason TEXT [--from HH:MM] [--until HH:MM]
    python -m infra.ops reopen LOCATION YYYY-MM-DD
    python -m infra.ops release
    python -m infra.ops undelivered [LOCATION] [--days N]
    python -m infra.ops staff add USERNAME --email E --group G [--group G]
    python -m infra.ops staff remove USERNAME
    python -m infra.ops staff list
    python -m infra.ops --stack NAME token-key show|rotate|drop-previous
    python -m infra.ops --stack NAME redrive

By default against the local stack (`make dev`, at http://127.0.0.1:$PORT); with
`--stack NAME` against a deployed stack (AWS credentials of the shell), with
`--dynamodb-endpoint URL` against any DynamoDB (e.g. DynamoDB Local). `staff` acts on the
staff user pool: the local stack's, or the deployed stack's (see infra/ops/staff.py).
`token-key` rotates the key of the cancel links on a deployed stack (infra/ops/token_key.py).
"""

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from terminbuchung.config import Location

# The domain package, as the functions find it in their layer (Lambda's /opt/python). Ops
# computes it itself: the command line does not depend on the local stack (infra.local).
LAYER = Path(__file__).resolve().parents[2] / "shared"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))


class OpsError(Exception):
    """A request ops can correct: the message says what to change."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (expected YYYY-MM-DD)") from None


def _time(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid time {text!r} (expected HH:MM)") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m infra.ops",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = root.add_mutually_exclusive_group()
    target.add_argument("--stack", help="name of a deployed CloudFormation stack")
    target.add_argument("--dynamodb-endpoint", help="a DynamoDB endpoint, e.g. DynamoDB Local")
    target.add_argument(
        "--local",
        default=f"http://127.0.0.1:{os.environ.get('PORT', '3000')}",
        help="base URL of the local stack (default: %(default)s)",
    )
    commands = root.add_subparsers(dest="command", required=True)

    show = commands.add_parser("show", help="released, booked and closed slots per day")
    show.add_argument("location", nargs="?", help="one location (default: all)")
    show.add_argument("--days", type=int, default=14, help="days from today (default: 14)")

    close = commands.add_parser("close", help="close a day or part of it; cancels its bookings")
    close.add_argument("location")
    close.add_argument("day", type=_day, metavar="YYYY-MM-DD")
    close.add_argument("--reason", required=True, help='e.g. "Betriebsversammlung"')
    close.add_argument("--from", dest="start", type=_time, default=time.min, metavar="HH:MM")
    close.add_argument("--until", dest="end", type=_time, default=time.max, metavar="HH:MM")

    reopen = commands.add_parser("reopen", help="undo the closures of a day")
    reopen.add_argument("location")
    reopen.add_argument("day", type=_day, metavar="YYYY-MM-DD")

    commands.add_parser("release", help="run the slot release now")

    undelivered = commands.add_parser(
        "undelivered", help="bookings whose e-mail did not reach the citizen (call them)"
    )
    undelivered.add_argument("location", nargs="?", help="one location (default: all)")
    undelivered.add_argument("--days", type=int, default=14, help="days from today (default: 14)")

    commands.add_parser(
        "redrive",
        help="send the e-mails in MailDeadLetters again, once each (--stack NAME)",
    )

    from infra.ops.staff import add_parser as add_staff_parser

    add_staff_parser(commands)
    from infra.ops.token_key import add_parser as add_token_key_parser

    add_token_key_parser(commands)
    return root


@dataclass(frozen=True)
class DayLine:
    day: date
    slots: int
    seats: int
    booked: int
    free: int
    closed: int


def day_lines(location_id: str, first: date, last: date) -> list[DayLine]:
    from terminbuchung.table.slots import slots_between

    lines: dict[date, DayLine] = {}
    for item in slots_between(location_id, first, last):
        day = date.fromisoformat(item.local_start[:10])
        line = lines.get(day, DayLine(day, 0, 0, 0, 0, 0))
        lines[day] = DayLine(
            day,
            line.slots + 1,
            line.seats + int(item.capacity),
            line.booked + int(item.booked),
            line.free + item.free_seats,
            line.closed + (1 if item.closed_reason else 0),
        )
    return [lines[day] for day in sorted(lines)]


def execute(args: argparse.Namespace) -> str:
    """Run a command against the table the models point at; returns the report to print."""
    from terminbuchung import clock
    from terminbuchung.closures import ClosureRefused, close, configured_location, reopen
    from terminbuchung.config import site_config
    from terminbuchung.release import release_slots

    site, now = site_config(), clock.now()
    try:
        if args.command == "close":
            report = close(
                site, args.location, args.day, reason=args.reason, now=now,
                start=args.start, end=args.end,
            )  # fmt: skip
            cancelled = ", ".join(report.bookings_cancelled) or "none"
            until = "24:00" if report.end == time.max else f"{report.end:%H:%M}"
            return (
                f"closed {report.location} on {report.day} {report.start:%H:%M}-{until}: "
                f"{report.slots_closed} slots withdrawn, bookings cancelled: {cancelled}"
            )
        if args.command == "reopen":
            reopened = reopen(site, args.location, args.day, now=now)
            return f"reopened {args.location} on {args.day}: {reopened} slots bookable again"
        if args.command == "release":
            released = release_slots(site, now)
            return f"released {released.created.total()} slots, resized {released.resized}"
        locations = [configured_location(site, args.location)] if args.location else site.locations
    except ClosureRefused as error:
        raise OpsError(str(error)) from None
    today = clock.in_berlin(now).date()
    if args.command == "undelivered":
        return _undelivered(locations, today, today + timedelta(days=args.days))
    out = []
    for location in locations:
        state = "" if location.enabled else " (not enabled)"
        out.append(f"{location.id}: {location.name}{state}")
        out.append("  day              slots  seats  booked  free  closed")
        for line in day_lines(location.id, today, today + timedelta(days=args.days)):
            out.append(
                f"  {line.day:%a %Y-%m-%d}  {line.slots:5}  {line.seats:5}  {line.booked:6}"
                f"  {line.free:4}  {line.closed:6}"
            )
    return "\n".join(out)


def _undelivered(locations: Sequence["Location"], first: date, last: date) -> str:
    from terminbuchung.mail.delivery import undelivered

    out = []
    for location in locations:
        out.append(f"{location.id}: {location.name}")
        bookings = undelivered(location.id, first, last)
        for booking in bookings:
            start = booking.starts_at
            kinds = ", ".join(sorted(booking.undelivered_mail or ()))
            line = f"  {start:%a %Y-%m-%d %H:%M}  {booking.reference}  {booking.status}"
            out.append(f"{line}  not delivered: {kinds}")
        if not bookings:
            out.append("  every e-mail was delivered")
    return "\n".join(out)


def _on_local_stack(base_url: str, argv: Sequence[str], page: str = "/_dev/ops") -> str:
    import requests

    try:
        answer = requests.post(f"{base_url}{page}", json={"argv": list(argv)}, timeout=60)
    except requests.ConnectionError:
        raise OpsError(f"no local stack at {base_url}: start it with `make dev`") from None
    if answer.status_code != 200:
        raise OpsError(answer.json().get("error", answer.text))
    return str(answer.json()["output"])


def _deployed_stack(name: str) -> dict[str, str]:
    import boto3

    stacks = boto3.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    try:
        if args.command == "staff":
            print(_staff(args, argv))
            return 0
        if args.command == "token-key":
            print(_token_key(args))
            return 0
        if args.command == "redrive":
            print(_redrive(args))
            return 0
        if args.stack or args.dynamodb_endpoint:
            from terminbuchung.table import use_table

            if args.stack:
                outputs = _deployed_stack(args.stack)
                if args.command == "release":
                    # The deployed function, with the deployed configuration.
                    print(_invoke(outputs["ReleaseFunctionName"]))
                    return 0
                use_table(outputs["TableName"])
            else:
                use_table(
                    os.environ.get("TABLE_NAME", "terminbuchung-local"), args.dynamodb_endpoint
                )
            print(execute(args))
        else:
            print(_on_local_stack(args.local.rstrip("/"), _without_target(argv)))
    except OpsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _staff(args: argparse.Namespace, argv: list[str]) -> str:
    """`staff ...` on the deployed stack's user pool, or on the local stack's (/_dev/staff)."""
    from infra.ops.staff import StaffError, run

    if args.dynamodb_endpoint:
        raise OpsError("staff works on a user pool: the local stack, or --stack NAME")
    if not args.stack:
        return _on_local_stack(args.local.rstrip("/"), _without_target(argv), "/_dev/staff")
    import boto3

    pool_id = _deployed_stack(args.stack).get("StaffUserPoolId")
    if not pool_id:
        raise OpsError(f"stack {args.stack} has no output StaffUserPoolId")
    try:
        return run(boto3.client("cognito-idp"), pool_id, args, local=False)
    except StaffError as error:
        raise OpsError(str(error)) from None


def _token_key(args: argparse.Namespace) -> str:
    """`token-key ...` on the deployed stack's secret and the functions that read it."""
    from infra.ops.token_key import TokenKeyError, run

    if not args.stack:
        raise OpsError(
            "token-key works on a deployed stack (--stack NAME); the local stack takes its "
            "keys from TOKEN_KEY and TOKEN_KEY_PREVIOUS"
        )
    import boto3

    from terminbuchung import clock
    from terminbuchung.config import site_config

    secret_arn = _deployed_stack(args.stack).get("TokenKeySecretArn")
    if not secret_arn:
        raise OpsError(f"stack {args.stack} has no output TokenKeySecretArn")
    horizon_days = max(location.horizon_days for location in site_config().locations)
    try:
        return run(
            boto3.client("secretsmanager"),
            boto3.client("lambda"),
            secret_arn,
            args,
            horizon_days=horizon_days,
            now=clock.now(),
        )
    except TokenKeyError as error:
        raise OpsError(str(error)) from None


def _redrive(args: argparse.Namespace) -> str:
    """`redrive`: the deployed stack's mail dead letters, through its e-mail function."""
    from infra.ops.redrive import lambda_invoker, mail_stream_filters, redrive

    if not args.stack:
        raise OpsError(
            "redrive works on a deployed stack (--stack NAME); the local stack retries "
            "failed records itself"
        )
    import boto3

    outputs = _deployed_stack(args.stack)
    if "MailDeadLettersUrl" not in outputs or "SendEmailFunctionName" not in outputs:
        raise OpsError(
            f"stack {args.stack} has no outputs MailDeadLettersUrl, SendEmailFunctionName"
        )
    session = boto3.session.Session()
    done = redrive(
        session.client("sqs"),
        session.client("dynamodbstreams"),
        outputs["MailDeadLettersUrl"],
        invoke=lambda_invoker(session.client("lambda"), outputs["SendEmailFunctionName"]),
        filters=mail_stream_filters(),
        region=str(session.region_name),
    )
    return done.report()


def _invoke(function_name: str) -> str:
    import boto3

    answer = boto3.client("lambda").invoke(FunctionName=function_name, Payload=b"{}")
    return str(answer["Payload"].read().decode())


def _without_target(argv: list[str]) -> list[str]:
    """The command line minus --local URL: what the local stack runs itself."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--local":
            skip = True
        elif not arg.startswith("--local="):
            out.append(arg)
    return out


def run_in_local_stack(argv: list[str]) -> tuple[int, dict[str, str]]:
    """The local stack's side of `/_dev/ops`: parse and run in its own process."""
    try:
        args = parser().parse_args(argv)  # already checked by the caller's parser
    except SystemExit:
        return 400, {"error": f"invalid command line: {' '.join(argv)}"}
    try:
        return 200, {"output": execute(args)}
    except OpsError as error:
        return 400, {"error": str(error)}
