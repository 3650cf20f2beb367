"""A client generated from docs/openapi.json by a standard generator (openapi-python-client)
books, shows and cancels against the local stack: the document is enough to code against."""

import importlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from infra.openapi import DOCUMENT
from tests.integration.test_http import new_email
from tests.proof_of_work import solve

PACKAGE = "terminbuchung_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run on the generated code
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [
            str(generator),
            "generate",
            f"--path={DOCUMENT}",
            f"--output-path={folder / PACKAGE}",
            "--meta=none",
            f"--config={config}",
        ],
        check=True,
        capture_output=True,
        cwd=folder,
        timeout=300,
    )
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_books_shows_and_cancels(
    generated: ModuleType, base_url: str, fresh_slot: str
) -> None:
    client = generated.Client(base_url=base_url, raise_on_unexpected_status=True)
    api, models = "api.termine", "models"

    slots = _module(f"{api}.list_free_slots").sync("oranienburg", client=client)
    assert fresh_slot in [slot.start for slot in slots.slots]

    puzzle = _module(f"{api}.challenge").sync(client=client)
    form = _module(f"{models}.booking_form").BookingForm(
        location="oranienburg",
        service="beratung",
        start=datetime.fromisoformat(fresh_slot),
        name="Erika Mustermann",
        email=new_email(),
        remarks="Ich komme mit einer Dolmetscherin.",
        altcha=solve(puzzle.to_dict()),
    )
    booked = _module(f"{api}.book").sync(
        client=client, body=form, idempotency_key=str(uuid.uuid4())
    )
    assert type(booked).__name__ == "Confirmation", booked
    assert booked.start == fresh_slot

    show = _module(f"{api}.show_booking")
    details = show.sync(booked.reference, client=client, x_booking_token=booked.cancel_token)
    assert type(details).__name__ == "BookingDetails", details
    assert (details.status, details.name) == ("confirmed", "Erika Mustermann")

    # An error answer is a model of its own, with the code the document lists.
    wrong = show.sync(booked.reference, client=client, x_booking_token="falsch")
    assert type(wrong).__name__ == "ShowBookingResponse404"
    assert wrong.error.code.value == "booking_not_found"

    cancel = _module(f"{api}.cancel_booking")
    body = _module(f"{models}.cancel_form").CancelForm(token=booked.cancel_token)
    cancelled = cancel.sync(booked.reference, client=client, body=body)
    assert type(cancelled).__name__ == "Cancellation", cancelled
    assert (cancelled.reference, cancelled.status) == (booked.reference, "cancelled")
    after = show.sync(booked.reference, client=client, x_booking_token=booked.cancel_token)
    assert after.status == "cancelled"
