"""A queryset's SQL compiled once, then run again with other values.

For the reads of a page's first render whose query the ORM would build anew each time
although only an id or the moment changes: at 100,000 articles building an article's
tags-and-mentions query took 3.5 ms, running it 0.9 (docs/PERFORMANCE.md, "First
renders cut"). The ORM still writes the SQL, from the stand-ins below, so each rule
it spells (the visibility rule above all) keeps its one place.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

# Values no real one equals, compiled in place of an id and of the moment.
STAND_IN_ID = -7_654_321
STAND_IN_MOMENT = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
_PK, _MOMENT = object(), object()


@dataclass(frozen=True)
class Compiled:
    """The SQL of a queryset built with STAND_IN_ID and STAND_IN_MOMENT, for one
    database, and each of its parameters: the id, the moment, or a value of its own."""

    database: str
    sql: str
    slots: tuple

    @classmethod
    def of(cls, queryset, database):
        sql, params = queryset.query.get_compiler(database).as_sql()
        moment = connections[database].ops.adapt_datetimefield_value(STAND_IN_MOMENT)
        if str(STAND_IN_ID) in sql or str(moment) in sql:
            # Put into the text, it would be run with the stand-in's value every time.
            raise ImproperlyConfigured(f"A stand-in was compiled into the SQL: {sql}")
        slots = tuple(_PK if param == STAND_IN_ID else _MOMENT if param == moment else param
                      for param in params)
        return cls(database, sql, slots)

    def params(self, *, pk=None, moment=None):
        """The parameters for the given id (``pk``) and moment (an aware datetime)."""
        if moment is not None:
            moment = connections[self.database].ops.adapt_datetimefield_value(moment)
        return [pk if slot is _PK else moment if slot is _MOMENT else slot
                for slot in self.slots]

    def rows(self, **values):
        """The rows as the database gives them: no field's converter runs (columns of
        ids and text need none)."""
        with connections[self.database].cursor() as cursor:
            cursor.execute(self.sql, self.params(**values))
            return cursor.fetchall()
