"""`python -m stability.testing` (and later `stability fake-server`): run the fake until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ._extra import require_testing_extra
from ._fake import DEFAULT_RATE_LIMIT, FakeStability


def build_parser(prog: str = "python -m stability.testing") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Run a local fake of the Stability AI REST API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on; 0 picks a free one (default: 8080)")
    parser.add_argument(
        "--job-duration", type=float, default=0.0, metavar="S", help="seconds a job stays 202 (default: 0)"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accept this key; repeat for several (default: one new key, printed at the start)",
    )
    parser.add_argument("--balance", type=float, default=1000.0, help="credits each key starts with (default: 1000)")
    parser.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="turn off the 150 requests / 10 s limit (default: on, as the service)",
    )
    parser.add_argument(
        "--retry-after",
        action="store_true",
        help="add Retry-After to the rate limit's 429s (default: none; the service documents none, so neither "
        "does the fake)",
    )
    parser.add_argument(
        "--video-bytes", type=int, default=None, metavar="N", help="pad MP4 results to N bytes (default: no padding)"
    )
    parser.add_argument(
        "--image-bytes", type=int, default=None, metavar="N", help="pad PNG results to N bytes (default: no padding)"
    )
    parser.add_argument(
        "--fast", action="store_true", help="reuse outputs per operation, size and format (default: make each anew)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one line {"base_url": ..., "api_key": ...} (default: the URL and key as text)',
    )
    return parser


def run_fake_server(argv: Sequence[str] | None = None, *, prog: str = "python -m stability.testing") -> int:
    """Run the fake server as the command line asks; returns the exit status once stopped.

    It prints its URL and a key (or, with `--json`, one JSON line) and serves until SIGINT or SIGTERM.
    """
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        require_testing_extra("the fake server")
    except ImportError as exc:
        parser.exit(2, f"{prog}: error: {exc}\n")
    fake = FakeStability(
        api_keys=args.api_keys,
        job_duration=args.job_duration,
        rate_limit=None if args.no_rate_limit else DEFAULT_RATE_LIMIT,
        rate_limit_retry_after=args.retry_after,
        initial_balance=args.balance,
        video_bytes=args.video_bytes,
        image_bytes=args.image_bytes,
        fast=args.fast,
        host=args.host,
        port=args.port,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    try:
        fake.start()
    except (OSError, OverflowError) as exc:  # the port is taken or out of range, the host is not this machine's
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        parser.exit(2, f"{prog}: error: cannot listen on {args.host}:{args.port}: {reason}\n")
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with fake:
            if args.json:
                print(json.dumps({"base_url": fake.base_url, "api_key": fake.api_key}), flush=True)  # noqa: T201
            else:
                print(f"Fake Stability API listening on {fake.base_url}", flush=True)  # noqa: T201
                print(f"API key: {fake.api_key}", flush=True)  # noqa: T201
                print("Press Ctrl-C to stop.", flush=True)  # noqa: T201
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not args.json:
        print("Stopped.", file=sys.stderr)  # noqa: T201
    return 0
