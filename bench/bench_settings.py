"""The production settings as the server benchmarks run them: the rate limits raised, since wrk
and the batch clients send far more than one gate device or API token may (fugong.core.ratelimit
would answer 429 and the benchmark would measure refusals)."""

from fugong.settings.production import *  # noqa: F403
from fugong.settings.production import FUGONG_RATE_LIMITS

FUGONG_RATE_LIMITS = {
    name: (10**9, window) for name, (_count, window) in FUGONG_RATE_LIMITS.items()
}
