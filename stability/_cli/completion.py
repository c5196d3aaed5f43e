"""``stability completion {bash,zsh,fish}``: a shell completion script, written from the parser.

The script knows what ``build_parser`` knows: the subcommands with their summaries, each one's options (which
take a value, which a file, which a choice of values: an argument's ``Choice`` rule in the registry) and
``result``'s job kinds, so a new operation completes as soon as it is a command. Nothing runs ``stability`` at
completion time: the script is static, fast, and safe to source in a shell's startup file.

    source <(stability completion bash)                            # in ~/.bashrc
    stability completion zsh > "${fpath[1]}/_stability"            # then restart zsh (or source <(...) after compinit)
    stability completion fish > ~/.config/fish/completions/stability.fish
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .._core.validation import Choice, Image
from .._operations.registry import REGISTRY, Entry
from .parser import commands

_TOKEN = re.compile(r"[\w.:+-]+")
"""What a completed word may be: every flag, command and choice is such a token (nothing to quote)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One option as completion needs it."""

    strings: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()
    files: bool = False


@dataclass(frozen=True, slots=True)
class Subcommand:
    name: str
    help: str
    options: tuple[Option, ...]
    positionals: tuple[tuple[str, tuple[str, ...], bool], ...] = field(default=())
    """Each positional's metavar, choices and whether it may be left out."""


def describe(parser: argparse.ArgumentParser, registry: Mapping[str, Entry] = REGISTRY) -> list[Subcommand]:
    """The subcommands of ``parser`` and their options, as the completion scripts list them."""
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    summaries = {choice.dest: choice.help or "" for choice in subparsers._choices_actions}
    found = {command.name: command for command in commands(registry)}
    described = []
    for name, sub in subparsers.choices.items():
        if name == "fake-server":
            sub = _fake_server_parser() or sub  # its options are the fake's own parser's
        command = found.get(name)
        rules = command.entry.params if command is not None else {}
        kinds = tuple(
            dict.fromkeys(registry[kind].cli or kind for entry in command.entries for kind in entry.finishes)
        ) if command is not None and command.entry.returns == "result" else ()  # fmt: skip
        options, positionals = [], []
        for action in sub._actions:
            param = rules.get(action.dest)
            choices = tuple(str(c) for c in action.choices or ()) or (
                param.rule.values if param is not None and isinstance(param.rule, Choice) else ()
            )
            if not action.option_strings:
                if action.dest == "kind" and kinds:
                    choices = kinds
                optional = action.nargs in ("?", "*")
                positionals.append((str(action.metavar or action.dest.upper()), choices, optional))
                continue
            files = (param is not None and isinstance(param.rule, Image)) or action.metavar in ("PATH", "DIR")
            options.append(Option(tuple(action.option_strings), _short(action.help), action.nargs != 0, choices, files))
        described.append(Subcommand(name, _short(summaries.get(name, "")), tuple(options), tuple(positionals)))
    return described


def _fake_server_parser() -> argparse.ArgumentParser | None:
    try:
        from ..testing._cli import build_parser
    except ImportError:  # without the testing extra, fake-server completes nothing but --help
        return None
    return build_parser("stability fake-server")


def _short(text: str | None) -> str:
    """The help's first sentence on one line, without its asides in parentheses or what a shell's syntax would
    read (brackets, backquotes, ``$``; quotes are escaped where written), cut to fit a completion menu."""
    line = " ".join((text or "").replace("%%", "%").split())
    while re.search(r"\([^()]*\)", line):
        line = re.sub(r"\s*\([^()]*\)", "", line)
    line = re.split(r"(?<=[a-z])[.;] ", line, maxsplit=1)[0]
    line = re.sub(r"[\[\]`\\$()]", "", line).rstrip(" .:")
    return line if len(line) <= 70 else line[:67].rstrip() + "..."


def _words(words: Sequence[str]) -> str:
    safe = [word for word in words if _TOKEN.fullmatch(word)]
    return " ".join(safe)


# ----------------------------------------------------------------------------------------------- bash


def bash(parser: argparse.ArgumentParser) -> str:
    subcommands = describe(parser)
    lines = [
        "# bash completion for stability (written by `stability completion bash`)",
        "_stability() {",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        "    if (( COMP_CWORD == 1 )); then",
        f"        COMPREPLY=($(compgen -W {shlex.quote(_words([s.name for s in subcommands] + ['--help', '--version']))}"
        ' -- "$cur"))',
        "        return 0",
        "    fi",
        '    local options="" positional=""',
        '    case "${COMP_WORDS[1]}" in',
    ]
    for sub in subcommands:
        flags = _words([s for option in sub.options for s in option.strings])
        lines.append(f"        {sub.name})")
        lines.append(f"            options={shlex.quote(flags)}")
        first = sub.positionals[0][1] if sub.positionals else ()
        if first:
            lines.append(f"            (( COMP_CWORD == 2 )) && positional={shlex.quote(_words(first))}")
        values = [option for option in sub.options if option.takes_value]
        if values:
            lines.append('            case "$prev" in')
            for option in values:
                pattern = "|".join(option.strings)
                if option.choices:
                    words = shlex.quote(_words(option.choices))
                    lines.append(f'                {pattern}) COMPREPLY=($(compgen -W {words} -- "$cur")); return 0 ;;')
                elif option.files:
                    lines.append(f"                {pattern}) return 0 ;;  # files: the default completion")
                else:
                    lines.append(f"                {pattern}) compopt +o default 2>/dev/null; return 0 ;;")
            lines.append("            esac")
        lines.append("            ;;")
    lines += [
        "    esac",
        '    if [[ -n "$positional" && "$cur" != -* ]]; then',
        '        COMPREPLY=($(compgen -W "$positional" -- "$cur"))',
        "    else",
        '        COMPREPLY=($(compgen -W "$options" -- "$cur"))',
        "    fi",
        "    return 0",
        "}",
        "complete -o bashdefault -o default -F _stability stability",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ zsh


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh_option(string: str, option: Option) -> str:
    description = option.help.replace(":", " ")
    if not option.takes_value:
        return _zsh_quote(f"{string}[{description}]")
    if option.choices:
        action = "(" + " ".join(choice.replace(":", "\\:") for choice in option.choices) + ")"
    else:
        action = "_files" if option.files else " "
    return _zsh_quote(f"{string}[{description}]:value:{action}")


def zsh(parser: argparse.ArgumentParser) -> str:
    subcommands = describe(parser)
    entries = " ".join(_zsh_quote(f"{s.name}:{s.help.replace(':', chr(92) + ':')}") for s in subcommands)
    lines = [
        "#compdef stability",
        "# zsh completion for stability (written by `stability completion zsh`)",
        "_stability() {",
        '    local curcontext="$curcontext" state line',
        "    _arguments -C '(- *)--help[show the help]' '(- *)--version[show the version]' \\",
        "        '1:command:->command' '*::argument:->argument'",
        "    case $state in",
        "        command)",
        f"            local -a commands=({entries})",
        "            _describe -t commands 'stability command' commands",
        "            ;;",
        "        argument)",
        "            case $words[1] in",
    ]
    for sub in subcommands:
        specs = [_zsh_option(string, option) for option in sub.options for string in option.strings]
        for index, (metavar, choices, optional) in enumerate(sub.positionals, start=1):
            action = "(" + " ".join(choices) + ")" if choices else " "
            specs.append(_zsh_quote(f"{index}:{':' if optional else ''}{metavar}:{action}"))
        lines.append(f"                {sub.name})")
        lines.append("                    _arguments \\")
        lines += [f"                        {spec} \\" for spec in specs]
        lines.append("                        '(- *)--help[show the help]'")
        lines.append("                    ;;")
    lines += [
        "            esac",
        "            ;;",
        "    esac",
        "}",
        'if [[ "${funcstack[1]}" == _stability ]]; then',
        '    _stability "$@"',
        "else",
        "    compdef _stability stability",
        "fi",
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------- fish


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


_FISH_FUNCTIONS = """\
function __stability_needs_command
    test (count (commandline -opc)) -eq 1
end
function __stability_command
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and test "$tokens[2]" = "$argv[1]"
end"""
"""The subcommand is the second word (not any word that names one: ``result upscale ID`` is ``result``'s)."""


def fish(parser: argparse.ArgumentParser) -> str:
    subcommands = describe(parser)
    lines = [
        "# fish completion for stability (written by `stability completion fish`)",
        _FISH_FUNCTIONS,
        "complete -c stability -f",
        "complete -c stability -n __stability_needs_command -l help -d 'show the help'",
        "complete -c stability -n __stability_needs_command -l version -d 'show the version'",
    ]
    for sub in subcommands:
        lines.append(f"complete -c stability -n __stability_needs_command -a {sub.name} -d {_fish_quote(sub.help)}")
    for sub in subcommands:
        condition = _fish_quote(f"__stability_command {sub.name}")
        for option in sub.options:
            parts = [f"complete -c stability -n {condition}"]
            for string in option.strings:
                parts.append(f"-s {string[1:]}" if len(string) == 2 else f"-l {string[2:]}")
            if option.takes_value:
                if option.choices:
                    parts.append(f"-x -a {_fish_quote(_words(option.choices))}")
                elif option.files:
                    parts.append("-r -F")
                else:
                    parts.append("-x")
            parts.append(f"-d {_fish_quote(option.help)}")
            lines.append(" ".join(parts))
        first = sub.positionals[0][1] if sub.positionals else ()
        if first:
            lines.append(f"complete -c stability -n {condition} -a {_fish_quote(_words(first))}")
    return "\n".join(lines) + "\n"


SCRIPTS: Mapping[str, Callable[[argparse.ArgumentParser], str]] = {"bash": bash, "zsh": zsh, "fish": fish}
"""The script of each shell (``SHELLS``), from the ``stability`` parser."""
