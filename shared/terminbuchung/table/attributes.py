"""How the table stores a moment of an appointment: Berlin time as ISO 8601 with offset.

Stored as text (2026-12-01T09:00:00+01:00), readable in the console and the same as the
API speaks; read back as an aware datetime in Europe/Berlin, so no use case parses text.
"""

from datetime import datetime
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.constants import STRING

from terminbuchung.clock import in_berlin, iso


class BerlinTimeAttribute(Attribute[datetime]):
    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        if value.tzinfo is None:
            raise ValueError("a moment of an appointment needs its time zone")
        return iso(value)

    def deserialize(self, value: Any) -> datetime:
        return in_berlin(datetime.fromisoformat(str(value)))
