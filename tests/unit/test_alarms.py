"""The alarms reach someone and cover what the ops team must hear of (issue 18, item 1).

Read from template.yaml as written: every alarm the issue lists exists and notifies the
alarm topic; the topic is encrypted with the stack's own key, whose policy lets CloudWatch
(and EventBridge) use it; a prod stack cannot be deployed without a recipient; every
function has an errors and a throttles alarm, the API functions' counting the 500s they
answered; every dead-letter queue has an alarm; the release has a heartbeat per open
location; thresholds are parameters with defaults; docs/OPERATIONS.md explains each alarm.
"""

import json
import logging
import re
from typing import Any

import pytest

from http_api import UNEXPECTED_ERRORS_METRIC, count_unexpected_error
from infra.template import ROOT, Template
from terminbuchung.config import load_site_config
from tests.unit.test_least_privilege import transformed

ALARM = "AWS::CloudWatch::Alarm"
TOPIC = {"Ref": "AlarmTopic"}


@pytest.fixture(scope="module")
def template() -> Template:
    return Template()


@pytest.fixture(scope="module")
def alarms(template: Template) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in template.of_type(ALARM).items()}


def metrics_of(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """(namespace, name, dimensions) of every metric an alarm reads, metric math included."""
    if "MetricName" in alarm:
        return [
            {
                "Namespace": alarm["Namespace"],
                "MetricName": alarm["MetricName"],
                "Dimensions": alarm.get("Dimensions", []),
            }
        ]
    return [m["MetricStat"]["Metric"] for m in alarm["Metrics"] if "MetricStat" in m]


def reads(alarm: dict[str, Any], namespace: str, metric: str, **dimensions: Any) -> bool:
    for read in metrics_of(alarm):
        if (read["Namespace"], read["MetricName"]) != (namespace, metric):
            continue
        have = {d["Name"]: d["Value"] for d in read.get("Dimensions", [])}
        if all(have.get(name) == value for name, value in dimensions.items()):
            return True
    return False


def alarms_on(
    alarms: dict[str, dict[str, Any]], namespace: str, metric: str, **dimensions: Any
) -> list[str]:
    return [n for n, a in alarms.items() if reads(a, namespace, metric, **dimensions)]


def test_every_alarm_notifies_the_topic(alarms: dict[str, dict[str, Any]]) -> None:
    assert len(alarms) >= 20
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [TOPIC], name
        assert alarm.get("ActionsEnabled", True) is True, name
        assert alarm.get("AlarmDescription"), name


def test_the_topic_has_a_key_that_cloudwatch_and_eventbridge_may_use(template: Template) -> None:
    resources = template.resources
    topic = resources["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "AlarmKey"}, "alias/aws/sns cannot be granted"
    key = resources["AlarmKey"]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    for service in ("cloudwatch.amazonaws.com", "events.amazonaws.com"):
        (grant,) = [s for s in statements if s["Principal"].get("Service") == service]
        assert grant["Effect"] == "Allow"
        assert set(grant["Action"]) >= {"kms:Decrypt", "kms:GenerateDataKey*"}
    # EventBridge's requests to KMS carry no aws:SourceAccount: a condition would drop them.
    (events,) = [s for s in statements if s["Principal"].get("Service") == "events.amazonaws.com"]
    assert "Condition" not in events
    # The account keeps control of its key.
    assert any(s["Principal"].get("AWS") and s["Action"] == "kms:*" for s in statements)
    (publish,) = resources["AlarmTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert set(publish["Principal"]["Service"]) == {
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
    }
    assert publish["Action"] == "sns:Publish"


def test_a_prod_stack_needs_someone_to_receive_the_alarms(template: Template) -> None:
    rule = template.document["Rules"]["ProdAlarmsReachSomeone"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
    subscription = template.resources["AlarmSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    pattern = template.document["Parameters"]["AlarmEmail"]["AllowedPattern"]
    assert re.fullmatch(pattern, "")
    assert re.fullmatch(pattern, "ops@oberhavel.de")
    assert not re.fullmatch(pattern, "ops at oberhavel")


def test_the_api_has_a_5xx_rate_and_a_p95_latency_alarm(
    alarms: dict[str, dict[str, Any]],
) -> None:
    api = {"Ref": "BookingApi"}
    errors = alarms["ApiServerErrorsAlarm"]
    assert reads(errors, "AWS/ApiGateway", "5xx", ApiId=api)
    assert reads(errors, "AWS/ApiGateway", "Count", ApiId=api)
    (rate,) = [m for m in errors["Metrics"] if "Expression" in m]
    assert "/ requests" in rate["Expression"]
    assert errors["Threshold"] == {"Ref": "ApiServerErrorRate"}
    latency = alarms["ApiLatencyAlarm"]
    assert reads(latency, "AWS/ApiGateway", "Latency", ApiId=api)
    assert latency["ExtendedStatistic"] == "p95"
    assert latency["Threshold"] == {"Ref": "ApiLatencyP95Milliseconds"}


def test_every_function_has_an_errors_and_a_throttles_alarm(
    template: Template, alarms: dict[str, dict[str, Any]]
) -> None:
    http_functions = {route.function for route in template.routes()}
    for function in template.of_type("AWS::Serverless::Function"):
        name = {"Ref": function}
        errors = alarms_on(alarms, "AWS/Lambda", "Errors", FunctionName=name)
        assert errors, f"{function} has no errors alarm (docs/OPERATIONS.md, Alarms)"
        throttles = alarms_on(alarms, "AWS/Lambda", "Throttles", FunctionName=name)
        assert throttles, f"{function} has no throttles alarm"
        if function in http_functions:
            # Lambda's Errors stays 0 when the handler answers 500: the entry point counts it.
            (alarm,) = errors
            assert reads(
                alarms[alarm],
                "Terminbuchung",
                UNEXPECTED_ERRORS_METRIC,
                function_name=name,
                service="terminbuchung",
            ), f"{alarm} does not count the 500s {function} answered"
            (total,) = [m for m in alarms[alarm]["Metrics"] if "Expression" in m]
            assert total["Expression"] == "FILL(crashed, 0) + FILL(answered500, 0)"


def test_the_table_the_stream_ses_and_every_dead_letter_queue_have_alarms(
    template: Template, alarms: dict[str, dict[str, Any]]
) -> None:
    table = {"Ref": "BookingTable"}
    for operation in ("TransactWriteItems", "PutItem", "UpdateItem", "Query", "GetItem"):
        assert reads(alarms["TableThrottlesAlarm"], "AWS/DynamoDB", "ThrottledRequests",
                     TableName=table, Operation=operation)  # fmt: skip
        assert reads(alarms["TableSystemErrorsAlarm"], "AWS/DynamoDB", "SystemErrors",
                     TableName=table, Operation=operation)  # fmt: skip
    assert reads(
        alarms["MailStreamAgeAlarm"], "AWS/Lambda", "IteratorAge",
        FunctionName={"Ref": "SendEmailFunction"},
    )  # fmt: skip
    assert reads(alarms["SesBounceRateAlarm"], "AWS/SES", "Reputation.BounceRate")
    assert reads(alarms["SesComplaintRateAlarm"], "AWS/SES", "Reputation.ComplaintRate")
    queues = template.of_type("AWS::SQS::Queue")
    assert {"MailDeadLetters", "ReleaseDeadLetters", "ReminderDeadLetters",
            "MailEventsDeadLetters"} <= set(queues)  # fmt: skip
    for queue in queues:
        watched = alarms_on(
            alarms, "AWS/SQS", "ApproximateNumberOfMessagesVisible",
            QueueName={"Fn::GetAtt": [queue, "QueueName"]},
        )  # fmt: skip
        assert watched, f"nobody hears of messages in {queue}"


def test_the_release_has_a_heartbeat_for_every_open_location(
    alarms: dict[str, dict[str, Any]],
) -> None:
    site = load_site_config(ROOT / "shared/config/oberhavel.toml")
    heartbeats = alarms_on(alarms, "Terminbuchung", "SlotsReleased")
    watched = set()
    for name in heartbeats:
        alarm = alarms[name]
        (metric,) = metrics_of(alarm)
        dimensions = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
        watched.add(dimensions["location"])
        assert dimensions["service"] == "terminbuchung"
        # No datapoint in 90 minutes: at most 30 minutes after an hourly run that did not
        # come, the one at the location's release time included. Missing data is the alarm.
        assert alarm["Period"] == 5400
        assert alarm["EvaluationPeriods"] == 1
        assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
            "SampleCount",
            "LessThanThreshold",
            1,
        )
        assert alarm["TreatMissingData"] == "breaching"
    open_locations = {location.id for location in site.open_locations}
    assert watched == open_locations, "a heartbeat per open location (a new one needs its alarm)"


def test_thresholds_are_parameters_with_defaults(
    template: Template, alarms: dict[str, dict[str, Any]]
) -> None:
    parameters = template.document["Parameters"]
    chosen = {a["Threshold"]["Ref"] for a in alarms.values() if isinstance(a["Threshold"], dict)}
    assert chosen == {
        "ApiServerErrorRate",
        "ApiLatencyP95Milliseconds",
        "FunctionErrorsPer5Minutes",
        "FunctionThrottlesPer5Minutes",
        "MailStreamAgeSeconds",
        "SesBounceRate",
        "SesComplaintRate",
    }
    for name in chosen:
        assert parameters[name]["Type"] == "Number"
        assert "Default" in parameters[name]
        assert parameters[name]["Description"]


def test_the_operations_handbook_explains_every_alarm(
    template: Template, alarms: dict[str, dict[str, Any]]
) -> None:
    handbook = (ROOT / "docs/OPERATIONS.md").read_text(encoding="utf-8")
    functions = template.of_type("AWS::Serverless::Function")
    for name in alarms:
        of = re.fullmatch(r"(\w+?)(Errors|Throttles)Alarm", name)
        per_function = of is not None and f"{of.group(1)}Function" in functions
        heartbeat = name.startswith("ReleaseHeartbeat")
        if name in handbook:
            continue
        assert per_function or heartbeat, f"docs/OPERATIONS.md does not explain {name}"
    assert "<Function>ErrorsAlarm" in handbook
    assert "<Function>ThrottlesAlarm" in handbook
    assert "ReleaseHeartbeat<Location>Alarm" in handbook


def test_the_dashboard_shows_the_funnel_and_the_api() -> None:
    resources = transformed(Template())["Resources"]
    body = resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(body)["widgets"]
    text = json.dumps(widgets)
    for metric in ("SlotsReleased", "BookingCreated", "BookingCreatedByOffice",
                   "BookingCancelled", "BookingCancelledByOffice", "MailSent", "MailBounced",
                   "4xx", "5xx"):  # fmt: skip
        assert metric in text, metric
    assert resources["Dashboard"]["Properties"]["DashboardName"] == {"Fn::Sub": "${AWS::StackName}"}


def test_an_answered_500_is_counted_for_its_function(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "terminbuchung-prod-BookFunction-x1")
    logging.disable(logging.NOTSET)
    count_unexpected_error()
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines() if "_aws" in x]
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Terminbuchung"
    assert directive["Dimensions"] == [["function_name", "service"]]
    assert line["function_name"] == "terminbuchung-prod-BookFunction-x1"
    assert line[UNEXPECTED_ERRORS_METRIC] == [1.0]
