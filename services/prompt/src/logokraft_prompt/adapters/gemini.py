"""The Gemini prompt writer: an art-director system prompt, streamed structured JSON out.

Prompts are parsed out of the streamed JSON as each `{"prompt": ...}` object closes, so the
first one reaches the caller while Gemini is still writing the rest. Failures before the
first prompt are retried (honouring RetryInfo); after it, they are raised as they come.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from google.genai import errors as genai_errors
from google.genai import types

from logokraft_kit.genai import (
    NO_FUNCTION_CALLING,
    PROVIDER,
    TRANSPORT_ERRORS,
    answer_text,
    make_client,
    raise_if_rejected,
)
from logokraft_kit.genai import translate_error as translate_genai_error
from logokraft_kit.providers import BadProviderResponse, ProviderError, call_with_retries
from logokraft_prompt.adapters.base import InspirationImage, WrittenPrompt
from logokraft_prompt.adapters.local import LocalPromptWriter

if TYPE_CHECKING:
    from logokraft_engine import Brief

log = logging.getLogger(__name__)

_WHAT = "the prompt writer"
_REJECTED_MESSAGE = (
    "The prompt writer refused this brief as sensitive content; "
    "rephrase the brief or change the inspiration images and try again."
)

SYSTEM_INSTRUCTION = """\
You are the art director of a logo studio. From a client's brief you write prompts for an \
image model that will draw logo candidates.

Each prompt is one self-contained paragraph (60-120 words) that describes a single logo: \
the mark (symbol, lettering or both), its shapes and composition, the typography, the exact \
brand colours as hex codes, and the rendering: flat vector, clean edges, centred on a plain \
light background, no mockups, no photographs, no gradients unless the brief asks, no extra \
text besides the brand name (and the slogan only if the brief gives one).

The prompts in one answer explore clearly different directions (for example a wordmark, a \
geometric symbol, an emblem, a playful mascot, a negative-space idea); never repeat a \
concept. Honour the requested style words, logo type and colours. The client's colour \
words are given as written, with the hex codes they were read as: the words say what the \
client means, the codes are a starting point; honour colour notes in spirit. When \
inspiration images are attached, borrow their mood, palette and level of detail, never copy \
them.

Spell the brand name exactly as given. Answer only with the requested JSON."""


def prompts_schema(count: int) -> dict[str, Any]:
    """The JSON Schema of the structured answer: exactly `count` prompts."""
    return {
        "type": "object",
        "properties": {
            "prompts": {
                "type": "array",
                "minItems": count,
                "maxItems": count,
                "items": {
                    "type": "object",
                    "properties": {
                        "prompt": {"type": "string", "description": "One image prompt."}
                    },
                    "required": ["prompt"],
                },
            }
        },
        "required": ["prompts"],
    }


def _colours(brief: Brief) -> str:
    """The colours understood, each with its plain name when the brief has one."""
    names = tuple(getattr(brief, "color_names", ()))
    if len(names) != len(brief.colors):
        return ", ".join(brief.colors)
    return ", ".join(f"{value} ({name})" for value, name in zip(brief.colors, names, strict=True))


def brief_text(brief: Brief, *, count: int, inspiration_count: int) -> str:
    """The user turn: the brief as labelled lines and the request.

    The colour fields go as the client wrote them ("navy and gold", "warm earth tones"),
    beside the colours they were read as and the notes with no colour in them: Gemini
    reads the words better than any table. (A brief without them, such as an older
    stored one, gives its colours only.)
    """
    words = [w for w in getattr(brief, "color_words", ()) if w]
    notes = [n for n in getattr(brief, "color_notes", ()) if n]
    fields = [
        ("Brand name", brief.brand_name),
        ("Slogan", brief.slogan),
        ("Industry", brief.industry),
        ("Description", brief.description),
        ("Style", ", ".join(brief.style)),
        (
            "Colours as the client wrote them",
            "; ".join(json.dumps(w, ensure_ascii=False) for w in words),
        ),
        ("Brand colours", _colours(brief)),
        (
            "Colour notes (no colour read in them)",
            "; ".join(json.dumps(n, ensure_ascii=False) for n in notes),
        ),
        ("Logo type", brief.logo_type or ""),
        ("Palette of the inspiration images", ", ".join(brief.inspiration_palette)),
    ]
    lines = [f"{label}: {value}" for label, value in fields if value]
    if inspiration_count:
        lines.append(f"{inspiration_count} inspiration image(s) are attached.")
    lines.append(f"Write exactly {count} logo prompts for this brief.")
    return "\n".join(lines)


class PromptObjects:
    """Finds each complete item object of the streamed `{"prompts": [...]}` JSON as it arrives."""

    def __init__(self) -> None:
        self.text = ""
        self._scanned = 0
        self._stack: list[str] = []
        self._in_string = False
        self._escaped = False
        self._item_start: int | None = None
        self._item_depth = 0

    def feed(self, piece: str) -> list[str]:
        """Add streamed text; return the prompts whose objects closed in it."""
        self.text += piece
        found: list[str] = []
        for position in range(self._scanned, len(self.text)):
            closed = self._step(position, self.text[position])
            if closed is not None:
                found.append(_prompt_of(closed))
        self._scanned = len(self.text)
        return found

    def _step(self, position: int, char: str) -> str | None:
        if self._in_string:
            if self._escaped:
                self._escaped = False
            elif char == "\\":
                self._escaped = True
            elif char == '"':
                self._in_string = False
            return None
        if char == '"':
            self._in_string = True
        elif char in "{[":
            # An item is an object directly inside the first-level array.
            if char == "{" and self._stack[-1:] == ["["] and len(self._stack) <= 2:
                self._item_start, self._item_depth = position, len(self._stack) + 1
            self._stack.append(char)
        elif char in "}]" and self._stack:
            depth = len(self._stack)
            self._stack.pop()
            if char == "}" and depth == self._item_depth and self._item_start is not None:
                item, self._item_start = self.text[self._item_start : position + 1], None
                return item
        return None

    def check_complete(self) -> None:
        """Raise BadProviderResponse unless the whole text is valid JSON."""
        text = self.text.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
        try:
            json.loads(text)
        except ValueError as exc:
            raise _bad_response("its answer was not valid JSON") from exc


# Two prompts whose content words overlap this much (Jaccard) are one direction reworded.
REPEAT_SIMILARITY = 0.6
_STOP_WORDS = frozenset(
    [
        "the",
        "and",
        "with",
        "for",
        "its",
        "into",
        "from",
        "that",
        "this",
        "over",
        "under",
        "logo",
        "mark",
        "clean",
        "flat",
        "vector",
        "centred",
        "centered",
        "plain",
        "background",
        "brand",
        "name",
        "colour",
        "colours",
        "color",
        "colors",
    ]
)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _STOP_WORDS)


def repeats_any(text: str, earlier: Sequence[str]) -> bool:
    """True when `text` is one of `earlier`'s directions again (word overlap, not wording)."""
    words = _content_words(text)
    for other in earlier:
        others = _content_words(other)
        union = words | others
        if union and len(words & others) / len(union) >= REPEAT_SIMILARITY:
            return True
    return False


async def _local_directions(brief: Brief, count: int, written: Sequence[str]) -> AsyncIterator[str]:
    """The local writer's concepts (planned distinct) that repeat none of `written`."""
    taken = list(written)
    missing = count - len(taken)
    async for prompt in LocalPromptWriter().write_prompts(brief, count=8 if count < 8 else count):
        if missing <= 0:
            return
        if not repeats_any(prompt.text, taken):
            taken.append(prompt.text)
            missing -= 1
            yield prompt.text


def _prompt_of(item: str) -> str:
    try:
        prompt = json.loads(item).get("prompt")
    except (ValueError, AttributeError) as exc:
        raise _bad_response("a prompt object was not valid JSON") from exc
    if not isinstance(prompt, str) or not prompt.strip():
        raise _bad_response("a prompt object had no prompt text")
    return prompt.strip()


def _bad_response(what: str) -> BadProviderResponse:
    return BadProviderResponse(
        f"The prompt writer returned an unusable answer ({what}); try again.", provider=PROVIDER
    )


def _chunk_text(chunk: types.GenerateContentResponse) -> str:
    """The chunk's answer text; raise ContentRejected for blocked prompts or answers."""
    raise_if_rejected(chunk, message=_REJECTED_MESSAGE, provider=PROVIDER)
    return answer_text(chunk)


def translate_error(exc: Exception) -> ProviderError:
    """Map an SDK or transport exception to the provider error hierarchy."""
    return translate_genai_error(exc, what=_WHAT, provider=PROVIDER)


@dataclass
class _OpenStream:
    """A started stream with the prompts found before the first yield."""

    chunks: AsyncGenerator[str, None]
    parser: PromptObjects
    ready: list[str]


class GeminiPromptWriter:
    """`PromptWriter` over the Gemini API (google-genai), streamed structured output."""

    name = "gemini"
    wants_inspiration_palette = False  # Gemini sees the inspiration images themselves

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "gemini-2.5-pro",
        base_url: str | None = None,
        api_version: str | None = None,
        timeout_s: float = 120.0,
        max_attempts: int = 4,
        retry_deadline_s: float | None = 180.0,
        temperature: float = 0.9,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._client = make_client(
            api_key=api_key, base_url=base_url, api_version=api_version, timeout_s=timeout_s
        )
        self.model = model
        self._max_attempts = max_attempts
        self._retry_deadline_s = retry_deadline_s
        self._temperature = temperature
        self._sleep = sleep

    async def aclose(self) -> None:
        """Close the SDK's HTTP connections."""
        await self._client.aio.aclose()

    async def write_prompts(
        self, brief: Brief, *, count: int, inspiration: Sequence[InspirationImage]
    ) -> AsyncIterator[WrittenPrompt]:
        """Yield `count` prompts, each as soon as its JSON object has streamed in."""
        written: list[str] = []
        repeats = 0
        # The first answer, then (when it repeated itself) one more for what is missing,
        # told which directions are taken.
        for taken in (None, written):
            missing = count - len(written)
            if missing <= 0 or (taken is not None and not repeats):
                break
            request = self._request(brief, missing, inspiration, taken=taken)
            async for text in self._stream(request, expected=missing):
                if len(written) >= count:
                    continue  # read on to the end (see _stream)
                if repeats_any(text, written):
                    repeats += 1
                    log.info("the prompt writer repeated a direction; leaving it out")
                    continue
                yield WrittenPrompt(index=len(written), text=text, spec=None)
                written.append(text)
        if len(written) < count and repeats:
            # Still short: complete with the local writer's distinct concepts.
            async for text in _local_directions(brief, count, written):
                yield WrittenPrompt(index=len(written), text=text, spec=None)
                written.append(text)
        if len(written) < count:
            raise _bad_response(f"it wrote {len(written)} of the {count} prompts asked for")

    async def _stream(self, request: dict[str, Any], *, expected: int) -> AsyncIterator[str]:
        """Each prompt of one streamed answer as its JSON object closes; an answer cut short
        of `expected` prompts raises what went wrong with it."""
        given = 0
        opened = await call_with_retries(
            lambda: self._open(request),
            max_attempts=self._max_attempts,
            deadline=self._retry_deadline_s,
            sleep=self._sleep,
        )
        try:
            for text in opened.ready:
                given += 1
                yield text
            while True:
                # Read to the end even when all prompts are out (only `]}` is left): a
                # google-genai stream abandoned midway logs errors while it is finalized.
                piece = await anext(opened.chunks, None)
                if piece is None:
                    break
                for text in opened.parser.feed(piece):
                    given += 1
                    yield text
        finally:
            await opened.chunks.aclose()
        if given < expected:
            opened.parser.check_complete()

    def _request(
        self,
        brief: Brief,
        count: int,
        inspiration: Sequence[InspirationImage],
        *,
        taken: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        text = brief_text(brief, count=count, inspiration_count=len(inspiration))
        if taken:
            listed = "\n".join(f"- {prompt}" for prompt in taken)
            text += (
                f"\nThese directions are taken already; each of the {count} new prompts must "
                f"differ from every one of them (another concept, not a rewording):\n{listed}"
            )
        parts = [types.Part.from_text(text=text)]
        parts += [types.Part.from_bytes(data=i.data, mime_type=i.mime_type) for i in inspiration]
        config = types.GenerateContentConfig(
            system_instruction=SYSTEM_INSTRUCTION,
            temperature=self._temperature,
            response_mime_type="application/json",
            response_json_schema=prompts_schema(count),
            automatic_function_calling=NO_FUNCTION_CALLING,
        )
        contents = [types.Content(role="user", parts=parts)]
        return {"model": self.model, "contents": contents, "config": config}

    async def _open(self, request: dict[str, Any]) -> _OpenStream:
        """Start one streamed call and read until the first prompt (or the end)."""
        chunks = self._texts(request)
        parser = PromptObjects()
        try:
            async for piece in chunks:
                ready = parser.feed(piece)
                if ready:
                    return _OpenStream(chunks, parser, ready)
        except BaseException:
            await chunks.aclose()
            raise
        return _OpenStream(chunks, parser, [])

    async def _texts(self, request: dict[str, Any]) -> AsyncGenerator[str, None]:
        """The streamed answer text, with SDK errors translated."""
        stream = None
        try:
            stream = await self._client.aio.models.generate_content_stream(**request)
            async for chunk in stream:
                yield _chunk_text(chunk)
        except genai_errors.APIError as exc:
            raise translate_error(exc) from exc
        except TRANSPORT_ERRORS as exc:
            raise translate_error(exc) from exc
        finally:
            if stream is not None:
                await stream.aclose()  # type: ignore[attr-defined]
