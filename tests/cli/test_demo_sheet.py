"""`stability demo`'s contact sheet (index.html): what it shows, that it is self-contained, escaped HTML5, that
each call on it runs as printed, and that it opens in a real browser (headless Chromium): every picture decodes
and every video has a duration."""

from __future__ import annotations

import ast
import html
import inspect
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from stability import ImageResult, ModelResult, Stability, VideoResult
from stability._cli.demo import MARK, demo_entries
from stability._cli.sheet import INPUT_FILES, SHEET, Card, Output, python_call, render
from stability._operations.entry import DemoInput
from stability.testing import FakeStability

# https://html.spec.whatwg.org/multipage/syntax.html#void-elements
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BROWSERS = ("chromium", "chromium-browser")
# .ci/run sets it once it has installed Chromium: there the browser test must run, never skip.
NEED_BROWSER = "STABILITY_TESTS_NEED_CHROMIUM"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""  # the text directly inside, entities decoded

    def all(self, tag: str | None = None) -> Iterator[Node]:
        for child in self.children:
            if tag is None or child.tag == tag:
                yield child
            yield from child.all(tag)

    def one(self, tag: str) -> Node:
        found = list(self.all(tag))
        assert len(found) == 1, f"{len(found)} <{tag}> in <{self.tag}>"
        return found[0]

    def texts(self) -> str:
        return self.text + "".join(child.texts() for child in self.children)


class StrictTree(HTMLParser):
    """The page as a tree, refusing what HTML5 would have to repair: an element closed out of order or never,
    an end tag for a void element, a second doctype, anything before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None
        self.problems: list[str] = []

    def handle_decl(self, decl: str) -> None:
        if self.doctype is not None or self.root.children:
            self.problems.append(f"a doctype after the start: {decl}")
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.doctype is None:
            self.problems.append(f"<{tag}> before the doctype")
        names = [name for name, _ in attrs]
        if len(set(names)) != len(names):
            self.problems.append(f"<{tag}> repeats an attribute: {names}")
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or self.stack[-1].tag != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text += data


def parse(page: str) -> Node:
    tree = StrictTree()
    tree.feed(page)
    tree.close()
    assert not tree.problems, tree.problems
    assert [node.tag for node in tree.stack] == ["#document"], "elements left open"
    assert tree.doctype is not None and tree.doctype.lower() == "doctype html"
    return tree.root


@dataclass
class Demo:
    folder: Path
    data: dict[str, Any]
    cwd: Path

    @property
    def page(self) -> str:
        return (self.folder / SHEET).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, script: Path) -> Demo:
    """One `stability demo --json` run, as a user starts it (no key, no URL), shared by the tests here (about
    10 s on two cores: the tests that use it are marked slow)."""
    cwd = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STABILITY_")}
    done = subprocess.run(
        [str(script), "demo", "--output-dir", "out", "--job-duration", "0.1", "--json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return Demo(cwd / "out", json.loads(done.stdout), cwd)


def cards(demo: Demo) -> dict[str, Node]:
    return {node.attrs["id"]: node for node in parse(demo.page).all("article")}


@pytest.mark.slow
def test_the_json_names_the_sheet_and_the_sheet_sits_beside_the_outputs(demo: Demo) -> None:
    assert Path(demo.data["sheet"]) == Path("out") / "index.html"
    assert (demo.cwd / demo.data["sheet"]).is_file()
    # The inputs the calls on the sheet read are there too, as the demo passed them.
    with Image.open(demo.folder / INPUT_FILES[DemoInput.IMAGE]) as image:
        assert image.size == (768, 768)
    with Image.open(demo.folder / INPUT_FILES[DemoInput.MASK]) as mask:
        assert mask.size == (768, 768) and mask.mode == "L"


@pytest.mark.slow
def test_every_operation_has_a_card_with_its_outputs_seed_finish_reason_and_call(demo: Demo) -> None:
    shown = cards(demo)
    entries = demo_entries()
    assert list(shown) == [entry.cli for entry in entries]
    results = {row["operation"]: row for row in demo.data["results"]}
    referenced: set[str] = set()
    for entry in entries:
        card, row = shown[str(entry.cli)], results[str(entry.cli)]
        assert card.one("h3").texts() == entry.cli
        assert entry.summary in card.texts()
        assert card.one("code").texts() == python_call(entry)
        files = [
            node.attrs.get("src") or node.attrs["href"] for node in card.all() if node.tag in ("img", "video", "a")
        ]
        referenced.update(unquote(f) for f in files)
        if row["output"].endswith((".png", ".jpg", ".webp", ".mp4", ".glb")):
            assert files and unquote(files[0]) == row["output"], entry.name
            # The first output's cells, as the console table has them.
            details = [dd.texts() for dd in card.all("dd")]
            assert details[:4] == [row["output"], row["size"], row["seed"], row["finish_reason"]], entry.name
            kind = {".mp4": "video", ".glb": "a"}.get(Path(row["output"]).suffix, "img")
            assert next(node.tag for node in card.all() if node.tag in ("img", "video", "a")) == kind
        else:  # the account's operations write no file: their one line is the card's answer
            assert not files and row["output"] in card.texts(), entry.name
    written = {p.name for p in demo.folder.iterdir()} - {SHEET, MARK, *INPUT_FILES.values()}
    assert referenced == written


@pytest.mark.slow
def test_the_sheet_is_self_contained_html5(demo: Demo) -> None:
    page = demo.page
    root = parse(page)
    document = root.one("html")
    assert document.attrs["lang"] == "en" and [child.tag for child in document.children] == ["head", "body"]
    head = document.one("head")
    assert any(meta.attrs.get("charset") == "utf-8" for meta in head.all("meta"))
    assert page.index("charset") < 1024, "the encoding must be declared in the first 1024 bytes"
    assert head.one("title").texts().strip()
    # Nothing fetched from elsewhere: no script, no stylesheet link, no URL in the CSS, every src and href a
    # file of the folder named relatively.
    assert not list(root.all("script")) and not list(root.all("link")) and not list(root.all("iframe"))
    css = head.one("style").texts()
    assert "url(" not in css and "@import" not in css
    ids = [node.attrs["id"] for node in root.all() if "id" in node.attrs]
    assert len(ids) == len(set(ids))
    for node in root.all():
        assert "style" not in node.attrs
        for attribute in ("src", "href", "poster", "srcset"):
            if attribute in node.attrs:
                url = urlsplit(node.attrs[attribute])
                assert not (url.scheme or url.netloc or url.path.startswith("/")), node.attrs
                assert (demo.folder / unquote(url.path)).is_file(), node.attrs
    for video in root.all("video"):
        assert "controls" in video.attrs
    first = next(root.all("section"))
    assert [node.attrs["src"] for node in first.all("img")] == list(INPUT_FILES.values())


def test_every_call_on_the_sheet_binds_to_its_method_with_the_example() -> None:
    """The call is derived, not written: it binds to the method's signature (positional up to ``*``) and passes
    exactly the example, an image as the file the demo wrote it to."""
    for entry in demo_entries():
        call = ast.parse(python_call(entry), mode="eval").body
        waits = isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "wait"
        assert waits == (entry.returns == "job"), entry.name
        if waits:
            assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and not call.args
            call = call.func.value
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        assert ast.unparse(call.func) == f"client.{entry.name}"
        args = [ast.literal_eval(arg) for arg in call.args]
        kwargs = {str(k.arg): ast.literal_eval(k.value) for k in call.keywords}
        bound = inspect.signature(getattr(Stability, entry.name)).bind(None, *args, **kwargs).arguments
        del bound["self"]
        example = {k: INPUT_FILES[v] if isinstance(v, DemoInput) else v for k, v in (entry.example or {}).items()}
        assert bound == example, entry.name


@pytest.mark.slow
def test_the_calls_run_as_printed_from_the_demo_folder(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pasted into Python in the folder, with a client on the fake, each call makes what its card shows."""
    monkeypatch.chdir(demo.folder)
    shown = cards(demo)
    kinds = {"img": ImageResult, "video": VideoResult, "a": ModelResult}
    with FakeStability(job_duration=0) as fake, Stability(api_key=fake.api_key, base_url=fake.base_url) as client:
        for entry in demo_entries():
            card = shown[str(entry.cli)]
            result = eval(card.one("code").texts(), {"client": client})  # the page's own line, as a reader pastes it
            media = [kinds[node.tag] for node in card.all() if node.tag in kinds]
            if media:  # the account's operations show a line, not a file
                outputs = result if isinstance(result, list) else [result]
                assert [type(output) for output in outputs] == media, entry.name


def test_text_and_file_names_on_the_sheet_are_escaped() -> None:
    hostile = "a <script>alert(\"x\")</script> & 'quoted'"
    output = Output("a b#1?.png", "image", "1 KiB <b>", hostile, "</dd>")
    page = render(
        [Card("op<i>", hostile, f"client.run({hostile!r})", outputs=(output,), answer=hostile)],
        headline=hostile,
    )
    root = parse(page)
    assert not list(root.all("script")) and not list(root.all("b")) and not list(root.all("i"))
    article = root.one("article")
    assert article.attrs["id"] == "op<i>" and article.one("h3").texts() == "op<i>"
    assert article.one("img").attrs["src"] == "a%20b%231%3F.png"
    assert [dd.texts() for dd in article.all("dd")] == ["a b#1?.png", "1 KiB <b>", hostile, "</dd>"]
    assert article.one("code").texts() == f"client.run({hostile!r})"
    assert next(root.one("header").all("p")).texts() == hostile


@pytest.fixture(scope="module")  # module scope: set up before the demo, so a skip costs no demo run
def chromium() -> str:
    """Chromium's path; the test skips without one (before the demo runs), and fails where CI says it installed one."""
    found = next((path for path in map(shutil.which, BROWSERS) if path), None)
    if found is None:
        if os.environ.get(NEED_BROWSER):
            pytest.fail(f"{NEED_BROWSER} is set but no Chromium is on PATH (apt-get install chromium)")
        pytest.skip("needs Chromium on PATH (Debian: apt-get install chromium); CI's .ci/run installs it")
    return found


# A probe added to the test's copy of the page only (the sheet itself carries no script): once the page has
# loaded (every <img> settled) and every <video> has decoded its first frame or failed, it writes what it measured into
# the DOM, which --dump-dom prints.
PROBE = """<script>
window.addEventListener("load", () => {
  const videos = [...document.querySelectorAll("video")];
  const settled = (video) => new Promise((done) => {
    if (video.readyState >= 2 || video.error) return done();
    video.addEventListener("loadeddata", done, {once: true});
    video.addEventListener("error", done, {once: true});
  });
  Promise.all(videos.map(settled)).then(() => {
    const measured = {
      title: document.title,
      images: [...document.images].map((i) => ({src: i.getAttribute("src"), width: i.naturalWidth, height: i.naturalHeight})),
      videos: videos.map((v) => ({src: v.getAttribute("src"), duration: v.duration, width: v.videoWidth,
                                  height: v.videoHeight, ready: v.readyState, error: v.error && `${v.error.code} ${v.error.message}`})),
    };
    const out = document.createElement("pre");
    out.id = "measured";
    out.textContent = JSON.stringify(measured);
    document.body.append(out);
  });
});
</script>"""


@pytest.mark.slow
def test_the_sheet_opens_in_a_real_browser_every_image_decodes_and_the_video_has_a_duration(
    chromium: str, demo: Demo, tmp_path: Path
) -> None:
    probe = demo.folder / "probe.html"
    probe.write_text(demo.page.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    try:
        done = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",  # as root (CI), Chromium's sandbox refuses to start
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                f"--user-data-dir={tmp_path / 'profile'}",
                # Virtual time runs as fast as the page lets it; 30 s of it is plenty for local files to load.
                "--virtual-time-budget=30000",
                "--dump-dom",
                probe.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        probe.unlink()
    dom = done.stdout
    assert done.returncode == 0 and '<pre id="measured">' in dom, (done.returncode, dom[-2000:], done.stderr[-3000:])
    text = dom.split('<pre id="measured">', 1)[1].split("</pre>", 1)[0]
    measured = json.loads(html.unescape(text))
    assert measured["title"] == parse(demo.page).one("title").texts()
    shown = [node.attrs["src"] for node in parse(demo.page).all("img")]
    assert [image["src"] for image in measured["images"]] == shown
    for image in measured["images"]:
        with Image.open(demo.folder / unquote(image["src"])) as decoded:
            assert (image["width"], image["height"]) == decoded.size, image
    videos = [row["output"] for row in demo.data["results"] if row["output"].endswith(".mp4")]
    assert videos and [video["src"] for video in measured["videos"]] == videos
    for video in measured["videos"]:
        assert video["error"] is None, f"{video['src']} does not play in Chromium: {video}"
        # readyState 2 (HAVE_CURRENT_DATA): a frame is decoded, not only the header read.
        assert video["duration"] and video["duration"] > 0 and video["width"] > 0 and video["ready"] >= 2, video
