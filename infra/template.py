"""Read `template.yaml` the way the local stack needs it: routes, table, CORS, environment,
the JWT authorizer of the staff routes and the staff user pool.

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


# ${Name} in an !Sub (not ${!Literal}).
_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")

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
    # The HttpApi event's `Auth: {Authorizer: NAME}`: API Gateway checks a token first.
    authorizer: str | None = None

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
class JwtAuthorizer:
    """An HttpApi JWT authorizer, its issuer and audience resolved for one deployment."""

    name: str
    identity_source: str  # e.g. $request.header.Authorization
    issuer: str
    audience: tuple[str, ...]


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

    def value(
        self, node: Any, resource_names: dict[str, str], pseudo: dict[str, str] | None = None
    ) -> Any:
        """Resolve !Ref to parameters and to the local names of resources; !Sub, !If too.

        `pseudo`: values of AWS::Region and the like. What cannot be resolved is None.
        """
        if isinstance(node, list):
            return [self.value(item, resource_names, pseudo) for item in node]
        if not isinstance(node, dict):
            return node
        if "Ref" in node:
            return self._reference(node["Ref"], resource_names, pseudo or {})
        if "Fn::Sub" in node and isinstance(node["Fn::Sub"], str):
            return self._substitute(node["Fn::Sub"], {**resource_names, **(pseudo or {})})
        if "Fn::If" in node:
            condition, when_true, when_false = node["Fn::If"]
            chosen = when_true if self.condition(condition) else when_false
            return self.value(chosen, resource_names, pseudo)
        return {key: self.value(item, resource_names, pseudo) for key, item in node.items()}

    def _reference(self, ref: str, resource_names: dict[str, str], pseudo: dict[str, str]) -> Any:
        if ref in self.parameters:
            spec = self.document["Parameters"][ref]
            value = self.parameters[ref]
            return value.split(",") if spec.get("Type") == "CommaDelimitedList" else value
        return pseudo.get(ref, resource_names.get(ref))

    def _substitute(self, text: str, names: dict[str, str]) -> str | None:
        """!Sub with ${Name}s of parameters and `names`; None if one is not known."""
        names = {**self.parameters, **names}
        if any(name not in names for name in _SUB_VARIABLE.findall(text)):
            return None
        return _SUB_VARIABLE.sub(lambda found: names[found.group(1)], text)

    def condition(self, name: str) -> bool:
        """A condition of the template, for its parameters (Equals, Not, And, Or)."""
        return bool(self._truth(self.document.get("Conditions", {})[name]))

    def _truth(self, node: Any) -> Any:
        if isinstance(node, dict) and set(node) == {"Condition"}:
            return self.condition(node["Condition"])
        if isinstance(node, dict) and len(node) == 1:
            ((function, arguments),) = node.items()
            if function == "Fn::Equals":
                left, right = (self.value(a, {}) for a in arguments)
                return left == right
            if function == "Fn::Not":
                return not self._truth(arguments[0])
            if function == "Fn::And":
                return all(self._truth(a) for a in arguments)
            if function == "Fn::Or":
                return any(self._truth(a) for a in arguments)
        raise ValueError(f"a condition not read here: {node}")

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
                auth = event["Properties"].get("Auth") or {}
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
                        auth.get("Authorizer"),
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

    def jwt_authorizers(
        self, resource_names: dict[str, str], pseudo: dict[str, str]
    ) -> dict[str, JwtAuthorizer]:
        """The HTTP API's JWT authorizers by name, resolved for the given resources."""
        (api,) = self.of_type("AWS::Serverless::HttpApi").values()
        auth = api["Properties"].get("Auth") or {}
        authorizers = {}
        for name, spec in (auth.get("Authorizers") or {}).items():
            config = {k.lower(): v for k, v in (spec.get("JwtConfiguration") or {}).items()}
            if not config:
                continue  # a Lambda authorizer: not the local stack's business yet
            authorizers[name] = JwtAuthorizer(
                name,
                spec.get("IdentitySource", "$request.header.Authorization"),
                self.value(config["issuer"], resource_names, pseudo),
                tuple(self.value(config.get("audience", []), resource_names, pseudo)),
            )
        return authorizers

    def default_authorizer(self) -> str | None:
        (api,) = self.of_type("AWS::Serverless::HttpApi").values()
        default: str | None = (api["Properties"].get("Auth") or {}).get("DefaultAuthorizer")
        return default

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
