"""Run the reliability suite and write docs/reliability.md from the figures it counted.

    python scripts/reliability_report.py            # run tests/reliability, rewrite docs/reliability.md
    python scripts/reliability_report.py --json F   # also keep the raw figures in F

The suite counts as it runs (tests/reliability/_support.py) and writes its figures as JSON to the file named by
STABILITY_RELIABILITY_JSON; this script only runs pytest with that variable set and renders the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "reliability.md"
COMMAND = "python scripts/reliability_report.py"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/reliability"]


def run(json_path: Path) -> tuple[dict[str, Any], float, str]:
    env = {**os.environ, "STABILITY_RELIABILITY_JSON": str(json_path)}
    started = time.monotonic()
    done = subprocess.run(PYTEST, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode != 0:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-2000:])
        raise SystemExit(f"the reliability suite failed ({summary}); docs/reliability.md was not written")
    return json.loads(json_path.read_text()), elapsed, summary


def render(figures: dict[str, Any], elapsed: float, summary: str) -> str:
    counts: dict[str, int] = figures["counts"]
    outcomes: dict[str, int] = figures["outcomes"]

    def n(name: str) -> int:
        return int(counts.get(name, 0))

    facade_ops, faults = figures["fault_operations"], figures["faults"]
    rows = [
        ("tests run", summary),
        ("scenarios (fault cells, hostile servers, load runs, transport checks)", n("scenarios")),
        (
            "faults x operations (facade)",
            f"{figures['fault_cells']} (operation, fault) cells of {len(faults)} faults x {len(facade_ops)} "
            f"operations, run {n('fault matrix runs')} times (once and persistent, sync and async)",
        ),
        (
            "faults x operations (raw generated calls)",
            f"{figures['raw_fault_cells']} cells, run {n('raw matrix runs')} times (sync and async)",
        ),
        ("inputs tried (property, strictness, hostile files)", n("inputs tried")),
        ("invalid inputs refused before sending (0 requests)", n("invalid inputs refused before sending")),
        ("valid inputs accepted by the fake's own validation", n("valid inputs accepted by the fake")),
        ("hostile files refused before sending", n("hostile files refused before sending")),
        ("typed outcomes checked", n("typed outcomes")),
        ("duplicate charges", n("duplicate charges")),
        ("partial files (saves checked)", f"{n('partial files')} ({n('saves checked')} saves)"),
        ("existing files clobbered by a failure", n("clobbered files")),
        ("key leaks (texts searched)", f"{n('key leaks')} ({n('texts searched for the key'):,} texts)"),
        ("load: requests, errors, leaked sockets", f"{n('load requests')}, {n('load errors')}, {n('leaked sockets')}"),
        ("rate-limited load: requests, 429s handled", f"{n('rate-limited load requests')}, {n('429 answers handled')}"),
        ("wall time", f"{elapsed:.0f} s on {os.cpu_count()} CPUs, Python {platform.python_version()}"),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    outcome_rows = "\n".join(f"| {label} | {count} |" for label, count in outcomes.items())
    return f"""# Reliability and security: the figures

Written by `{COMMAND}` from a run of `tests/reliability/` (the default `pytest` and
`nox -s tests` run the same tests; only this script writes the figures down). Reproduce with:

```console
{COMMAND}          # or: nox -s reliability
```

| figure | value |
|---|---|
{table}

Faults: {", ".join(f"`{f}`" for f in faults)}.

Facade operations: {", ".join(f"`{o}`" for o in facade_ops)}.

## Outcomes

Every call ended in success or in exactly the typed exception the documented policy names (an httpx, JSON or
Unicode exception would fail the test). Raw generated calls return a `Response`, or raise an
`httpx.TransportError` when no complete answer arrived: that layer has no retry policy or error tree, and passes
httpx's own documented exceptions through; it never crashes reading a body.

| outcome | count |
|---|---|
{outcome_rows}

## What each part proves

- **Fault matrix** (`test_fault_matrix.py`, data in `_matrix.py`): every facade operation x every fault the fake
  injects, once and on every request, sync and async. An oracle written from the README's retry policy says what
  the caller sees and how many requests and charges the fake records; the test also bounds the time taken,
  checks that Retry-After (seconds or HTTP date) was slept, that saves leave no `.part` file and keep an existing
  file, and searches every log record (DEBUG, `stability`, `httpx`, `httpcore`), repr, message and exception
  argument for the key. Status faults run in process; connection faults over the loopback socket server; a
  refused connection uses a port nobody listens on. A connection the server drops before reading the request
  is retried for a generation only in process (a connect error); over a socket the client sees "server
  disconnected" and cannot prove the request unprocessed, so a generation is not sent again.
- **Raw matrix** (`test_raw_matrix.py`): the same faults against every generated `stability_api` call.
- **Bad input** (`test_bad_input.py`): hypothesis draws every parameter of every generation method from absent,
  valid and invalid values of `stability._core.limits`; a refusal is a `ValidationError` with nothing sent and the
  same request sent raw is refused by the fake (400); an acceptance is accepted by the fake. Where the facade is
  stricter on purpose (blank prompts, float seeds, empty enums, lone surrogates, URL-rewriting engine ids, keys
  a header cannot carry), plain tests pin it down.
- **Hostile files** (`test_hostile_files.py`): zero bytes, truncated PNG/JPEG/WEBP, a PNG claiming 100000x100000,
  text named `.png`, a directory, a missing path, an unreadable file, a 4 GiB sparse file, as the image and as the
  mask of every upload: a typed error, no request, under 4 MiB of memory.
- **Hostile server** (`test_hostile_server.py`): 4 MiB of headers, a 32 MiB chunked body and a Content-Length of
  10 GB that is never kept, while saving a result: memory stays under 8 MiB, the file is whole or untouched.
  Uploaded bytes carrying forged multipart parts cannot add a field (the boundary is random per request). Plain
  `http://` to a host that is not loopback is refused without `allow_insecure_http`; a redirect to another host
  (127.0.0.2) is not followed, and a caller's client that follows it does not carry the key there.
- **Hostile answers** (`test_hostile_answers.py`): a paid answer with `Seed: inf`, `1e999`, JSON seeds of
  `1e400` or 5,000 digits, JSON nested 100,000 deep (a job id inside it too), half a PNG, a PNG claiming
  100000x100000 or another size than asked, `Finish-Reason: ERROR`, 413 and 422, an HTML page built to make a
  summary quadratic: the image (or job id) is kept, or a typed error carries the answer; never a raw exception.
- **Deadlines and bodies** (`test_transport_deadlines.py`, `test_body_streams.py`): a server that drips one byte
  a second, headers or body, cannot stretch a call past its `timeout` (sync, async, a caller's client); a retry
  that would end past the deadline is not made; gzip bombs (1 MB to 1 GiB) as an answer, an error body and a
  job download cost their bound, not the gigabyte; a 200 MB error page is not kept whole.
- **Secrets and the client's life** (`test_transport_secrets.py`, `test_client_lifecycle.py`): `client.raw`'s
  repr and a traceback's locals show no key; `HTTP_PROXY` / `ALL_PROXY` never receive a plain-http request;
  one debug line per request; 50 `asyncio.run()` calls on one client hold at most two sockets; a closed client
  refuses calls and stops a `wait()`; a forked child opens its own connections.
- **Job deadlines** (`test_job_deadlines.py`): the 60-second lockout waited out with one poll per lockout,
  `wait(timeout=)` held against `Retry-After: 20` and slow servers, the default 30-minute deadline, the last
  failure chained, and `save()` refusing HTML, JSON and bodies cut short (no file written).
- **Load** (`test_load.py`): 2,000 requests from 50 async tasks and 8 threads on one sync client, no error, no
  file descriptor left open; with rate limiting on, every 429 is retried after its Retry-After (on the fake's
  clock) or raised as `RateLimitError` once retries are spent, and successes plus errors add up to the calls.
- **The command line** (`tests/cli/`, counted in the `tests` session, not in the table above): every fault the
  fake injects against a GET, a JSON POST (with `--debug`) and a multipart POST through `stability`, plus every
  documented error path (usage, validation, auth, not found, rate limit, server, network, job deadline,
  content, interrupt): each run's stdout and stderr are searched for the key (never found), hold no traceback
  unless `--debug`, and end in one `stability: error:` line with the documented exit code.

## Bugs these tests found (fixed)

Issue 13 (an independent attack and a new user's first hour) found, and these tests now pin down: the key in
`repr(client.raw)` and through an environment proxy; a paid image lost over a `Seed: inf` header or deep JSON;
`job.save()` saving an HTML page as `clip.mp4`; the 60-second lockout failing a `wait()`; uploads over 10 MiB
sent to be refused; a socket and an event loop leaked per `asyncio.run()`; calls and waits with no overall
deadline; gzip bombs read whole; a quadratic error-page summary; errors that could not be pickled; a closed or
forked client reusing its pool; results whose header claims another size; raw `TypeError`, `OverflowError`,
`UnicodeEncodeError` and `OSError` from bad inputs and failed saves; a path rewritten before a retry uploaded
unchecked.

Earlier:

- `Job.save()` did not fetch a result again when its download broke off, unlike every other read; it now
  retries up to `max_retries` times (`stability/_async_client.py`).
- A prompt holding a lone surrogate, an `organization` or API key a header cannot carry escaped as a raw
  `UnicodeEncodeError`; they are now `ValidationError` / `ConfigurationError` before sending
  (`_core/validation.py`, `_core/config.py`). An engine id with `?`, `#`, `%` or spaces could rewrite the request URL; it
  is refused (`_core/validation.py`, `PathSegment`).
- v1alpha input images with sides not multiples of 64, over 2048, or over 1 megapixel were uploaded and then
  refused by the API; they are now refused locally (`_core/validation.py`).
- An inpaint mask had no size check: a mask claiming 100000x100000, or a 4 GiB file, was uploaded; masks larger
  than the largest image inpaint takes are now refused (`_operations/v2alpha.py`).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also keep the raw figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        json_path = args.json or Path(tmp) / "reliability.json"
        figures, elapsed, summary = run(json_path)
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(render(figures, elapsed, summary))
    print(f"wrote {TARGET.relative_to(ROOT)} ({summary})")


if __name__ == "__main__":
    main()
