"""Tracing off costs no X-Ray SDK at a cold start; on, every function traces with it."""

import pytest

from tests.unit.lambda_import import FUNCTIONS, import_as_lambda

AFTER_IMPORT = """
recorder_imported = "aws_xray_sdk.core" in sys.modules
print(type(app.tracer.provider).__module__, recorder_imported, app.tracer.disabled)
"""


def _import_handler(function: str, trace_disabled: str) -> list[str]:
    return import_as_lambda(function, AFTER_IMPORT, trace_disabled=trace_disabled).split()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_with_tracing_off_no_function_imports_the_x_ray_recorder(function: str) -> None:
    provider, recorder_imported, disabled = _import_handler(function, "true")
    assert (provider, recorder_imported, disabled) == ("terminbuchung.tracing", "False", "True")


@pytest.mark.parametrize("function", ["book", "send_email", "release_slots"])
def test_with_tracing_on_the_functions_trace_with_the_x_ray_recorder(function: str) -> None:
    provider, recorder_imported, disabled = _import_handler(function, "false")
    assert provider.startswith("aws_xray_sdk")
    assert (recorder_imported, disabled) == ("True", "False")
