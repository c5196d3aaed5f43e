"""The benchmark suite runs end to end at tiny sizes, so it cannot rot; targets are the benchmark's to report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import run
from benchmarks._common import Figure, Result, Target, format_table, png


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    assert run.main(["--quick", "--output", str(output)]) == 0
    report = json.loads(output.read_text())
    assert report["quick"] is True
    assert {"cpu_count", "python", "platform"} <= set(report["machine"])
    expected = {
        "text_to_image",
        "text_to_image_small",
        "inpaint",
        "inpaint_small",
        "upscale_start",
        "upscale_start_small",
        "import_time",
        "download_memory",
        "upload_memory",
        "concurrency_jobs",
        "concurrency_jobs_loaded",
        "concurrency_threads",
        "batch_sync",
        "batch_async",
    }
    assert set(report["results"]) == expected
    for name, result in report["results"].items():
        assert result["figures"], name
        for figure in result["figures"]:
            assert figure["min"] <= figure["median"] <= figure["max"], (name, figure["name"])
    errors = [t for r in report["results"].values() for t in r["targets"] if t["name"].startswith("errors")]
    assert errors and all(t["value"] == 0 for t in errors)


def test_table_marks_targets() -> None:
    result = Result(
        "demo", "demo", [Figure("a", "us", [3.0, 1.0, 2.0])], [Target("t", 1.2, 1.1), Target("u", 1.0, 1.1)]
    )
    table = format_table([result])
    assert "2 us" in table and "[1 .. 3]" in table
    assert "MISS" in table and "PASS" in table


def test_padded_png_has_the_requested_size() -> None:
    assert len(png(64, 64, size=10_000)) == 10_000
    assert png(8, 8).startswith(b"\x89PNG")


def test_a_failing_worker_stops_the_run_with_its_error() -> None:
    from benchmarks._common import Child, FakeServer

    with FakeServer() as fake:
        worker = Child("benchmarks._overhead_worker", ["text_to_image", "facade", fake.base_url, "sk-wrong"])
        with pytest.raises(RuntimeError, match="AuthenticationError"):
            worker.__enter__()
