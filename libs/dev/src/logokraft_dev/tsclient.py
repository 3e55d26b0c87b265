"""clients/typescript: a typed TypeScript client generated from docs/openapi.json.

    python -m logokraft_dev.tsclient            # (re)write clients/typescript/src/logokraft.ts
    python -m logokraft_dev.tsclient --check    # exit 1 when it differs (`make lint`, a test)

A small generator on purpose (no Node.js needed, nothing downloaded): it covers what the
gateway's document uses — `$ref`, `anyOf`/`oneOf`, `enum`/`const`, objects with required
and optional properties, arrays, free-form objects, `format: binary`, multipart and JSON
bodies, path, query and header parameters, JSON, binary, empty and `text/event-stream`
answers — and refuses anything else, so a new construct is noticed rather than mistyped.

The output is one dependency-free module for browsers and Node 18+ (global fetch):

- an interface per component schema and per titled model inside the stream's events;
- `LogoKraftClient`, one method per operation named by its operationId (`createProject`,
  `getAsset`, ...), path parameters first, then the body, then an options object (query
  and header parameters, `signal`); failures throw `LogoKraftError` with the status, the
  parsed `ErrorResponse` and `Retry-After`;
- `readEvents(response)`, the parsed events of a stream answer (`streamProject`). A browser
  EventSource can follow a project without it: `stream_url` carries its own token.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from logokraft_dev.openapi import write_or_check

DOCUMENT = Path("docs/openapi.json")
OUTPUT = Path("clients/typescript/src/logokraft.ts")
REGENERATE = "make ts-client"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SCHEMA_KEYS_IGNORED = frozenset(
    {
        "title",
        "description",
        "default",
        "example",
        "examples",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "pattern",
        "contentMediaType",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


class UnsupportedSchema(ValueError):
    """A construct the generator does not know how to type."""


def _camel(name: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    if not words:
        raise UnsupportedSchema(f"cannot name {name!r}")
    head, *rest = words
    return head[:1].lower() + head[1:] + "".join(w[:1].upper() + w[1:].lower() for w in rest)


def _pascal(name: str) -> str:
    camel = _camel(name)
    return camel[:1].upper() + camel[1:]


def _key(name: str) -> str:
    return name if _IDENTIFIER.fullmatch(name) else json.dumps(name)


def _doc(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    lines = text.strip().replace("*/", "*\\/").splitlines()
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


class Generator:
    """Types from schemas; named declarations collected as they are met."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.components: dict[str, Any] = document.get("components", {}).get("schemas", {})
        self.hoisted: dict[str, dict[str, Any]] = {}  # titled inline models -> their schema
        self.stream_events: list[str] = []  # the event unions of stream answers

    # ---- schemas -----------------------------------------------------------------------

    def type_of(self, schema: Any, indent: str = "") -> str:
        if schema is True or schema == {}:
            return "unknown"
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema {schema!r}")
        unknown = (
            set(schema)
            - _SCHEMA_KEYS_IGNORED
            - {
                "$ref",
                "anyOf",
                "oneOf",
                "const",
                "enum",
                "type",
                "items",
                "properties",
                "required",
                "additionalProperties",
                "contentSchema",
            }
        )
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)} in {json.dumps(schema)[:200]}")
        if "$ref" in schema:
            reference = schema["$ref"]
            prefix = "#/components/schemas/"
            if not reference.startswith(prefix) or reference[len(prefix) :] not in self.components:
                raise UnsupportedSchema(f"$ref {reference}")
            return reference[len(prefix) :]
        for combinator in ("anyOf", "oneOf"):
            if combinator in schema:
                return self._union(self.type_of(s, indent) for s in schema[combinator])
        if "const" in schema:
            return json.dumps(schema["const"])
        if "enum" in schema:
            return self._union(json.dumps(value) for value in schema["enum"])
        kind = schema.get("type")
        if isinstance(kind, list):
            return self._union(self.type_of({**schema, "type": k}, indent) for k in kind)
        if kind == "string":
            return "Blob" if schema.get("format") == "binary" else "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "null":
            return "null"
        if kind == "array":
            item = self.type_of(schema.get("items", {}), indent)
            return f"({item})[]" if "|" in item else f"{item}[]"
        if kind == "object" or "properties" in schema:
            title = schema.get("title")
            if schema.get("properties") and title and _IDENTIFIER.fullmatch(title):
                return self._hoist(title, schema)
            return self.object_type(schema, indent)
        if kind is None:
            return "unknown"
        raise UnsupportedSchema(f"type {kind!r}")

    def _union(self, members: Any) -> str:
        return " | ".join(dict.fromkeys(members))

    def _hoist(self, title: str, schema: dict[str, Any]) -> str:
        if title in self.components:
            return title  # an inlined copy of a component (the stream's event schemas)
        known = self.hoisted.setdefault(title, schema)
        if known != schema:
            raise UnsupportedSchema(f"two different inline models titled {title!r}")
        return title

    def object_type(self, schema: dict[str, Any], indent: str) -> str:
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if not properties:
            if extra is False:
                return "Record<string, never>"
            value = "unknown" if extra in (None, True, {}) else self.type_of(extra, indent)
            return f"{{ [key: string]: {value} }}"
        lines = ["{", *self.members(schema, indent + "  "), f"{indent}}}"]
        return "\n".join(lines)

    def members(self, schema: dict[str, Any], indent: str) -> list[str]:
        required = set(schema.get("required", []))
        lines: list[str] = []
        for name, prop in schema.get("properties", {}).items():
            lines += _doc(prop.get("description") if isinstance(prop, dict) else None, indent)
            optional = "" if name in required else "?"
            lines.append(f"{indent}{_key(name)}{optional}: {self.type_of(prop, indent)};")
        return lines

    def declaration(self, name: str, schema: dict[str, Any]) -> list[str]:
        lines = _doc(schema.get("description"), "")
        if schema.get("type") == "object" and schema.get("properties"):
            return [*lines, f"export interface {name} {{", *self.members(schema, "  "), "}"]
        return [*lines, f"export type {name} = {self.type_of(schema)};"]

    # ---- operations --------------------------------------------------------------------

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        found = []
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    found.append((path, method, item[method]))
        return found

    def method(self, path: str, http_method: str, operation: dict[str, Any]) -> tuple[list, list]:
        """The client method of one operation, and the declarations it needs."""
        name = operation.get("operationId")
        if not name or not _IDENTIFIER.fullmatch(name):
            raise UnsupportedSchema(f"{http_method.upper()} {path}: no usable operationId")
        pascal = name[:1].upper() + name[1:]
        declarations: list[list[str]] = []
        parameters = operation.get("parameters", [])
        path_params = [p for p in parameters if p["in"] == "path"]
        options = [p for p in parameters if p["in"] in ("query", "header")]
        for p in parameters:
            if p["in"] not in ("path", "query", "header"):
                raise UnsupportedSchema(f"{name}: parameter in {p['in']}")

        arguments = [f"{_camel(p['name'])}: string" for p in path_params]
        url = path
        for p in path_params:
            url = url.replace(
                "{" + p["name"] + "}", "${encodeURIComponent(" + _camel(p["name"]) + ")}"
            )

        body_kind, body_type = None, None
        body = operation.get("requestBody")
        if body:
            content = body.get("content", {})
            if "application/json" in content:
                body_kind = "json"
                body_type = self.type_of(content["application/json"].get("schema", {}))
            elif "multipart/form-data" in content:
                body_kind = "form"
                body_type = f"{pascal}Form"
                schema = content["multipart/form-data"].get("schema", {})
                declarations.append(self.declaration(body_type, schema))
            else:
                raise UnsupportedSchema(f"{name}: request body {sorted(content)}")
            optional_body = "" if body.get("required") else "?"
            arguments.append(f"body{optional_body}: {body_type}")

        options_type = "RequestOptions"
        if options:
            options_type = f"{pascal}Options"
            names = [_camel(p["name"]) for p in options]
            if len(set(names)) != len(names) or "signal" in names:
                raise UnsupportedSchema(f"{name}: parameter names collide: {names}")
            lines = [f"export interface {options_type} extends RequestOptions {{"]
            for p, option in zip(options, names, strict=True):
                where = "query parameter" if p["in"] == "query" else "header"
                text = p.get("description") or ""
                lines += _doc(f"`{p['name']}` ({where}). {text}".strip(), "  ")
                lines.append(f"  {option}?: {self.type_of(p.get('schema', {}))};")
            lines.append("}")
            declarations.append(lines)
        arguments.append(f"options: {options_type} = {{}}")

        status, answer = self._success(operation)
        if answer == "json":
            content = operation["responses"][status]["content"]["application/json"]
            result = self.type_of(content.get("schema", {}))
        elif answer == "stream":
            result = "Response"
            schema = operation["responses"][status]["content"]["text/event-stream"]["schema"]
            declarations.append(self.event_declaration(f"{pascal}Event", name, schema))
            self.stream_events.append(f"{pascal}Event")
        elif answer == "binary":
            result = "Blob"
        else:
            result = "void"

        query = ", ".join(
            f"{json.dumps(p['name'])}: options.{_camel(p['name'])}"
            for p in options
            if p["in"] == "query"
        )
        headers = ", ".join(
            f"{json.dumps(p['name'])}: options.{_camel(p['name'])}"
            for p in options
            if p["in"] == "header"
        )
        call = [
            f"method: {json.dumps(http_method.upper())}",
            f"path: `{url}`",
            f"answer: {json.dumps(answer)}",
        ]
        if query:
            call.append(f"query: {{ {query} }}")
        if headers:
            call.append(f"headers: {{ {headers} }}")
        if body_kind:
            call.append(f"{body_kind}: body")
        call.append("signal: options.signal")

        text = "\n\n".join(x for x in (operation.get("summary"), operation.get("description")) if x)
        text += f"\n\n`{http_method.upper()} {path}`"
        lines = [
            *_doc(text, "  "),
            f"  {name}({', '.join(arguments)}): Promise<{result}> {{",
            f"    return this.request<{result}>({{",
            *(f"      {part}," for part in call),
            "    });",
            "  }",
        ]
        return lines, declarations

    def _success(self, operation: dict[str, Any]) -> tuple[str, str]:
        statuses = sorted(s for s in operation.get("responses", {}) if s.startswith("2"))
        if not statuses:
            raise UnsupportedSchema(f"{operation.get('operationId')}: no 2xx answer")
        status = statuses[0]
        content = operation["responses"][status].get("content", {})
        if not content:
            return status, "empty"
        if "text/event-stream" in content:
            return status, "stream"
        if list(content) == ["application/json"]:
            return status, "json"
        return status, "binary"

    def event_declaration(self, name: str, operation: str, schema: dict[str, Any]) -> list[str]:
        """The union of a stream's events: `{ event, id?, data }`, data parsed from JSON."""
        variants = []
        for variant in schema.get("oneOf", [schema]):
            props = variant.get("properties", {})
            data = props.get("data", {})
            data_type = self.type_of(data.get("contentSchema", data))
            event = self.type_of(props.get("event", {"type": "string"}))
            has_id = "id" in props
            variants.append(
                f"  | {{ event: {event}; id{'?' if has_id else ''}: "
                f"{'string' if has_id else 'undefined'}; data: {data_type} }}"
            )
        return [
            f"/** One event of `{operation}`'s stream, as `readEvents` parses it. */",
            f"export type {name} =",
            *variants[:-1],
            variants[-1] + ";",
        ]


def generate(document: dict[str, Any]) -> str:
    """The client module of the document."""
    generator = Generator(document)
    info = document.get("info", {})
    components = [
        generator.declaration(name, schema) for name, schema in generator.components.items()
    ]
    methods, extra = [], []
    for path, method, operation in generator.operations():
        lines, declarations = generator.method(path, method, operation)
        methods.append(lines)
        extra += declarations
    hoisted_done: set[str] = set()
    hoisted = []
    while set(generator.hoisted) - hoisted_done:  # a hoisted model may hoist more
        for name in sorted(set(generator.hoisted) - hoisted_done):
            hoisted.append(generator.declaration(name, generator.hoisted[name]))
            hoisted_done.add(name)

    def block(declarations: list[list[str]]) -> list[str]:
        out: list[str] = []
        for declaration in declarations:
            out += [*declaration, ""]
        return out

    lines = [
        f"// {info.get('title', 'API')} {info.get('version', '')} — the TypeScript client.",
        f"// Generated from docs/openapi.json by `{REGENERATE}` "
        "(python -m logokraft_dev.tsclient). Do not edit.",
        "/* eslint-disable */",
        "",
        "// ---- schemas ----",
        "",
        *block(components),
        *block(sorted(hoisted, key=lambda d: d[-1])),
        "// ---- operations' parameters and events ----",
        "",
        *block(extra),
        RUNTIME_HEAD.strip("\n"),
        "",
        *[line for method in methods for line in [*method, ""]][:-1],
        RUNTIME_TAIL.rstrip("\n").replace(
            "StreamEvent", " | ".join(generator.stream_events) or ANY_EVENT
        ),
        "",
    ]
    return "\n".join(lines)


ANY_EVENT = "{ event: string; id?: string; data: unknown }"

RUNTIME_HEAD = """
// ---- the client ----

/** Every request's options: an AbortSignal to cancel it. */
export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** The gateway's URL, e.g. `http://127.0.0.1:8000` (no trailing `/api/v1`). */
  baseUrl: string;
  /** The bearer token (a Supabase access token), or a function giving the current one. */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>);
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** A non-2xx answer: its status, the API's error body when it sent one, and Retry-After. */
export class LogoKraftError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly body: ErrorResponse | null;
  /** Seconds to wait before trying again (429, 503), when the answer said. */
  readonly retryAfter: number | null;
  readonly response: Response;

  constructor(response: Response, body: ErrorResponse | null) {
    super(body?.error?.message ?? `HTTP ${response.status}`);
    this.name = "LogoKraftError";
    this.status = response.status;
    this.code = body?.error?.code ?? null;
    this.body = body;
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    this.retryAfter = Number.isNaN(retryAfter) ? null : retryAfter;
    this.response = response;
  }
}

type Scalar = string | number | boolean | null | undefined;

interface Call {
  method: string;
  path: string;
  answer: "json" | "stream" | "binary" | "empty";
  query?: Record<string, Scalar>;
  headers?: Record<string, Scalar>;
  json?: unknown;
  form?: object;
  signal?: AbortSignal;
}

function formData(fields: object): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (item instanceof Blob) form.append(name, item, (item as File).name || name);
      else form.append(name, String(item));
    }
  }
  return form;
}

/** The LogoKraft API, one method per operation (named by its operationId). */
export class LogoKraftClient {
  readonly baseUrl: string;
  private readonly token: ClientOptions["token"];
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\\/+$/, "");
    this.token = options.token;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  private async request<T>(call: Call): Promise<T> {
    const url = new URL(this.baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value !== undefined && value !== null) headers.set(name, String(value));
    }
    const token = typeof this.token === "function" ? await this.token() : this.token;
    if (token) headers.set("Authorization", `Bearer ${token}`);
    let body: BodyInit | undefined;
    if (call.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(call.json);
    } else if (call.form !== undefined) {
      body = formData(call.form);
    }
    if (call.answer === "json") headers.set("Accept", "application/json");
    if (call.answer === "stream") headers.set("Accept", "text/event-stream");
    const response = await this.fetchImpl(url, {
      method: call.method,
      headers,
      body,
      signal: call.signal,
    });
    if (!response.ok) {
      let error: ErrorResponse | null = null;
      try {
        error = (await response.json()) as ErrorResponse;
      } catch {
        error = null;
      }
      throw new LogoKraftError(response, error);
    }
    switch (call.answer) {
      case "json":
        return (await response.json()) as T;
      case "stream":
        return response as T;
      case "binary":
        return (await response.blob()) as T;
      default:
        return undefined as T;
    }
  }
"""

RUNTIME_TAIL = """
}

/**
 * The events of a `text/event-stream` answer (e.g. `streamProject`'s), `data` parsed as JSON,
 * until the server ends the stream. Comments (keepalives) and `retry:` lines are skipped.
 */
export async function* readEvents<E = StreamEvent>(
  response: Response,
): AsyncGenerator<E, void, undefined> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "message";
  let id: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.search(/\\r\\n|\\r|\\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\\r\\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length) {
            yield { event, id, data: JSON.parse(data.join("\\n")) } as E;
          }
          event = "message";
          id = undefined;
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "id") id = text;
        else if (field === "data") data.push(text);
      }
    }
  } finally {
    reader.releaseLock();
  }
}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_dev.tsclient", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--openapi", type=Path, default=DOCUMENT, help="default: %(default)s")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="compare instead of writing; exit 1 when they differ"
    )
    args = parser.parse_args(argv)
    return write_or_check(
        args.out,
        generate(json.loads(args.openapi.read_text(encoding="utf-8"))),
        check_only=args.check,
        source=str(args.openapi),
        regenerate=REGENERATE,
    )


if __name__ == "__main__":
    sys.exit(main())
