"""Call the Lambda handlers with real-shaped API Gateway HTTP API events, as AWS would."""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from infra.local.http_events import http_api_event, http_response
from infra.local.lambda_runtime import LocalFunction
from infra.template import Template
from tests.proof_of_work import solve

# Requests that carry a solved proof-of-work puzzle (form field `altcha`), as the page
# sends them (method and the route's path in template.yaml).
PROOF_OF_WORK = {
    ("POST", "/bookings"),
    ("POST", "/bookings/{reference}/reschedule"),
    ("POST", "/bookings/lookup"),
}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def error(self) -> dict[str, Any]:
        error: dict[str, Any] = self.body["error"]
        return error


def _body(headers: dict[str, str], payload: bytes) -> Any:
    """JSON parsed; any other answer (a CSV file, say) as its text."""
    if not payload:
        return None
    media_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "json" in media_type.lower() or not media_type:
        return json.loads(payload)
    return payload.decode("utf-8")


class ApiClient:
    """Routes from template.yaml to the handlers in functions/, no HTTP server between."""

    def __init__(self) -> None:
        self.routes = Template().routes()
        self.functions = {
            r.function: LocalFunction(r.function, r.code_dir, r.handler) for r in self.routes
        }

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        content_type: str | None = "application/json",
        claims: dict[str, str] | None = None,
        proof_of_work: bool = True,
    ) -> Answer:
        """`proof_of_work`: a JSON object sent where the page sends a solved puzzle gets one,
        fetched from GET /challenge and solved here, unless it has an `altcha` already."""
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                break
        else:
            raise AssertionError(f"template.yaml has no route for {method} {path}")
        if (
            proof_of_work
            and (route.method, route.path) in PROOF_OF_WORK
            and isinstance(json_body, dict)
            and "altcha" not in json_body
        ):
            json_body = {**json_body, "altcha": self.solved_challenge()}
        body = raw_body if raw_body is not None else b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
        event = http_api_event(
            route,
            params,
            method=method,
            path=path,
            raw_query=urlencode(query or {}),
            headers=[
                *([("content-type", content_type)] if content_type else []),
                *(headers or {}).items(),
            ],
            body=body,
            source_ip="203.0.113.7",
        )
        if claims is not None:
            # What API Gateway's JWT authorizer hands over once it accepted the token.
            event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
        status, header_list, payload = http_response(self.functions[route.function].invoke(event))
        return Answer(status, dict(header_list), _body(dict(header_list), payload))

    def solved_challenge(self) -> str:
        """A fresh puzzle from GET /challenge, solved: the form field `altcha`."""
        answer = self.get("/challenge")
        assert answer.status == 200, answer.body
        return solve(answer.body)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.request("DELETE", path, **kwargs)


def staff_claims(username: str, *groups: str) -> dict[str, str]:
    """A member of staff's ID token claims as API Gateway passes them: every value a string,
    the groups as "[admin oranienburg]"."""
    return {
        "cognito:username": username,
        "cognito:groups": f"[{' '.join(groups)}]",
        "token_use": "id",
    }
