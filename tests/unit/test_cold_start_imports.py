"""What a function's cold start imports: nothing it does not need (issue 14). pydantic
checks the site configuration at build time and writes the API's document; no function
imports it, nor Powertools' HTTP resolver (http_api.routing routes). The mail templates,
the holidays and the e-mail address check are imported only by the functions that use
them, and only on first use."""

import pytest

from tests.unit.lambda_import import FUNCTIONS, import_as_lambda

# Heavy packages no function imports at its cold start, and why, or where they load instead.
NOT_AT_A_COLD_START = {
    "pydantic": "the site configuration is checked at build time (terminbuchung.config)",
    "pydantic_core": "the forms are checked by terminbuchung.forms",
    "email_validator": "on the first address checked (terminbuchung.forms)",
    "holidays": "on the first day released (terminbuchung.schedule)",
    "babel": "on the first date written in an e-mail (terminbuchung.languages)",
    "jinja2": "on the first letter composed (terminbuchung.mail.letters)",
    "aws_lambda_powertools.event_handler": "every resolver, AppSync with asyncio: http_api.routing",
    "aws_lambda_powertools.utilities.batch": "asyncio: functions/send_email partial_failures",
    "aws_lambda_powertools.utilities.data_classes": "~40 event classes, for neither",
    "asyncio": "no function is async",
}

AFTER_IMPORT = """
import gc
print(gc.isenabled(), gc.get_freeze_count() > 0)
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_cold_start_imports_only_what_the_function_needs(function: str) -> None:
    output = import_as_lambda(function, AFTER_IMPORT)
    collector, imported_names = output.split("\n", 1)
    # Paused while the modules loaded, what they made frozen, then running again
    # (terminbuchung.cold_start): no function may leave the collector off.
    assert collector == "True True"
    imported = set(imported_names.split())
    assert "terminbuchung" in imported  # the probe saw the function's imports
    assert {package for package in NOT_AT_A_COLD_START if package in imported} == set()
