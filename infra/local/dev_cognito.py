"""The staff side of the local stack: moto's Cognito with the template's user pool.

At start the pool, its groups and the console's app client are created from template.yaml
(the same properties CloudFormation would set), plus one demo member of staff per enabled
location of the site configuration and one admin, with known passwords set permanent (no
first-login challenge). moto issues real RS256 JWTs and serves the pool's JWKS.

    POST /_dev/cognito/      Cognito's JSON API on the stack's own origin: the body and the
                             X-Amz-Target header go to moto's cognito-idp, as a browser would
                             send them to https://cognito-idp.<region>.amazonaws.com/
    GET  /_dev/staff-users   {"region", "user_pool_id", "client_id",
                              "users": [{"username", "password", "groups"}]}
    POST /_dev/staff         {"argv": [...]}: `python -m infra.ops staff ...` on this pool

Only the user's side of Cognito's API is forwarded (sign-in, challenges, the user's own
settings): administrative actions answer as Cognito does without AWS credentials.
"""

import json
import sys
import threading
from dataclasses import dataclass
from typing import Any

from infra.local.http_events import Answer, DevRoute, HeaderRoute, json_answer
from infra.ops.staff import temporary_password
from infra.template import Template

COGNITO_TARGET_PREFIX = "AWSCognitoIdentityProviderService."
# What a browser may ask Cognito without AWS credentials: sign-in, its challenges, tokens,
# and a signed-in user's own account (with the access token in the body).
PUBLIC_ACTIONS = frozenset(
    {
        "InitiateAuth",
        "RespondToAuthChallenge",
        "GetTokensFromRefreshToken",
        "RevokeToken",
        "GlobalSignOut",
        "GetUser",
        "ChangePassword",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    }
)
# ExplicitAuthFlows a client must allow for InitiateAuth's AuthFlow (moto does not check).
FLOW_PERMISSIONS = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
}
# Properties of AWS::Cognito::UserPool and ::UserPoolClient that the API takes as they are.
POOL_PROPERTIES = (
    "Policies",
    "AdminCreateUserConfig",
    "AccountRecoverySetting",
    "UsernameConfiguration",
    "AutoVerifiedAttributes",
    "Schema",
    "DeletionProtection",
)
CLIENT_PROPERTIES = (
    "GenerateSecret",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AuthSessionValidity",
    "IdTokenValidity",
    "AccessTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)
_AMZ_JSON = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    groups: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"username": self.username, "password": self.password, "groups": list(self.groups)}


def demo_password(name: str) -> str:
    """Known, and within the pool's policy (12+ characters, upper, lower, digit, symbol)."""
    return f"{name.capitalize()}-Demo-2026"


def _cognito_error(status: int, kind: str, message: str) -> Answer:
    body = json.dumps({"__type": kind, "message": message}).encode()
    return status, [("Content-Type", _AMZ_JSON), ("Cache-Control", "no-store")], body


class DevCognito:
    """The template's user pool in moto, its demo users, and Cognito's API for the browser."""

    def __init__(self, template: Template, region: str) -> None:
        self.template = template
        self.region = region
        self.endpoint = f"https://cognito-idp.{region}.amazonaws.com/"
        (self.pool_name,) = template.of_type("AWS::Cognito::UserPool")
        (self.client_name,) = template.of_type("AWS::Cognito::UserPoolClient")
        self.pool_id = ""
        self.client_id = ""
        self.users: list[DemoUser] = []
        # moto's backend is not built for concurrent callers.
        self.lock = threading.Lock()

    @property
    def resource_names(self) -> dict[str, str]:
        """The local ids of the template's Cognito resources, for !Ref and !Sub."""
        return {self.pool_name: self.pool_id, self.client_name: self.client_id}

    @property
    def pseudo_parameters(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "terminbuchung-local",
        }

    def _client(self) -> Any:
        import boto3

        return boto3.client("cognito-idp", region_name=self.region)

    def start(self, location_ids: list[str], enabled_location_ids: list[str]) -> None:
        """Create pool, groups (the template's and any location's missing there), client, users."""
        cognito = self._client()
        names = self.resource_names
        props = self.template.resources[self.pool_name]["Properties"]
        pool_args = {
            key: self.template.value(props[key], names, self.pseudo_parameters)
            for key in POOL_PROPERTIES
            if key in props
        }
        pool_name = self.template.value(props.get("UserPoolName"), names, self.pseudo_parameters)
        self.pool_id = cognito.create_user_pool(PoolName=pool_name or "staff", **pool_args)[
            "UserPool"
        ]["Id"]
        if "MfaConfiguration" in props:
            cognito.set_user_pool_mfa_config(
                UserPoolId=self.pool_id,
                SoftwareTokenMfaConfiguration={"Enabled": True},
                MfaConfiguration=self.template.value(props["MfaConfiguration"], names),
            )

        groups: dict[str, dict[str, Any]] = {}
        for resource in self.template.of_type("AWS::Cognito::UserPoolGroup").values():
            group = resource["Properties"]
            groups[group["GroupName"]] = {
                k: group[k] for k in ("Description", "Precedence") if k in group
            }
        for location_id in location_ids:
            if location_id not in groups:
                print(
                    f"template.yaml has no group {location_id!r}: created locally", file=sys.stderr
                )
                groups[location_id] = {"Description": f"Staff of {location_id} (local only)"}
        for name, extra in groups.items():
            cognito.create_group(UserPoolId=self.pool_id, GroupName=name, **extra)

        client = self.template.resources[self.client_name]["Properties"]
        client_args = {
            key: self.template.value(client[key], self.resource_names)
            for key in CLIENT_PROPERTIES
            if key in client
        }
        client_name = self.template.value(client.get("ClientName"), names, self.pseudo_parameters)
        self.client_id = cognito.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName=client_name or "console", **client_args
        )["UserPoolClient"]["ClientId"]

        demo = [(f"staff-{location_id}", (location_id,)) for location_id in enabled_location_ids]
        demo.append(("staff-admin", ("admin",)))
        for username, user_groups in demo:
            user = DemoUser(username, demo_password(username.removeprefix("staff-")), user_groups)
            self.add_user(user.username, f"{user.username}@jobcenter.example", user.groups)
            cognito.admin_set_user_password(
                UserPoolId=self.pool_id,
                Username=user.username,
                Password=user.password,
                Permanent=True,
            )
            self.users.append(user)

    def add_user(self, username: str, email: str, groups: tuple[str, ...]) -> str:
        """A new member of staff with a temporary password (returned), as `staff add` does."""
        cognito = self._client()
        password = temporary_password()
        cognito.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            TemporaryPassword=password,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        for group in groups:
            cognito.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=username, GroupName=group
            )
        return password

    def routes(self) -> dict[tuple[str, str], DevRoute]:
        return {
            ("GET", "/_dev/staff-users"): self._staff_users,
            ("POST", "/_dev/staff"): self._staff_command,
        }

    def _staff_command(self, body: bytes) -> Answer:
        """The local side of `python -m infra.ops staff ...`."""
        from infra.ops.cli import parser
        from infra.ops.staff import StaffError, run

        try:
            argv = [str(arg) for arg in json.loads(body or b"{}").get("argv", [])]
            args = parser().parse_args(argv)
        except (ValueError, AttributeError, SystemExit):
            return json_answer(400, {"error": "invalid command line"})
        if args.command != "staff":
            return json_answer(400, {"error": "not a staff command"})
        with self.lock:
            try:
                return json_answer(
                    200, {"output": run(self._client(), self.pool_id, args, local=True)}
                )
            except StaffError as error:
                return json_answer(400, {"error": str(error)})

    def proxies(self) -> dict[tuple[str, str], HeaderRoute]:
        return {
            ("POST", "/_dev/cognito/"): self.cognito_api,
            ("POST", "/_dev/cognito"): self.cognito_api,
        }

    def _staff_users(self, _: bytes) -> Answer:
        return json_answer(
            200,
            {
                "region": self.region,
                "user_pool_id": self.pool_id,
                "client_id": self.client_id,
                "users": [user.as_json() for user in self.users],
            },
        )

    def cognito_api(self, body: bytes, headers: dict[str, str]) -> Answer:
        """Cognito's JSON API, for the browser: moto's cognito-idp in this process."""
        target = headers.get("x-amz-target", "")
        action = target.removeprefix(COGNITO_TARGET_PREFIX)
        if not target.startswith(COGNITO_TARGET_PREFIX) or action not in PUBLIC_ACTIONS:
            # What Cognito answers an unsigned request for an administrative action.
            return _cognito_error(
                400, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return _cognito_error(400, "SerializationException", "the body is no JSON")
        if not isinstance(request, dict):
            return _cognito_error(400, "SerializationException", "the body is no JSON object")
        with self.lock:
            refused = self._refused_by_the_client(action, request)
            if refused:
                return refused
            return self._forward(target, body, request)

    def _refused_by_the_client(self, action: str, request: dict[str, Any]) -> Answer | None:
        """What Cognito checks of the app client and moto does not: its allowed flows."""
        if action != "InitiateAuth":
            return None
        flow = str(request.get("AuthFlow", ""))
        client_id = str(request.get("ClientId", ""))
        if client_id != self.client_id:
            return None  # moto answers for unknown clients itself
        allowed = self._client_settings().get("ExplicitAuthFlows") or []
        if FLOW_PERMISSIONS.get(flow) not in allowed:
            return _cognito_error(
                400, "InvalidParameterException", f"{flow} flow not enabled for this client"
            )
        return None

    def _client_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = self._client().describe_user_pool_client(
            UserPoolId=self.pool_id, ClientId=self.client_id
        )["UserPoolClient"]
        return settings

    def _forward(self, target: str, body: bytes, request: dict[str, Any]) -> Answer:
        import requests

        # Under mock_aws, moto answers Cognito's address in this process.
        answer = requests.post(
            self.endpoint,
            data=body,
            headers={"X-Amz-Target": target, "Content-Type": _AMZ_JSON},
            timeout=10,
        )
        content = answer.content
        if answer.status_code >= 400 and self._hides_user_existence(request, content):
            # PreventUserExistenceErrors: an unknown user answers like a wrong password.
            return _cognito_error(400, "NotAuthorizedException", "Incorrect username or password.")
        return (
            answer.status_code,
            [("Content-Type", _AMZ_JSON), ("Cache-Control", "no-store")],
            content,
        )

    def _hides_user_existence(self, request: dict[str, Any], content: bytes) -> bool:
        try:
            kind = str(json.loads(content).get("__type", ""))
        except (ValueError, AttributeError):
            return False
        if not kind.endswith("UserNotFoundException"):
            return False
        if request.get("ClientId") != self.client_id:
            return False
        return self._client_settings().get("PreventUserExistenceErrors") == "ENABLED"
