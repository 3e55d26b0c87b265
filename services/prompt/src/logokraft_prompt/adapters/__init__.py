"""Prompt writers behind one interface: the Gemini writer and (elsewhere) the local one."""

from logokraft_prompt.adapters.base import InspirationImage, PromptWriter, WrittenPrompt

__all__ = ["InspirationImage", "PromptWriter", "WrittenPrompt"]
