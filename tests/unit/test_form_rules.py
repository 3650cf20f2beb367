"""The forms' own checker reads each form's declaration as pydantic reads it for the API's
document (docs/openapi.json): the same inputs pass, with the same values, and a refusal
names the same field first. Thousands of generated inputs per form, a fixed seed."""

import random
from dataclasses import dataclass, fields
from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter, ValidationError

from terminbuchung import forms
from terminbuchung.errors import InvalidInput
from terminbuchung.field_rules import Length

FORMS = [
    forms.BookingForm,
    forms.PhoneBookingForm,
    forms.OfficeCancelForm,
    forms.ClosureForm,
    forms.SlotQuery,
    forms.CancelForm,
    forms.ConfirmForm,
    forms.LookupForm,
    forms.RescheduleForm,
    forms.PriorityClaim,
]
# Valid values for the fields that must be there, so most inputs reach the later fields.
GOOD = {
    "location": "oranienburg",
    "service": "beratung",
    "start": "2026-12-01T09:00:00+01:00",
    "name": "Erika Mustermann",
    "email": "erika@example.de",
    "token": "q3vJ0bX8Yk2Lr5tW9nA1cE7dF4gH6iK0",
    "reason": "Fortbildung",
    "day": "2026-12-01",
    "reference": "K7QP-3XMA",
}
# Values at and beyond every kind of limit and check the forms have.
ODD = [
    None, "", " ", "  x  ", "x", "a" * 40, "a" * 41, "a" * 100, "a" * 101, "a" * 201,
    "a" * 255, "a" * 501, "a" * 1001, 5, 0, 1, 1.5, True, False, [], {}, [1], "true", "1",
    {"reference": "K7QP-3XMA", "token": "t"}, {"reference": ""}, {"reference": "r", "token": "t",
    "x": 1}, "2026-12-01", "2026-02-30", "1999-01-01", "2026-12-01T09:00",
    "2026-12-01T09:00:00+01:00", " 2026-12-01T09:00:00Z ", "1764576000", "09:00", "9:00",
    "24:00", "a@b.de", " A@Straße.de ", "x" * 65 + "@b.de", "info@localhost", "a@@b.de",
    "+49 3301 6010", "0330/601-0", "12345BG0012345", "12345 bg 001 2345", "١٢٣٤٥BG٠٠١٢٣٤٥",
    "de", "en", "ar", "uk", "de-x-ls", "fr", "Erika\x00", "Erika\u200b", "\ufeff", "Ｅｒｉｋａ",
]  # fmt: skip


def _keys(form: type) -> list[str]:
    names = [spec.metadata.get("alias", spec.name) for spec in fields(form)]
    return [*names, "unknown", "start" if form is forms.ClosureForm else "extra"]


def _by_pydantic(form: type, data: dict[str, Any]) -> tuple[str, object]:
    given = getattr(form, "given", None)
    try:
        checked: object = TypeAdapter(form).validate_python(given(data) if given else data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]["loc"]
        return "refused", str(first[0])
    return "checked", checked


def _by_our_checker(form: type, data: dict[str, Any]) -> tuple[str, object]:
    try:
        return "checked", forms.parse(form, data)
    except InvalidInput as error:
        return "refused", error.field


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.__name__)
def test_the_checker_and_the_document_agree_on_every_input(form: type) -> None:
    chance = random.Random(f"20261126 {form.__name__}")  # noqa: S311 - test inputs, no secret
    keys = _keys(form)
    outcomes = set()
    for _ in range(1500):
        data: dict[str, object] = {
            key: GOOD[key] for key in keys if key in GOOD and chance.random() < 0.9
        }
        for key in chance.sample(keys, chance.randint(0, 3)):
            data[key] = chance.choice(ODD)
        ours = _by_our_checker(form, dict(data))
        assert ours == _by_pydantic(form, dict(data)), data
        outcomes.add(ours[0])
    # Both kinds of answer were compared, not only refusals.
    assert outcomes == {"checked", "refused"}


def test_a_refusal_names_the_first_field_at_fault_then_unknown_fields() -> None:
    with pytest.raises(InvalidInput) as refused:
        forms.parse(forms.BookingForm, {"unknown": 1, "location": "oranienburg"})
    assert (refused.value.field, refused.value.code) == ("service", "field_missing")
    complete = {key: GOOD[key] for key in ("location", "service", "start", "name", "email")}
    with pytest.raises(InvalidInput) as refused:
        forms.parse(forms.BookingForm, {**complete, "unknown": 1})
    assert (refused.value.field, refused.value.code) == ("unknown", "field_unknown")


def test_a_nested_forms_problem_is_its_outer_fields() -> None:
    complete = {key: GOOD[key] for key in ("location", "service", "start", "name", "email")}
    with pytest.raises(InvalidInput) as refused:
        forms.parse(forms.BookingForm, {**complete, "priority_for": {"reference": "K7QP"}})
    assert (refused.value.field, refused.value.code) == ("priority_for", "field_missing")


def test_the_checker_refuses_a_declaration_it_cannot_read_as_pydantic_does() -> None:
    @dataclass(frozen=True)
    class Loose:
        agreed: bool  # without Strict(), pydantic would take "yes" for true

    @dataclass(frozen=True)
    class Counted:
        people: Annotated[int, Length(max=3)]

    for form in (Loose, Counted):
        with pytest.raises(TypeError):
            forms.parse(form, {})


def test_a_form_as_sent_is_json_for_the_idempotency_check() -> None:
    complete = {key: GOOD[key] for key in ("location", "service", "start", "name", "email")}
    form = forms.parse(forms.BookingForm, {**complete, "altcha": "solved"})
    sent = forms.as_sent(form, leave_out=("altcha",))
    assert sent["start"] == "2026-12-01T09:00:00+01:00"
    assert "altcha" not in sent
    assert sent["priority_for"] is None
    assert TypeAdapter(forms.BookingForm).dump_python(form, mode="json", exclude={"altcha"}) == sent
