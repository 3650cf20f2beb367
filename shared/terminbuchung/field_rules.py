"""The rules of one field, written beside its type (`Annotated[str, Length(1, 100)]`).

Two readers, one declaration:
- at run time, the forms' own checker (terminbuchung.forms.parse), which needs nothing but
  this module, so no function pays pydantic's ~70 ms at its cold start;
- at build time, pydantic: the site configuration's check (terminbuchung.config) and the
  API's document (infra/openapi.py). The `__get_pydantic_core_schema__` hooks are pydantic's
  documented protocol for such markers; they import pydantic_core only when pydantic calls
  them, never in a Lambda.

A class's own settings for both readers sit in its `__pydantic_config__` (a plain dict,
pydantic's ConfigDict): `extra` ("forbid" or "ignore") and `str_strip_whitespace`.

The markers are NamedTuples, not dataclasses: as immutable and comparable, and made in a
tenth of the time at every cold start.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema


def _limited(schema: "CoreSchema", **limits: object) -> "CoreSchema":
    """The type's schema (a str, list, int or bool schema) with these keys of pydantic-core
    set, e.g. max_length; None: not limited."""
    limited: dict[str, Any] = {**schema, **{k: v for k, v in limits.items() if v is not None}}
    return limited


class Length(NamedTuple):
    """Of a text or a list: at least `min`, at most `max` characters or items."""

    min: int | None = None
    max: int | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: "GetCoreSchemaHandler"
    ) -> "CoreSchema":
        return _limited(handler(source), min_length=self.min, max_length=self.max)


class Bounds(NamedTuple):
    """Of a whole number: greater than `gt`, at least `ge`, at most `le`."""

    gt: int | None = None
    ge: int | None = None
    le: int | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: "GetCoreSchemaHandler"
    ) -> "CoreSchema":
        return _limited(handler(source), gt=self.gt, ge=self.ge, le=self.le)


class Pattern(NamedTuple):
    """Of a text: the whole text matches the regular expression."""

    regex: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: "GetCoreSchemaHandler"
    ) -> "CoreSchema":
        return _limited(handler(source), pattern=self.regex)


class Strict(NamedTuple):
    """Of a yes/no: only true or false, not "true", 1 or "yes"."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: "GetCoreSchemaHandler"
    ) -> "CoreSchema":
        return _limited(handler(source), strict=True)


class Before(NamedTuple):
    """Turns the value as sent (e.g. the text "2026-12-01") into the field's type, or raises
    FieldProblem (forms) or ValueError (site configuration). Runs before the type's check."""

    function: Callable[[Any], Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: "GetCoreSchemaHandler"
    ) -> "CoreSchema":
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.function, handler(source))


class After(NamedTuple):
    """Checks and normalises a value that has passed the type's check and the limits."""

    function: Callable[[Any], Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: "GetCoreSchemaHandler"
    ) -> "CoreSchema":
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.function, handler(source))


class FieldProblem(ValueError):
    """A form field's problem, as a key of the message catalogues (terminbuchung.languages)
    with its values; a ValueError, so pydantic reports it too."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
