"""The limiter, on a clock the tests drive: no window of ``per`` seconds ever holds more than ``requests`` sends."""

from __future__ import annotations

import random
import threading

import pytest

from stability import ValidationError
from stability._batch import RateLimit
from stability._batch._pacing import Limiter


def _max_in_window(times: list[float], per: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - per:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_a_burst_is_spread_evenly() -> None:
    limiter = Limiter(RateLimit(10, 1.0), margin=0.0)
    sends = [0.0 + limiter.reserve(0.0) for _ in range(35)]
    assert sends == pytest.approx([i / 10 for i in range(35)])
    assert _max_in_window(sends, 0.999) == 10


def test_the_window_holds_after_a_pause() -> None:
    limiter = Limiter(RateLimit(10, 1.0), margin=0.5)
    sends = [t + limiter.reserve(t) for t in [0.0] * 10 + [1.2, 1.2]]
    assert sends[9] == pytest.approx(0.9) and sends[10:] == pytest.approx([1.5, 1.6])  # 1.5 s after 0.0 and 0.1


def test_random_arrivals_never_pass_the_limit() -> None:
    rng = random.Random(7)
    limiter = Limiter(RateLimit(150, 10.0))
    now, sends = 0.0, []
    for _ in range(3000):
        now += rng.expovariate(40.0)  # faster than the limit allows: the limiter must hold them back
        sends.append(now + limiter.reserve(now))
    assert _max_in_window(sends, 10.0) <= 150
    # ... and keeps close to it: the margin costs a few percent, not more.
    assert len(sends) / sends[-1] >= 0.95 * 150 / 10.0


def test_a_refusal_holds_every_later_request() -> None:
    limiter = Limiter(RateLimit(100, 1.0), margin=0.0)
    assert limiter.reserve(5.0) == 0.0
    limiter.refused(5.0, 60.0)
    assert limiter.refusals == 1 and limiter.held(6.0) == 59.0
    assert limiter.margin == 0.01  # a 429 that came anyway: more room from now on
    assert [limiter.reserve(t) for t in (5.5, 30.0)] == pytest.approx([59.5, 35.01])
    limiter.refused(6.0, 1.0)  # a shorter hint never shortens the hold
    assert limiter.reserve(64.0) == pytest.approx(1.02) and limiter.held(66.0) == 0.0  # after the slot at 65.01


def test_threads_share_one_window() -> None:
    limiter = Limiter(RateLimit(20, 1.0), margin=0.0)
    sends: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            slot = limiter.reserve(0.0)
            with lock:
                sends.append(slot)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sends) == 200 and _max_in_window(sends, 0.999) == 20 and max(sends) == pytest.approx(9.95)


@pytest.mark.parametrize("args", [(0, 1.0), (True, 1.0), (1.5, 1.0), (10, 0), (10, float("inf")), (10, "1")])
def test_rate_limit_is_checked(args: tuple[object, object]) -> None:
    with pytest.raises(ValidationError):
        RateLimit(*args)  # type: ignore[arg-type]
