"""`python -m logokraft_imagegen` runs the imagegen service."""

import asyncio

from logokraft_imagegen.server import serve

if __name__ == "__main__":
    asyncio.run(serve())
