"""The limiter, on a clock the tests drive: no window of ``per`` seconds ever holds more than ``requests`` of the
requests it booked, wherever in [slot, answer] the API counts each one."""

from __future__ import annotations

import heapq
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


def _book(limiter: Limiter, now: float) -> float:
    wait, booked = limiter.reserve(now)
    assert booked
    return now + wait


def _quick(limiter: Limiter, now: float) -> float:
    """Book a request that is answered at its slot (the API answers at once)."""
    slot = _book(limiter, now)
    limiter.answered(slot)
    return slot


def test_a_burst_is_spread_evenly() -> None:
    limiter = Limiter(RateLimit(10, 1.0), margin=0.0)
    sends = [_quick(limiter, 0.0) for _ in range(35)]
    assert sends == pytest.approx([i / 10 for i in range(35)])
    assert _max_in_window(sends, 0.999) == 10


def test_the_window_holds_after_a_pause() -> None:
    limiter = Limiter(RateLimit(10, 1.0), margin=0.5)
    sends = [_quick(limiter, t) for t in [0.0] * 10 + [1.2, 1.2]]
    assert sends[9] == pytest.approx(0.9) and sends[10:] == pytest.approx([1.5, 1.6])  # 1.5 s after 0.0 and 0.1


def test_a_window_counts_from_the_answer() -> None:
    """A request that stays in flight may be counted at any moment until its answer: the window starts there."""
    limiter = Limiter(RateLimit(3, 1.0), margin=0.0)
    bookings = [limiter.reserve(0.0) for _ in range(3)]
    assert [wait for wait, _ in bookings] == pytest.approx([0.0, 1 / 3, 2 / 3]) and all(ok for _, ok in bookings)
    assert limiter.reserve(0.1) == (1 / 3, False)  # three in flight: nothing can be booked until one is answered
    for answer in (5.0, 5.01, 5.02):  # they came back late: the API may have counted each just before its answer
        limiter.answered(answer)
    assert limiter.reserve(5.05) == pytest.approx((0.95, True))  # one window after the oldest of the three


def test_random_arrivals_never_pass_the_limit() -> None:
    rng = random.Random(7)
    limiter = Limiter(RateLimit(150, 10.0))
    now, sends = 0.0, []
    for _ in range(3000):
        now += rng.expovariate(40.0)  # faster than the limit allows: the limiter must hold them back
        sends.append(_quick(limiter, now))
    assert _max_in_window(sends, 10.0) <= 150
    # ... and keeps close to it: the margin costs a few percent, not more.
    assert len(sends) / sends[-1] >= 0.95 * 150 / 10.0


@pytest.mark.parametrize("seed", range(20))
def test_late_requests_never_pass_the_limit(seed: int) -> None:
    """Concurrent senders whose requests reach the API anywhere between their slot and their answer, some of them
    very late (a stalled thread, a slow upload): whatever moment the API counts each one at, no window of ``per``
    holds more than ``requests`` of them; and with the API's lag small, the pace stays near the limit."""
    rng = random.Random(seed)
    requests, per = rng.choice([(5, 1.0), (20, 1.0), (150, 10.0)])
    limiter = Limiter(RateLimit(requests, per), margin=0.0)
    senders = rng.choice([1, 4, 8, 2 * requests])
    counted: list[float] = []
    # events: (time, sender, what) where what is "ask" (book a slot) or an answer due with the API's count time
    events: list[tuple[float, int, str, float]] = [(rng.uniform(0, per), s, "ask", 0.0) for s in range(senders)]
    heapq.heapify(events)
    while len(counted) < 20 * requests:
        now, sender, what, count = heapq.heappop(events)
        if what == "answer":
            limiter.answered(now)
            counted.append(count)
            heapq.heappush(events, (now + rng.expovariate(50 / per), sender, "ask", 0.0))
            continue
        wait, booked = limiter.reserve(now)
        if not booked:
            heapq.heappush(events, (now + wait, sender, "ask", 0.0))
            continue
        slot = now + wait
        late = rng.expovariate(1 / (0.002 * per)) if rng.random() < 0.9 else rng.uniform(0, 0.8 * per)
        answer = slot + late + rng.uniform(0.001, 0.05) * per
        heapq.heappush(events, (answer, sender, "answer", rng.uniform(slot, slot + late)))
    assert _max_in_window(counted, per) <= requests


def test_a_refusal_holds_every_later_request() -> None:
    limiter = Limiter(RateLimit(100, 1.0), margin=0.0)
    assert limiter.reserve(5.0) == (0.0, True)
    limiter.answered(5.0)
    limiter.refused(5.0, 60.0)
    assert limiter.refusals == 1 and limiter.held(6.0) == 59.0
    assert limiter.margin == 0.01  # a 429 that came anyway: more room from now on
    assert [limiter.reserve(t)[0] for t in (5.5, 30.0)] == pytest.approx([59.5, 35.01])
    limiter.refused(6.0, 1.0)  # a shorter hint never shortens the hold
    assert limiter.reserve(64.0)[0] == pytest.approx(1.02) and limiter.held(66.0) == 0.0  # after the slot at 65.01


def test_threads_share_one_window() -> None:
    limiter = Limiter(RateLimit(20, 1.0), margin=0.0)
    sends: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            slot = _quick(limiter, 0.0)
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
