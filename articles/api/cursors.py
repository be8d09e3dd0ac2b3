"""Opaque cursors for keyset pagination: the (time, id) of the last row a page showed.

A page never counts rows to skip (no OFFSET): the next one starts strictly after the
cursor's row in the list's own order, so page 5,000 costs what page 1 does and a story
published meanwhile neither repeats nor hides a row.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

# Ids are bigints: a larger one cannot name a row, and PostgreSQL refuses it.
MAX_ID = 2**63 - 1


class BadCursor(ValueError):
    """The cursor was not one this API handed out."""


@dataclass(frozen=True)
class Cursor:
    kind: str  # which ordering it belongs to: a list's cursor is refused by another list
    moment: datetime
    id: int

    def encode(self):
        raw = json.dumps([self.kind, self.moment.isoformat(), self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text, *, kind):
        """The cursor ``text`` stands for; BadCursor for anything else."""
        try:
            padded = text + "=" * (-len(text) % 4)
            found_kind, moment, row_id = json.loads(
                base64.urlsafe_b64decode(padded.encode("ascii")))
            moment = datetime.fromisoformat(moment)
        except (ValueError, TypeError, binascii.Error, UnicodeError) as error:
            raise BadCursor("The cursor is not one this API gave out.") from error
        if found_kind != kind:
            raise BadCursor("The cursor belongs to another list.")
        if type(row_id) is not int or not 0 < row_id <= MAX_ID or moment.tzinfo is None:
            raise BadCursor("The cursor is not one this API gave out.")
        return cls(kind, moment.astimezone(UTC), row_id)

    def after(self, field):
        """Rows after this cursor's, in the order ``-field, -id``."""
        return Q(**{f"{field}__lt": self.moment}) | Q(**{field: self.moment, "id__lt": self.id})
