"""The dates the newsroom accepts: what every layer can represent, and what a story may carry."""

from datetime import date, datetime

from django.utils import timezone

# Year 1 in a zone east of UTC (or 9999 west of it) does not exist in UTC, and a year's
# end is the next year's start: pages and filters keep to the years in between.
FIRST_YEAR, LAST_YEAR = 2, 9998

# Publication times from files (wire copy, exports) and the article form: the newsroom's
# archive starts no earlier, and nothing is scheduled further ahead. Outside it a date is
# a typo or a bad file (9999-12-31 once gave the article list 7,976 year links).
EARLIEST_PUBLICATION = date(1900, 1, 1)


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
