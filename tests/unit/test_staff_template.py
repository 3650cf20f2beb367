"""The staff side of template.yaml: the user pool, its groups and client, the JWT authorizer.

The routes are read after the SAM transform too (the OpenAPI body API Gateway is given),
so a `/staff/` route without the authorizer, or a public route with it, fails here.
"""

from typing import Any

import pytest

from infra.template import Template
from terminbuchung.config import SiteConfig
from tests.unit.test_least_privilege import transformed

STAFF_PREFIX = "/staff/"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template()


def only(template: Template, kind: str) -> dict[str, Any]:
    (resource,) = template.of_type(kind).values()
    return resource


def test_staff_cannot_sign_up_themselves_and_the_pool_outlives_the_stack(
    template: Template,
) -> None:
    pool = only(template, "AWS::Cognito::UserPool")
    props = pool["Properties"]

    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["DeletionPolicy"] == "Retain"
    assert pool["UpdateReplacePolicy"] == "Retain"
    assert props["DeletionProtection"] == "ACTIVE"
    # A forgotten password goes by e-mail only.
    assert props["AccountRecoverySetting"]["RecoveryMechanisms"] == [
        {"Name": "verified_email", "Priority": 1}
    ]
    invite = props["AdminCreateUserConfig"]["InviteMessageTemplate"]
    assert "{username}" in invite["EmailMessage"]
    assert "{####}" in invite["EmailMessage"]


def test_the_password_policy_is_strong(template: Template) -> None:
    policy = only(template, "AWS::Cognito::UserPool")["Properties"]["Policies"]["PasswordPolicy"]

    assert policy["MinimumLength"] >= 12
    for requirement in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"):
        assert policy[requirement] is True, requirement
    assert 1 <= policy["TemporaryPasswordValidityDays"] <= 3


def test_mfa_is_optional_or_required_by_parameter(template: Template) -> None:
    props = only(template, "AWS::Cognito::UserPool")["Properties"]
    parameter = template.document["Parameters"]["StaffMfa"]

    assert props["MfaConfiguration"] == {"Ref": "StaffMfa"}
    assert parameter["AllowedValues"] == ["OPTIONAL", "ON"]  # strings: YAML's bare ON is True
    assert parameter["Default"] == "OPTIONAL"
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_one_group_per_configured_location_and_admin(template: Template, site: SiteConfig) -> None:
    groups = [
        g["Properties"]["GroupName"]
        for g in template.of_type("AWS::Cognito::UserPoolGroup").values()
    ]
    pool = next(iter(template.of_type("AWS::Cognito::UserPool")))

    assert sorted(groups) == sorted([*(loc.id for loc in site.locations), "admin"])
    for group in template.of_type("AWS::Cognito::UserPoolGroup").values():
        assert group["Properties"]["UserPoolId"] == {"Ref": pool}


def test_the_console_client_has_no_secret_and_signs_in_by_srp(template: Template) -> None:
    client = only(template, "AWS::Cognito::UserPoolClient")["Properties"]

    assert client.get("GenerateSecret", False) is False
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["TokenValidityUnits"] == {
        "IdToken": "minutes",
        "AccessToken": "minutes",
        "RefreshToken": "minutes",
    }
    assert client["IdTokenValidity"] == client["AccessTokenValidity"] == 60
    assert client["RefreshTokenValidity"] == 12 * 60

    for stage in ("test", "prod"):
        flows = Template(parameters={"Stage": stage}).value(client["ExplicitAuthFlows"], {})
        assert sorted(flows) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"], stage
    # dev stacks and the local one (Stage dev) also take the password itself, for curl.
    dev = Template(parameters={"Stage": "dev"}).value(client["ExplicitAuthFlows"], {})
    assert sorted(dev) == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
    ]


def test_the_authorizer_trusts_the_staff_pool_and_the_console_client(template: Template) -> None:
    pool = next(iter(template.of_type("AWS::Cognito::UserPool")))
    client = next(iter(template.of_type("AWS::Cognito::UserPoolClient")))
    authorizers = template.jwt_authorizers(
        {pool: "eu-central-1_Pool", client: "client-id"}, {"AWS::Region": "eu-central-1"}
    )

    assert list(authorizers) == ["StaffAuthorizer"]
    staff = authorizers["StaffAuthorizer"]
    assert staff.issuer == "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool"
    assert staff.audience == ("client-id",)
    assert staff.identity_source == "$request.header.Authorization"
    assert template.default_authorizer() is None


def test_every_staff_route_has_the_authorizer_and_no_public_route_has_it(
    template: Template,
) -> None:
    routes = template.routes()
    staff = [r for r in routes if r.path.startswith(STAFF_PREFIX)]

    assert "GET /staff/me" in [r.route_key for r in staff]
    for route in routes:
        want = "StaffAuthorizer" if route.path.startswith(STAFF_PREFIX) else None
        assert route.authorizer == want, route.route_key
    default = template.default_route()
    assert default is not None
    assert default.authorizer is None


def test_api_gateway_gets_the_authorizer_on_staff_routes_only(template: Template) -> None:
    """The OpenAPI body SAM hands API Gateway: security per operation, no default."""
    body = transformed(template)["Resources"]["BookingApi"]["Properties"]["Body"]
    scheme = body["components"]["securitySchemes"]["StaffAuthorizer"]

    assert scheme["x-amazon-apigateway-authorizer"]["type"] == "jwt"
    assert "security" not in body  # no DefaultAuthorizer
    seen = 0
    for path, operations in body["paths"].items():
        for method, operation in operations.items():
            if path.startswith(STAFF_PREFIX):
                assert operation.get("security") == [{"StaffAuthorizer": []}], (method, path)
                seen += 1
            else:
                assert not operation.get("security"), (method, path)
    assert seen >= 1


def test_the_browser_may_send_the_authorization_header(template: Template) -> None:
    assert "authorization" in template.cors().allow_headers


def test_the_console_finds_the_pool_and_client_in_the_outputs(template: Template) -> None:
    outputs = template.document["Outputs"]
    pool = next(iter(template.of_type("AWS::Cognito::UserPool")))
    client = next(iter(template.of_type("AWS::Cognito::UserPoolClient")))

    assert outputs["StaffUserPoolId"]["Value"] == {"Ref": pool}
    assert outputs["StaffUserPoolClientId"]["Value"] == {"Ref": client}
