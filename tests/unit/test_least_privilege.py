"""Least privilege, as deployed: every function's execution role grants exactly what it needs.

The template is put through the SAM transform (the same translator `sam build` and
CloudFormation use), and each function's role is read as IAM will: its inline policies, the
template's managed policies attached to it (by `ManagedPolicyArns` or by their `Roles`) and
AWS's managed policies by ARN. Every statement is broken down into (action, resource,
condition) and compared with the list below. Folding repeated statements into a shared
managed policy must leave these sets unchanged; a new permission is added here on purpose.
"""

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from infra.template import Template

# The account the transform is run for; the values only make the ARNs readable.
PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::Region": "eu-central-1",
    "AWS::AccountId": "123456789012",
    "AWS::URLSuffix": "amazonaws.com",
}

TABLE = "${BookingTable.Arn}"
TOKEN_KEY = "${TokenKeySecret}"
CHALLENGE_KEY = "${ChallengeKeySecret}"
DAY_INDEX = f"{TABLE}/index/by-location-day"
SES = "arn:aws:ses:eu-central-1:123456789012"
SENDER_ONLY = {"StringEquals": {"ses:FromAddress": "termine@oberhavel.de"}}


def leading(*prefixes: str) -> dict[str, Any]:
    """The condition on a grant on the table: its items whose partition keys have these
    prefixes (on the day index, the index's partition key)."""
    return {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{p}#*" for p in prefixes]}}


SENT_MARKERS_ONLY = leading("SENT")
SLOT_PARTITIONS_ONLY = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["LOC#*"]}}
BOOKINGS_ONLY = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["BOOKING#*"]}}
UNDELIVERED_MAIL_ONLY = {
    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["BOOKING#*"]},
    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", "undelivered_mail"]},
}

BOOKINGS_ONLY = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["BOOKING#*"]}}
GUARDS_ONLY = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["GUARD#*"]}}
NOTICES_ONLY = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["NOTICE#*"]}}
SPENT_SOLUTIONS_ONLY = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CHALLENGE#*"]}}
HOLD_SCHEDULES = "arn:aws:scheduler:eu-central-1:123456789012:schedule/${HoldSchedules}/hold-*"
TO_SCHEDULER_ONLY = {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}

LOGS = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
XRAY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
STREAM = "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"

Grant = tuple[str, str, str]  # action, resource, condition as canonical JSON ("" for none)


def grants(
    actions: list[str], resources: list[str], condition: dict[str, Any] | None = None
) -> set[Grant]:
    when = json.dumps(condition, sort_keys=True) if condition else ""
    return {(action, resource, when) for action in actions for resource in resources}


@dataclass(frozen=True)
class Permissions:
    aws_managed_policies: frozenset[str]
    grants: frozenset[Grant]


def expected(aws_managed: set[str], *granted: set[Grant]) -> Permissions:
    return Permissions(frozenset(aws_managed), frozenset(set().union(*granted)))


MAIL = (
    grants(
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        [TABLE],
        SENT_MARKERS_ONLY,
    ),
    # The daily cap's counters per mailbox: counted up, never read or deleted.
    grants(["dynamodb:UpdateItem"], [TABLE], leading("MAILTO")),
    grants(["dynamodb:UpdateItem"], [TABLE], UNDELIVERED_MAIL_ONLY),
    grants(
        ["ses:SendRawEmail"],
        [
            f"{SES}:identity/termine@oberhavel.de",
            f"{SES}:identity/oberhavel.de",
            f"{SES}:configuration-set/terminbuchung",
        ],
        SENDER_ONLY,
    ),
    grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY]),
)

EXPECTED = {
    "SendEmailFunction": expected(
        {LOGS, XRAY, STREAM},
        *MAIL,
        grants(["sqs:SendMessage"], ["${MailDeadLetters.Arn}"]),
        # A notice names bookings: their dates and addresses.
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
        # The one-time schedule of a pending booking, in the stack's group, run as the
        # role that may invoke the expiry only, and passed to Scheduler only.
        grants(["scheduler:CreateSchedule"], [HOLD_SCHEDULES]),
        grants(["iam:PassRole"], ["${HoldExpiryRole.Arn}"], TO_SCHEDULER_ONLY),
    ),
    "SendRemindersFunction": expected(
        {LOGS, XRAY},
        *MAIL,
        grants(["dynamodb:Query"], [DAY_INDEX], leading("DAY")),
        # The sweep: pending bookings past their time expire (booking, slot, guards).
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC")),
        grants(["dynamodb:DeleteItem"], [TABLE], GUARDS_ONLY),
    ),
    # The confirmation (booking and slot counters) or, too late, the expiry.
    "ConfirmFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC")),
        grants(["dynamodb:DeleteItem"], [TABLE], GUARDS_ONLY),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY]),
    ),
    # The address's guards name its bookings; the notice is written; no booking is read.
    "LookupFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:Query"], [TABLE], GUARDS_ONLY),
        grants(["dynamodb:PutItem"], [TABLE], NOTICES_ONLY),
        grants(["dynamodb:PutItem"], [TABLE], SPENT_SOLUTIONS_ONLY),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY, CHALLENGE_KEY]),
    ),
    # Invoked by a pending booking's schedule: expires it (booking, slot, guards).
    "ExpireHoldFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC")),
        grants(["dynamodb:DeleteItem"], [TABLE], GUARDS_ONLY),
    ),
    "ListSlotsFunction": expected(
        {LOGS, XRAY}, grants(["dynamodb:Query"], [TABLE], SLOT_PARTITIONS_ONLY)
    ),
    # ConditionCheckItem: the person's guards under the previous key, after a rotation.
    "BookFunction": expected(
        {LOGS, XRAY},
        # The record of an Idempotency-Key, and its booking.
        grants(["dynamodb:GetItem"], [TABLE], leading("BOOKING", "REQUEST")),
        # The transaction's items; a notice to the holder of a booking already made.
        grants(
            ["dynamodb:PutItem"],
            [TABLE],
            leading("BOOKING", "GUARD", "CHALLENGE", "REQUEST", "PRIORITY", "NOTICE"),
        ),
        # The seat; a corrected address: the replaced hold marked, its guards deleted.
        grants(["dynamodb:UpdateItem"], [TABLE], leading("LOC", "BOOKING")),
        grants(["dynamodb:DeleteItem"], [TABLE], GUARDS_ONLY),
        grants(["dynamodb:ConditionCheckItem"], [TABLE], GUARDS_ONLY),
        # A booking with priority: the day's closures (terminbuchung.priority).
        grants(["dynamodb:Query"], [TABLE], SLOT_PARTITIONS_ONLY),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY, CHALLENGE_KEY]),
    ),
    # The puzzle's signing key and nothing else: no table, no token key.
    "ChallengeFunction": expected(
        {LOGS, XRAY}, grants(["secretsmanager:GetSecretValue"], [CHALLENGE_KEY])
    ),
    "ShowBookingFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY]),
    ),
    "CancelFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC")),
        grants(["dynamodb:DeleteItem"], [TABLE], GUARDS_ONLY),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY]),
    ),
    # The booking, the request record of an Idempotency-Key, the move's transaction.
    "RescheduleFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:GetItem"], [TABLE], leading("BOOKING", "REQUEST")),
        grants(["dynamodb:PutItem"], [TABLE], leading("REQUEST", "CHALLENGE")),
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC", "GUARD")),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY, CHALLENGE_KEY]),
    ),
    # Who is signed in comes from the token's claims, where from the site configuration.
    "StaffMeFunction": expected({LOGS, XRAY}),
    # The office's day (slots by key range, bookings by the day index) and one booking.
    "StaffDayFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:Query"], [TABLE], SLOT_PARTITIONS_ONLY),
        grants(["dynamodb:Query"], [DAY_INDEX], leading("DAY")),
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
    ),
    # Closures: the slots of the day, the closure items, the day's bookings called off.
    "StaffClosuresFunction": expected(
        {LOGS, XRAY},
        grants(
            ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            [TABLE],
            SLOT_PARTITIONS_ONLY,
        ),
        grants(["dynamodb:Query"], [DAY_INDEX], leading("DAY")),
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC")),
        grants(["dynamodb:DeleteItem"], [TABLE], GUARDS_ONLY),
    ),
    # Bookings for callers, attendance and cancellations: the citizens' writes, and the key
    # for the one-booking-per-person guards.
    "StaffBookingsFunction": expected(
        {LOGS, XRAY},
        grants(["dynamodb:GetItem"], [TABLE], BOOKINGS_ONLY),
        grants(["dynamodb:PutItem"], [TABLE], leading("BOOKING", "GUARD")),
        grants(["dynamodb:UpdateItem"], [TABLE], leading("BOOKING", "LOC")),
        grants(["dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"], [TABLE], GUARDS_ONLY),
        grants(["secretsmanager:GetSecretValue"], [TOKEN_KEY]),
    ),
    # The evaluation reads the slots' counters: location partitions only, never a booking.
    "StaffReportsFunction": expected(
        {LOGS, XRAY}, grants(["dynamodb:Query"], [TABLE], SLOT_PARTITIONS_ONLY)
    ),
    # SES's bounces and complaints: the booking's email_status, nothing else of it.
    "MailBouncesFunction": expected(
        {LOGS, XRAY},
        grants(
            ["dynamodb:UpdateItem"],
            [TABLE],
            {
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["BOOKING#*"]},
                "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", "email_status"]},
            },
        ),
    ),
    "ReleaseSlotsFunction": expected(
        {LOGS, XRAY},
        grants(
            ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            [TABLE],
            SLOT_PARTITIONS_ONLY,
        ),
    ),
}


class Resolver:
    """Evaluates the intrinsics of IAM statements; resources stay `${Name}`, `${Name.Attr}`."""

    def __init__(self, parameters: dict[str, str]) -> None:
        self.parameters = {**parameters, **PSEUDO_PARAMETERS}

    def __call__(self, node: Any) -> Any:  # noqa: PLR0911
        if isinstance(node, list):
            return [self(item) for item in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"}:
            return self.parameters.get(node["Ref"], "${" + node["Ref"] + "}")
        if set(node) == {"Fn::GetAtt"}:
            return "${" + ".".join(node["Fn::GetAtt"]) + "}"
        if set(node) == {"Fn::Sub"}:
            text, variables = node["Fn::Sub"], {}
            if isinstance(text, list):
                text, variables = text
            return self.substitute(text, {name: self(value) for name, value in variables.items()})
        if set(node) == {"Fn::Select"}:
            index, items = node["Fn::Select"]
            return self(items)[int(index)]
        if set(node) == {"Fn::Split"}:
            delimiter, text = node["Fn::Split"]
            return self(text).split(delimiter)
        if any(key.startswith("Fn::") for key in node):
            raise AssertionError(f"no resolver for {node}")
        return {key: self(value) for key, value in node.items()}

    def substitute(self, text: str, variables: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return variables.get(name) or self.parameters.get(name) or match.group(0)

        return re.sub(r"\$\{([^}!]+)\}", value, text)


def transformed(template: Template) -> dict[str, Any]:
    """The CloudFormation template SAM makes of ours (code locations as S3 placeholders)."""
    from samtranslator.metrics.metrics import Metrics  # type: ignore[import-untyped]
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    document = copy.deepcopy(template.document)
    for resource in document["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = "s3://bucket/key"
    # An empty policy map: a policy named by name instead of ARN fails the transform here.
    session = boto3.Session(region_name=PSEUDO_PARAMETERS["AWS::Region"])
    metrics = Metrics()  # the transform's own counters, kept in memory
    translator = Translator({}, Parser(), boto_session=session, metrics=metrics)
    result: dict[str, Any] = translator.translate(document, dict(template.parameters))
    metrics.publish()
    return result


def statement_grants(statement: dict[str, Any], resolve: Resolver) -> set[Grant]:
    unexpected = set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}
    assert not unexpected, f"a statement with {unexpected} is not read here: {statement}"
    assert statement["Effect"] == "Allow", statement
    actions, resources = resolve(statement["Action"]), resolve(statement["Resource"])
    return grants(
        actions if isinstance(actions, list) else [actions],
        resources if isinstance(resources, list) else [resources],
        resolve(statement.get("Condition")),
    )


def effective_permissions(template: Template) -> dict[str, Permissions]:
    """Every function's permissions as its deployed execution role has them."""
    resources = transformed(template)["Resources"]
    resolve = Resolver(template.parameters)

    def attached_by_roles(role: str) -> list[dict[str, Any]]:
        return [
            r["Properties"]["PolicyDocument"]
            for r in resources.values()
            if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
            and {"Ref": role} in r["Properties"].get("Roles", [])
        ]

    permissions = {}
    for name, function in resources.items():
        if function["Type"] != "AWS::Lambda::Function":
            continue
        role_name, attribute = function["Properties"]["Role"]["Fn::GetAtt"]
        assert attribute == "Arn"
        role = resources[role_name]["Properties"]
        documents = [p["PolicyDocument"] for p in role.get("Policies", [])]
        documents += attached_by_roles(role_name)
        aws_managed = set()
        for arn in role.get("ManagedPolicyArns", []):
            ours = arn.get("Ref") if isinstance(arn, dict) else None
            if ours in resources and resources[ours]["Type"] == "AWS::IAM::ManagedPolicy":
                documents.append(resources[ours]["Properties"]["PolicyDocument"])
            else:
                resolved = resolve(arn)
                assert isinstance(resolved, str), f"{name}: a managed policy {arn} not read here"
                aws_managed.add(resolved)
        granted = set().union(
            *(statement_grants(s, resolve) for d in documents for s in d["Statement"])
        )
        permissions[name] = Permissions(frozenset(aws_managed), frozenset(granted))
    return permissions


@pytest.fixture(scope="module")
def permissions() -> dict[str, Permissions]:
    return effective_permissions(Template())


def test_every_function_is_in_the_list(permissions: dict[str, Permissions]) -> None:
    assert set(permissions) == set(EXPECTED)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_each_function_may_do_exactly_what_it_needs(
    permissions: dict[str, Permissions], function: str
) -> None:
    have, want = permissions[function], EXPECTED[function]
    assert sorted(have.grants - want.grants) == [], "granted beyond the list"
    assert sorted(want.grants - have.grants) == [], "listed but not granted"
    assert have.aws_managed_policies == want.aws_managed_policies


def test_the_resolver_reads_the_sender_domain_from_the_parameter() -> None:
    resolve = Resolver({"MailSender": "termine@example.org"})
    domain = {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailSender"}]}]}
    arn = {"Fn::Sub": ["arn:${AWS::Partition}:ses:::identity/${Domain}", {"Domain": domain}]}
    assert resolve(arn) == "arn:aws:ses:::identity/example.org"
    assert resolve({"Fn::Sub": "${BookingTable.Arn}/index/x"}) == "${BookingTable.Arn}/index/x"


def test_the_schedules_of_pending_bookings_may_invoke_the_expiry_only() -> None:
    """The role Scheduler runs the one-time schedules as: assumed by Scheduler of this
    account only, allowed to invoke ExpireHoldFunction and nothing else."""
    role = transformed(Template())["Resources"]["HoldExpiryRole"]["Properties"]
    resolve = Resolver({})
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert resolve(trust["Condition"]) == {
        "StringEquals": {"aws:SourceAccount": PSEUDO_PARAMETERS["AWS::AccountId"]}
    }
    granted = set().union(
        *(
            statement_grants(s, resolve)
            for p in role["Policies"]
            for s in p["PolicyDocument"]["Statement"]
        )
    )
    assert granted == grants(["lambda:InvokeFunction"], ["${ExpireHoldFunction.Arn}"])
    assert "ManagedPolicyArns" not in role
