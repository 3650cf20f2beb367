"""The deployment's settings: what template.yaml passes to the functions as environment.

One place names every variable. Nothing is read at import: each user reads the settings
once, on first use (a cold start), and caches what it derives from them (the site
configuration, the mail settings, the token key, the table's connection). Tests and the
local stack set the environment and clear those caches; import order does not matter.
"""

import os
from typing import NamedTuple

DEFAULT_REGION = "eu-central-1"
DEFAULT_SITE_CONFIG = "oberhavel.toml"
LOCAL_TABLE = "terminbuchung-local"


class SettingsError(Exception):
    """A variable the deployment must set is missing; the message names it."""


class Settings(NamedTuple):
    """The environment a function runs in. A NamedTuple rather than a dataclass: the same
    frozen record, made in a tenth of the time at every cold start (issue 14)."""

    table_name: str
    region: str
    # Only the local stack and the integration tests point elsewhere (DynamoDB Local).
    dynamodb_endpoint: str | None
    site_config: str  # a file in shared/config/, or a path
    # The cancel tokens' HMAC key: in AWS a Secrets Manager ARN, locally the key itself
    # and, to try a rotation, the key before it (references.TokenKeys).
    token_key: str | None
    token_key_previous: str | None
    token_key_secret_arn: str | None
    # The proof-of-work puzzles' signing key (HMAC): in AWS a Secrets Manager ARN, locally
    # the key itself (proof_of_work.challenge_key).
    challenge_key: str | None
    challenge_key_secret_arn: str | None
    # Behind the edge (CloudFront + WAF): the value of the header CloudFront adds; the API
    # functions refuse requests without it (http_api.came_through_the_edge).
    edge_origin_token: str | None
    mail_sender: str | None
    mail_configuration_set: str | None
    booking_page_url: str | None
    # Where the one-time schedules that free unconfirmed bookings go (terminbuchung.holds):
    # the stack's schedule group, the function they invoke and the role they invoke it as.
    hold_schedule_group: str | None = None
    hold_expiry_function_arn: str | None = None
    hold_expiry_role_arn: str | None = None

    def required(self, name: str) -> str:
        """A setting this function cannot work without, e.g. `mail_sender`."""
        value = getattr(self, name)
        if not value:
            raise SettingsError(f"environment variable {name.upper()} is not set")
        return str(value)


def read_settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME") or LOCAL_TABLE,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
        dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
        site_config=env.get("SITE_CONFIG") or DEFAULT_SITE_CONFIG,
        token_key=env.get("TOKEN_KEY") or None,
        token_key_previous=env.get("TOKEN_KEY_PREVIOUS") or None,
        token_key_secret_arn=env.get("TOKEN_KEY_SECRET_ARN") or None,
        challenge_key=env.get("CHALLENGE_KEY") or None,
        challenge_key_secret_arn=env.get("CHALLENGE_KEY_SECRET_ARN") or None,
        edge_origin_token=env.get("EDGE_ORIGIN_TOKEN") or None,
        mail_sender=env.get("MAIL_SENDER") or None,
        mail_configuration_set=env.get("MAIL_CONFIGURATION_SET") or None,
        booking_page_url=env.get("BOOKING_PAGE_URL") or None,
        hold_schedule_group=env.get("HOLD_SCHEDULE_GROUP") or None,
        hold_expiry_function_arn=env.get("HOLD_EXPIRY_FUNCTION_ARN") or None,
        hold_expiry_role_arn=env.get("HOLD_EXPIRY_ROLE_ARN") or None,
    )
