"""The dates the newsroom accepts: what every layer can represent, and what a story may carry."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

# Year 1 in a zone east of UTC (or 9999 west of it) does not exist in UTC, and a year's
# end is the next year's start: pages and filters keep to the years in between.
FIRST_YEAR, LAST_YEAR = 2, 9998
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)

# Publication times from files (wire copy, exports) and the article form: the newsroom's
# archive starts no earlier, and nothing is scheduled further ahead. Outside it a date is
# a typo or a bad file (a stray 9999-12-31 once gave the article list a link for every
# year in between).
EARLIEST_PUBLICATION = date(1900, 1, 1)


def clamp_day(day):
    """The day, held to FIRST_DAY..LAST_DAY (a search "from 0001-01-01" means any day)."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def day_start(day):
    """The aware moment ``day`` begins in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def local_period(year, month=None, day=None):
    """Aware [start, end) of a year, a month or a day in the site's time zone, and its
    first day.

    Raises ValueError for a date that does not exist (2023/02/30, month 13) or a year
    outside FIRST_YEAR..LAST_YEAR.
    """
    try:
        year = int(year)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year {year} is out of range")
        if day is not None:
            start = date(year, int(month), int(day))
            end = start + timedelta(days=1)
        elif month is not None:
            start = date(year, int(month), 1)
            end = date(year + (start.month == 12), start.month % 12 + 1, 1)
        else:
            start, end = date(year, 1, 1), date(year + 1, 1, 1)
    except OverflowError as error:  # a month or day too big for a C integer
        raise ValueError(str(error)) from error
    return day_start(start), day_start(end), start


def latest_publication(today=None):
    """One year after today (28 February when today is 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def publication_date_error(moment):
    """Why a publication date or time is refused, or None when it is within the range."""
    day = moment
    if isinstance(moment, datetime):
        try:
            day = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()
        except OverflowError:  # the first or last day there is, seen from another zone
            day = moment.date()
    latest = latest_publication()
    if EARLIEST_PUBLICATION <= day <= latest:
        return None
    return (
        f"{day.isoformat()} is outside the accepted publication dates, "
        f"{EARLIEST_PUBLICATION.isoformat()} to {latest.isoformat()} (one year from today)"
    )
