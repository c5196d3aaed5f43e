"""The library's errors in the command's words: flags for parameters, the command's way out for Python advice.

The facade's checks name Python parameters (``search_prompt``, ``mode='search'``, ``width*height``) and give
Python advice (``pass allow_insecure_http=True``), which is right in a program and wrong at a prompt. The command
raises the same errors (so it refuses what the library refuses) and turns them into its own words here, from
the parser: each parameter is the option (or positional) the parser made of it, so nothing names a flag by hand.

A plain word that is also a parameter (``image``, ``mask``, ``left``) is read as the parameter only where the
rule text names parameters: in a list of them (``left, right, up and down``, ``search_prompt or mask``), after
``as``/``with``/``when``/``unless``/``of``/``pass`` (``the same size as image``), or followed by one of its
choices (``mode image-to-image``). Elsewhere (``a mask image``, ``an image with an alpha channel``) it is English.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._core.errors import ConfigurationError, ValidationError
from .._core.validation import Choice, Image
from .parser import commands

_INSECURE = re.compile(r",? or pass allow_insecure_http=True if this host is trusted\.?")
_ASSIGNMENT = re.compile(r"\b([a-z][a-z0-9_]*)=(?:'([^']*)'|\"([^\"]*)\"|([^\s,;:)]+))")
_WORD = re.compile(r"(?<![\w-])[a-z][a-z0-9_]*(?![\w-])")  # not "image" in "image-to-image"
_NAMING = {"as", "with", "when", "unless", "of", "pass", "than"}
_JOINS = re.compile(r"(?:,|, or|, and| or| and) ")


@dataclass(frozen=True, slots=True)
class Names:
    """How the user types each argument of the command that ran (``dest`` -> ``--search-prompt`` or
    ``PROMPT``), which of them are files, each one's choices (to read ``mode image-to-image`` as ``--mode
    image-to-image``) and the values given."""

    typed: Mapping[str, str]
    files: frozenset[str]
    choices: Mapping[str, tuple[str, ...]]
    values: Mapping[str, Any]

    @classmethod
    def of(cls, parser: argparse.ArgumentParser, args: argparse.Namespace) -> Names:
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        typed = {
            action.dest: action.option_strings[-1]
            if action.option_strings
            else str(action.metavar or action.dest.upper())
            for action in subparsers.choices[args.command]._actions
            if action.dest != "help"
        }
        command = next((c for c in commands() if c.name == args.command), None)
        params = command.entry.params if command is not None else {}
        files = frozenset(name for name, param in params.items() if isinstance(param.rule, Image))
        choices = {name: param.rule.values for name, param in params.items() if isinstance(param.rule, Choice)}
        return cls(typed, files, choices, vars(args))

    def option(self, field: str) -> str | None:
        """The option (or positional) of ``field``; ``width*height`` is ``--width and --height``."""
        if field in self.typed:
            return self.typed[field]
        parts = [self.typed.get(part) for part in re.split(r"[*+/ ]+", field) if part]
        if len(parts) > 1 and all(parts):
            return " and ".join(str(part) for part in parts)
        return None


def in_cli_words(text: str, names: Names) -> str:
    """``text`` (a rule, an error message) with every parameter it names as its option."""

    def assignment(match: re.Match[str]) -> str:
        name = match.group(1)
        value = next(group for group in match.groups()[1:] if group is not None)
        if name not in names.typed:
            return match.group(0)
        option = names.typed[name]
        return option if value == "True" else f"{option} {value}"

    text = _ASSIGNMENT.sub(assignment, text)
    if text.startswith("must be one of "):
        return text  # choices, which may be spelled as a parameter is ("mask")
    return _plain_names(text, names)


def _plain_names(text: str, names: Names) -> str:
    """Each parameter the text names, as its option: see the module's docstring for which words those are."""
    params = [m for m in _WORD.finditer(text) if m.group(0) in names.typed]
    chosen: set[int] = set()
    for index, match in enumerate(params):
        word, start, end = match.group(0), match.start(), match.end()
        before = text[:start].split()[-1:]
        if "_" in word or before and before[0] in _NAMING:
            chosen.add(start)
        if any(re.match(rf" {re.escape(value)}(?![\w-])", text[end:]) for value in names.choices.get(word, ())):
            chosen.add(start)
        following = params[index + 1] if index + 1 < len(params) else None
        if following is not None and _JOINS.fullmatch(text[end : following.start()]):
            chosen.update((start, following.start()))  # a list of parameters: this one and the next
    out, last = [], 0
    for match in params:
        if match.start() in chosen:
            out += [text[last : match.start()], names.typed[match.group(0)]]
            last = match.end()
    return "".join([*out, text[last:]])


def validation_message(exc: ValidationError, names: Names) -> str:
    """``--mask mask.png: ...``: the option, the value as typed (the path, for a file; nothing when it was left
    out or empty), then the rule in the command's words."""
    option = names.option(exc.field)
    if option is None:
        return in_cli_words(str(exc), names)
    # A file's value in the error may be its size or "<image>": the user typed a path.
    value = names.values.get(exc.field) if exc.field in names.files else exc.value
    rule = in_cli_words(exc.rule, names)
    if isinstance(value, str) and value.strip() or isinstance(value, int | float) and not isinstance(value, bool):
        return f"{option} {value}: {rule}"
    return f"{option}: {rule}"


def configuration_message(exc: ConfigurationError, names: Names) -> str:
    """A client setting refused, named as the option (or the variable) it came from, with the way out the
    command has (it has no way to send the key in clear text to another host)."""
    source = "--base-url" if names.values.get("base_url") else "STABILITY_BASE_URL"
    way_out = f" ({source} https://...); the command sends the key over plain http only to a loopback address"
    text = _INSECURE.sub(way_out + ", such as a tunnel's local end.", str(exc))
    # --timeout takes seconds only: the Python API's httpx.Timeout is no choice here.
    text = re.sub(r"^timeout must\b", "--timeout must", text).replace(", or an httpx.Timeout", "")
    return in_cli_words(re.sub(r"\bbase_url\b", source, text), names)
