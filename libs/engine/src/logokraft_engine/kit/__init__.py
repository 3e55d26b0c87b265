"""logokraft_engine.kit: one finished logo → a brand kit zip (vector and PNG logos for light
and dark backgrounds, the mark alone, favicon and app icons, a social image, the palette and a
README). Pure and synchronous; AI-drawn rasters are vectorised with vtracer and checked.

    kit = build_brand_kit(KitSource("Juniper Ash", spec=asset["spec"]))
    kit.filename, kit.media_type, kit.data  # 'juniper-ash-brand-kit.zip', 'application/zip', …
"""

from logokraft_engine.kit._build import (
    FAVICON_SIZES,
    MEDIA_TYPE,
    BrandKit,
    KitSource,
    build_brand_kit,
    kit_display_filename,
    kit_filename,
)
from logokraft_engine.kit._colors import BrandColor, color_name
from logokraft_engine.kit._mark import mark_svg
from logokraft_engine.kit._svg import KitSvgError, check_outlines
from logokraft_engine.kit._vectorize import (
    MAX_COLORS,
    MAX_MAE,
    MIN_IOU,
    Trace,
    TraceQualityError,
    trace_raster,
)

__all__ = [
    "FAVICON_SIZES",
    "MAX_COLORS",
    "MAX_MAE",
    "MEDIA_TYPE",
    "MIN_IOU",
    "BrandColor",
    "BrandKit",
    "KitSource",
    "KitSvgError",
    "Trace",
    "TraceQualityError",
    "build_brand_kit",
    "check_outlines",
    "color_name",
    "kit_display_filename",
    "kit_filename",
    "mark_svg",
    "trace_raster",
]
