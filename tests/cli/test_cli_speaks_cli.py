"""Issue 17, the CLI: progress on a terminal with --json, errors in the command's words (flags, not Python
parameters), one exit-code table, help that says only what applies, shell completion, and the fake's operation
names being the client's."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from stability._cli.completion import SCRIPTS, describe
from stability._cli.parser import EXIT_CODES, SHELLS, ExitCode, build_parser, commands
from stability._operations.registry import REGISTRY
from stability.testing import FakeStability, Fault
from tests.cli.conftest import SCRIPT, Cli, Run, check_run
from tests.raw_cases import png

POLL = ("--poll-interval", "0.1")
README = Path(__file__).resolve().parents[2] / "README.md"
PYTHON_WORDS = re.compile(r"\b[a-z]+_[a-z_]+\b|\w=(?:None|True|False)\b|=['\"]|\bmath\.inf\b|\bconvert\b")
"""What a message of the command must not hold: a Python parameter (search_prompt), an assignment (mask=None,
convert=True, mode='search')."""


def error_line(run: Run) -> str:
    return run.err.splitlines()[-1]


def _pty_run(cli: Cli, *args: str) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal and stdout on a pipe: (exit code, stdout, stderr)."""
    import pty
    import threading

    leader, follower = pty.openpty()
    with subprocess.Popen(
        [str(SCRIPT), *args], cwd=cli.cwd, env=cli.env(), stdout=subprocess.PIPE, stderr=follower
    ) as process:
        os.close(follower)
        out: list[bytes] = []
        reader = threading.Thread(target=lambda: out.append(process.stdout.read() if process.stdout else b""))
        reader.start()
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
        code = process.wait(timeout=30)
        reader.join()
    stdout, stderr = out[0].decode(), screen.decode()
    check_run(Run(code, stdout, stderr), args, cli.fake.api_key)
    return code, stdout, stderr


# ------------------------------------------------------------------------------------- --json on a tty


def test_a_json_job_on_a_terminal_shows_progress_on_stderr(cli: Cli) -> None:
    cli.fake.job_duration = 1.0
    code, out, err = _pty_run(cli, "upscale", "sharper", "--image", "photo.png", "-o", "big.png", "--json", *POLL)
    assert code == 0
    assert err.count("\r\x1b[K") >= 3 and "polls" in err and "done in" in err, err  # live, as without --json
    data = json.loads(out)  # stdout is still one JSON object, nothing else
    assert out.count("\n") == 1 and data["outputs"][0]["path"] == "big.png"


def test_a_json_job_error_carries_the_jobs_kind_and_id_as_fields(cli: Cli) -> None:
    cli.fake.job_duration = 30.0
    run = cli("upscale", "sharper", "--image", "photo.png", "--json", "--deadline", "0.3", *POLL)
    assert run.code == ExitCode.JOB_DEADLINE
    error = run.json()["error"]
    assert error["job"]["kind"] == "upscale" and len(error["job"]["id"]) == 64
    assert error["job"]["id"] in error["message"]  # and still in the message, for people


def test_a_json_error_before_any_job_has_no_job_field(cli: Cli) -> None:
    run = cli("upscale", "sharper", "--image", "photo.png", "--json", "--deadline", "-1")
    error = run.json()["error"]
    assert run.code == ExitCode.VALIDATION and "job" not in error
    assert error["option"] == "--deadline" and error["message"].startswith("--deadline -1.0: ")
    assert cli.fake.charges() == 0  # a wait option that cannot work is refused before the job is paid for
    run = cli("upscale", "sharper", "--image", "photo.png", "--poll-interval", "0")
    assert run.code == ExitCode.VALIDATION and error_line(run).startswith("stability: error: --poll-interval 0.0: ")
    assert cli.fake.charges() == 0


# ----------------------------------------------------------------------------------- messages in CLI words


def test_a_missing_mask_is_named_without_python(cli: Cli) -> None:
    run = cli("masking", "a cat", "--image", "photo.png", "--mask-source", "MASK_IMAGE_WHITE")
    assert run.code == ExitCode.VALIDATION
    assert error_line(run) == "stability: error: --mask: --mask-source MASK_IMAGE_WHITE needs a mask image"
    run = cli("inpaint", "a cat", "--image", "photo.png", "--mode", "mask")
    assert error_line(run).startswith("stability: error: --mask: mask mode needs a mask image")


def test_search_prompt_or_mask_is_said_with_flags(cli: Cli) -> None:
    run = cli("inpaint", "a cat", "--image", "photo.png", "--mode", "search", "--search-prompt", "dog",
              "--mask", "mask.png")  # fmt: skip
    assert run.code == ExitCode.VALIDATION
    assert error_line(run) == (
        "stability: error: --mask mask.png: is not used in search mode; pass --search-prompt or --mask, not both"
    )
    run = cli("inpaint", "a cat", "--image", "photo.png", "--mode", "mask", "--search-prompt", "dog")
    assert error_line(run) == "stability: error: --search-prompt dog: is only used in search mode (--mode search)"


def test_plain_http_offers_the_commands_way_out(cli: Cli) -> None:
    run = cli("balance", "--base-url", "http://example.com")
    assert run.code == ExitCode.USAGE
    assert "allow_insecure_http" not in run.err and "--base-url https://" in error_line(run)
    env = cli.env(STABILITY_BASE_URL="http://example.com")
    run = cli("balance", env=env)
    assert "allow_insecure_http" not in run.err and "STABILITY_BASE_URL https://" in error_line(run)
    run = cli("balance", "--base-url", "ftp://example.com")
    assert error_line(run).startswith("stability: error: --base-url must be an http(s) URL")


def test_width_times_height_names_both_flags(cli: Cli) -> None:
    run = cli("text-to-image", "a cat", "--width", "1088", "--height", "1088")
    assert run.code == ExitCode.VALIDATION
    assert error_line(run) == "stability: error: --width and --height 1088x1088: must be at most 1,048,576 pixels"


def test_a_file_is_named_by_its_path_not_its_size(cli: Cli) -> None:
    (cli.cwd / "small.png").write_bytes(png(256, 256))
    run = cli("masking", "a cat", "--image", "photo.png", "--mask", "small.png")
    assert run.code == ExitCode.VALIDATION
    assert error_line(run) == "stability: error: --mask small.png: must be the same size as --image (512x512)"


def test_an_unknown_job_kind_is_listed_as_commands(cli: Cli) -> None:
    run = cli("result", "bad-kind", "a" * 64)
    assert run.code == ExitCode.VALIDATION
    assert error_line(run).startswith("stability: error: KIND bad-kind: must be one of upscale-creative, ")
    assert not PYTHON_WORDS.search(error_line(run))


def test_an_empty_prompt_is_named_as_typed(cli: Cli) -> None:
    for command in ("generate-core", "text-to-image"):
        run = cli(command, "")
        assert run.code == ExitCode.VALIDATION
        assert error_line(run) == "stability: error: PROMPT: must not be empty"


def test_a_jobs_result_in_another_format_gets_the_commands_way_out(cli: Cli) -> None:
    started = cli("upscale", "x", "--image", "photo.png", "--no-wait", "--json").json()["job"]
    run = cli("result", "upscale", started["id"], "-o", "x.webp", *POLL, "--json")
    assert run.code == ExitCode.USAGE and "convert" not in run.err
    assert error_line(run).startswith(
        "stability: error: -o x.webp: the upscale job's result is PNG, not WEBP: write it with -o x.png."
    )
    assert run.json()["error"]["job"] == started and not (cli.cwd / "x.webp").exists()
    assert cli("result", "upscale", started["id"], "-o", "x.png", *POLL).code == 0
    fetched = cli("result", "upscale", started["id"], "-o", "later", *POLL, "--json")  # no extension: the job's
    assert fetched.json()["outputs"][0]["path"] == "later.png"


REFUSED = [
    ("masking", "a cat", "--image", "photo.png", "--mask-source", "MASK_IMAGE_WHITE"),
    ("masking", "a cat", "--image", "photo.png", "--mask-source", "INIT_IMAGE_ALPHA"),
    ("inpaint", "a cat", "--image", "photo.png", "--mode", "search", "--search-prompt", "x", "--mask", "mask.png"),
    ("inpaint", "a cat", "--image", "photo.png", "--mode", "search"),
    ("inpaint", "a cat", "--image", "photo.png", "--mode", "mask"),
    ("text-to-image", "a cat", "--width", "1088", "--height", "1088"),
    ("generate-core", ""),
    ("generate-sd3", "x", "--strength", "0.5"),
    ("generate-sd3", "x", "--mode", "image-to-image"),
    ("generate-sd3", "x", "--image", "photo.png"),
    ("generate-ultra", "x", "--strength", "0.5"),
    ("edit-outpaint", "x", "--image", "photo.png"),
    ("edit-erase", "--image", "photo.png"),
    ("edit-replace-background-and-relight", "--subject-image", "photo.png"),
    ("edit-replace-background-and-relight", "--subject-image", "photo.png", "--background-prompt", "x",
     "--light-source-strength", "0.5"),
    ("upscale", "x", "--image", "photo.png", "--deadline", "-1"),
    ("balance", "--base-url", "http://example.com"),
]  # fmt: skip


@pytest.mark.parametrize("args", REFUSED, ids=[" ".join(a[:1] + a[-2:]) for a in REFUSED])
def test_no_refusal_speaks_python(cli: Cli, args: tuple[str, ...]) -> None:
    run = cli(*args)
    assert run.code in (ExitCode.VALIDATION, ExitCode.USAGE)
    message = error_line(run)
    assert not PYTHON_WORDS.search(message), message
    assert re.search(r"(^|[\s(])(--[a-z-]+|PROMPT)\b", message), message  # it names what to change
    assert cli.fake.count() == 0  # refused before anything was sent


# ------------------------------------------------------------------------------------------------ help


def _help(name: str) -> str:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return str(subparsers.choices[name].format_help())


def _codes(text: str) -> set[int]:
    table = text.split("exit codes:\n", 1)[1].split("\n\n", 1)[0]
    return {int(line.split()[0]) for line in table.splitlines() if line.strip()}


def test_one_full_exit_code_table_in_the_top_help_and_the_readme() -> None:
    top = build_parser().format_help()
    assert EXIT_CODES in top and _codes(top) == {int(code) for code in ExitCode}
    assert f"```text\n{EXIT_CODES}\n```" in README.read_text()
    for command in commands():
        assert EXIT_CODES not in _help(command.name), command.name


def test_each_subcommand_lists_only_the_exit_codes_that_apply() -> None:
    every = {int(code) for code in ExitCode} - {ExitCode.INCOMPLETE}  # only a batch ends incomplete
    assert _codes(_help("balance")) == every - {3, 5, 9, 10}
    assert "--force" not in _help("balance").split("exit codes:")[1]
    assert _codes(_help("text-to-image")) == every - {9}  # 5: an unknown --engine
    assert _codes(_help("generate-core")) == every - {5, 9}
    assert _codes(_help("upscale-creative")) == every  # 5: a result that expired, or a poll with another key
    assert _codes(_help("result")) == every
    assert _codes(_help("demo")) == {0, 1, 2, 130}
    three_d = _help("stable-fast-3d").split("exit codes:")[1]
    assert "   10  content: moderated" in three_d and "--fail-on-filtered" not in three_d
    for command in commands():
        codes = _codes(_help(command.name))
        assert (9 in codes) == (command.entry.returns in ("job", "result")), command.name


def test_only_commands_with_samples_mention_several_samples() -> None:
    for command in commands():
        several = "several samples" in " ".join(_help(command.name).split())
        assert several == ("samples" in command.entry.params), command.name
    assert "several samples" not in _help("upscale") + _help("image-to-video") + _help("result")


def test_fake_server_help_shows_every_default(cli: Cli) -> None:
    from stability.testing._cli import build_parser as fake_parser

    shown = cli("fake-server", "--help")
    assert shown.code == 0
    flat = " ".join(shown.out.split())
    for action in fake_parser()._actions:
        if action.option_strings and action.dest != "help":
            assert action.help and "default" in action.help, action.option_strings
            assert " ".join(action.help.split()) in flat


# ------------------------------------------------------------------------------------------ completion


def _bash_complete(script: str, *words: str) -> list[str]:
    """The candidates bash's completion function offers for ``words`` (the last one being completed)."""
    quoted = " ".join(f"'{w}'" for w in words)
    code = f'{script}\ncomplete -p stability\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _stability\nprintf "%s\\n" "${{COMPREPLY[@]}}"'
    done = subprocess.run(["bash", "--norc", "-c", code], capture_output=True, text=True, timeout=30, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "complete -o bashdefault -o default -F _stability stability"
    return [line for line in lines[1:] if line]


def test_the_completion_command_prints_each_shells_script(cli: Cli) -> None:
    for shell in SHELLS:
        run = cli("completion", shell)
        assert run.code == 0 and run.out == SCRIPTS[shell](build_parser())
    bad = cli("completion", "powershell")
    assert bad.code == ExitCode.USAGE and "invalid choice" in bad.err


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_offers_commands_flags_and_choices(cli: Cli) -> None:
    script = cli("completion", "bash").out
    edits = sorted(str(e.cli) for e in REGISTRY.values() if e.cli and e.cli.startswith("ed"))
    assert sorted(_bash_complete(script, "stability", "ed")) == edits and len(edits) >= 7
    assert _bash_complete(script, "stability", "inpaint", "--se") == ["--search-prompt", "--seed"]
    assert sorted(_bash_complete(script, "stability", "inpaint", "--mode", "")) == ["mask", "search"]
    assert "16:9" in _bash_complete(script, "stability", "generate-core", "--aspect-ratio", "")
    kinds = _bash_complete(script, "stability", "result", "")
    assert "upscale-creative" in kinds and "image-to-video" in kinds
    assert _bash_complete(script, "stability", "inpaint", "--image", "") == []  # files: bash's default
    assert sorted(_bash_complete(script, "stability", "completion", "")) == sorted(SHELLS)
    assert _bash_complete(script, "stability", "fake-server", "--job-d") == ["--job-duration"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_is_valid_and_completes(cli: Cli, tmp_path: Path) -> None:
    script = tmp_path / "_stability"
    script.write_text(cli("completion", "zsh").out)
    subprocess.run(["zsh", "-n", str(script)], check=True, timeout=30)
    registered = subprocess.run(
        ["zsh", "-f", "-c", f"autoload -Uz compinit && compinit -u -D; source {script}; print -r -- $_comps[stability]"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert registered.stdout.strip() == "_stability"
    assert "> stability edit-" in _zsh_complete(script, "stability ed", "edit-")  # the common prefix
    shown = _zsh_complete(script, "stability inpaint --mode ", "search")
    listed = shown.split("stability inpaint --mode", 1)[1]
    assert re.search(r"\bmask\b", listed) and re.search(r"\bsearch\b", listed), listed


def _zsh_complete(script: Path, line: str, expect: str) -> str:
    """What zsh shows after typing ``line`` and TAB in an interactive shell (a pseudo-terminal, via zpty), read
    until ``expect`` shows (or 10 s pass)."""
    driver = r"""
zmodload zsh/zpty
zpty z env -i PATH="$PATH" HOME="$HOME" TERM=dumb zsh -f -i
zpty -w z "PS1='> '; autoload -Uz compinit; compinit -u -D; source $1; setopt nobeep"
zpty -wn z "$2"$'\t'
local out all=""
for i in {1..100}; do
    sleep 0.1
    while zpty -rt z out; do all+=$out; done
    [[ ${all//$'\r'/} == *"$3"* ]] && break
done
print -r -- "$all"
zpty -d z
"""
    env = {**os.environ, "HOME": str(script.parent)}
    done = subprocess.run(
        ["zsh", "-f", "-c", driver, "zsh", str(script), line, expect],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", done.stdout.replace("\r", ""))


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_is_valid_and_completes(cli: Cli, tmp_path: Path) -> None:
    script = tmp_path / "stability.fish"
    script.write_text(cli("completion", "fish").out)
    subprocess.run(["fish", "--no-config", "-n", str(script)], check=True, timeout=30)

    def complete(line: str) -> list[str]:
        command = f"source {script}; complete -C{json.dumps(line)}"
        done = subprocess.run(["fish", "--no-config", "-c", command], capture_output=True, text=True, timeout=30)
        return [candidate.split("\t")[0] for candidate in done.stdout.splitlines()]

    assert sorted(complete("stability ed")) == sorted(
        str(e.cli) for e in REGISTRY.values() if e.cli and e.cli.startswith("ed")
    )
    assert sorted(complete("stability inpaint --mode ")) == ["mask", "search"]
    assert "--search-prompt" in complete("stability inpaint --")
    assert "--search-prompt" not in complete("stability result upscale --")  # result's options, not upscale's


def test_completion_is_derived_from_the_parser() -> None:
    described = {sub.name: sub for sub in describe(build_parser())}
    assert set(described) == {c.name for c in commands()} | {"batch", "demo", "fake-server", "completion"}
    inpaint = {s: option for option in described["inpaint"].options for s in option.strings}
    assert inpaint["--mode"].choices == ("search", "mask") and inpaint["--image"].files
    assert not inpaint["--force"].takes_value


# ------------------------------------------------------------------------------------------ fake names


def test_the_fakes_operation_names_are_the_clients(cli: Cli) -> None:
    fake: FakeStability = cli.fake
    for name in REGISTRY:  # every method name is taken (filterwarnings=error: no deprecated alias warns)
        fake.inject(name, Fault.status(503))
    fake.reset_faults()
    fake.inject("balance", Fault.status(503))
    run = cli("balance", "--max-retries", "0")
    assert run.code == ExitCode.SERVER and fake.count("balance") == 1
    assert cli("balance").code == 0 and fake.count("balance") == 2
