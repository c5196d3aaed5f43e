"""The demo's contact sheet: one ``index.html`` beside the outputs, showing every result and the call that made it.

The page is self-contained (inline CSS, no script, nothing fetched from the network): it is opened from the
disk, often on a machine with no network at all, and names its pictures, video and model by relative file names
so that the folder can be moved or zipped whole. Every piece of text on it comes from the registry or from a
result and goes through ``html.escape``; every file name also through URL quoting.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from .._operations.entry import DemoInput

if TYPE_CHECKING:
    from .._operations.entry import Entry

SHEET = "index.html"
"""The sheet's file name in the demo's folder."""

INPUT_FILES: Mapping[DemoInput, str] = {DemoInput.IMAGE: "input.png", DemoInput.MASK: "input-mask.png"}
"""The file names the demo writes its inputs to, and that the calls on the sheet pass."""

Kind = Literal["image", "video", "model"]


@dataclass(frozen=True, slots=True)
class Output:
    """One file an operation wrote, with the cells the console table shows for it."""

    file: str
    kind: Kind
    size: str
    seed: str
    finish: str


@dataclass(frozen=True, slots=True)
class Card:
    """One operation on the sheet: what it wrote (or, writing nothing, its one-line summary) and its call."""

    operation: str
    summary: str
    call: str
    outputs: tuple[Output, ...] = ()
    answer: str | None = None


def python_call(entry: Entry, files: Mapping[DemoInput, str] = INPUT_FILES) -> str:
    """The Python a person writes to make what the demo made: ``client.<method>(...)`` with the entry's example,
    an image argument as the file the demo wrote it to, a job waited for.

    Arguments go as the method takes them: positionally up to its ``*`` (while the example has each one), by
    keyword after it, so the line runs as printed.
    """
    from .._sync_client import Stability

    example = dict(entry.example or {})
    positional: list[str] = []
    for parameter in list(inspect.signature(getattr(Stability, entry.name)).parameters.values())[1:]:
        if parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD or parameter.name not in example:
            break
        positional.append(_literal(example.pop(parameter.name), files))
    keywords = [f"{name}={_literal(value, files)}" for name, value in example.items()]
    call = f"client.{entry.name}({', '.join(positional + keywords)})"
    return call + ".wait()" if entry.returns == "job" else call


def _literal(value: Any, files: Mapping[DemoInput, str]) -> str:
    if isinstance(value, DemoInput):
        value = files[value]
    text = repr(value)
    # Double quotes, as the README and black write strings; repr picks single ones unless the text has a '.
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        text = f'"{text[1:-1]}"'
    return text


def write_sheet(folder: Path, cards: Sequence[Card], *, headline: str) -> Path:
    """Write the sheet into ``folder`` (replacing an earlier one) and return its path."""
    path = folder / SHEET
    path.write_text(render(cards, headline=headline, inputs=_written_inputs(folder)), encoding="utf-8")
    return path


def _written_inputs(folder: Path) -> list[tuple[DemoInput, str]]:
    return [(what, name) for what, name in INPUT_FILES.items() if (folder / name).is_file()]


def render(
    cards: Sequence[Card],
    *,
    headline: str,
    inputs: Sequence[tuple[DemoInput, str]] = (),
    title: str = "stability demo",
    intro: str | None = None,
) -> str:
    """The sheet's HTML5: a header, the inputs the calls read, then one card per operation. ``title`` and
    ``intro`` (plain text; None: the demo's) are what ``stability batch`` changes to show its own outputs."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}: contact sheet</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_text(title)}</h1>",
        f"<p>{_text(headline)}</p>",
        _DEMO_INTRO if intro is None else f"<p>{_text(intro)}</p>",
        "</header>",
    ]
    if inputs:
        parts.append('<section class="inputs">')
        parts.append("<h2>What the calls read</h2>")
        parts.append('<div class="cards">')
        for what, name in inputs:
            parts.append('<figure class="card">')
            parts.append(f'<img src="{_url(name)}" alt="{_text(name)}" loading="eager">')
            parts.append(f"<figcaption><code>{_text(name)}</code>: {_text(what.value)}</figcaption>")
            parts.append("</figure>")
        parts.append("</div>")
        parts.append("</section>")
    parts.append('<section class="results">')
    parts.append("<h2>Results</h2>")
    parts.append('<div class="cards">')
    parts.extend(_card(card) for card in cards)
    parts.append("</div>")
    parts.append("</section>")
    parts.append("</body>")
    parts.append("</html>")
    return "\n".join(parts) + "\n"


def _card(card: Card) -> str:
    lines = [f'<article class="card" id="{_text(card.operation)}">', f"<h3>{_text(card.operation)}</h3>"]
    if card.summary:
        lines.append(f'<p class="summary">{_text(card.summary)}</p>')
    if card.answer is not None:
        lines.append(f'<p class="answer">{_text(card.answer)}</p>')
    for output in card.outputs:
        lines.append("<figure>")
        lines.append(_media(output))
        lines.append("<figcaption><dl>")
        for term, value in (
            ("file", output.file),
            ("size", output.size),
            ("seed", output.seed),
            ("finish reason", output.finish),
        ):
            lines.append(f"<dt>{term}</dt><dd>{_text(value)}</dd>")
        lines.append("</dl></figcaption>")
        lines.append("</figure>")
    lines.append(f'<pre><code class="language-python">{_text(card.call)}</code></pre>')
    lines.append("</article>")
    return "\n".join(lines)


def _media(output: Output) -> str:
    url, name = _url(output.file), _text(output.file)
    if output.kind == "image":
        return f'<img src="{url}" alt="{name}" loading="eager">'
    if output.kind == "video":
        # muted and loop: a short clip that plays where it sits; controls: the browser's own player.
        return f'<video src="{url}" controls muted loop playsinline preload="auto" title="{name}"></video>'
    # A 3D viewer (<model-viewer>) would fetch its script from the network; the sheet stays offline.
    return f'<p class="model"><a href="{url}" download>{name}</a> (glTF binary: open it in a 3D viewer)</p>'


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _url(file: str) -> str:
    """A file name as a relative URL inside an attribute: quoted (a space, a # or a ? in it would change what
    the browser fetches), then escaped."""
    return html.escape(quote(file), quote=True)


_DEMO_INTRO = (
    "<p>Every call below ran against the fake Stability API (<code>stability.testing</code>), whose pictures"
    " are placeholders; with <code>client = Stability()</code> and <code>STABILITY_API_KEY</code> set, the"
    " same lines call the real API from this folder.</p>"
)

_STYLE = """
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0 auto; max-width: 96rem; padding: 1rem 1.5rem 3rem; }
header p { max-width: 60rem; }
.cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); align-items: start; }
.card { border: 1px solid #8884; border-radius: 0.5rem; margin: 0; padding: 0.75rem; overflow: hidden; }
.card h3 { margin: 0 0 0.25rem; font-family: ui-monospace, monospace; }
.summary { margin: 0 0 0.5rem; opacity: 0.8; }
.answer { font-size: 1.25rem; overflow-wrap: anywhere; }
figure { margin: 0 0 0.5rem; }
img, video { display: block; width: 100%; height: auto; background: #8882; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 0.75rem; margin: 0.5rem 0 0; }
dt { opacity: 0.7; }
dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
pre { background: #8882; border-radius: 0.25rem; padding: 0.5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
"""
