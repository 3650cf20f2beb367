"""Stages: samconfig.toml's dev, test and prod stacks, names unique per stack, a custom domain.

Read from samconfig.toml and template.yaml, and from the template SAM's own translator makes
of it (what CloudFormation creates), so a name SAM generates counts too.
"""

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from infra.template import Template
from tests.unit.test_least_privilege import transformed

ROOT = Path(__file__).resolve().parents[2]
SAMCONFIG = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
STAGES = ("dev", "test", "prod")
REGION = "eu-central-1"  # Frankfurt: the citizens' data stays in Germany

# The property that names a resource of each type, where that name is one per account and
# region: two stacks giving the same one collide (or, for a layer, share it).
ACCOUNT_WIDE_NAMES = {
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Cognito::UserPool": "UserPoolName",
    "AWS::Scheduler::Schedule": "Name",
    "AWS::Scheduler::ScheduleGroup": "Name",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SSM::Parameter": "Name",
    "AWS::ApiGatewayV2::DomainName": "DomainName",
}
CERTIFICATE = (
    "arn:aws:acm:eu-central-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
)
CUSTOM_DOMAIN = {"DomainName": "termine-api.oberhavel.de", "CertificateArn": CERTIFICATE}


def deploy(stage: str) -> dict[str, Any]:
    parameters: dict[str, Any] = SAMCONFIG[stage]["deploy"]["parameters"]
    return parameters


def overrides(stage: str) -> dict[str, str]:
    """The stage's parameter_overrides, a list of "Key=Value" (SAM also reads one string)."""
    items = deploy(stage)["parameter_overrides"]
    assert isinstance(items, list)
    return dict(item.split("=", 1) for item in items)


@pytest.fixture(scope="module")
def template() -> Template:
    return Template()


def test_each_stage_is_its_own_stack_in_frankfurt() -> None:
    assert SAMCONFIG["default"]["global"]["parameters"]["region"] == REGION
    stacks = set()
    for stage in STAGES:
        parameters = deploy(stage)
        assert parameters["region"] == REGION
        assert SAMCONFIG[stage]["global"]["parameters"]["region"] == REGION
        assert parameters["stack_name"] == f"terminbuchung-{stage}"
        assert parameters["s3_prefix"] == parameters["stack_name"]
        assert "CAPABILITY_IAM" in parameters["capabilities"].split()
        stacks.add(parameters["stack_name"])
    assert len(stacks) == len(STAGES)
    assert deploy("prod")["confirm_changeset"] is True  # prod shows its change set first


def test_each_stage_names_itself_and_only_parameters_the_template_takes(
    template: Template,
) -> None:
    specs = template.document["Parameters"]
    for stage in STAGES:
        chosen = overrides(stage)
        assert chosen["Stage"] == stage
        for name, value in chosen.items():
            assert name in specs, f"{stage}: the template has no parameter {name}"
            spec = specs[name]
            if "AllowedValues" in spec:
                assert value in [str(v) for v in spec["AllowedValues"]], (stage, name, value)
            if "AllowedPattern" in spec:
                assert re.fullmatch(spec["AllowedPattern"], value), (stage, name, value)


def unique_per_stack(value: Any, parameters: set[str]) -> bool:
    """A name with the stack's own name in it, or one each stack's parameters choose."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return value["Ref"] in parameters
    return "AWS::StackName" in json.dumps(value)


def test_every_account_wide_name_carries_the_stack_name(template: Template) -> None:
    """Two stacks in one account (dev and test, or two trials) must not collide."""
    parameters = set(template.document["Parameters"])
    resources = transformed(Template(parameters=CUSTOM_DOMAIN))["Resources"]
    named = {}
    for logical_id, resource in resources.items():
        key = ACCOUNT_WIDE_NAMES.get(resource["Type"])
        if key and key in resource.get("Properties", {}):
            named[logical_id] = resource["Properties"][key]
    # What SAM names by itself unless told: the schedules and the layer.
    assert {"ReleaseSlotsFunctionHourly", "SendRemindersFunctionHourly", "FunctionLogs",
            "StaffPool", "ApiDomain"} <= set(named)  # fmt: skip
    assert any(r["Type"] == "AWS::Lambda::LayerVersion" for r in resources.values())
    for logical_id, value in named.items():
        assert unique_per_stack(value, parameters), f"{logical_id} is named {value}"


def test_the_names_fit_their_limits_for_every_stage(template: Template) -> None:
    for stage in STAGES:
        stack = deploy(stage)["stack_name"]
        assert len(f"{stack}-send-reminders") <= 64  # EventBridge Scheduler's limit
        assert len(f"{stack}-release-slots") <= 64
        assert len(f"{stack}-domain") <= 140  # Lambda layer names
        assert len(f"{stack}-staff") <= 128  # Cognito user pool names


# --- the custom domain -----------------------------------------------------------------


def test_without_a_domain_the_api_keeps_its_execute_api_address(template: Template) -> None:
    assert not template.condition("HasCustomDomain")
    assert template.resources["ApiDomain"]["Condition"] == "HasCustomDomain"
    assert template.resources["ApiDomainMapping"]["Condition"] == "HasCustomDomain"
    url = template.value(
        template.document["Outputs"]["ApiUrl"]["Value"],
        {"BookingApi": "abc123"},
        {"AWS::Region": REGION, "AWS::URLSuffix": "amazonaws.com"},
    )
    assert url == "https://abc123.execute-api.eu-central-1.amazonaws.com/"


def test_a_domain_with_its_certificate_maps_the_api_under_that_name() -> None:
    template = Template(parameters=CUSTOM_DOMAIN)
    assert template.condition("HasCustomDomain")
    url = template.value(template.document["Outputs"]["ApiUrl"]["Value"], {})
    assert url == "https://termine-api.oberhavel.de/"
    for output in ("ApiDomainTarget", "ApiDomainHostedZoneId"):
        assert template.document["Outputs"][output]["Condition"] == "HasCustomDomain"

    resources = transformed(template)["Resources"]
    domain = resources["ApiDomain"]["Properties"]
    assert domain["DomainName"] == {"Ref": "DomainName"}
    assert domain["DomainNameConfigurations"] == [
        {"CertificateArn": {"Ref": "CertificateArn"}, "EndpointType": "REGIONAL",
         "SecurityPolicy": "TLS_1_2"}
    ]  # fmt: skip
    mapping = resources["ApiDomainMapping"]["Properties"]
    assert mapping["DomainName"] == {"Ref": "ApiDomain"}
    assert mapping["ApiId"] == {"Ref": "BookingApi"}
    # The $default stage SAM makes: the reference orders the mapping after it.
    (stage,) = [n for n, r in resources.items() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    assert mapping["Stage"] == {"Ref": stage}


@pytest.mark.parametrize(
    "half", [{"DomainName": "termine-api.oberhavel.de"}, {"CertificateArn": CERTIFICATE}]
)
def test_a_domain_without_its_certificate_or_the_reverse_is_refused(
    half: dict[str, str],
) -> None:
    template = Template(parameters=half)
    assert not template.condition("HasCustomDomain")
    rules = template.document["Rules"]
    refused = [
        name
        for name, rule in rules.items()
        if template._truth(rule["RuleCondition"])
        and not all(template._truth(a["Assert"]) for a in rule["Assertions"])
    ]
    assert refused, f"no rule refuses {half}"


def test_the_parameters_accept_a_domain_and_certificate_and_default_to_none(
    template: Template,
) -> None:
    specs = template.document["Parameters"]
    for name, value in CUSTOM_DOMAIN.items():
        assert specs[name]["Default"] == ""
        assert re.fullmatch(specs[name]["AllowedPattern"], value)
        assert re.fullmatch(specs[name]["AllowedPattern"], "")
    assert not re.fullmatch(specs["DomainName"]["AllowedPattern"], "https://termine.de/")
    assert not re.fullmatch(specs["CertificateArn"]["AllowedPattern"], "certificate")
