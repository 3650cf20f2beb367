"""Read `template.yaml` the way the local stack needs it: routes, table, CORS, environment.

The template stays the one description of the system; the local stack derives its routes
and its table from it instead of repeating them.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !GetAtt, !Sub ...) as plain mappings."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


# API Gateway's route for every request no other route takes.
DEFAULT_ROUTE_KEY = "$default"


@dataclass(frozen=True)
class Route:
    method: str  # "ANY" for the $default route
    path: str  # e.g. /bookings/{reference}; "$default" for the $default route
    function: str  # logical id
    code_dir: Path
    handler: str
    pattern: re.Pattern[str] = field(compare=False)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.is_default:
            return {}
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None

    @property
    def is_default(self) -> bool:
        return self.path == DEFAULT_ROUTE_KEY

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE_KEY if self.is_default else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Cors:
    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    max_age: int


class Template:
    def __init__(self, path: Path = TEMPLATE, parameters: dict[str, str] | None = None) -> None:
        self.document: dict[str, Any] = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506
        self.parameters = {
            name: str((parameters or {}).get(name, spec.get("Default", "")))
            for name, spec in self.document.get("Parameters", {}).items()
        }

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.document["Resources"]
        return resources

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.resources.items() if r["Type"] == kind}

    def value(self, node: Any, resource_names: dict[str, str]) -> Any:
        """Resolve !Ref to parameters and to the local names of resources."""
        if isinstance(node, dict) and "Ref" in node:
            ref = node["Ref"]
            if ref in self.parameters:
                spec = self.document["Parameters"][ref]
                value = self.parameters[ref]
                return value.split(",") if spec.get("Type") == "CommaDelimitedList" else value
            return resource_names.get(ref)
        return node

    def functions(self) -> dict[str, tuple[Path, str]]:
        """Every function's code directory and handler, by logical id."""
        return {
            name: (ROOT / r["Properties"]["CodeUri"], r["Properties"]["Handler"])
            for name, r in self.of_type("AWS::Serverless::Function").items()
        }

    def _http_api_routes(self) -> list[Route]:
        routes = []
        for name, resource in self.of_type("AWS::Serverless::Function").items():
            props = resource["Properties"]
            for event in props.get("Events", {}).values():
                if event["Type"] != "HttpApi":
                    continue
                path, method = event["Properties"].get("Path"), event["Properties"].get("Method")
                if path is None and method is None:
                    # SAM makes an HttpApi event without Path and Method the $default route.
                    path, method, regex = DEFAULT_ROUTE_KEY, "ANY", ".*"
                elif path is None or method is None:
                    raise ValueError(f"{name}: an HttpApi event needs both Path and Method")
                else:
                    method = method.upper()
                    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
                routes.append(
                    Route(
                        method,
                        path,
                        name,
                        ROOT / props["CodeUri"],
                        props["Handler"],
                        re.compile(regex),
                    )
                )
        return routes

    def routes(self) -> list[Route]:
        """The routes by method and path; the $default route is apart (default_route)."""
        return [route for route in self._http_api_routes() if not route.is_default]

    def default_route(self) -> Route | None:
        """The route for requests no other route takes, if the template has one."""
        defaults = [route for route in self._http_api_routes() if route.is_default]
        if len(defaults) > 1:
            raise ValueError("an HTTP API has at most one $default route")
        return defaults[0] if defaults else None

    def table(self, name: str) -> dict[str, Any]:
        """create_table arguments for the template's one DynamoDB table."""
        (props,) = (r["Properties"] for r in self.of_type("AWS::DynamoDB::Table").values())
        keys = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        table = {key: props[key] for key in keys if key in props}
        if "StreamSpecification" in props:
            table["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        return {"TableName": name, **table}

    def ttl_attribute(self) -> str | None:
        (props,) = (r["Properties"] for r in self.of_type("AWS::DynamoDB::Table").values())
        spec = props.get("TimeToLiveSpecification", {})
        return spec.get("AttributeName") if spec.get("Enabled") else None

    def cors(self) -> Cors:
        (api,) = self.of_type("AWS::Serverless::HttpApi").values()
        config = api["Properties"].get("CorsConfiguration", {})
        origins = self.value(config.get("AllowOrigins", []), {})
        return Cors(
            tuple(origins),
            tuple(m.upper() for m in config.get("AllowMethods", [])),
            tuple(h.lower() for h in config.get("AllowHeaders", [])),
            int(config.get("MaxAge", 0)),
        )

    def environment(self, resource_names: dict[str, str]) -> dict[str, str]:
        """Globals and every function's variables; unresolvable ones (AWS-only) are left out."""
        layers = [self.document.get("Globals", {}).get("Function", {})]
        layers += [r["Properties"] for r in self.of_type("AWS::Serverless::Function").values()]
        environment = {}
        for props in layers:
            for key, node in props.get("Environment", {}).get("Variables", {}).items():
                value = self.value(node, resource_names)
                if isinstance(value, str):
                    environment[key] = value
        return environment
