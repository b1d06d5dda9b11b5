"""Rate limits counted in the database: fixed windows, the wait until the next one, old windows
forgotten."""

import pytest

from fugong.core.errors import RateLimitedError
from fugong.core.models import RateCounter
from fugong.core.ratelimit import rate_limit_hit

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0  # a window's start for a 60-second limit (a multiple of 60)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.FUGONG_RATE_LIMITS = {**settings.FUGONG_RATE_LIMITS, "test": (3, 60)}


def test_requests_up_to_the_limit_pass_and_the_next_is_refused_until_the_window_ends():
    assert [rate_limit_hit("test", "a", now=START + second) for second in (0, 1, 2)] == [1, 2, 3]
    with pytest.raises(RateLimitedError) as refused:
        rate_limit_hit("test", "a", now=START + 50.5)
    assert refused.value.status == 429 and refused.value.code == "rate_limited"
    assert refused.value.retry_after == 10  # 9.5 seconds, rounded up
    assert "10" in refused.value.message
    # Another key has its own count; the next window starts again at one.
    assert rate_limit_hit("test", "b", now=START + 51) == 1
    assert rate_limit_hit("test", "a", now=START + 60) == 1


def test_a_cost_counts_several_requests_at_once():
    assert rate_limit_hit("test", "a", cost=3, now=START) == 3
    with pytest.raises(RateLimitedError):
        rate_limit_hit("test", "a", now=START + 1)


def test_one_row_per_key_and_window_and_ended_windows_are_deleted():
    for second in range(3):
        rate_limit_hit("test", "a", now=START + second)
    assert RateCounter.objects.get().count == 3
    rate_limit_hit("test", "a", now=START + 125)  # two windows later: the old row goes
    assert list(RateCounter.objects.values_list("window", "count")) == [(START + 120, 1)]


def test_the_count_is_in_the_database_not_in_the_process():
    rate_limit_hit("test", "a", now=START)
    RateCounter.objects.update(count=3)  # as another server process would have counted
    with pytest.raises(RateLimitedError):
        rate_limit_hit("test", "a", now=START + 1)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_count_is_written_and_the_connection_keeps_its_durability():
    from django.db import connection

    def synchronous() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous" if connection.vendor == "sqlite" else "SELECT 0")
            return cursor.fetchone()[0]

    before = synchronous()
    assert not connection.in_atomic_block
    assert [rate_limit_hit("test", "a", now=START + second) for second in (0, 1)] == [1, 2]
    assert RateCounter.objects.get().count == 2
    assert synchronous() == before  # relaxed for the count only (SQLite), then as it was
