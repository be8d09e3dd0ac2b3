"""The article list at 100,000 articles: counts and date links that stay cheap.

Django's changelist counts every matching row on each view and lists the distinct
years (or months, or days) of every matching row for its date links. The pieces here
do the same jobs bounded.
"""

from datetime import date, datetime

from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.paginator import Paginator
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst


class BoundedPaginator(Paginator):
    """Counts matching rows only as far as an editor can page from here.

    At least ``bound`` rows (10 pages of 100), and always a few pages past the page
    asked for; a longer list says "more than 1,000" rather than counting 97,000 rows
    on every view.
    """

    bound = 1_000
    pages_ahead = 5

    def __init__(self, object_list, per_page, *, page=1, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = max(self.bound, (page + self.pages_ahead) * per_page)

    @cached_property
    def counted(self):
        # Only ids and no ORDER BY: the list's columns and sort are not needed to count.
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def count(self):
        return min(self.counted, self.limit)

    @property
    def more(self):
        """True when there are more rows than were counted."""
        return self.counted > self.limit


class BoundedChangeList(ChangeList):
    """A changelist that never counts or scans every matching row to draw the page."""

    def get_results(self, request):
        super().get_results(request)
        more = getattr(self.paginator, "more", False)
        noun = self.opts.verbose_name if self.result_count == 1 and not more else (
            self.opts.verbose_name_plural
        )
        self.result_count_text = (
            f"More than {self.result_count:,} {noun}" if more
            else f"{self.result_count:,} {noun}"
        )

    def date_drilldown(self):
        """date_hierarchy's links, from the first and last matching date alone.

        Django's own links list the distinct years, months or days of every matching
        row (a DISTINCT over 97,000 rows at the top level); these cover the calendar
        from the first to the last date instead, which an index answers at once.
        """
        field = self.date_hierarchy
        year, month, day = (
            self.params.get(f"{field}__{part}") for part in ("year", "month", "day")
        )

        def link(filters):
            return self.get_query_string(filters, [f"{field}__"])

        if year and month and day:
            chosen = date(int(year), int(month), int(day))
            return {
                "show": True,
                "back": {
                    "link": link({f"{field}__year": year, f"{field}__month": month}),
                    "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
                },
                "choices": [
                    {"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}
                ],
            }
        span = self.queryset.aggregate(first=models.Min(field), last=models.Max(field))
        first, last = span["first"], span["last"]
        if first is not None and isinstance(first, datetime):
            first, last = timezone.localtime(first), timezone.localtime(last)
        if not year and first is not None and first.year == last.year:
            year = str(first.year)
            if first.month == last.month:
                month = str(first.month)
        if first is None:
            choices = []
        elif year and month:
            choices = [
                {
                    "link": link({f"{field}__year": year, f"{field}__month": month,
                                  f"{field}__day": d}),
                    "title": capfirst(formats.date_format(
                        date(int(year), int(month), d), "MONTH_DAY_FORMAT"
                    )),
                }
                for d in range(first.day, last.day + 1)
            ]
        elif year:
            choices = [
                {
                    "link": link({f"{field}__year": year, f"{field}__month": m}),
                    "title": capfirst(formats.date_format(
                        date(int(year), m, 1), "YEAR_MONTH_FORMAT"
                    )),
                }
                for m in range(first.month, last.month + 1)
            ]
        else:
            choices = [
                {"link": link({f"{field}__year": str(y)}), "title": str(y)}
                for y in range(first.year, last.year + 1)
            ]
        if year and month:
            back = {"link": link({f"{field}__year": year}), "title": year}
        elif year:
            back = {"link": link({}), "title": "All dates"}
        else:
            back = None
        return {"show": True, "back": back, "choices": choices}


def page_number(request):
    """The page asked for, as the changelist reads it (bad values are its to refuse)."""
    try:
        return max(int(request.GET.get(PAGE_VAR, 1)), 1)
    except ValueError:
        return 1
