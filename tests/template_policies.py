"""What a function in template.yaml may do, read from the template as written.

SAM turns a function's `Policies` into its execution role: a `Statement` block becomes an
inline policy, a `!Ref` to an AWS::IAM::ManagedPolicy of the template an attached managed
policy. Tests of a function's permissions read both, so moving statements from one to the
other changes none of their assertions.
"""

from typing import Any

MANAGED_POLICY = "AWS::IAM::ManagedPolicy"


def function_statements(document: dict[str, Any], function: str) -> list[dict[str, Any]]:
    """The function's statements: inline ones, then those of the managed policies it names."""
    resources: dict[str, dict[str, Any]] = document["Resources"]
    statements: list[dict[str, Any]] = []
    for policy in resources[function]["Properties"].get("Policies", []):
        if not isinstance(policy, dict):
            continue
        if "Statement" in policy:
            statements += policy["Statement"]
        elif set(policy) == {"Ref"} and resources.get(policy["Ref"], {}).get("Type") == (
            MANAGED_POLICY
        ):
            statements += resources[policy["Ref"]]["Properties"]["PolicyDocument"]["Statement"]
    return statements
