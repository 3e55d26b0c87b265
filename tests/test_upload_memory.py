"""The gateway's memory stays bounded under concurrent maximal uploads.

The whole stack runs as `make run` runs it; the gateway is its own process
(`python -m logokraft_gateway`), whose peak resident set (VmHWM) is read from /proc. Four
users' worth of concurrent project forms, each with five images of the largest accepted
dimensions (solid colour PNGs: a few hundred KB on the wire, tens of megabytes decoded),
must not drive the gateway anywhere near the gigabytes an unbounded decoder reaches; a
form whose last image is just over the pixel cap is refused before any image is decoded.
"""

from __future__ import annotations

import asyncio
import io
import math
import sys
from pathlib import Path

import httpx
import psutil
import pytest
from PIL import Image

from logokraft_dev.devtokens import dev_token
from logokraft_gateway.uploads import MAX_PIXELS
from tests.support import make_run

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status"),
]

CONCURRENT_UPLOADS = 4
IMAGES_PER_UPLOAD = 5
# The gateway idles at roughly 100 MB; one decoded 16 MP RGB image is 48 MB. Before the
# decoding budget, four concurrent forms of five 40 MP images peaked near 3 GB.
PEAK_BOUND_MB = 600
# Refusing a form by its image headers decodes nothing: its peak hardly moves.
REFUSAL_GROWTH_MB = 100


def _largest_accepted() -> tuple[int, int]:
    side = math.isqrt(MAX_PIXELS)
    return side, MAX_PIXELS // side


def _solid_png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _gateway(stack_pid: int) -> psutil.Process:
    for child in psutil.Process(stack_pid).children(recursive=True):
        try:
            if child.cmdline()[1:3] == ["-m", "logokraft_gateway"]:
                return child
        except psutil.NoSuchProcess:
            continue
    raise AssertionError("no logokraft_gateway process under the stack")


def _peak_mb(pid: int) -> float:
    """The process's peak resident set so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def _form(name: str, images: list[bytes]) -> list[tuple[str, tuple]]:
    return [
        ("brand_name", (None, name)),
        ("num_candidates", (None, "1")),
        *[
            ("inspiration_images", (f"big-{i}.png", data, "image/png"))
            for i, data in enumerate(images, start=1)
        ],
    ]


async def _post_all(
    http: httpx.AsyncClient, data_dir: Path, forms: list[list]
) -> list[httpx.Response]:
    """Post the forms at once, each as its own user (a user has few projects in flight)."""
    return await asyncio.gather(
        *(
            http.post(
                "/api/v1/projects",
                files=form,
                headers={"Authorization": f"Bearer {dev_token(data_dir, f'uploader-{n}')}"},
                timeout=120,
            )
            for n, form in enumerate(forms)
        )
    )


async def test_concurrent_maximal_uploads_keep_the_gateway_memory_bounded(
    stack_dir: Path,
) -> None:
    width, height = _largest_accepted()
    colors = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40), (40, 200, 200)]
    largest = [_solid_png((width, height), color) for color in colors]
    over_cap = _solid_png((width + 1, height), (90, 90, 90))
    assert (width + 1) * height > MAX_PIXELS >= width * height

    async with make_run(
        stack_dir / "data",
        LOGOKRAFT_PROMPT_PROVIDER="local",
        LOGOKRAFT_IMAGE_PROVIDER="local",
        LOGOKRAFT_REFINE_PROVIDER="local",
    ) as stack:
        gateway = _gateway(stack.proc.pid)
        idle = _peak_mb(gateway.pid)

        # Four maximal images, then one just over the cap: refused by the headers alone.
        refused = await _post_all(
            stack.http,
            stack.data_dir,
            [_form(f"Over {n}", [*largest[:4], over_cap]) for n in range(CONCURRENT_UPLOADS)],
        )
        after_refusals = _peak_mb(gateway.pid)
        for response in refused:
            assert response.status_code == 413, response.text
            error = response.json()["error"]
            assert error["code"] == "image_too_large"
            assert "image 5" in error["message"]
            assert f"{MAX_PIXELS // 1_000_000} megapixels" in error["message"]

        accepted = await _post_all(
            stack.http,
            stack.data_dir,
            [_form(f"Max {n}", largest) for n in range(CONCURRENT_UPLOADS)],
        )
        peak = _peak_mb(gateway.pid)
        assert [r.status_code for r in accepted] == [202] * CONCURRENT_UPLOADS, [
            r.text for r in accepted
        ]

    print(
        f"gateway peak: idle {idle:.0f} MB, refusals {after_refusals:.0f} MB, uploads {peak:.0f} MB"
    )
    assert after_refusals - idle < REFUSAL_GROWTH_MB, (
        f"refusing over-cap forms raised the gateway's peak from {idle:.0f} to "
        f"{after_refusals:.0f} MB: images were decoded before the cap was checked"
    )
    assert peak < PEAK_BOUND_MB, (
        f"the gateway peaked at {peak:.0f} MB under {CONCURRENT_UPLOADS} concurrent uploads "
        f"of {IMAGES_PER_UPLOAD} {width}x{height} images (bound {PEAK_BOUND_MB} MB)"
    )
