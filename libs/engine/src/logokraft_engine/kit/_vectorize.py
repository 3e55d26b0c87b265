"""Raster logos (AI-drawn PNGs) to vectors: background keyed out, colours reduced, traced with
vtracer, and the trace checked against the raster.

The raster is traced at TRACE_SIZE px on its longer side (768 px: at 512 px small slogan text
and sharp corners came out blobby, 1024 px costs twice the CPU for little gain) and the SVG's
view box keeps those units, so it scales to any size. Corners are kept sharp (vtracer's corner
threshold 30° rather than 60°: hexagons and letter stems stay straight).

The check renders the trace with resvg and compares it with the raster, both at CHECK_SIZE px,
over the logo's area (where either shows ink):

- `mae`: the mean absolute difference per channel (0-255), the trace composited over the
  raster's own background;
- `iou`: the intersection over union of the ink (what is logo, not background) in both.

A trace is good when mae ≤ MAX_MAE and iou ≥ MIN_IOU.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import vtracer
from PIL import Image

from logokraft_engine._palette import to_hex
from logokraft_engine.kit._svg import Vector, png_array, vector_from_svg

TRACE_SIZE = 768
CHECK_SIZE = 256
MAX_COLORS = 6  # logo colours kept (the keyed-out background is not one of them)
MAX_MAE = 16.0
MIN_IOU = 0.82
_BACKGROUND_DISTANCE = 48.0  # RGB distance within which a pixel counts as background
_MERGE_DISTANCE = 28.0  # palette colours closer than this are one colour
_MIN_SHARE = 0.004  # a colour must cover this share of the ink to be kept


class TraceQualityError(ValueError):
    """The vector trace of a raster is too far from it (see `Trace.mae` and `Trace.iou`)."""

    def __init__(self, trace: Trace) -> None:
        super().__init__(
            f"the traced vector differs from the raster: mean error {trace.mae:.1f}/255 "
            f"(max {MAX_MAE}), ink overlap {trace.iou:.3f} (min {MIN_IOU})"
        )
        self.trace = trace


@dataclass(frozen=True)
class Trace:
    """A raster traced to a vector, and how close the vector is to it."""

    vector: Vector  # transparent background, view box in trace pixels
    background: str | None  # the keyed-out background colour, None if it was transparent
    colors: tuple[tuple[str, float], ...]  # the logo's colours with their share of the ink
    mae: float
    iou: float
    source_size: tuple[int, int]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """Whether the trace is close enough to the raster (mae ≤ MAX_MAE, iou ≥ MIN_IOU)."""
        return self.mae <= MAX_MAE and self.iou >= MIN_IOU

    def figures(self) -> dict:
        """The measurements as plain data."""
        return {
            "mae": round(self.mae, 2),
            "iou": round(self.iou, 4),
            "max_mae": MAX_MAE,
            "min_iou": MIN_IOU,
            "ok": self.ok,
            "colors": len(self.colors),
            "trace_size": list(self.vector.view[2:]),
            "source_size": list(self.source_size),
        }


def load_raster(data: bytes) -> np.ndarray:
    """RGBA pixels of raster bytes; raises ValueError when they are not an image."""
    try:
        return png_array(data)
    except Exception as err:  # Pillow raises many types for bad input
        raise ValueError(f"not a readable image: {err}") from None


def trace_raster(
    data: bytes, *, max_colors: int = MAX_COLORS, title: str = "", size: int = TRACE_SIZE
) -> Trace:
    """Vectorise a raster logo on a plain background (or already transparent)."""
    rgba = load_raster(data)
    height, width = rgba.shape[:2]
    small = _resized(rgba, size)
    background, ink = _key(small)
    if not ink.any():
        raise ValueError("the image has no logo on its background")
    rgb = small[:, :, :3].astype(np.float32)
    palette, shares = _palette(rgb, ink, max_colors)
    labels = _nearest(rgb, palette)
    if background is not None:  # each pixel to the nearer of its ink colour and the background
        paper = _paper(background)
        ink_distance = ((rgb - palette[labels]) ** 2).sum(axis=-1)
        ink = ((rgb - paper) ** 2).sum(axis=-1) > ink_distance
    flat = np.zeros(small.shape, dtype=np.uint8)
    flat[ink, :3] = palette[labels[ink]].round().astype(np.uint8)
    flat[ink, 3] = 255
    svg = _vtrace(flat)
    vector, _ = vector_from_svg(svg, drop_background=False)
    hexes = [to_hex(tuple(c)) for c in palette]
    vector = _snap(vector, hexes)
    vector = Vector(vector.body, (0.0, 0.0, float(small.shape[1]), float(small.shape[0])), title)
    mae, iou = compare(vector, rgba, background, palette)
    colors = tuple(sorted(zip(hexes, shares, strict=True), key=lambda item: -item[1]))
    return Trace(vector, background, colors, mae, iou, (width, height))


def _resized(rgba: np.ndarray, longest: int) -> np.ndarray:
    height, width = rgba.shape[:2]
    scale = longest / max(width, height)
    if scale >= 1:
        return rgba
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = Image.fromarray(rgba, "RGBA").resize(size, Image.Resampling.BOX)
    return np.asarray(image)


def _border(array: np.ndarray, width: int = 3) -> np.ndarray:
    return np.concatenate(
        [
            array[:width].reshape(-1, array.shape[-1]),
            array[-width:].reshape(-1, array.shape[-1]),
            array[:, :width].reshape(-1, array.shape[-1]),
            array[:, -width:].reshape(-1, array.shape[-1]),
        ]
    )


def _key(rgba: np.ndarray) -> tuple[str | None, np.ndarray]:
    """The background colour ('#rrggbb', or None when the raster's border is transparent) and
    the ink mask (True where the logo is).

    An opaque background is the median colour of the raster's border; every pixel within
    _BACKGROUND_DISTANCE of it is keyed out, inside the logo too (letter counters, reversed-out
    details), so the logo is transparent wherever the background showed through.
    """
    border = _border(rgba)
    if np.median(border[:, 3]) < 128:
        return None, rgba[:, :, 3] >= 128
    color = np.median(border[:, :3], axis=0)
    distance = np.linalg.norm(rgba[:, :, :3].astype(np.float32) - color, axis=2)
    ink = (distance > _BACKGROUND_DISTANCE) & (rgba[:, :, 3] >= 128)
    return to_hex(tuple(color)), ink


def _edges(rgb: np.ndarray) -> np.ndarray:
    """Where a pixel differs from a neighbour by more than 10 in some channel."""
    values = rgb.astype(np.int16)
    edge = np.zeros(rgb.shape[:2], dtype=bool)
    for channel in range(3):
        plane = values[:, :, channel]
        down = np.abs(plane[1:] - plane[:-1]) > 10
        edge[1:] |= down
        edge[:-1] |= down
        across = np.abs(plane[:, 1:] - plane[:, :-1]) > 10
        edge[:, 1:] |= across
        edge[:, :-1] |= across
    return edge


def _flat_pixels(rgb: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The ink pixels away from edges, so that anti-aliasing blends do not become palette
    colours of their own."""
    flat = ink & ~_edges(rgb)
    if flat.sum() < max(64, ink.sum() * 0.05):  # gradients or noise everywhere: use all ink
        flat = ink
    return rgb[flat]


def _palette(rgb: np.ndarray, ink: np.ndarray, max_colors: int) -> tuple[np.ndarray, list[float]]:
    """At most `max_colors` colours for the ink (Pillow's median cut refined by k-means over
    the flat ink pixels, near-duplicates merged, rare ones dropped) and each one's share."""
    pixels = _flat_pixels(rgb, ink)
    strip = Image.fromarray(pixels.astype(np.uint8)[None, :, :], "RGB")
    quantized = strip.quantize(colors=max_colors, method=Image.Quantize.MEDIANCUT, kmeans=3)
    raw = np.array(quantized.getpalette()[: 3 * max_colors], dtype=np.float32).reshape(-1, 3)
    counts = np.bincount(np.asarray(quantized).ravel(), minlength=len(raw)).astype(np.float64)
    order = np.argsort(-counts)
    kept: list[np.ndarray] = []
    weights: list[float] = []
    for index in order:
        if counts[index] <= 0:
            continue
        color = raw[index]
        near = [i for i, k in enumerate(kept) if np.linalg.norm(k - color) < _MERGE_DISTANCE]
        if near:
            i = near[0]
            total = weights[i] + counts[index]
            kept[i] = (kept[i] * weights[i] + color * counts[index]) / total
            weights[i] = total
        else:
            kept.append(color)
            weights.append(float(counts[index]))
    total = sum(weights)
    chosen = [i for i, w in enumerate(weights) if w / total >= _MIN_SHARE] or [0]
    palette = np.array([kept[i] for i in chosen], dtype=np.float32)
    # Shares over all ink pixels, edges included, as the trace paints them.
    labels = _nearest(rgb[ink], palette)
    shares = np.bincount(labels, minlength=len(palette)) / max(1, labels.size)
    return palette, [float(s) for s in shares]


def _nearest(rgb: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """The index of the nearest palette colour for each pixel of `rgb` (… × 3)."""
    distances = ((rgb[..., None, :] - palette) ** 2).sum(axis=-1)
    return distances.argmin(axis=-1)


def _vtrace(rgba: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG", compress_level=1)
    return vtracer.convert_raw_image_to_svg(
        buffer.getvalue(),
        img_format="png",
        colormode="color",
        hierarchical="stacked",
        mode="spline",
        filter_speckle=4,
        color_precision=8,
        layer_difference=1,
        corner_threshold=30,
        length_threshold=4.0,
        max_iterations=10,
        splice_threshold=45,
        path_precision=3,
    )


def _snap(vector: Vector, palette: list[str]) -> Vector:
    """The trace's fills snapped to the nearest palette colour (vtracer may average a few)."""
    from logokraft_engine._palette import to_rgb

    targets = np.array([to_rgb(c) for c in palette], dtype=np.float32)
    mapping = {}
    for color in vector.colors():
        index = int(_nearest(np.array(to_rgb(color), dtype=np.float32), targets))
        if palette[index] != color:
            mapping[color] = palette[index]
    return vector.recolored(mapping)


def compare(
    vector: Vector, raster: np.ndarray, background: str | None, palette: np.ndarray
) -> tuple[float, float]:
    """(mae, iou) of `vector` against the RGBA `raster`, both at CHECK_SIZE px on the longer
    side, over the pixels where either shows ink (see the module's docstring).

    On an opaque background a raster pixel is ink when it is nearer to one of the `palette`
    colours than to the background (so half-covered edge pixels count half the time)."""
    original = _resized(raster, CHECK_SIZE).astype(np.float32)
    height, width = original.shape[:2]
    rendered = vector.rgba(width, height).astype(np.float32)
    paper = _paper(background)
    alpha_o = original[:, :, 3:] / 255
    alpha_r = rendered[:, :, 3:] / 255
    seen_o = original[:, :, :3] * alpha_o + paper * (1 - alpha_o)
    seen_r = rendered[:, :, :3] * alpha_r + paper * (1 - alpha_r)
    if background is None:
        ink_o = alpha_o[:, :, 0] >= 0.5
    else:
        nearest = palette[_nearest(seen_o, palette)]
        ink_o = ((seen_o - paper) ** 2).sum(axis=-1) > ((seen_o - nearest) ** 2).sum(axis=-1)
    ink_r = alpha_r[:, :, 0] >= 0.5
    area = ink_o | ink_r
    if not area.any():
        return 0.0, 1.0
    mae = float(np.abs(seen_o - seen_r)[area].mean())
    iou = float((ink_o & ink_r).sum() / area.sum())
    return mae, iou


def _paper(background: str | None) -> np.ndarray:
    if background is None:
        return np.array([255.0, 255.0, 255.0], dtype=np.float32)
    return np.array([int(background[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)
