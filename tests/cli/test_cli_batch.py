"""``stability batch FILE``, run as a user runs it (the installed script, against the fake over loopback): the
file checked whole before anything is sent, the dry run, one JSON line per item off a terminal, the summary, the
contact sheet, resuming, --force, --max-credits, and the exit codes."""

from __future__ import annotations

import argparse
import html
import io
import json
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from stability._cli.batch import BATCH_EXIT_CODES, SHEET, parse_rate, python_call
from stability._cli.parser import ExitCode, build_parser
from stability._cli.progress import BatchProgress, _duration
from stability._core.errors import ValidationError
from stability.testing import Fault

from .conftest import SCRIPT, Cli, Run


def _jsonl(path: Path, *rows: dict[str, Any]) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path.name


def _lines(run: Run) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The JSON line of each item, and the summary's."""
    parsed = [json.loads(line) for line in run.out.splitlines()]
    assert "summary" in parsed[-1], run.out
    return parsed[:-1], parsed[-1]["summary"]


MIXED = (
    {"operation": "generate_core", "prompt": "a lighthouse", "seed": 1, "id": "lighthouse"},
    {"operation": "generate_core", "prompt": "a harbour", "seed": 2},
    {"operation": "upscale_fast", "image": "photo.png"},
    {"operation": "edit_remove_background", "image": "photo.png", "output_format": "webp"},
)
"""Synchronous operations only: a job's first poll comes after the 10 s the API asks for (the library's tests
cover jobs, resumed by id)."""


def test_a_jsonl_batch_writes_every_output_with_a_json_line_each_a_summary_and_a_sheet(cli: Cli) -> None:
    run = cli("batch", _jsonl(cli.cwd / "mixed.jsonl", *MIXED), "--out", "out")
    assert run.code == ExitCode.OK, run.err
    items, summary = _lines(run)
    assert sorted(item["key"] for item in items) == ["lighthouse", "line-2", "line-3", "line-4"]
    for item in items:
        assert set(item) >= {"key", "line", "operation", "state", "outputs", "seed", "error", "credits"}
        assert item["state"] == "done" and item["error"] is None and len(item["outputs"]) == 1
        assert (cli.cwd / item["outputs"][0]).is_file()
    by_key = {item["key"]: item for item in items}
    assert by_key["lighthouse"]["line"] == 1 and by_key["lighthouse"]["operation"] == "generate_core"
    assert Path(by_key["lighthouse"]["outputs"][0]).name == "lighthouse.png" and by_key["lighthouse"]["seed"] == 1
    assert by_key["line-4"]["outputs"][0] == "out/line-4.webp" and by_key["line-4"]["credits"] == 2
    assert cli.fake.charges() == 4
    assert summary["items"] == 4 and summary["done"] == 4 and summary["failed"] == summary["uncertain"] == 0
    assert summary["credits_estimated"] == summary["credits_spent"] == 3 + 3 + 1 + 2
    assert summary["balance_before"] - summary["balance_after"] == 9 == 1000 - cli.fake.balance()
    assert "4 items: 4 done" in run.err and "1000 -> 991" in run.err  # the summary for people, on stderr
    sheet = (cli.cwd / "out" / SHEET).read_text()
    assert "stability batch" in sheet and "stability demo" not in sheet
    assert (
        'src="lighthouse.png"' in sheet and html.escape('client.generate_core(prompt="a lighthouse", seed=1)') in sheet
    )
    assert (cli.cwd / "out" / "stability-batch.sqlite").is_file()


def test_a_rerun_skips_what_is_done_and_charges_nothing_twice(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "two.jsonl", *MIXED[:2])
    assert cli("batch", name).code == ExitCode.OK and cli.fake.charges() == 2
    again = cli("batch", name)
    assert again.code == ExitCode.OK
    items, summary = _lines(again)
    assert [item["state"] for item in items] == ["skipped", "skipped"] and summary["skipped"] == 2
    assert all(item["credits"] == 0 for item in items) and cli.fake.charges() == 2
    assert summary["credits_spent"] == 0 and "2 skipped" in again.err


def test_an_existing_output_is_replaced_only_with_force(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "one.jsonl", {"operation": "generate_core", "prompt": "p"})
    (cli.cwd / "line-1.png").write_bytes(b"someone else's file")
    refused = cli("batch", name)
    assert refused.code == ExitCode.INCOMPLETE and cli.fake.count() == 1  # the balance read, nothing charged
    item = _lines(refused)[0][0]
    assert item["state"] == "failed" and item["error"].startswith("FileExistsError")
    assert "pass --force to replace it" in item["error"] and "force=True" not in refused.out + refused.err
    assert (cli.cwd / "line-1.png").read_bytes() == b"someone else's file"
    forced = cli("batch", name, "--force")
    assert forced.code == ExitCode.OK and _lines(forced)[0][0]["state"] == "done"
    assert (cli.cwd / "line-1.png").read_bytes().startswith(b"\x89PNG") and cli.fake.charges() == 1


def test_a_csv_batch_takes_the_operation_by_its_command_name(cli: Cli) -> None:
    (cli.cwd / "prompts.csv").write_text("prompt,seed,aspect_ratio\na cat,5,16:9\na dog,6,1:1\n")
    run = cli("batch", "prompts.csv", "--operation", "generate-core", "--out", "csv")
    assert run.code == ExitCode.OK, run.err
    items, _ = _lines(run)
    assert {(item["key"], item["line"], item["seed"]) for item in items} == {("line-2", 2, 5), ("line-3", 3, 6)}
    assert sorted(p.name for p in (cli.cwd / "csv").glob("*.png")) == ["line-2.png", "line-3.png"]
    sent = sorted(str(r.fields.get("aspect_ratio")) for r in cli.fake.requests if r.operation == "generate_core")
    assert sent == ["16:9", "1:1"]  # each row's own arguments, converted by the argument's rule


def test_the_dry_run_counts_and_prices_every_item_and_sends_nothing(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "mixed.jsonl", *MIXED)
    run = cli("batch", name, "--dry-run")
    assert run.code == ExitCode.OK and cli.fake.count() == 0
    assert "4 items" in run.out and "estimated: 9 credits" in run.out
    assert "generate_core" in run.out and "edit_remove_background" in run.out
    data = cli("batch", name, "--dry-run", "--json").json()
    assert data["items"] == 4 and data["credits_estimated"] == 9
    assert data["operations"]["generate_core"] == {"items": 2, "credits": 6}
    no_key = cli("batch", name, "--dry-run", env=cli.env(STABILITY_API_KEY=None))
    assert no_key.code == ExitCode.OK and cli.fake.count() == 0  # a dry run needs no key
    assert not (cli.cwd / "stability-batch.sqlite").exists()


def test_every_bad_line_is_listed_by_number_and_nothing_is_sent(cli: Cli) -> None:
    name = _jsonl(
        cli.cwd / "bad.jsonl",
        {"operation": "generate_core", "prompt": "fine"},
        {"operation": "make_magic", "prompt": "x"},
        {"operation": "generate_core", "prompt": "x", "aspect_ratio": "7:3"},
        {"operation": "upscale_fast", "image": "missing.png"},
    )
    run = cli("batch", name)
    assert run.code == ExitCode.VALIDATION
    assert cli.fake.count() == 0 and not list(cli.cwd.glob("line-*"))
    for line in (2, 3, 4):
        assert f"bad.jsonl:{line}: " in run.err, run.err
    assert "bad.jsonl:1:" not in run.err
    assert run.err.splitlines()[-1].startswith("stability: error: bad.jsonl: ") and "nothing was sent" in run.err
    data = cli("batch", name, "--json").json()["error"]
    assert data["exit_code"] == ExitCode.VALIDATION and [p["line"] for p in data["problems"]] == [2, 3, 4]


def test_max_credits_leaves_the_rest_unstarted_and_the_exit_code_says_so(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "three.jsonl", *({"operation": "generate_core", "prompt": f"p{i}"} for i in range(3)))
    run = cli("batch", name, "--max-credits", "7", "--concurrency", "1")
    assert run.code == ExitCode.INCOMPLETE
    items, summary = _lines(run)
    assert sorted(item["state"] for item in items) == ["done", "done", "unstarted"]
    assert cli.fake.charges() == 2 and summary["unstarted"] == 1 and summary["credits_spent"] == 6
    assert "--max-credits 7 reached" in run.err.splitlines()[-1]


def test_a_failed_item_is_reported_and_the_rest_done(cli: Cli) -> None:
    name = _jsonl(
        cli.cwd / "some.jsonl",
        {"operation": "generate_core", "prompt": "a forbidden thing", "id": "bad"},  # the fake moderates it
        {"operation": "generate_core", "prompt": "a fine thing", "id": "good"},
    )
    run = cli("batch", name)
    assert run.code == ExitCode.INCOMPLETE
    items, summary = _lines(run)
    by_key = {item["key"]: item for item in items}
    assert by_key["good"]["state"] == "done" and by_key["bad"]["state"] == "failed"
    assert by_key["bad"]["error"].startswith("ContentModerationError") and by_key["bad"]["outputs"] == []
    assert summary["failed"] == 1 and summary["done"] == 1
    last = run.err.splitlines()[-1]
    assert "1 item failed" in last and "stability batch some.jsonl" in last
    assert "some.jsonl:1 (bad, generate-core): failed: ContentModerationError" in run.err


def test_an_item_that_may_have_been_charged_is_not_sent_again_without_retry_uncertain(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "one.jsonl", {"operation": "generate_core", "prompt": "p", "id": "p"})
    cli.fake.inject("generate_core", Fault.drop_after_request())
    first = cli("batch", name)
    assert first.code == ExitCode.INCOMPLETE and _lines(first)[0][0]["state"] == "uncertain"
    assert "--retry-uncertain" in first.err.splitlines()[-1]
    again = cli("batch", name)
    assert again.code == ExitCode.INCOMPLETE and _lines(again)[0][0]["state"] == "uncertain"
    assert cli.fake.count("generate_core") == 1
    retried = cli("batch", name, "--retry-uncertain")
    assert retried.code == ExitCode.OK and _lines(retried)[0][0]["state"] == "done"
    assert (cli.cwd / "p.png").is_file()


def test_ctrl_c_stops_starting_items_and_says_how_to_resume(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "slow.jsonl", *({"operation": "generate_core", "prompt": f"p{i}"} for i in range(8)))
    with subprocess.Popen(
        [str(SCRIPT), "batch", name, "--rate", "2/1", "--concurrency", "2"],  # 2 requests a second: 4 s or more
        cwd=cli.cwd, env=cli.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        first = process.stdout.readline()  # the first item's JSON line: the run is under way
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()  # never a hung test: a run that does not stop fails it
    assert json.loads(first)["state"] == "done"
    assert process.returncode == ExitCode.INTERRUPTED, err
    assert "Traceback" not in err and f"Resume with: stability batch {name}" in err.splitlines()[-1]
    assert '"interrupted": true' in out and cli.fake.charges() < 8
    again = cli("batch", name)
    assert again.code == ExitCode.OK, again.err
    states = [item["state"] for item in _lines(again)[0]]
    assert "uncertain" not in states and "failed" not in states
    assert cli.fake.charges() == 8  # what was in flight at Ctrl-C finished then, or is found now: none paid twice
    assert len(list(cli.cwd.glob("line-*.png"))) == 8


def test_a_bad_rate_is_a_validation_error_in_the_commands_words(cli: Cli) -> None:
    name = _jsonl(cli.cwd / "one.jsonl", {"operation": "generate_core", "prompt": "p"})
    run = cli("batch", name, "--rate", "150")
    assert run.code == ExitCode.VALIDATION and cli.fake.count() == 0
    assert run.err.splitlines()[-1].startswith("stability: error: --rate 150: must be N/SECONDS")


# ------------------------------------------------------------------------------------------ no sockets


def test_the_rate_is_parsed_as_the_librarys_rate_limit() -> None:
    from stability._batch import RateLimit

    assert parse_rate("150/10") == RateLimit() and parse_rate("5/0.5") == RateLimit(requests=5, per=0.5)
    for bad in ("150", "0/10", "10/0", "a/b", "10/inf", "/10"):
        with pytest.raises(ValidationError):
            parse_rate(bad)


def test_the_help_lists_the_batch_exit_codes_and_the_top_table_has_incomplete() -> None:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    shown = subparsers.choices["batch"].format_help()
    assert BATCH_EXIT_CODES in shown and "   11  incomplete" in shown
    assert "   11  incomplete" in build_parser().format_help()


def test_the_sheet_call_is_python_that_names_the_files() -> None:
    call = python_call("upscale_fast", {"image": Path("in/photo.png"), "output_format": "webp"})
    assert call == 'client.upscale_fast(image="in/photo.png", output_format="webp")'


def test_the_progress_bar_shows_done_total_rate_eta_failures_and_credits() -> None:
    stream = io.StringIO()
    with BatchProgress(stream, 10, live=True, refresh=60) as bar:
        bar.update("skipped")
        for state in ("done", "done", "failed", "uncertain"):
            bar.update(state, 3.0)
        line = bar.line()
    assert line.startswith("[##########..........]  5/10") and "items/s" in line and "ETA " in line
    assert "1 failed" in line and "1 uncertain" in line and line.endswith("12 credits")
    assert stream.getvalue().endswith(" 12 credits\n") and "\r\x1b[K" in stream.getvalue()
    quiet = io.StringIO()
    with BatchProgress(quiet, 3, live=False) as bar:
        bar.update("done", 1.0)
    assert quiet.getvalue() == ""  # off a terminal the command prints JSON lines instead
    assert [_duration(s) for s in (4.4, 187, 7500)] == ["4s", "3m07s", "2h05m"]


def test_a_servers_words_in_a_failed_item_cannot_recolour_or_reorder_the_terminal(cli: Cli) -> None:
    body = json.dumps({"id": "x", "name": "bad_request", "errors": ["evil \x1b[31mRED \u202eoverride"]}).encode()
    cli.fake.inject("generate_core", Fault.status(400, body=body, content_type="application/json"))
    run = cli("batch", _jsonl(cli.cwd / "one.jsonl", {"operation": "generate_core", "prompt": "p"}))
    assert run.code == ExitCode.INCOMPLETE
    assert "\x1b" not in run.out + run.err and "\u202e" not in run.out + run.err
    assert "\\x1b[31mRED \\u202eoverride" in run.err, run.err
