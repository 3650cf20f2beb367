"""docs/openapi.json: the API's contract (OpenAPI 3.1), written from the code.

`make openapi` (python -m infra.openapi) imports every function of template.yaml that has
HTTP routes, walks the routes of its `http_api.routing.Api` and reads the contract each handler
carries (http_api.contract.Operation): the form it reads its body or query with (a
dataclass whose fields carry their rules, terminbuchung.field_rules), its parameters, its
answers (the domain's dataclasses or the handler's TypedDicts) and its error codes. pydantic
writes the JSON Schemas, reading the forms' rules as the forms' own checker does; the status
of every error code comes from http_api.STATUS_BY_CODE. Nothing here runs in a Lambda.

`python -m infra.openapi --check` fails when the committed document differs (so does
tests/unit/test_openapi.py).
"""

import argparse
import importlib.util
import json
import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from infra.template import ROOT, Template

LAYER = ROOT / "shared"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))

from pydantic import TypeAdapter  # noqa: E402
from pydantic.json_schema import JsonSchemaMode  # noqa: E402

from http_api import ErrorAnswer, status_of  # noqa: E402
from http_api.contract import (  # noqa: E402
    ACCEPT_LANGUAGE,
    Answer,
    Operation,
    Parameter,
    contract_of,
)
from http_api.routing import Api  # noqa: E402
from terminbuchung import errors, languages  # noqa: E402

DOCUMENT = ROOT / "docs" / "openapi.json"
SCHEMAS = "#/components/schemas/"
STAFF_SCHEME = "StaffToken"

# What every route with a JSON body can answer before its form is read (http_api.json_body,
# terminbuchung.forms.parse), and what a form's fields give.
BODY_ERRORS = (
    "unsupported_media_type",
    "body_missing",
    "body_too_large",
    "body_not_json",
    "body_invalid",
)
FIELD_ERRORS = ("field_missing", "field_invalid", "field_too_long")
# Behind the edge a request that bypassed CloudFront (http_api.came_through_the_edge).
EVERY_ROUTE_ERRORS = ("forbidden",)
# The API Gateway JWT authorizer (in AWS) or the function: no valid sign-in; another location.
STAFF_ERRORS = ("unauthorized", "forbidden")

# The path's variables, named alike in every route (template.yaml).
PATH_PARAMETERS: dict[str, Parameter] = {
    "reference": Parameter(
        "reference",
        "path",
        "Die Buchungsnummer, z. B. K7QP-3XMA (ohne 0/O und 1/I/L; klein geschrieben oder "
        "ohne Bindestrich wird sie auch gefunden).",
        example="K7QP-3XMA",
    ),
    "location": Parameter(
        "location", "path", "Der Standort, z. B. oranienburg.", example="oranienburg"
    ),
    "day": Parameter(
        "day",
        "path",
        "Der Tag (JJJJ-MM-TT).",
        schema={"type": "string", "format": "date"},
        example="2026-12-01",
    ),
}

# A shape's $ref by (repr of the shape, mode).
type Refs = dict[tuple[str, JsonSchemaMode], dict[str, Any]]

_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in template.yaml, e.g. /bookings/{reference}
    handler: Callable[..., Any]
    function: str  # the template's logical id

    @property
    def contract(self) -> Operation[Any, Any]:
        found = contract_of(self.handler)
        if found is None:
            raise LookupError(
                f"{self.method} {self.path} ({self.function}): the handler has no contract "
                "(decorate it with an http_api.contract.Operation)"
            )
        return found


def _load(function: str, code_dir: Path, handler: str) -> ModuleType:
    module_name = handler.rsplit(".", 1)[0]
    unique = f"_openapi_{function}"
    spec = importlib.util.spec_from_file_location(unique, code_dir / f"{module_name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"no handler module in {code_dir}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    spec.loader.exec_module(module)
    return module


def resolver_routes(template: Template | None = None) -> list[Route]:
    """Every route the functions declare (their `app`), with their handlers."""
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    template = template or Template()
    with_routes = {(r.function, r.code_dir, r.handler) for r in template.routes()}
    found = []
    for function, code_dir, handler in sorted(with_routes):
        app = getattr(_load(function, code_dir, handler), "app", None)
        if not isinstance(app, Api):
            raise TypeError(f"{function}: no http_api.routing.Api named app")
        for route in app.routes:
            found.append(Route(route.method, route.openapi_path, route.func, function))
    return found


class _Schemas:
    """The JSON Schemas of the forms and answers, one component each, named by pydantic."""

    def __init__(self) -> None:
        self.wanted: dict[tuple[str, JsonSchemaMode], object] = {}

    def want(self, shape: object, mode: JsonSchemaMode) -> tuple[str, JsonSchemaMode]:
        key = (repr(shape), mode)
        self.wanted[key] = shape
        return key

    def build(self) -> tuple[Refs, dict[str, Any]]:
        """(the $ref of each shape by (repr, mode), the components)"""
        inputs: list[tuple[str, JsonSchemaMode, TypeAdapter[Any]]] = [
            (name, mode, TypeAdapter(shape)) for (name, mode), shape in self.wanted.items()
        ]
        refs, definitions = TypeAdapter.json_schemas(inputs, ref_template=SCHEMAS + "{model}")
        return dict(refs), definitions.get("$defs", {})


def _error_examples(codes: list[str]) -> dict[str, Any]:
    """The German message of each code that has a class of its own in terminbuchung.errors."""
    messages: dict[str, str] = {}
    pending: list[type[errors.BookingError]] = [errors.BookingError]
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        try:
            messages.setdefault(kind.code, kind().message)
        except (TypeError, LookupError):
            continue  # needs details to say anything, or has no text of its own: no example
    return {
        code: {
            "summary": code,
            "value": {"error": {"code": code, "message": messages[code], "field": None}},
        }
        for code in codes
        if code in messages
    }


def _error_codes(route: Route) -> list[str]:
    contract = route.contract
    codes = list(EVERY_ROUTE_ERRORS)
    if contract.staff:
        codes += STAFF_ERRORS
    if contract.body is not None:
        codes += BODY_ERRORS + FIELD_ERRORS
        if contract.body.__pydantic_config__.get("extra") == "forbid":
            codes.append("field_unknown")
    if contract.query is not None:
        codes += FIELD_ERRORS
    if "{" in route.path:
        # A path segment with characters the function's resolver takes in no variable (a
        # quote, say): API Gateway routes it here, the resolver finds no route.
        codes.append("not_found")
    checked = [p for p in contract.parameters if "pattern" in p.schema or "format" in p.schema]
    if checked or "{day}" in route.path:
        codes.append("field_invalid")
    codes += contract.errors
    codes.append("internal_error")
    return list(dict.fromkeys(codes))


def _parameter(parameter: Parameter) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "name": parameter.name,
        "in": parameter.where,
        "description": parameter.description,
        "required": parameter.required or parameter.where == "path",
        "schema": parameter.schema,
    }
    if parameter.example is not None:
        answer["example"] = parameter.example
    return answer


def _query_parameters(form: type) -> list[dict[str, Any]]:
    schema = TypeAdapter(form).json_schema(mode="validation", by_alias=True)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _present(field_schema),
        }
        for name, field_schema in schema.get("properties", {}).items()
    ]


def _present(field_schema: dict[str, Any]) -> dict[str, Any]:
    """A query value that is given: never null (None is "not in the query string")."""
    choices = [c for c in field_schema.get("anyOf", []) if c.get("type") != "null"]
    plain = choices[0] if len(choices) == 1 else field_schema
    return {k: v for k, v in plain.items() if k not in ("default", "title")}


def _shape_schema(shape: object, refs: Refs) -> dict[str, Any]:
    if isinstance(shape, tuple):  # several shapes merged into one object
        return {"allOf": [refs[(repr(part), "serialization")] for part in shape]}
    return refs[(repr(shape), "serialization")]


def _answers(answers: tuple[Answer, ...], refs: Refs) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for answer in answers:
        response = responses.setdefault(
            str(answer.status), {"description": answer.description, "content": {}}
        )
        media: dict[str, Any] = {
            "schema": {"type": "string"}
            if answer.shape is None
            else _shape_schema(answer.shape, refs)
        }
        if answer.example is not None:
            media["example"] = answer.example
        response["content"][answer.media_type] = media
        if answer.links:
            response["links"] = answer.links
        if answer.headers:
            response["headers"] = {
                h.name: {"description": h.description, "schema": h.schema} for h in answer.headers
            }
    return responses


def _errors(codes: list[str], error_schema: dict[str, Any]) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(status_of(code) if code != "internal_error" else 500, []).append(code)
    responses: dict[str, Any] = {}
    for status, status_codes in sorted(by_status.items()):
        schema = json.loads(json.dumps(error_schema))
        schema["properties"]["error"]["properties"]["code"]["enum"] = status_codes
        media: dict[str, Any] = {"schema": schema}
        if examples := _error_examples(status_codes):
            media["examples"] = examples
        response: dict[str, Any] = {
            "description": ", ".join(status_codes),
            "content": {"application/json": media},
            "headers": {
                "Content-Language": {
                    # A 401 comes from the staff routes' JWT authorizer, before any function.
                    "required": status != 401,
                    "description": "Die Sprache von message (Accept-Language).",
                    "schema": {"type": "string", "enum": list(languages.CODES)},
                }
            },
        }
        if status == 503:
            response["headers"]["Retry-After"] = {
                "description": "Sekunden bis zum nächsten Versuch.",
                "schema": {"type": "integer"},
            }
        responses[str(status)] = response
    return responses


def _info() -> dict[str, Any]:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return {
        "title": "Terminbuchung API",
        "version": version,
        "summary": "Termine beim Jobcenter buchen, ansehen, verschieben und absagen; "
        "die Arbeit des Amts mit den Terminen.",
        "description": (
            "Erzeugt aus dem Code (make openapi, infra/openapi.py); nicht von Hand ändern. "
            "Alle Körper sind JSON, und eine Anfrage mit Körper muss es sagen "
            "(Content-Type: application/json), sonst 415. Zeiten sind ISO 8601 mit Offset, "
            "Europe/Berlin. Fehler lauten immer "
            '{"error": {"code", "message", "field"}}: message ist deutsch und für Bürgerinnen '
            "und Bürger geschrieben, field nennt das Feld. Hinter der Edge (CloudFront, AWS "
            "WAF) antwortet die WAF bei zu vielen Anfragen einer IP-Adresse 429 rate_limited; "
            "der lokale Stack antwortet an API Gateways Stelle auch 400 "
            "content_length_invalid und body_incomplete."
        ),
        "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
    }


def document(routes: list[Route] | None = None) -> dict[str, Any]:
    """The OpenAPI document of `routes` (default: every route of every function)."""
    routes = routes or resolver_routes()
    names = [route.handler.__name__ for route in routes]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"handler names are operation ids and must differ: {duplicates}")
    schemas = _Schemas()
    error_key = schemas.want(ErrorAnswer, "serialization")
    for route in routes:
        contract = route.contract
        if contract.body is not None:
            schemas.want(contract.body, "validation")
        for answer in contract.answers:
            for shape in answer.shape if isinstance(answer.shape, tuple) else (answer.shape,):
                if shape is not None:
                    schemas.want(shape, "serialization")
    refs, components = schemas.build()
    error_name = refs[error_key]["$ref"].removeprefix(SCHEMAS)
    error_schema = _resolved(components[error_name], components)

    paths: dict[str, dict[str, Any]] = {}
    for route in sorted(routes, key=lambda r: (r.path, _METHOD_ORDER.index(r.method))):
        operation = _operation(route, refs, error_schema)
        paths.setdefault(route.path, {})[route.method.lower()] = operation

    return {
        "openapi": "3.1.0",
        "info": _info(),
        "servers": [{"url": "/", "description": "der Ursprung der Seite (make dev: :3000)"}],
        "tags": [
            {"name": "Termine", "description": "Öffentlich: die Buchungsseite und ihre Links."},
            {"name": "Personal", "description": "Nur mit Anmeldung des Personals (Cognito)."},
        ],
        "paths": paths,
        "components": {
            "schemas": {name: components[name] for name in sorted(components)},
            "securitySchemes": {
                STAFF_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Ein ID- oder Access-Token des Cognito-Pools des Personals "
                    "(Authorization: Bearer <token>). In AWS prüft API Gateways "
                    "JWT-Authorizer StaffAuthorizer es, bevor die Funktion läuft, und "
                    'antwortet selbst 401 {"message": "Unauthorized"}.',
                }
            },
        },
    }


def _operation(route: Route, refs: Refs, error_schema: dict[str, Any]) -> dict[str, Any]:
    contract = route.contract
    operation: dict[str, Any] = {
        "operationId": route.handler.__name__,
        "summary": contract.summary,
        "tags": ["Personal" if contract.staff else "Termine"],
    }
    if contract.description:
        operation["description"] = contract.description
    parameters = [_parameter(PATH_PARAMETERS[name]) for name in _path_variables(route.path)]
    parameters += [_parameter(p) for p in (*contract.parameters, ACCEPT_LANGUAGE)]
    if contract.query is not None:
        parameters += _query_parameters(contract.query)
    if parameters:
        operation["parameters"] = parameters
    if contract.body is not None:
        media: dict[str, Any] = {"schema": refs[(repr(contract.body), "validation")]}
        if contract.example is not None:
            media["example"] = contract.example
        operation["requestBody"] = {"required": True, "content": {"application/json": media}}
    operation["responses"] = _answers(contract.answers, refs) | _errors(
        _error_codes(route), error_schema
    )
    if contract.staff:
        operation["security"] = [{STAFF_SCHEME: []}]
    return operation


def _path_variables(path: str) -> Iterator[str]:
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            yield part[1:-1]


def _resolved(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its $refs replaced by the components they name, without titles (the
    error shape is copied into every answer, each with the codes of its operation and
    status)."""
    if "$ref" in schema:
        return _resolved(components[schema["$ref"].removeprefix(SCHEMAS)], components)
    # Without pydantic's titles: a client generator names each copy by its operation and
    # status instead of giving them all one name (with different codes).
    return {
        key: _resolved(value, components)
        if isinstance(value, dict)
        else [_resolved(v, components) if isinstance(v, dict) else v for v in value]
        if isinstance(value, list)
        else value
        for key, value in schema.items()
        if key != "title"
    }


def rendered(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/openapi.json differs")
    args = parser.parse_args(argv)
    text = rendered(document())
    if args.check:
        if not DOCUMENT.is_file() or DOCUMENT.read_text() != text:
            print("docs/openapi.json is not what the code declares: run make openapi")
            return 1
        return 0
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
