"""Fair access in AWS (issue 13, item 3): access logs without personal data beyond the
caller's address, throttles per route, and the optional edge (CloudFront + AWS WAF) that
is the only way in once it is on."""

import json
from pathlib import Path
from typing import Any

import pytest

from infra.template import ROOT, Template
from tests.api_client import ApiClient
from tests.unit.test_least_privilege import transformed

EDGE = ROOT / "infra" / "edge.yaml"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template()


def api_properties(template: Template) -> dict[str, Any]:
    properties: dict[str, Any] = template.resources["BookingApi"]["Properties"]
    return properties


def test_access_logs_are_json_without_paths_queries_bodies_or_headers(template: Template) -> None:
    settings = api_properties(template)["AccessLogSettings"]
    assert settings["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    fields = json.loads(settings["Format"])

    assert set(fields) == {
        "requestId",
        "time",
        "ip",
        "route",
        "status",
        "bytes",
        "latencyMs",
        "integrationStatus",
        "error",
    }
    variables = " ".join(fields.values())
    # The route's template (POST /bookings/{reference}/cancel), never the path with the
    # reference, a query string, a header (user agent, token) or a body.
    assert fields["route"] == "$context.routeKey"
    for leak in ("$context.path", "$request", "querystring", "userAgent", "authorizer"):
        assert leak not in variables
    logs = template.resources["ApiAccessLogs"]["Properties"]
    assert logs["RetentionInDays"] <= 14


def test_every_throttled_route_exists_and_booking_is_throttled(template: Template) -> None:
    routes = {f"{r.method} {r.path}" for r in template.routes()}
    settings = api_properties(template)["RouteSettings"]

    assert set(settings) <= routes
    for route in ("POST /bookings", "GET /challenge", "GET /locations/{location}/slots"):
        assert route in settings
    for limits in [*settings.values(), api_properties(template)["DefaultRouteSettings"]]:
        assert 0 < limits["ThrottlingRateLimit"] <= limits["ThrottlingBurstLimit"]


def test_the_edge_is_off_by_default_and_then_the_only_way_in(template: Template) -> None:
    assert template.parameters["EdgeWebAclArn"] == ""
    assert api_properties(template)["DisableExecuteApiEndpoint"] == {
        "Fn::If": ["HasEdge", True, False]
    }
    edge = template.resources["Edge"]
    assert edge["Condition"] == "HasEdge"
    config = edge["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {"Ref": "EdgeWebAclArn"}
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Ref": "DomainName"}
    (header,) = origin["OriginCustomHeaders"]
    assert header["HeaderName"].lower() == "x-origin-verify"
    variables = template.document["Globals"]["Function"]["Environment"]["Variables"]
    token = variables["EDGE_ORIGIN_TOKEN"]["Fn::If"]
    assert token[0] == "HasEdge"
    assert token[1] == header["HeaderValue"]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # no caching


def test_the_sam_transform_keeps_logs_throttles_and_the_switch(template: Template) -> None:
    resources = transformed(template)["Resources"]
    (api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Api"]
    (stage,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]

    # SAM writes the switch into the OpenAPI body (CloudFormation resolves the !If there).
    (server,) = api["Properties"]["Body"]["servers"]
    switch = server["x-amazon-apigateway-endpoint-configuration"]["disableExecuteApiEndpoint"]
    assert switch == {"Fn::If": ["HasEdge", True, False]}
    assert "AccessLogSettings" in stage["Properties"]
    assert "POST /bookings" in stage["Properties"]["RouteSettings"]


def edge_template() -> dict[str, Any]:
    document: dict[str, Any] = Template(Path(EDGE)).document
    return document


def test_the_web_acl_limits_writes_per_ip_and_blocks_bad_reputations() -> None:
    acl = edge_template()["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in acl["Rules"]}

    reputation = rules["ip-reputation"]["Statement"]["ManagedRuleGroupStatement"]
    assert reputation == {"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList"}
    writes = rules["writes-per-ip"]
    rate = writes["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["EvaluationWindowSec"]) == ("IP", 60)
    not_get = rate["ScopeDownStatement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert (not_get["FieldToMatch"], not_get["SearchString"]) == ({"Method": {}}, "GET")
    assert writes["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    body = acl["CustomResponseBodies"]["TooManyRequests"]
    assert json.loads(body["Content"])["error"]["code"] == "rate_limited"
    assert sorted(rule["Priority"] for rule in rules.values()) == list(range(len(rules)))
    assert "WebAclArn" in edge_template()["Outputs"]


def test_behind_the_edge_a_request_without_cloudfront_s_header_is_refused(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDGE_ORIGIN_TOKEN", "the-edge-s-token")

    bypass = api.get("/locations")
    wrong = api.get("/locations", headers={"X-Origin-Verify": "guessed"})
    through = api.get("/locations", headers={"X-Origin-Verify": "the-edge-s-token"})

    assert (bypass.status, bypass.error["code"]) == (403, "forbidden")
    assert wrong.status == 403
    assert through.status == 200
    monkeypatch.delenv("EDGE_ORIGIN_TOKEN")
    assert api.get("/locations").status == 200
