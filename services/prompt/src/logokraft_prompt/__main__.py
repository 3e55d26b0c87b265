"""`python -m logokraft_prompt` runs the prompt service."""

import asyncio

from logokraft_prompt.server import serve

if __name__ == "__main__":
    asyncio.run(serve())
