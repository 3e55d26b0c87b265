"""The developer tools around the engine: sample briefs, the gallery and the benchmark."""

from __future__ import annotations

import os
import re
import statistics

import pytest
from PIL import Image

from logokraft_engine import bench, gallery
from logokraft_engine.samples import SAMPLES, brief_seed, candidates

INDUSTRIES = (
    "coffee",
    "fintech",
    "dog grooming",
    "law",
    "yoga",
    "bakery",
    "ai",
    "organic farm",
    "sailing",
    "fashion",
    "toy",
    "construction",
)


# --- samples -----------------------------------------------------------------------------------


def test_samples_cover_the_studio_s_industries() -> None:
    industries = [b.industry.lower() for b in SAMPLES]
    for wanted in INDUSTRIES:
        assert any(re.search(rf"\b{wanted}\b", i) for i in industries), wanted
    assert any(not b.brand_name.isascii() for b in SAMPLES), "an accented name"
    assert any(len(b.brand_name) > 40 and len(b.slogan) > 60 for b in SAMPLES), "a long one"
    assert {"wordmark", "lettermark", "emblem", "abstract"} <= {b.logo_type for b in SAMPLES}


def test_samples_hold_colours_as_the_gateway_normalises_them() -> None:
    colors = [c for b in SAMPLES for c in b.colors]
    assert colors and all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colors)
    assert "#008080" in colors  # given as "teal"
    assert "#222222" in colors  # given as "#222"


def test_sample_seed_is_the_local_writers() -> None:
    local = pytest.importorskip("logokraft_prompt.adapters.local")
    for brief in SAMPLES:
        assert brief_seed(brief) == local.brief_seed(brief)


def test_candidates_are_deterministic() -> None:
    assert candidates(SAMPLES[0], 3) == candidates(SAMPLES[0], 3)
    assert len({spec.to_dict()["layout"] for spec in candidates(SAMPLES[0], 3)}) > 1


# --- gallery -----------------------------------------------------------------------------------


def _not_blank(image: Image.Image) -> bool:
    colors = image.getcolors(maxcolors=1 << 16)
    return colors is None or len(colors) > 1


def test_gallery_sheet_has_one_tile_per_candidate(tmp_path) -> None:
    out = tmp_path / "sheet.png"
    code = gallery.main(["--out", str(out), "--briefs", "2", "--candidates", "2", "--size", "64"])
    assert code == 0

    sheet = Image.open(out)
    layout = gallery.SheetLayout(rows=2, columns=2, size=64)
    assert sheet.format == "PNG"
    assert sheet.size == (layout.width, layout.height)
    # caption + two 64 px tiles with gutters; rows as tall as the caption needs.
    assert layout.width == 12 + 240 + 2 * (12 + 64) + 12
    assert layout.height == 44 + 2 * (max(64 + 1 + 48, 132) + 12)
    sheet = sheet.convert("RGB")
    for row in range(2):
        for column in range(2):
            tile = sheet.crop(layout.tile_box(row, column))
            assert _not_blank(tile), (row, column)
            mark = sheet.crop(layout.favicon_box(row, column))
            assert mark.size == (32, 32)
            assert _not_blank(mark), (row, column)
    gutter = sheet.getpixel((layout.tile_box(0, 0)[0] - 6, layout.tile_box(0, 0)[1] + 5))
    assert gutter == gallery.BACKGROUND


def test_gallery_kit_sheet_shows_transparent_logos_on_light_and_dark(tmp_path) -> None:
    out = tmp_path / "sheet.png"
    assert gallery.main(["--out", str(out), "--briefs", "1", "--candidates", "1"]) == 0
    kit_out = tmp_path / "sheet-kit.png"  # beside --out by default
    sheet = Image.open(kit_out).convert("RGB")
    layout = gallery.KitSheetLayout(rows=2, size=128)  # one brief, then the raster row
    assert sheet.size == (layout.width, layout.height)
    for row in range(2):
        checker, white, kit_dark, black, mark = (
            sheet.crop(layout.tile_box(row, column)) for column in range(5)
        )
        # the transparent logo.png lets the checkerboard through at its corners
        assert {checker.getpixel((1, 1)), checker.getpixel((9, 1))} == set(gallery.CHECKER)
        assert white.getpixel((1, 1)) == gallery.TILE
        assert black.getpixel((1, 1)) == gallery.NEAR_BLACK
        assert kit_dark.getpixel((1, 1)) != gallery.TILE
        for tile in (checker, white, kit_dark, black, mark):
            assert _not_blank(tile), row
        # the logo on dark is drawn in other colours than the logo on white
        assert white.getcolors(1 << 16) != kit_dark.getcolors(1 << 16)
    assert not (tmp_path / "none-kit.png").exists()
    assert gallery.main(["--out", str(tmp_path / "none.png"), "--briefs", "1", "--no-kit"]) == 0
    assert not (tmp_path / "none-kit.png").exists()


def test_gallery_is_deterministic() -> None:
    first = gallery.render_sheet(SAMPLES[2:3], candidates_per_brief=1, size=64)
    second = gallery.render_sheet(SAMPLES[2:3], candidates_per_brief=1, size=64)
    assert first.tobytes() == second.tobytes()


# --- bench -------------------------------------------------------------------------------------


def test_percentile_and_summary_on_known_data() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # 10..1, unsorted on purpose
    assert bench.percentile(values, 50) == 5.5
    assert bench.percentile(values, 95) == pytest.approx(9.55)
    assert bench.percentile(values, 0) == 1.0
    assert bench.percentile(values, 100) == 10.0
    inclusive = statistics.quantiles(values, n=20, method="inclusive")
    assert bench.percentile(values, 95) == pytest.approx(inclusive[18])

    stats = bench.summarize([30.0, 10.0, 20.0, 100.0, 40.0])
    assert (stats.count, stats.median, stats.mean, stats.min, stats.max) == (5, 30, 40, 10, 100)
    assert stats.p95 == pytest.approx(88.0)  # 40 + 0.8 × (100 - 40)
    assert bench.summarize([7.0]).p95 == 7.0
    with pytest.raises(ValueError):
        bench.summarize([])


def test_workload_varies_briefs_indexes_and_never_repeats_a_logo() -> None:
    jobs = bench.workload(2 * len(SAMPLES) * bench.INDEXES + 3)
    assert len(set(jobs)) == len(jobs)
    assert {b.brand_name for b, _, _ in jobs[: len(SAMPLES)]} == {b.brand_name for b in SAMPLES}
    assert {i for _, i, _ in jobs} == set(range(bench.INDEXES))
    first = jobs[0]
    assert first == (SAMPLES[0], 0, brief_seed(SAMPLES[0]))


def test_bench_runs_end_to_end(capsys) -> None:
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    assert bench.main(["--logos", "3", "--size", "64", "--warmup", "1"]) == 0
    out = capsys.readouterr().out
    for field in ("median", "p95", "mean", "min", "max", "peak RSS", "logos    3", "64×64"):
        assert field in out, field
    assert re.search(r"median +\d+\.\d ms", out)
    assert re.search(r"target +median under 50 ms: (PASS|FAIL)", out)
    if before is not None:
        assert os.sched_getaffinity(0) == before  # the pin is undone


def test_bench_fails_over_target_only_when_asked(monkeypatch, capsys) -> None:
    monkeypatch.setattr(bench, "TARGET_MEDIAN_MS", 0.0)
    assert bench.main(["--logos", "1", "--size", "32", "--warmup", "0"]) == 0
    assert bench.main(["--logos", "1", "--size", "32", "--warmup", "0", "--fail-over-target"]) == 1
    assert "FAIL" in capsys.readouterr().out
