"""`make dev` with its clock moved, for the staff console's browser tests.

Check-in, no-show, closures and the day list depend on the time of day; browser tests run
at any hour on the real clock. This starts the local stack as `python -m infra.local` does,
with `terminbuchung.clock.now` (the one clock every use case asks) running `--offset`
seconds ahead, so the tests choose the moment: a weekday late morning. The browser's clock
is moved by the same offset (Playwright's clock), so "today" is the same day on both sides.
Token times (Cognito in moto, the local authorizer) stay on the real clock, as they agree
with each other.

    python -m tests.e2e.staff_stack --offset 86400 --port 3001

Two pages more, for the console's tests only:

    POST /_dev/staff-mfa      {"mfa": "ON" | "OPTIONAL"}: the pool's MfaConfiguration, as a
                              deploy with StaffMfa would set it (ON: members without an app
                              are asked to set one up, MFA_SETUP)
    POST /_dev/mail-returned  {"reference", "event": "Bounce" | "Complaint" | "Reject"}: what
                              SES reports through EventBridge, handed to MailBouncesFunction
"""

import argparse
import json
from datetime import datetime, timedelta
from typing import Any

import infra.local.lambda_runtime  # noqa: F401  (puts shared/ on the path, as Lambda's layer)


def move_clock(offset: timedelta) -> None:
    from terminbuchung import clock

    real_now = clock.now

    def moved() -> datetime:
        return real_now() + offset

    clock.now = moved


def ses_event(reference: str, kind: str) -> dict[str, Any]:
    """An SES event as EventBridge delivers it (the configuration set's event destination)."""
    detail: dict[str, Any] = {
        "eventType": kind,
        "mail": {"tags": {"reference": [reference], "kind": ["confirmation"]}},
    }
    if kind == "Bounce":
        detail["bounce"] = {"bounceType": "Permanent", "bounceSubType": "NoEmail"}
    elif kind == "Complaint":
        detail["complaint"] = {"complaintFeedbackType": "abuse"}
    return {"source": "aws.ses", "detail-type": f"Email {kind}", "detail": detail}


def add_test_pages() -> None:
    """The two pages above, on the stack the local server builds."""
    from infra.local import stack as local
    from infra.local.dev_cognito import DevCognito
    from infra.local.http_events import Answer, json_answer

    pools: list[DevCognito] = []
    start_pool = DevCognito.start

    def start(self: DevCognito, *args: Any, **kwargs: Any) -> None:
        start_pool(self, *args, **kwargs)
        pools.append(self)

    DevCognito.start = start  # type: ignore[method-assign]

    def set_mfa(body: bytes) -> Answer:
        mfa = json.loads(body or b"{}").get("mfa")
        if mfa not in ("ON", "OPTIONAL"):
            return json_answer(400, {"error": "mfa: ON or OPTIONAL"})
        (pool,) = pools
        with pool.lock:
            pool._client().set_user_pool_mfa_config(
                UserPoolId=pool.pool_id,
                SoftwareTokenMfaConfiguration={"Enabled": True},
                MfaConfiguration=mfa,
            )
        return json_answer(200, {"mfa": mfa})

    build = local.LocalStack.__init__

    def init(self: local.LocalStack, *args: Any, **kwargs: Any) -> None:
        build(self, *args, **kwargs)

        def returned(body: bytes) -> Answer:
            asked = json.loads(body or b"{}")
            event = ses_event(str(asked["reference"]), str(asked["event"]))
            with self.gate:
                result = self.functions["MailBouncesFunction"].invoke(event)
            return json_answer(200, result)

        self.dev_routes[("POST", "/_dev/staff-mfa")] = set_mfa
        self.dev_routes[("POST", "/_dev/mail-returned")] = returned

    local.LocalStack.__init__ = init  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offset", type=float, required=True, help="seconds ahead of now")
    args, rest = parser.parse_known_args()
    move_clock(timedelta(seconds=args.offset))
    add_test_pages()
    from infra.local.stack import main as stack_main

    stack_main(rest)


if __name__ == "__main__":
    main()
