"""Coverage: how many stories a tag (or a pair of countries) had each month, for the
chart on its page and its ``coverage.csv``.

One grouped query per page, read from the tag's own rows (their "latest" index: each
row carries its article's publication time, ``TagRowQuerySet.published()``), by month
in the site's time zone. The same query counts the page's listing (``Coverage.counted``),
so the chart costs the page no query of its own.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DateTimeField, Subquery, Value
from django.db.models.functions import Coalesce, Least, TruncMonth
from django.utils import timezone
from django.utils.dateformat import format as format_date

from articles.caching import dependencies
from articles.caching.state import remember
from articles.models import TaggedCountry
from articles.platform.dates import FIRST_DAY, day_start

MONTHS = 24

# The chart's drawing, in SVG user units (the stylesheet scales it to the column).
CHART_WIDTH, CHART_HEIGHT = 400, 180
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 36, 392, 12, 150
# A month label every this many bars.
LABEL_EVERY = 6


@dataclass(frozen=True)
class Coverage:
    """Stories per month over the last MONTHS months, oldest first."""

    months: tuple  # ((first day of the month, stories), ...)
    counted: int  # the listing's stories, counted as far as its paginator looks

    @property
    def total(self):
        return sum(n for _, n in self.months)

    @property
    def busiest(self):
        """(month, stories) of the month with most stories, the latest on a tie."""
        return max(reversed(self.months), key=lambda month: month[1])

    @property
    def first_month(self):
        return self.months[0][0]

    @property
    def last_month(self):
        return self.months[-1][0]


def month_starts(today):
    """The first days of the MONTHS months up to ``today``'s, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - MONTHS + 1, index + 1)]


def next_month(first_day):
    """The first day of the month after the one ``first_day`` begins."""
    return date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)


def read_coverage(rows, *, reach, now=None, every_row=False):
    """The Coverage of a listing, given its tag rows (one per article), in one query.

    Groups the rows of the last MONTHS months, and also the listing's ``reach`` newest
    rows, so the sum counts the listing exactly up to ``reach`` (the paginator's count):
    an old tag's rows beyond both are never read. ``every_row`` groups them all instead,
    for rows that come from a join (a pair of countries), where finding the ``reach``-th
    newest row walks the join a second time and costs more than it saves
    (docs/PERFORMANCE.md, "Coverage charts").
    """
    now = now or timezone.now()
    rows = rows.published(now)
    starts = month_starts(timezone.localdate(now))
    # A new month adds a bar and drops the oldest: what shows it is rendered afresh then.
    dependencies.record_until(day_start(next_month(starts[-1])).timestamp())
    if not every_row:
        reach_time = rows.order_by("-published_at").values("published_at")[reach - 1:reach]
        rows = rows.filter(published_at__gte=Least(
            Value(day_start(starts[0]), output_field=DateTimeField()),
            Coalesce(Subquery(reach_time), Value(day_start(FIRST_DAY)),
                     output_field=DateTimeField()),
        ))
    grouped = (
        rows.annotate(month=TruncMonth("published_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_month, counted = {}, 0
    for month, n in grouped:
        per_month[timezone.localtime(month).date() if timezone.is_aware(month)
                  else month.date()] = n
        counted += n
    return Coverage(tuple((start, per_month.get(start, 0)) for start in starts),
                    min(counted, reach))


def tag_coverage(tag, *, reach):
    """A tag's Coverage, remembered until its listing changes."""
    key = tag.taxonomy.key
    rows = tag.taxonomy.through.objects.filter(tag=tag)
    # The window moves with the clock: at most an hour late at a month's turn.
    return remember("coverage", lambda: read_coverage(rows, reach=reach), key, tag.pk,
                    reach, depends_on={dependencies.tag(key, tag.pk)})


def bilateral_coverage(first, second, *, reach):
    """The Coverage of the stories tagged with both countries, remembered likewise."""
    both = TaggedCountry.objects.filter(
        tag=first,
        content_object_id__in=TaggedCountry.objects.filter(tag=second)
        .values("content_object_id"),
    )
    return remember("coverage", lambda: read_coverage(both, reach=reach, every_row=True),
                    "bilateral", first.pk, second.pk, reach,
                    depends_on={dependencies.tag("country", first.pk),
                                dependencies.tag("country", second.pk)})


def month_label(month):
    return format_date(month, "M Y")


def coverage_csv(coverage):
    """The coverage as CSV text: a header, then ``month,stories`` per month, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["month", "stories"])
    for month, n in coverage.months:
        writer.writerow([month.strftime("%Y-%m"), n])
    return out.getvalue()


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: date
    stories: int

    @property
    def label(self):
        return month_label(self.month)


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class MonthLabel:
    x: float
    text: str


@dataclass(frozen=True)
class CoverageChart:
    """Where the chart's bars, ticks and labels go (an SVG drawn by its template)."""

    coverage: Coverage
    bars: tuple
    ticks: tuple
    labels: tuple
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT
    bottom: int = PLOT_BOTTOM

    @property
    def label_y(self):
        return self.bottom + 20


def nice_ceiling(value):
    """The smallest of 1, 2, 5, 10, 20, 50... at least ``value`` (an axis's top)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def coverage_chart(coverage):
    """The CoverageChart of a Coverage: bars scaled to the busiest month."""
    top = nice_ceiling(max(n for _, n in coverage.months) or 1)
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(coverage.months)
    bars, labels = [], []
    for index, (month, n) in enumerate(coverage.months):
        height = round(plot_height * n / top, 1)
        x = round(PLOT_LEFT + index * slot + slot * 0.15, 1)
        bars.append(Bar(x, round(PLOT_BOTTOM - height, 1), round(slot * 0.7, 1), height,
                        month, n))
        if index % LABEL_EVERY == 0:
            labels.append(MonthLabel(round(PLOT_LEFT + (index + 0.5) * slot, 1),
                                     month_label(month)))
    values = sorted({0, top // 2, top}) if top > 1 else [0, 1]
    ticks = tuple(Tick(round(PLOT_BOTTOM - plot_height * v / top, 1), v) for v in values)
    return CoverageChart(coverage, tuple(bars), ticks, tuple(labels))

