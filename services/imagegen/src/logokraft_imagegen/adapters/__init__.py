"""Image generators behind one interface: Seedream and (elsewhere) the local engine."""

from logokraft_imagegen.adapters.base import GeneratedImage, ImageGenerator, ImageRequest

__all__ = ["GeneratedImage", "ImageGenerator", "ImageRequest"]
