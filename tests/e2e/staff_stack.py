"""`make dev` with its clock moved, for the staff console's browser tests.

Check-in, no-show, closures and the day list depend on the time of day; browser tests run
at any hour on the real clock. This starts the local stack as `python -m infra.local` does,
with `terminbuchung.clock.now` (the one clock every use case asks) running `--offset`
seconds ahead, so the tests choose the moment: a weekday late morning. The browser's clock
is moved by the same offset (Playwright's clock), so "today" is the same day on both sides.
Token times (Cognito in moto, the local authorizer) stay on the real clock, as they agree
with each other.

    python -m tests.e2e.staff_stack --offset 86400 --port 3001
"""

import argparse
import sys
from datetime import datetime, timedelta

import infra.local.lambda_runtime  # noqa: F401  (puts shared/ on the path, as Lambda's layer)


def move_clock(offset: timedelta) -> None:
    from terminbuchung import clock

    real_now = clock.now

    def moved() -> datetime:
        return real_now() + offset

    clock.now = moved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offset", type=float, required=True, help="seconds ahead of now")
    args, rest = parser.parse_known_args()
    move_clock(timedelta(seconds=args.offset))
    from infra.local.stack import main as stack_main

    stack_main(rest)


if __name__ == "__main__":
    sys.exit(main())
