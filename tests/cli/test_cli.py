"""`stability COMMAND`: every subcommand over loopback, its JSON, its files, its exit codes and its help."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from stability._cli.demo import demo_entries
from stability._cli.main import ExitCode
from stability._cli.parser import EXIT_CODES, PROMPT, Command, build_parser, commands, flag, output_formats
from stability._core import validation
from stability._core.media import check_glb
from stability._core.validation import Flag
from stability._operations.entry import DemoInput, Entry
from stability._operations.registry import REGISTRY
from stability._sync_client import Stability
from stability.testing import FakeStability, Fault
from tests.cli.conftest import SCRIPT, Cli, Run, check_run

POLL = ("--poll-interval", "0.1")


def decoded(path: Path) -> str:
    """The format Pillow finds in the file (it must decode)."""
    return picture(path)[0]


def picture(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        image.load()
        return str(image.format), image.size


def is_mp4(path: Path) -> bool:
    """A video that plays: FFmpeg (PyAV) decodes every frame of its one H.264 stream (issue 17)."""
    import av

    data = path.read_bytes()
    if len(data) <= 16 or data[4:8] != b"ftyp":
        return False
    with av.open(str(path), mode="r") as container:
        (stream,) = container.streams
        decoded = sum(1 for _ in container.decode(stream))
        return stream.codec_context.name == "h264" and decoded == stream.frames > 1


def is_glb(path: Path) -> bool:
    """A whole binary glTF model (Stable Fast 3D's output)."""
    try:
        check_glb(path.read_bytes(), None)
    except ValueError:
        return False
    return True


# The files conftest writes for the images the demo's examples make as they run (both 768x768, as the demo's).
EXAMPLE_FILES = {DemoInput.IMAGE: "frame.png", DemoInput.MASK: "frame-mask.png"}


def example_case(entry: Entry) -> tuple[list[str], str]:
    """The command line of an entry's example (``Entry.example``, what the demo runs) and the format it writes."""
    assert entry.cli and entry.example is not None
    args = [entry.cli]
    for name, value in entry.example.items():
        value = EXAMPLE_FILES[value] if isinstance(value, DemoInput) else value
        args += [str(value)] if name == PROMPT else [flag(name), str(value)]
    written = entry.example.get("output_format") or output_formats(entry)[1]
    return args + (list(POLL) if entry.returns == "job" else []), written.upper()


WRITES = ("images", "image", "job", "model")  # what an operation returns when the command writes a file

# Every charged operation with its example, then cases for what the examples leave out.
OPERATIONS: dict[str, tuple[list[str], str]] = {
    **{e.cli: example_case(e) for e in REGISTRY.values() if e.charged and e.cli and e.example is not None},
    "text-to-image-576": (["text-to-image", "a lighthouse", "--seed", "42", "--width", "576"], "PNG"),
    "inpaint-search": (["inpaint", "a boat", "--image", "photo.png", "--search-prompt", "sea"], "PNG"),
    "inpaint-mask": (
        ["inpaint", "a sky", "--image", "photo.png", "--mask", "mask.png", "--output-format", "webp"],
        "WEBP",
    ),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_writes_its_file_and_one_json_object(cli: Cli, name: str) -> None:
    args, expected = OPERATIONS[name]
    run = cli(*args, "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["operation"] == args[0]
    (output,) = data["outputs"]
    path = cli.cwd / output["path"]
    assert path.stat().st_size == output["bytes"] > 0
    if expected == "GLB":  # a 3D model comes with no seed or finish reason
        assert "seed" not in output and "finish_reason" not in output
    else:
        assert output["finish_reason"] == "SUCCESS" and isinstance(output["seed"], int)
    if expected == "MP4":
        assert is_mp4(path) and path.suffix == ".mp4"
    elif expected == "GLB":
        assert is_glb(path) and path.suffix == ".glb"
    else:
        assert picture(path) == (expected, (output["width"], output["height"]))
    if "job" in data:
        assert len(data["job"]["id"]) == 64
    assert run.err == ""  # --json and not a terminal: nothing on stderr


def test_human_output_says_where_it_wrote_the_seed_and_the_finish_reason(cli: Cli) -> None:
    run = cli("text-to-image", "a lighthouse", "--seed", "42", "-o", "lighthouse")
    assert run.code == 0, run.err
    assert run.out.startswith("wrote lighthouse.png  (png 512x512, ")
    assert "seed 42" in run.out and "finish SUCCESS" in run.out
    assert decoded(cli.cwd / "lighthouse.png") == "PNG"


def test_samples_become_numbered_files(cli: Cli) -> None:
    run = cli("text-to-image", "a castle", "--samples", "3", "-o", "castle.png", "--json")
    assert [Path(o["path"]).name for o in run.json()["outputs"]] == ["castle-1.png", "castle-2.png", "castle-3.png"]
    assert all(decoded(cli.cwd / f"castle-{i}.png") == "PNG" for i in (1, 2, 3))


def test_output_extension_picks_the_v2_format(cli: Cli) -> None:
    run = cli("inpaint", "a sky", "--image", "photo.png", "--mask", "mask.png", "-o", "sky.jpg", "--json")
    assert run.json()["outputs"][0]["format"] == "jpeg"
    assert decoded(cli.cwd / "sky.jpg") == "JPEG"


def test_an_existing_output_is_never_replaced_without_force_and_nothing_is_paid(cli: Cli) -> None:
    target = cli.cwd / "mine.png"
    target.write_bytes(b"precious")
    run = cli("text-to-image", "a lighthouse", "-o", "mine.png")
    assert run.code == ExitCode.USAGE
    assert "already exists; pass --force" in run.err
    assert target.read_bytes() == b"precious"
    assert cli.fake.count("text_to_image") == 0
    run = cli("upscale", "x", "--image", "photo.png", "-o", "mine.png")
    assert run.code == ExitCode.USAGE and cli.fake.count("upscale") == 0
    run = cli("text-to-image", "a lighthouse", "-o", "mine.png", "--force")
    assert run.code == 0 and decoded(target) == "PNG"


@pytest.mark.parametrize("output", ["outdir/", "outdir", "newdir/"])
def test_an_output_that_names_a_directory_is_refused_before_anything_is_paid(cli: Cli, output: str) -> None:
    (cli.cwd / "outdir").mkdir()
    run = cli("generate-core", "a lighthouse", "-o", output)
    assert run.code == ExitCode.USAGE and f"-o {output} names a directory: give a file name" in run.err, run.err
    assert cli.fake.count() == 0 and sorted(p.name for p in cli.cwd.iterdir() if not p.name.endswith(".png")) == [
        "outdir"
    ]


@pytest.mark.parametrize(
    ("where", "args", "says"),
    [
        ("removed", ["text-to-image", "a"], "cannot write in the current directory: No such file or directory"),
        ("removed", ["upscale", "a", "--image", "{cwd}/photo.png"], "cannot write in the current directory"),
        ("/sys", ["text-to-image", "a", "--samples", "2"], "cannot write in the current directory: Permission denied"),
        ("/sys", ["image-to-video", "--image", "{cwd}/frame.png"], "cannot write in the current directory"),
        (".", ["inpaint", "a", "--image", "photo.png", "--mask", "mask.png", "-o", "/sys/sky.png"], "cannot write in /sys"),
        (".", ["image-to-video", "--image", "frame.png", "-o", "/sys/clip.mp4"], "cannot write in /sys: Permission denied"),
    ],
    ids=["removed-cwd", "removed-cwd-job", "unwritable-cwd", "unwritable-cwd-job", "unwritable-o", "unwritable-o-job"],
)  # fmt: skip
def test_an_output_directory_that_cannot_be_written_is_refused_before_anything_is_paid(
    cli: Cli, where: str, args: list[str], says: str
) -> None:
    """Where the outputs go is checked by writing there before the call: a removed working directory, or one
    no one may write (/sys refuses even root), would otherwise be found after the generation is paid for."""
    command = [str(SCRIPT), *(arg.format(cwd=cli.cwd) for arg in args)]
    if where == "removed":  # the shell's working directory, removed under it: what a `rm -r` elsewhere leaves
        command = ["sh", "-c", 'mkdir gone && cd gone && rmdir "$PWD" && exec "$@"', "sh", *command]
    done = subprocess.run(
        command, cwd="/sys" if where == "/sys" else cli.cwd, env=cli.env(), capture_output=True, text=True, timeout=60
    )
    run = Run(done.returncode, done.stdout, done.stderr)
    check_run(run, args, cli.fake.api_key)
    assert run.code == ExitCode.USAGE and run.err.splitlines()[-1].startswith(f"stability: error: {says}"), run.err
    assert cli.fake.count() == 0 and cli.fake.charges() == 0
    assert not list(cli.cwd.glob(".stability-write-check-*"))


def test_default_names_never_replace_a_file(cli: Cli) -> None:
    first = cli("text-to-image", "a", "--seed", "7", "--json").json()["outputs"][0]["path"]
    second = cli("text-to-image", "a", "--seed", "7", "--json").json()["outputs"][0]["path"]
    assert (first, second) == ("text-to-image-7.png", "text-to-image-7-2.png")


def test_engines_balance_and_account(cli: Cli) -> None:
    engines = cli("engines", "--json").json()["engines"]
    assert {"id", "name", "description", "type"} <= set(engines[0])
    assert "stable-diffusion-512-v2-1" in cli("engines").out
    assert cli("balance", "--json").json() == {"credits": cli.fake.balance()}
    assert "credits" in cli("balance").out
    account = cli("account", "--json").json()
    assert account["email"] and account["organizations"][0]["is_default"] is True
    assert account["email"] in cli("account").out


def test_no_wait_prints_the_id_and_result_resumes(cli: Cli) -> None:
    started = cli("upscale", "sharper", "--image", "photo.png", "--no-wait", "--json").json()
    job_id = started["job"]["id"]
    assert started["job"]["kind"] == "upscale" and "outputs" not in started
    human = cli("image-to-video", "--image", "frame.png", "--no-wait")
    assert "stability result image-to-video" in human.out
    run = cli("result", "upscale", job_id, "-o", "later.png", *POLL, "--json")
    assert run.code == 0, run.err
    assert run.json()["job"]["id"] == job_id and decoded(cli.cwd / "later.png") == "PNG"
    video_id = human.out.split("started: ")[1].split()[0]
    run = cli("result", "image-to-video", video_id, *POLL)
    assert run.code == 0 and is_mp4(cli.cwd / f"image-to-video-{video_id[:12]}.mp4")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Setup = Callable[[FakeStability], None]


def _nothing(fake: FakeStability) -> None:
    pass


# name: (setup, args, exit code, text in the error line)
ERRORS: dict[str, tuple[Setup, list[str], ExitCode, str]] = {
    "missing argument": (_nothing, ["text-to-image"], ExitCode.USAGE, "PROMPT"),
    "not a number": (_nothing, ["text-to-image", "a", "--steps", "many"], ExitCode.USAGE, "--steps"),
    "insecure base url": (
        _nothing,
        ["balance", "--base-url", "http://example.com"],
        ExitCode.USAGE,
        "plain http",
    ),
    "limit": (_nothing, ["text-to-image", "a", "--cfg-scale", "99"], ExitCode.VALIDATION, "--cfg-scale 99.0: must be"),
    "size rule": (_nothing, ["text-to-image", "a", "--width", "600"], ExitCode.VALIDATION, "--width 600"),
    "missing file": (_nothing, ["upscale", "a", "--image", "nope.png"], ExitCode.VALIDATION, "--image"),
    "not an image": (_nothing, ["image-to-video", "--image", "notes.png"], ExitCode.VALIDATION, "--image"),
    "bad job id": (_nothing, ["result", "upscale", "abc"], ExitCode.VALIDATION, "ID abc"),
    "unknown job": (_nothing, ["result", "upscale", "a" * 64], ExitCode.NOT_FOUND, "generation_not_found"),
    "unknown engine": (_nothing, ["text-to-image", "a", "--engine", "nope"], ExitCode.NOT_FOUND, "404"),
    "rate limited": (
        lambda f: f.inject("balance", Fault.rate_limited("0"), times=5),
        ["balance", "--max-retries", "1"],
        ExitCode.RATE_LIMITED,
        "429 rate_limit_exceeded",
    ),
    "server error": (
        lambda f: f.inject("text_to_image", Fault.status(500)),
        ["text-to-image", "a"],
        ExitCode.SERVER,
        "error id",
    ),
    "html error page": (
        lambda f: f.inject("account", Fault.html_error(502), times=5),
        ["account", "--max-retries", "0"],
        ExitCode.SERVER,
        "502",
    ),
    "dropped": (
        lambda f: f.inject("inpaint", Fault.drop_after_request()),
        ["inpaint", "a", "--image", "photo.png", "--mask", "mask.png"],
        ExitCode.NETWORK,
        "",
    ),
    "timeout": (
        lambda f: f.inject("balance", Fault.delay(3), times=3),
        ["balance", "--timeout", "0.3", "--max-retries", "0"],
        ExitCode.NETWORK,
        "",
    ),
    "moderated": (
        _nothing,
        ["inpaint", "something forbidden", "--image", "photo.png", "--mask", "mask.png"],
        ExitCode.CONTENT,
        "content_moderation",
    ),
}


@pytest.mark.parametrize("json_mode", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("name", ERRORS)
def test_errors_are_one_line_with_a_distinct_exit_code(cli: Cli, name: str, json_mode: bool) -> None:
    setup, args, code, text = ERRORS[name]
    (cli.cwd / "notes.png").write_text("not an image")
    setup(cli.fake)
    run = cli(*args, *(["--json"] if json_mode else []))
    assert run.code == code, (run.code, run.err)
    last = run.err.splitlines()[-1]
    assert text in last, run.err
    if code != ExitCode.USAGE or "--base-url" in args:
        assert len(run.err.splitlines()) == 1, run.err
    if json_mode and code != ExitCode.USAGE:
        assert run.json()["error"]["exit_code"] == code
    elif code != ExitCode.USAGE:
        assert run.out == ""


def test_a_servers_words_cannot_recolour_or_reorder_the_terminal(cli: Cli) -> None:
    body = json.dumps({"id": "x", "name": "bad_request", "errors": ["\x1b[31mred \u202eevil\x07"]}).encode()
    cli.fake.inject("balance", Fault.status(400, body=body, content_type="application/json"))
    run = cli("balance")
    assert run.code != 0 and "\x1b" not in run.err and "\u202e" not in run.err and "\x07" not in run.err
    assert "\\x1b[31mred \\u202eevil\\x07" in run.err, run.err  # escaped, still readable


def test_a_wrong_key_is_auth_and_is_not_printed(cli: Cli) -> None:
    wrong = "sk-" + "w" * 48
    run = cli("balance", env=cli.env(STABILITY_API_KEY=wrong))
    assert run.code == ExitCode.AUTH
    assert "401" in run.err and wrong not in run.out + run.err


def test_a_missing_key_is_one_line_that_says_how_to_set_it(cli: Cli) -> None:
    run = cli("text-to-image", "a", env=cli.env(STABILITY_API_KEY=None))
    assert run.code == ExitCode.AUTH
    assert run.err.count("\n") == 1 and "export STABILITY_API_KEY=" in run.err
    assert cli.fake.count() == 0


@pytest.mark.parametrize("value", ["0", "-1", "nan", "1e30"])
def test_a_timeout_out_of_range_names_the_option_and_only_what_it_takes(cli: Cli, value: str) -> None:
    run = cli("balance", "--timeout", value)
    assert run.code == ExitCode.USAGE and run.err.startswith("stability: error: --timeout must be a number of seconds")
    assert "httpx" not in run.err and cli.fake.count() == 0


def test_unreachable_server_is_a_network_error(cli: Cli) -> None:
    run = cli("engines", "--base-url", f"http://127.0.0.1:{_closed_port()}", "--max-retries", "0")
    assert run.code == ExitCode.NETWORK


def test_job_deadline_exits_9_with_the_resume_command(cli: Cli) -> None:
    cli.fake.job_duration = 60
    run = cli("upscale", "a", "--image", "photo.png", "--deadline", "0.5", *POLL)
    assert run.code == ExitCode.JOB_DEADLINE
    assert "stability result upscale " in run.err.splitlines()[-1]


def test_fail_on_filtered_keeps_the_file_and_exits_10(cli: Cli) -> None:
    run = cli("text-to-image", "forbidden fruit", "-o", "f.png", "--fail-on-filtered")
    assert run.code == ExitCode.CONTENT
    assert "CONTENT_FILTERED" in run.out and decoded(cli.cwd / "f.png") == "PNG"
    assert cli("text-to-image", "forbidden fruit", "-o", "g.png").code == 0


def test_debug_shows_the_traceback_but_never_the_key(cli: Cli) -> None:
    cli.fake.inject("balance", Fault.status(503), times=5)
    run = cli("balance", "--debug", "--max-retries", "0")
    assert run.code == ExitCode.SERVER
    assert "Traceback" in run.err and "ServerError" in run.err


def test_debug_logs_one_line_per_request_with_method_path_and_status_never_the_key(cli: Cli) -> None:
    """Also with STABILITY_LOG=debug set: the two must not print every line twice."""
    cli.fake.inject("balance", Fault.status(503))
    run = cli("balance", "--debug", env=cli.env(STABILITY_LOG="debug"))
    assert run.code == 0, run.err
    logged = [
        (method.upper(), urlsplit(target).path, int(status))
        for method, target, status in re.findall(r" stability DEBUG (\w+) (\S+) -> (\d{3}) in [0-9.]+s", run.err)
    ]
    # Exactly the requests the server saw, in order: none missing, none printed twice.
    assert logged == [(r.method, r.path, r.status) for r in cli.fake.requests]
    assert [status for *_, status in logged] == [503, 200]
    inpaint = cli("inpaint", "a", "--image", "photo.png", "--mask", "mask.png", "-o", "sky.png", "--debug")
    assert inpaint.code == 0 and re.search(r" stability DEBUG post /v2alpha/\S+/inpaint -> 200 ", inpaint.err, re.I)
    assert "log each request (method, path, status" in " ".join(cli("balance", "--help").out.split())


def test_interrupting_a_wait_exits_130_and_says_how_to_resume(cli: Cli) -> None:
    cli.fake.job_duration = 60
    with subprocess.Popen(
        [str(SCRIPT), "upscale", "a", "--image", "photo.png", *POLL],
        cwd=cli.cwd,
        env=cli.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        first = process.stderr.readline()  # the job has started once this line is out
        assert "started" in first
        process.send_signal(signal.SIGINT)
        out, rest = process.communicate(timeout=30)
    run = Run(process.returncode, out, first + rest)
    check_run(run, [], cli.fake.api_key)
    assert run.code == ExitCode.INTERRUPTED
    assert "stability result upscale" in run.err.splitlines()[-1]


def test_progress_is_live_on_a_terminal_and_silent_in_a_pipe(cli: Cli) -> None:
    import pty

    cli.fake.job_duration = 1.0
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [str(SCRIPT), "image-to-video", "--image", "frame.png", "-o", "tty.mp4", "--poll-interval", "0.2"],
        cwd=cli.cwd,
        env=cli.env(),
        stdout=subprocess.DEVNULL,
        stderr=follower,
    ) as process:
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the pty's other end closed: the process has exited
                break
            if not chunk:
                break
            screen += chunk
        os.close(leader)
        assert process.wait(timeout=30) == 0
    text = screen.decode()
    assert cli.fake.api_key not in text
    redraws = text.count("\r\x1b[K")
    assert redraws >= 5, text  # redrawn while waiting, not once per poll
    assert "in-progress" in text and "polls" in text and "s  " in text
    assert "done in" in text and text.endswith("\n")
    assert is_mp4(cli.cwd / "tty.mp4")

    piped = cli("image-to-video", "--image", "frame.png", "-o", "pipe.mp4", "--poll-interval", "0.2")
    assert piped.code == 0
    assert "\r" not in piped.err and "\x1b" not in piped.err
    assert len(piped.err.splitlines()) == 1  # only the plain "job started; resume with" line


# Files and free text have no default to show (nor has -o): the registry says which options those are.
NO_DEFAULT = {"output"} | {
    name
    for entry in REGISTRY.values()
    for name, param in entry.params.items()
    if isinstance(param.rule, validation.Image | validation.Text) and param.unset is None
}


def test_every_subcommand_help_lists_every_option_with_its_default(cli: Cli) -> None:
    parser = build_parser()
    top = cli("--help")
    assert top.code == 0 and "exit codes:" in top.out and "STABILITY_API_KEY" in top.out
    subparsers = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[union-attr]
    others = {"fake-server", "batch", "demo", "completion"}
    assert set(subparsers) == {e.cli for e in REGISTRY.values() if e.cli} | others
    for name, sub in subparsers.items():
        if name == "fake-server":
            continue
        shown = cli(name, "--help")
        assert shown.code == 0 and "exit codes:" in shown.out
        flat = " ".join(shown.out.split())
        for action in sub._actions:
            if not action.option_strings or action.dest == "help":
                continue
            assert action.option_strings[-1] in shown.out, (name, action.option_strings)
            assert action.help and " ".join(action.help.split()) in flat
            takes_value = action.nargs != 0
            if takes_value and action.dest not in NO_DEFAULT:
                assert "default" in action.help, (name, action.dest, action.help)
            if action.type in (int, float) and action.dest not in ("timeout", "max_retries", "poll_interval",
                                                                   "deadline", "job_duration"):  # fmt: skip
                assert "between" in action.help, (name, action.dest, action.help)
    assert "--port" in cli("fake-server", "--help").out


def test_the_help_documents_every_exit_code() -> None:
    documented = {int(line.split()[0]) for line in EXIT_CODES.splitlines()[1:]}
    assert documented == {int(code) for code in ExitCode}


def test_fake_server_subcommand_serves_until_terminated(cli: Cli) -> None:
    with subprocess.Popen(
        [str(SCRIPT), "fake-server", "--port", "0", "--json"],
        env=cli.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        served = json.loads(process.stdout.readline())
        try:
            env = cli.env(STABILITY_API_KEY=served["api_key"], STABILITY_BASE_URL=served["base_url"])
            run = cli("balance", "--json", env=env)
            assert run.code == 0 and run.json() == {"credits": 1000.0}
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


def test_demo_runs_every_operation_with_no_key_and_writes_decodable_files(cli: Cli) -> None:
    env = cli.env(STABILITY_API_KEY=None, STABILITY_BASE_URL=None)
    run = cli("demo", "--output-dir", "out", "--job-duration", "0.5", env=env, timeout=120)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == ["operation", "output", "size", "seed", "finish", "reason", "time"]
    operations = {line.split()[0] for line in lines[2:] if line and not line[0].isdigit()}
    demo = demo_entries()
    assert {e.cli for e in demo} <= operations
    folder = cli.cwd / "out"
    # Each output as <command>.<extension>, in the format its example asks for (the decoded bytes say so).
    extension = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "MP4": ".mp4", "GLB": ".glb"}
    files = {f"{e.cli}{extension[example_case(e)[1]]}": example_case(e)[1] for e in demo if e.returns in WRITES}
    # Beside them, the contact sheet and the inputs its calls name (tests/cli/test_demo_sheet.py).
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*files, "index.html", "input.png", "input-mask.png", ".stability-demo"]
    )
    media = {"MP4": is_mp4, "GLB": is_glb}
    for name, written in files.items():
        assert media[written](folder / name) if written in media else decoded(folder / name) == written, name
    assert "Traceback" not in run.err
    again = cli("demo", "--output-dir", "out", "--job-duration", "0.2", "--json", env=env, timeout=120)
    assert again.code == 0
    data = again.json()
    assert len(data["results"]) == len(demo) and data["credits_spent"] > 0


FAULTS: dict[str, Callable[[], Fault]] = {
    "500": lambda: Fault.status(500),
    "502": lambda: Fault.status(502),
    "503": lambda: Fault.status(503),
    "504": lambda: Fault.status(504),
    "520": lambda: Fault.status(520),
    "429": lambda: Fault.rate_limited(),
    "429 retry-after": lambda: Fault.rate_limited("0"),
    "slow": lambda: Fault.delay(2.0),
    "drop before": Fault.drop_before_request,
    "drop after": Fault.drop_after_request,
    "truncated": Fault.truncated_body,
    "wrong content type": lambda: Fault.wrong_content_type("text/plain"),
    "html": lambda: Fault.html_error(502),
    "malformed json": lambda: Fault.malformed_json(500),
    "empty body": lambda: Fault.empty_body(500),
    "not found": Fault.not_found,
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    "args",
    [["balance", "--json"], ["text-to-image", "a", "--json", "--debug"], ["inpaint", "a", "--image", "photo.png"]],
    ids=["get", "post-debug", "multipart"],
)
def test_no_fault_prints_the_key_or_an_unexplained_traceback(cli: Cli, fault: str, args: list[str]) -> None:
    operation = next(entry.name for entry in REGISTRY.values() if entry.cli == args[0])
    cli.fake.inject(operation, FAULTS[fault](), times=10)
    run = cli(*args, "--max-retries", "1", "--timeout", "0.5", *(["--mask", "mask.png"] if "inpaint" in args else []))
    # check_run has already searched stdout and stderr for the key and (without --debug) for a traceback.
    assert run.code in {0, *(int(c) for c in ExitCode)}
    if run.code != 0:
        assert "error: unexpected " not in run.err, run.err  # every failure is a typed, explained error
        if "--json" in args:
            assert run.json()["error"]["exit_code"] == run.code


# A subprocess prelude: Pillow and python-multipart behave as if never installed (a plain `pip install .`).
WITHOUT_TESTING_EXTRA = """
import sys

class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("PIL", "python_multipart", "multipart"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
"""


@pytest.mark.parametrize(
    ("args", "who"),
    [(["demo", "--job-duration", "0"], "stability: error: the demo"),
     (["fake-server", "--port", "0"], "stability fake-server: error: the fake server")],
    ids=["demo", "fake-server"],
)  # fmt: skip
def test_without_the_testing_extra_demo_and_fake_server_say_what_to_install(
    tmp_path: Path, args: list[str], who: str
) -> None:
    code = WITHOUT_TESTING_EXTRA + f"from stability._cli.main import main\nsys.exit(main({args!r}))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STABILITY_")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=20
    )
    needs = ' needs Pillow and python-multipart (the testing extra): pip install "stability-client[testing]"'
    assert (done.returncode, done.stdout, done.stderr) == (ExitCode.USAGE, "", who + needs + "\n")
    assert list(tmp_path.iterdir()) == []  # nothing made, no fake started


def test_demo_into_a_folder_it_cannot_make_is_one_line_and_starts_nothing(cli: Cli) -> None:
    (cli.cwd / "taken").write_text("a file where the folder should go")
    run = cli("demo", "--output-dir", "taken", env=cli.env(STABILITY_API_KEY=None, STABILITY_BASE_URL=None))
    assert run.code == 2, run.err
    assert run.err.startswith("stability: error: cannot create the output folder taken") and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1 and "Starting the fake" not in run.err + run.out


def test_demo_never_replaces_files_in_a_folder_it_did_not_make(cli: Cli) -> None:
    mine = cli.cwd / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my page")
    run = cli("demo", "--output-dir", "mine", env=cli.env(STABILITY_API_KEY=None, STABILITY_BASE_URL=None))
    assert run.code == 2 and "holds files the demo did not make" in run.err and "Starting the fake" not in run.err
    assert [p.name for p in mine.iterdir()] == ["index.html"] and (mine / "index.html").read_text() == "my page"


def test_demo_takes_back_a_folder_an_earlier_demo_filled_before_it_left_its_mark(cli: Cli) -> None:
    old = cli.cwd / "old"
    old.mkdir()
    for name in ("index.html", "input.png", "generate-core.png"):
        (old / name).write_bytes(b"an earlier demo's")
    run = cli("demo", "--output-dir", "old", "--job-duration", "0.1", env=cli.env(STABILITY_API_KEY=None,
              STABILITY_BASE_URL=None), timeout=120)  # fmt: skip
    assert run.code == 0, run.err
    assert (old / ".stability-demo").exists() and (old / "index.html").read_bytes() != b"an earlier demo's"


def test_the_command_takes_its_defaults_from_the_library() -> None:
    from stability._async_client import AsyncStability
    from stability._cli.parser import build_parser
    from stability._core.polling import DEFAULT_INTERVAL
    from stability._core.retry import DEFAULT_MAX_RETRIES, RetryPolicy

    args = build_parser().parse_args(["upscale", "sharper", "--image", "photo.png"])
    assert args.max_retries == DEFAULT_MAX_RETRIES == RetryPolicy().max_retries
    assert inspect.signature(AsyncStability).parameters["max_retries"].default == DEFAULT_MAX_RETRIES
    assert args.poll_interval == DEFAULT_INTERVAL["upscale"] == DEFAULT_INTERVAL["image_to_video"]
    assert args.deadline is None  # the library's own default wait deadline applies


# ------------------------------------------------------------------------------------ from the registry


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


@pytest.mark.parametrize(
    ("copied", "option", "organization", "job"),
    [("text_to_image", "cfg_scale", True, False), ("upscale", "creativity", False, True)],
)
def test_a_new_entry_gets_a_subcommand_with_its_flags(copied: str, option: str, organization: bool, job: bool) -> None:
    """An operation added to the registry is a command at once: its flags are its params, its help its summary."""
    made_up = dataclasses.replace(REGISTRY[copied], name="sharpen", cli="sharpen", summary="Sharpen (made up).")
    parser = build_parser({**REGISTRY, "sharpen": made_up})
    sub = subcommands(parser)["sharpen"]
    assert sub.description == made_up.summary and "sharpen" not in subcommands(build_parser())
    assert {a.dest for a in sub._actions} >= {*made_up.params, "output", "force", "json", "max_retries"}
    image = ["--image", "x.png"] if "image" in made_up.params else []
    args = parser.parse_args(["sharpen", "crisp", *image, "--seed", "3", flag(option), "0.2"])
    assert (args.command, args.prompt, args.seed, getattr(args, option)) == ("sharpen", "crisp", 3, 0.2)
    assert ("organization" in vars(args)) == organization  # the v1alpha request takes the Organization header
    assert ("no_wait" in vars(args)) == job
    files = [a for a in sub._actions if a.dest == "image"]
    assert all(a.required and a.option_strings == ["--image"] and a.metavar == "PATH" for a in files)


@pytest.mark.parametrize("command", [c for c in commands() if c.entry.params], ids=lambda c: c.name)
def test_every_commands_help_shows_each_params_help_and_limit(
    command: Command, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    with pytest.raises(SystemExit):
        build_parser().parse_args([command.name, "--help"])
    shown = "".join(capsys.readouterr().out.split())  # wrapped lines (also at hyphens) joined
    for name, param in command.entry.params.items():
        # "output width (between 512 and 2048, ...)": the text and its parenthesis, each shown
        pieces = re.split(r" \(|\)$", param.help)
        # a flag (--keep-original-background / --no-...) takes no value: it shows no metavar
        metavar = "" if isinstance(param.rule, Flag) else param.metavar
        for piece in [flag(name) if name != PROMPT else "", metavar, *pieces, param.rule.describe()]:
            assert "".join(piece.split()) in shown, (command.name, name, piece)
        if param.unset:
            assert f"default:{''.join(param.unset.split())}" in shown, (command.name, name)


def test_the_demo_runs_every_method_of_the_registry_and_a_new_entry_with_an_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo = demo_entries()
    methods = {e.name for e in REGISTRY.values() if not e.finishes and hasattr(Stability, e.name)}
    missing = sorted(methods - {e.name for e in demo})
    assert not missing, f"no example (Entry.example) for {missing}: the demo cannot run them"
    # The account first, then what makes the first image (no DemoInput), then what needs it.
    needs = [any(isinstance(v, DemoInput) for v in (e.example or {}).values()) for e in demo]
    writes = [e.returns in WRITES for e in demo]
    assert writes == sorted(writes) and needs == sorted(needs) and not needs[writes.index(True)]
    made_up = dataclasses.replace(REGISTRY["upscale"], name="sharpen", cli="sharpen")
    monkeypatch.setattr(Stability, "sharpen", Stability.upscale, raising=False)
    assert demo_entries({**REGISTRY, "sharpen": made_up})[-1] is made_up


def test_the_cli_modules_import_each_other_without_a_circle() -> None:
    """main and demo share what both need through console; neither imports the other at load time."""
    package = Path(inspect.getfile(build_parser)).parent
    imports = {}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text())
        top = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 1]
        imports[module.stem] = {node.module for node in top}
    assert "main" not in imports["demo"] and "main" not in imports["console"]

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(m == goal or (m not in seen and reaches(m, goal, seen | {m})) for m in imports.get(start, ()))

    assert not [name for name in imports if reaches(name, name)]
