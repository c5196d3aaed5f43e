"""Reading batch files: every line checked before anything is sent, problems reported together by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from stability import StabilityError, ValidationError
from stability._batch import BatchInputError, BatchItem, estimate, read_batch
from stability._core import limits as L


def test_jsonl_items_keys_and_prices(jsonl, images: Path) -> None:
    path = jsonl(
        [
            {"operation": "generate_core", "prompt": "a cat", "seed": 1},
            "",
            {"operation": "upscale_creative", "id": "big", "prompt": "up", "image": "small.png"},
            {"operation": "image_to_video_v2beta", "id": 7, "image": "video.png"},
        ]
    )
    items = read_batch(path)
    assert [(i.key, i.line, i.operation) for i in items] == [
        ("line-1", 1, "generate_core"),
        ("big", 3, "upscale_creative"),
        ("7", 4, "image_to_video_v2beta"),
    ]
    assert items[1].args["image"] == images / "small.png"  # relative to the batch file, as a Path
    assert estimate(items) == L.PRICE_CORE + L.PRICE_UPSCALE_CREATIVE + L.PRICE_IMAGE_TO_VIDEO


def test_price_by_the_argument_it_depends_on(jsonl, images: Path) -> None:
    path = jsonl(
        [
            {"operation": "generate_sd3", "prompt": "x"},  # the documented default model
            {"operation": "generate_sd3", "prompt": "x", "model": "sd3.5-medium"},
            {"operation": "inpaint", "prompt": "x", "image": "video.png", "search_prompt": "dog"},  # search mode
            {"operation": "inpaint", "prompt": "x", "image": "video.png", "mask": "video.png"},  # mask mode
            {"operation": "text_to_image", "prompt": "x"},  # v1alpha documents no price
        ]
    )
    assert [i.credits for i in read_batch(path)] == [
        L.PRICE_SD3["sd3.5-large"],
        L.PRICE_SD3["sd3.5-medium"],
        L.PRICE_INPAINT_SEARCH,
        L.PRICE_INPAINT_MASK,
        0.0,
    ]


def test_every_bad_line_is_reported_with_its_number(jsonl, images: Path) -> None:
    path = jsonl(
        [
            {"operation": "generate_core", "prompt": "fine"},
            "{not json",
            '["a list"]',
            {"prompt": "no operation"},
            {"operation": "balance"},  # not something a batch makes
            {"operation": "generate_core", "prompt": "x", "colour": "red"},
            {"operation": "generate_core", "prompt": "x", "aspect_ratio": "7:3"},
            {"operation": "upscale_creative", "prompt": "x", "image": "missing.png"},
            {"operation": "generate_core", "id": "a/b", "prompt": "x"},
            {"operation": "generate_core", "id": "dup", "prompt": "x"},
            {"operation": "generate_core", "id": "DUP", "prompt": "x"},
            {"operation": "image_to_video_v2beta", "image": "small.png"},  # the entry's own size check
        ]
    )
    with pytest.raises(BatchInputError) as caught:
        read_batch(path)
    problems = dict(caught.value.problems)
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8, 9, 11, 12]
    assert "not valid JSON" in problems[2] and "JSON object" in problems[3]
    assert "operation" in problems[4] and "unknown operation 'balance'" in problems[5]
    assert "colour" in problems[6] and "aspect_ratio" in problems[7] and "missing.png" in problems[8]
    assert "cannot name a file" in problems[9] and "line 10" in problems[11]
    assert isinstance(caught.value, ValidationError) and isinstance(caught.value, StabilityError)
    assert "10 problems; nothing was sent" in str(caught.value) and "line 12:" in str(caught.value)


def test_csv_converts_cells_by_each_arguments_rule(tmp_path: Path, images: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "id,prompt,image,creativity,seed,output_format\n"
        "shoe,a shoe,small.png,0.2,42,webp\n"
        ",a hat,small.png,,,\n"
        "\n"
        "bad,a bag,small.png,lots,1,png\n"
    )
    with pytest.raises(BatchInputError) as caught:
        read_batch(path, operation="upscale_creative")
    assert [line for line, _ in caught.value.problems] == [5]
    assert "creativity='lots': must be a number" in caught.value.problems[0][1]
    path.write_text(path.read_text().replace("lots", "0.3"))
    items = read_batch(path, operation="upscale_creative")
    assert [i.key for i in items] == ["shoe", "line-3", "bad"]
    assert dict(items[0].args) == {
        "prompt": "a shoe",
        "image": tmp_path / "small.png",
        "creativity": 0.2,
        "seed": 42,
        "output_format": "webp",
    }
    assert dict(items[1].args) == {"prompt": "a hat", "image": tmp_path / "small.png"}


def test_csv_flags_and_the_operation_argument(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("prompt\nx\n")
    with pytest.raises(BatchInputError, match="needs operation="):
        read_batch(path)
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text('{"operation": "generate_core", "prompt": "x"}\n')
    with pytest.raises(BatchInputError, match="for CSV files"):
        read_batch(jsonl, operation="generate_core")
    with pytest.raises(BatchInputError, match="expected a .jsonl or .csv"):
        read_batch(tmp_path / "b.txt")
    with pytest.raises(BatchInputError, match="cannot be read"):
        read_batch(tmp_path / "missing.csv", operation="generate_core")
    (tmp_path / "latin.jsonl").write_bytes(b'{"operation": "generate_core", "prompt": "caf\xe9"}\n')
    with pytest.raises(BatchInputError, match="not UTF-8"):
        read_batch(tmp_path / "latin.jsonl")


def test_items_given_directly_need_unique_keys() -> None:
    from stability._batch._input import check_items

    one = BatchItem("a", 1, "generate_core", {"prompt": "x"}, 3.0)
    with pytest.raises(BatchInputError, match="line 1"):
        check_items([one, BatchItem("A", 2, "generate_core", {"prompt": "y"}, 3.0)])
    with pytest.raises(BatchInputError, match="unknown operation"):
        check_items([BatchItem("b", 1, "engines", {}, 0.0)])


def test_an_operation_by_its_command_name(jsonl, tmp_path: Path) -> None:
    path = jsonl(
        [
            {"operation": "generate-core", "prompt": "a cat"},
            {"operation": "masking", "id": "m", "prompt": "x", "image": "m.png", "mask": "m.png"},
            {"operation": "generate_ultra", "prompt": "a dog"},
        ]
    )
    from PIL import Image

    Image.new("RGB", (512, 512), "red").save(tmp_path / "m.png")
    items = read_batch(path)
    assert [i.operation for i in items] == ["generate_core", "masked_image_to_image", "generate_ultra"]
    csv = tmp_path / "rows.csv"
    csv.write_text("prompt\na cat\n")
    assert [i.operation for i in read_batch(csv, operation="generate-core")] == ["generate_core"]
    with pytest.raises(BatchInputError, match="line 1: unknown operation 'generate-cores'"):
        read_batch(jsonl([{"operation": "generate-cores", "prompt": "x"}], name="bad.jsonl"))
