"""The dates every layer can represent (articles.platform.dates): one home for the
clamping of typed days and the periods of archive addresses."""

from datetime import UTC, date, datetime

import pytest

from articles.platform.dates import FIRST_DAY, LAST_DAY, clamp_day, local_period


@pytest.mark.parametrize(("typed", "held"), [
    (date(1, 1, 1), FIRST_DAY), (date(9999, 12, 31), LAST_DAY),
    (date(2024, 2, 29), date(2024, 2, 29)),
])
def test_a_typed_day_is_held_to_the_days_every_layer_can_represent(typed, held):
    assert clamp_day(typed) == held


def test_a_month_runs_to_the_first_of_the_next_across_a_year_end(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    start, end, first_day = local_period("2025", "12")
    assert first_day == date(2025, 12, 1)
    assert start == datetime(2025, 11, 30, 18, 30, tzinfo=UTC)
    assert end == datetime(2025, 12, 31, 18, 30, tzinfo=UTC)


def test_a_day_and_a_year_are_periods_too():
    start, end, _ = local_period(2024, 2, 29)
    assert (end - start).days == 1
    start, end, first_day = local_period(2024)
    assert first_day == date(2024, 1, 1) and (end - start).days == 366


@pytest.mark.parametrize("address", [
    ("2023", "02", "30"), ("2023", "13"), ("0001",), ("9999", "12"), ("2023", 10**30),
    ("year",),
])
def test_a_date_that_cannot_be_is_a_value_error(address):
    with pytest.raises(ValueError):
        local_period(*address)
