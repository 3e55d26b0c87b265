"""`python -m logokraft_refine` runs the refine service."""

import asyncio

from logokraft_refine.server import serve

if __name__ == "__main__":
    asyncio.run(serve())
