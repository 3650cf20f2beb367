"""A deploy rehearsal (issue 18, item 10): each stage's stack created from the template as
SAM's own translator makes it, with that stage's samconfig.toml parameters, in moto's
CloudFormation; then the operators' command line runs against the stack by its name.

moto creates the table, queues, topic, key, roles, policies, functions, the layer, the
stream's event source mapping, the EventBridge rule, the dashboard; what it cannot create
it skips with a warning. The test names every skipped type (SKIPPED_BY_MOTO), so a new
resource moto cannot check fails here until it is listed on purpose; two types moto lacks
but others depend on get stand-ins (tests/moto_standins.py).

moto's CloudFormation needs packages of its own (openapi-spec-validator, graphql-core and a
few more): requirements-dev.txt asks for them as moto's `cloudformation` extra.
"""

import contextlib
import io
import json
import warnings
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Final

import boto3
import pytest
from moto import mock_aws

from infra.template import Template
from tests.moto_standins import STAND_INS
from tests.unit.test_least_privilege import transformed
from tests.unit.test_stages import STAGES, deploy, overrides

REGION: Final = "eu-central-1"

# What moto's CloudFormation does not create: checked elsewhere (alarms, the SES
# configuration set, the rule: tests/unit/test_alarms.py, mail/test_returns.py; the HTTP
# API and its routes: the local stack reads them from the template; the user pool: the
# local stack's moto Cognito; schedules: test_stages.py), or only policies.
SKIPPED_BY_MOTO = {
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::CloudWatch::Alarm",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::ConfigurationSetEventDestination",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::Scheduler::Schedule",
    "AWS::Scheduler::ScheduleGroup",
}
SUBSCRIPTION = {"AWS::SNS::Subscription"}
# Created by moto itself, and what the operators' commands and the functions need.
MUST_BE_CREATED = {
    "AWS::DynamoDB::Table",
    "AWS::Lambda::Function",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::EventSourceMapping",
    "AWS::IAM::Role",
    "AWS::SQS::Queue",
    "AWS::SNS::Topic",
    "AWS::KMS::Key",
    "AWS::Events::Rule",
    "AWS::Logs::LogGroup",
}


@pytest.fixture
def account() -> Iterator[None]:
    """One moto account with the code bucket SAM would upload to (the translator's
    placeholder s3://bucket/key), Lambda without Docker."""
    with mock_aws(config={"lambda": {"use_docker": False}}):
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("app.py", "def lambda_handler(event, context):\n    return event\n")
        s3.put_object(Bucket="bucket", Key="key", Body=code.getvalue())
        yield


def create(stage: str) -> tuple[str, set[str], dict[str, str]]:
    """The stage's stack as `sam deploy --config-env STAGE` would make it: its name, the
    resource types moto skipped, its outputs."""
    parameters = overrides(stage)
    document = transformed(Template(parameters=parameters))
    name = deploy(stage)["stack_name"]
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(document),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=deploy(stage)["capabilities"].split(),
        )
    skipped = {
        str(w.message).split("Tried to parse ")[1].split(" but")[0]
        for w in caught
        if "not supported by moto's CloudFormation" in str(w.message)
    }
    (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return name, skipped, outputs


def created_types(name: str) -> set[str]:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    paginator = cloudformation.get_paginator("list_stack_resources")
    return {
        resource["ResourceType"]
        for page in paginator.paginate(StackName=name)
        for resource in page["StackResourceSummaries"]
    }


def test_every_stage_deploys_side_by_side_in_one_account_and_moto_skips_only_the_listed(
    account: None,
) -> None:
    for stage in STAGES:
        name, skipped, outputs = create(stage)
        # Without AlarmEmail (dev, test) there is no subscription to skip.
        expected = SKIPPED_BY_MOTO - (set() if "AlarmEmail" in overrides(stage) else SUBSCRIPTION)
        assert skipped == expected, f"{stage}: moto skipped {sorted(skipped)}"
        types = created_types(name)
        assert types >= MUST_BE_CREATED | STAND_INS, sorted(MUST_BE_CREATED - types)
        for output in ("TableName", "ReleaseFunctionName", "MailDeadLettersUrl",
                       "SendEmailFunctionName", "TokenKeySecretArn", "DashboardUrl"):  # fmt: skip
            assert outputs.get(output), f"{stage}: output {output}"
        assert name in outputs["TableName"]
        # The DNS records the county publishes, from the identity's DKIM tokens.
        assert outputs["MailDkimRecord1"].endswith(".dkim.amazonses.com")
        assert outputs["MailFromMxRecord"].startswith("bounce.oberhavel.de MX 10 feedback-smtp.")
    functions = boto3.client("lambda", region_name=REGION).list_functions()["Functions"]
    template_functions = Template().of_type("AWS::Serverless::Function")
    assert len(functions) == len(STAGES) * len(template_functions)


def ops(stack: str, *argv: str) -> str:
    """`python -m infra.ops --stack STACK ...` as an operator runs it; its output."""
    from infra.ops.cli import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["--stack", stack, *argv])
    assert code == 0, printed.getvalue()
    return printed.getvalue()


def test_the_operators_command_line_works_against_the_deployed_stack(
    account: None, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from terminbuchung.config import site_config
    from terminbuchung.release import release_slots
    from terminbuchung.table import use_table

    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    name, _, outputs = create("test")

    released = ops(name, "release")  # invokes the stack's ReleaseSlotsFunction
    assert "error" not in released.lower()
    # What that function does when it runs (moto invokes no code without Docker).
    use_table(outputs["TableName"])
    assert release_slots(site_config(), now).created.total() > 0
    shown = ops(name, "show", "oranienburg", "--days", "7")
    day = next(d for d in (now.date() + timedelta(days=n) for n in range(1, 8))
               if d.isoformat() in shown)  # fmt: skip
    closed = ops(name, "close", "oranienburg", day.isoformat(), "--reason", "Betriebsversammlung")
    assert "slots withdrawn" in closed
    assert " 0 slots withdrawn" not in closed
    after_close = line_of(ops(name, "show", "oranienburg", "--days", "7"), day.isoformat())
    reopened = ops(name, "reopen", "oranienburg", day.isoformat())
    assert "bookable again" in reopened
    after_reopen = line_of(ops(name, "show", "oranienburg", "--days", "7"), day.isoformat())
    assert after_close != after_reopen
    assert line_of(shown, day.isoformat()) == after_reopen
    # The other commands that read the stack's outputs.
    assert ops(name, "redrive").startswith("0 dead letters replayed")
    assert ops(name, "token-key", "show").startswith("one key")  # as CloudFormation made it


def line_of(listing: str, day: str) -> str:
    (line,) = [row for row in listing.splitlines() if day in row]
    return line
