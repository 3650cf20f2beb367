"""Lambda's event filtering (FilterCriteria) for the local stack: which records reach a function.

Lambda drops records that match none of a mapping's filter patterns before invoking the
function. The local stack applies the template's patterns the same way, so a pattern that
lets too much or too little through shows up locally. Supported: exact values, `prefix`,
`suffix`, `exists`, `anything-but`; anything else is refused rather than guessed.
"""

import json
from typing import Any


class UnsupportedPattern(ValueError):
    pass


def parse_filters(filter_criteria: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The patterns of a template's FilterCriteria (each a JSON string)."""
    return [json.loads(f["Pattern"]) for f in (filter_criteria or {}).get("Filters", [])]


def passes(filters: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    """No filters let everything through; otherwise one matching pattern is enough."""
    return not filters or any(_matches(pattern, record) for pattern in filters)


def _matches(pattern: dict[str, Any], data: Any) -> bool:
    for key, expected in pattern.items():
        present = isinstance(data, dict) and key in data
        value = data[key] if present else None
        if isinstance(expected, dict):
            if not present or not _matches(expected, value):
                return False
        elif isinstance(expected, list):
            if not _any_rule(expected, present, value):
                return False
        else:
            raise UnsupportedPattern(f"pattern values must be lists or objects, got {expected!r}")
    return True


def _any_rule(rules: list[Any], present: bool, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    for rule in rules:
        if isinstance(rule, dict) and "exists" in rule:
            if rule["exists"] is present:
                return True
        elif present and any(_rule(rule, v) for v in values):
            return True
    return False


def _rule(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return bool(rule == value)
    ((operator, operand),) = rule.items()
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    if operator == "suffix":
        return isinstance(value, str) and value.endswith(operand)
    if operator == "anything-but":
        excluded = operand if isinstance(operand, list) else [operand]
        return value not in excluded
    raise UnsupportedPattern(f"filter operator {operator!r} is not supported locally")
