"""The manifest: the plan of a rerun for every state, the rows' life, one run at a time, typed errors."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from stability import ConfigurationError, StabilityError
from stability._batch import BatchItem
from stability._batch._manifest import (
    Manifest,
    ManifestError,
    Row,
    adoptable,
    content_hash,
    outputs_on_disk,
    plan,
    stale_temporaries,
)

ITEM = BatchItem("cat", 1, "generate_core", {"prompt": "a cat", "seed": 1}, 3.0)
H = content_hash(ITEM)


def test_the_hash_follows_the_content() -> None:
    assert content_hash(BatchItem("other", 9, "generate_core", {"seed": 1, "prompt": "a cat"}, 3.0)) == H
    assert content_hash(BatchItem("cat", 1, "generate_core", {"prompt": "a dog", "seed": 1}, 3.0)) != H
    assert content_hash(BatchItem("x", 1, "upscale_fast", {"image": Path("a.png")}, 1.0)) == content_hash(
        BatchItem("x", 1, "upscale_fast", {"image": "a.png"}, 1.0)
    )


def test_plan_for_every_state(tmp_path: Path) -> None:
    made = tmp_path / "cat.png"
    made.write_bytes(b"x")
    found = [made]

    def row(state: str, **kw: object) -> Row:
        return Row("cat", H, state, **kw)  # type: ignore[arg-type]

    assert plan(H, None, found=[], retry_uncertain=False) == "send"
    assert plan("edited", row("done", outputs=(str(made),)), found=[], retry_uncertain=False) == "send"
    assert plan(H, row("done", outputs=(str(made),)), found=[], retry_uncertain=False) == "skip"
    assert plan(H, row("done", outputs=(str(tmp_path / "gone.png"),)), found=[], retry_uncertain=False) == "send"
    assert plan(H, row("started", job_id="j"), found=[], retry_uncertain=False) == "resume"
    assert plan(H, row("started", job_id="j"), found=found, retry_uncertain=False) == "adopt"
    assert plan(H, row("sending"), found=[], retry_uncertain=False) == "uncertain"
    assert plan(H, row("sending"), found=[], retry_uncertain=True) == "send"
    assert plan(H, row("sending"), found=found, retry_uncertain=False) == "adopt"
    assert plan(H, row("failed"), found=[], retry_uncertain=False) == "send"
    assert plan(H, row("pending"), found=[], retry_uncertain=False) == "send"


def test_outputs_are_adopted_only_when_written_since_the_send(tmp_path: Path) -> None:
    for name in ("cat.png", "cat-2.png", "cat-x.png", "catalogue.png", "dog.png"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "cat.sqlite").write_bytes(b"x")
    on_disk = outputs_on_disk(tmp_path, ["png"])
    files = on_disk["cat"]
    assert [f.name for f in files] == ["cat-2.png", "cat.png"]
    assert [f.name for f in on_disk["cat-2"]] == ["cat-2.png"] and "catalogue" in on_disk and "cat-x" in on_disk
    now = time.time()
    assert adoptable(files, Row("cat", H, "sending", sent_at=now - 5)) == files
    assert adoptable(files, Row("cat", H, "sending", sent_at=now + 60)) == []  # older than the send: not ours
    assert adoptable(files, Row("cat", H, "failed", sent_at=now - 5)) == []


def test_stale_temporaries_of_the_batch_keys(tmp_path: Path) -> None:
    names = [".cat.png.0123abcd.part", ".cat-2.mp4.deadbeef.part", ".dog.png.0123abcd.part", ".cat.png.part"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    assert sorted(p.name for p in stale_temporaries(tmp_path, ["cat"])) == names[:2][::-1]


def test_rows_live_through_their_states(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    manifest = Manifest(path)
    manifest.register([(ITEM, H)], {})
    assert manifest.rows()["cat"].state == "pending"
    manifest.sending(ITEM)
    row = manifest.rows()["cat"]
    assert row.state == "sending" and row.sent_at is not None
    manifest.started("cat", "job-1")
    manifest.noted("cat", "APIConnectionError: dropped")
    row = manifest.rows()["cat"]
    assert (row.state, row.job_id, row.error) == ("started", "job-1", "APIConnectionError: dropped")
    manifest.done("cat", [tmp_path / "cat.png"], 42)
    manifest.close()
    # Committed: another connection (another process) sees it.
    again = Manifest(path)
    row = again.rows()["cat"]
    assert (row.state, row.outputs, row.seed, row.error) == ("done", (str(tmp_path / "cat.png"),), 42, None)
    again.register([(ITEM, "edited")], again.rows())  # an edited line starts over
    assert again.rows()["cat"].state == "pending"
    again.failed("cat", "BadRequestError: no")
    assert again.rows()["cat"].state == "failed"
    again.close()


def test_one_run_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    first = Manifest(path)
    try:
        with pytest.raises(ManifestError, match="another batch is running"):
            Manifest(path)
    finally:
        first.close()
    Manifest(path).close()  # free again once the first run ends


def test_a_file_that_is_not_a_manifest(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(ManifestError, match="not a batch manifest") as caught:
        Manifest(junk)
    assert isinstance(caught.value, ConfigurationError | StabilityError) and caught.value.path == junk
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '99')")
    with pytest.raises(ManifestError, match="another version"):
        Manifest(other)
    with pytest.raises(ManifestError, match="cannot be opened"):
        Manifest(tmp_path / "no" / "such" / "dir" / "m.sqlite")


def test_stale_temporaries_of_keys_that_end_in_a_number(tmp_path: Path) -> None:
    for name in (".core-23.png.1a649ab1.part", ".core-23-2.png.0badf00d.part", ".core-7.png.00000000.part"):
        (tmp_path / name).write_bytes(b"half")
    found = sorted(p.name for p in stale_temporaries(tmp_path, ["core-23"]))
    assert found == [".core-23-2.png.0badf00d.part", ".core-23.png.1a649ab1.part"]
