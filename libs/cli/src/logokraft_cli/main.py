"""The `logokraft` command: LogoKraft from a terminal, over the public /api/v1.

Exit codes: 0 done, 1 the API refused the request or the run failed, 2 a usage error,
3 the API is not reachable, 4 not signed in (no token, or the token was refused),
130 interrupted. `--json` prints one JSON document on stdout and no progress bars.
"""

from __future__ import annotations

import contextlib
import functools
import json
import mimetypes
import os
import re
import shlex
import sys
import unicodedata
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import httpx
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperCommand

from logokraft_cli import config
from logokraft_cli.api import (
    LOGIN_HINT,
    Api,
    CliError,
    error_from,
    json_answer,
    multipart,
    unreachable,
)
from logokraft_cli.follow import IMAGE_SUFFIXES, Follower, Tracked
from logokraft_cli.record import Recorder
from logokraft_cli.text import has_unsafe, shown

if TYPE_CHECKING:
    import click

app = typer.Typer(
    help="LogoKraft from a terminal: new logo projects with live progress, refinements, "
    "brand kits.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"logokraft {version('logokraft-cli')}")
        raise typer.Exit()


@app.callback()
def _main(
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """LogoKraft from a terminal: new logo projects with live progress, refinements, brand kits."""


ApiOption = Annotated[
    str | None,
    typer.Option(
        "--api",
        help="API base URL (default: LOGOKRAFT_API_URL, the stored one, http://127.0.0.1:8000).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON on stdout for scripts (no progress bars).")
]


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    sys.stdout.flush()


def _check_out_folder(out: Path | None) -> None:
    """Refuse, before anything is created or counted, a --out that cannot hold the logos: an
    existing file, or a folder whose nearest existing parent is not a writable folder."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out} is a file, not a folder.", code="usage", exit_code=2)
    parent = out
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise CliError(
            f"--out {out}: the folder cannot be created or written to ({parent}).",
            code="usage",
            exit_code=2,
        )


def _check_no_candidates_in(out: Path | None) -> None:
    """Refuse, before anything is created, a --out that already holds another project's
    candidates: the new ones are saved under the same names (candidate-1.png, ...) and would
    replace them."""
    if out is None or not out.is_dir():
        return
    taken = sorted(
        path.name
        for path in out.glob("candidate-*")
        if path.suffix.lower() in (*IMAGE_SUFFIXES, ".svg") and path.is_file()
    )
    if taken:
        raise CliError(
            f"--out {shown(str(out))} already holds logos of another project "
            f"({shown(taken[0])}{' and more' if len(taken) > 1 else ''}), which this one's "
            "would replace; choose another folder, or leave out --out for a folder of its own.",
            code="usage",
            exit_code=2,
        )


def handled(function: F) -> F:
    """Expected failures as a sentence on stderr (and JSON on stdout with --json), an exit
    code, and never a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return function(*args, **kwargs)
        except CliError as error:
            if error.hint == LOGIN_HINT:
                error.hint = _login_hint(function.__name__)
            if as_json:
                _print_json(error.as_json())
            console = _err()
            console.print(f"[bold red]Error:[/] {shown(error.message)}", soft_wrap=True)
            for detail in (error.details or [])[1:]:
                field, message = detail.get("field"), detail.get("message")
                if field and message:
                    console.print(f"  {shown(str(field))}: {shown(str(message))}", soft_wrap=True)
            if error.hint:
                console.print(shown(error.hint), soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            _err().print("Interrupted.")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _login_hint(command: str) -> str:
    """What to do about a refused or missing token: `logokraft login` cannot help while
    LOGOKRAFT_TOKEN overrides what it stores, and `login` itself was just given the token."""
    if command == "login":
        return (
            "Check the token you gave: a `make run` stack prints one with `make -s token` "
            "(or use `logokraft login --dev`)."
        )
    if config.token_from_environment():
        return (
            f"The token comes from {config.TOKEN_ENV}, which overrides `logokraft login`: "
            f"set it to a valid token, or unset it to use the stored one."
        )
    unreadable = config.unreadable_reason()
    if unreadable is not None:  # signed in once, but the file was damaged since
        return (
            f"The stored settings in {config.config_path()} cannot be read ({unreadable}): "
            "run `logokraft login` to write them again."
        )
    return LOGIN_HINT


def _an_id(value: str, what: str, where: str) -> str:
    """A whole id, or a usage error saying what one looks like and where to find it; the
    folder `new` saves into carries only its first 8 characters, an easy one to paste."""
    value = value.strip()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not {what}: ids are whole UUIDs such as "
            f"3715d73f-4d3c-4460-b69c-0cb4a7860c1b ({where} shows them)."
        ) from None


def _project_id(value: str) -> str:
    return _an_id(value, "a project id", "`logokraft list`")


def _asset_id(value: str) -> str:
    return _an_id(value, "an asset id", "`logokraft show PROJECT`")


@contextlib.contextmanager
def _which_id(client: Api, *, expected: str, value: str) -> Iterator[None]:
    """On a 404 for `value` taken as a project (or an asset), say so when it is the other:
    ids of both look alike, and "Asset … not found" for a project's id leaves a person
    believing the project is gone."""
    try:
        yield
    except CliError as error:
        if error.status == 404 and error.hint is None:
            error.hint = _the_other_kind(client, expected=expected, value=value)
        raise


def _the_other_kind(client: Api, *, expected: str, value: str) -> str | None:
    try:
        if expected == "asset":
            client.get_json(f"/projects/{value}")
            return (
                f"{value} is a project, not a logo: `logokraft show {value}` lists its logos "
                "with their asset ids."
            )
        asset = client.get_json(f"/assets/{value}")
    except CliError:
        return None
    project = asset.get("project_id", "")
    return f"{value} is a logo of project {project}, not a project: use `logokraft show {project}`."


def _api(api: str | None) -> Api:
    """A client of the chosen API; rate-limit waits are noted on stderr (even with --json,
    whose stdout stays one JSON document)."""
    settings = config.resolve(api)
    console = _err()
    return Api(
        settings.api_url, settings.token, on_wait=lambda m: console.print(f"[yellow]{shown(m)}[/]")
    )


# Latin letters that do not decompose into a base letter and an accent.
_LATIN_LETTERS = str.maketrans(
    {"ß": "ss", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Æ": "AE", "æ": "ae", "Œ": "OE"}
    | {"œ": "oe", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "ð": "d", "ı": "i"}
)


def slug(text: str) -> str:
    """A folder name from `text`: lower-case letters and digits between hyphens. Latin letters
    lose their accents, so the name is easy to type ("Café Zoë" → "cafe-zoe"); letters of
    other scripts stay as they are ("珈琲工房 ひかり" → "珈琲工房-ひかり"); "logokraft" when
    nothing is left."""
    words = ""
    for char in unicodedata.normalize("NFC", text.translate(_LATIN_LETTERS)).lower():
        category = unicodedata.category(char)[0]
        ascii_base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if char.isascii() or ascii_base:  # ASCII, or a Latin letter with its accents
            words += ascii_base if ascii_base.isalnum() else "-"
        elif category in "LN" or (category == "M" and words and not words[-1].isascii()):
            words += char  # a letter or digit of another script, or a mark on one
        elif category != "M":  # a mark on a Latin letter goes with its accent
            words += "-"
    value = re.sub(r"-+", "-", words).strip("-")
    return value[:40].strip("-") or "logokraft"


def _project_dir(project: dict[str, Any]) -> Path:
    name = (project.get("brief") or {}).get("brand_name") or "logokraft"
    # The id's hex digits only: an id of "/../../" from a broken server is no path.
    short_id = re.sub(r"[^0-9A-Za-z]", "", str(project["id"]))[:8]
    return Path(f"{slug(name)}-{short_id}")


def _status_style(status: str) -> str:
    colour = {
        "completed": "green",
        "failed": "red",
        "cancelled": "magenta",
        "generating": "cyan",
        "queued": "yellow",
        "pending": "yellow",
    }.get(status, "white")
    return f"[{colour}]{shown(status)}[/]"


# ---- login ---------------------------------------------------------------------------------


CONFIG_PATH_PLACEHOLDER = "{config_path}"


class _ShowsConfigPath(TyperCommand):
    """A command whose help names the config file this run would use (XDG_CONFIG_HOME is
    read when the help is shown, not when the module was imported)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        written = self.help or ""
        self.help = written.replace(CONFIG_PATH_PLACEHOLDER, _shown_path(config.config_path()))
        try:
            super().format_help(ctx, formatter)
        finally:
            self.help = written


def _shown_path(path: Path) -> str:
    """The path, with the home folder as `~` (as a person would type it)."""
    with contextlib.suppress(ValueError, RuntimeError):
        return f"~/{path.relative_to(Path.home())}"
    return str(path)


@app.command(cls=_ShowsConfigPath)
@handled
def login(
    token: Annotated[
        str | None, typer.Option("--token", help="The bearer token (else you are asked).")
    ] = None,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="Get the dev user's token from a `make run` stack on its embedded defaults.",
        ),
    ] = False,
    verify: Annotated[
        bool, typer.Option("--verify/--no-verify", help="Check the token against the API first.")
    ] = True,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store a token (and the API URL) for the other commands.

    They go in {config_path} (mode 0600; the folder follows XDG_CONFIG_HOME).

    With the stack of `make run`: `logokraft login --token "$(make -s token)"`, or
    `logokraft login --dev`.
    """
    if dev and token:
        raise CliError("Give either --token or --dev, not both.", code="usage", exit_code=2)
    api_url = config.resolve(api).api_url
    if dev:
        token = _dev_token(api_url)
    elif not token:
        if as_json or not sys.stdin.isatty():
            token = sys.stdin.readline().strip()
        else:
            token = typer.prompt("Token", hide_input=True).strip()
    token = (token or "").strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if not token:
        raise CliError("No token given.", code="usage", exit_code=2)
    checked: bool | None = None
    warning = None
    if verify:
        with Api(api_url, token) as client:
            try:
                client.get_json("/usage")
                checked = True
            except CliError as error:
                if error.code != "api_unreachable":
                    raise
                warning = f"{error.message} The token was stored without a check."
                checked = False
    stored = config.load_config()
    stored.update(api_url=api_url, token=token)
    path = config.save_config(stored)
    if config.token_from_environment():
        overridden = (
            f"{config.TOKEN_ENV} is set and overrides the stored token: unset it to use this one."
        )
        warning = f"{warning} {overridden}" if warning else overridden
    if as_json:
        _print_json({"config": str(path), "api_url": api_url, "verified": checked})
        if warning:
            _err().print(f"[yellow]{shown(warning)}[/]")
        return
    if warning:
        _err().print(f"[yellow]{shown(warning)}[/]")
    verb = "Signed in" if checked else "Token stored"
    _out().print(shown(f"{verb}: {api_url} (token in {path}, mode 0600)."))


def _dev_token(api_url: str) -> str:
    """The dev user's token from a `make run` stack on its embedded defaults: the gateway's
    `POST /studio/dev-token` (the studio's "Continue as dev user"), which exists only while
    users' tokens are signed with the data dir's local key and the gateway is on loopback."""
    with Api(api_url, None) as client:
        try:
            answer = client.http.post(f"{api_url}/studio/dev-token", timeout=10.0)
        except httpx.TransportError as error:
            raise unreachable(api_url, error) from None
    if answer.status_code in (404, 405):
        raise CliError(
            f"The API at {api_url} does not hand out dev tokens: only a `make run` stack on "
            "its embedded defaults, on a loopback address, does.",
            code="dev_token_unavailable",
            hint='In the LogoKraft checkout: logokraft login --token "$(make -s token)"',
        )
    if answer.status_code != 200:
        raise error_from(answer)
    sent = json_answer(answer)
    token = sent.get("access_token") if isinstance(sent, dict) else None
    if not isinstance(token, str) or not token:
        raise CliError("The API's dev token answer has no access_token.", code="bad_answer")
    return token


@app.command()
@handled
def logout(as_json: JsonOption = False) -> None:
    """Forget the stored token (the API URL stays)."""
    stored = config.load_config()
    had = bool(stored.pop("token", None))
    if had:
        config.save_config(stored)
    if as_json:
        _print_json({"signed_out": had})
    else:
        _out().print("Signed out." if had else "There was no stored token.")


# ---- new -----------------------------------------------------------------------------------


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


@app.command()
@handled
def new(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The brand's name.", show_default=False)
    ],
    industry: Annotated[str | None, typer.Option(help="What the brand does.")] = None,
    slogan: Annotated[str | None, typer.Option(help="A slogan or tagline.")] = None,
    description: Annotated[str | None, typer.Option(help="Anything else to know.")] = None,
    style: Annotated[
        list[str] | None,
        typer.Option("--style", help="Style keywords (repeat, or comma-separated)."),
    ] = None,
    colors: Annotated[
        list[str] | None,
        typer.Option(
            "--colors", "--color", help='Colours in plain words ("navy and gold", "#0a2540").'
        ),
    ] = None,
    logo_type: Annotated[
        str | None,
        typer.Option(help="wordmark, lettermark, combination, emblem or abstract."),
    ] = None,
    count: Annotated[
        int | None, typer.Option("-n", "--count", help="How many candidates (API default 4).")
    ] = None,
    images: Annotated[
        list[Path] | None,
        typer.Option(
            "--image",
            help="An inspiration image (PNG, JPEG or WEBP); repeat for more.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the logos (default ./<brand>-<first 8 of the project id>/)."
        ),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Follow the project and download its logos.")
    ] = True,
    record: Annotated[Path | None, typer.Option(hidden=True)] = None,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a logo project, show each candidate's progress live, and save the logos."""
    _check_out_folder(out)
    _check_no_candidates_in(out)
    form: list[tuple[str, str]] = [("brand_name", name)]
    for field, value in (
        ("industry", industry),
        ("slogan", slogan),
        ("description", description),
        ("logo_type", logo_type),
    ):
        if value is not None:
            form.append((field, value))
    form += [("style", keyword) for keyword in _split(style)]
    form += [("colors", colour) for colour in colors or [] if colour.strip()]
    if count is not None:
        form.append(("num_candidates", str(count)))
    files = [
        (
            "inspiration_images",
            path.name,
            path.read_bytes(),
            mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        )
        for path in images or []
    ]
    body, content_type = multipart(form, files)
    with _api(api) as client:
        with _naming_images(images or []):
            created = json_answer(
                client.request(
                    "POST",
                    "/projects",
                    content=body,
                    headers={"Content-Type": content_type},
                    idempotent=True,
                    expect=(202,),
                    timeout=120.0,
                )
            )
        project = created["project"]
        project_id = created["project_id"]
        out_dir = out or _project_dir(project)
        console = None if as_json else _out()
        recorder = Recorder(_command_line()) if record else None
        brief = project.get("brief") or {}
        wanted = int(brief.get("num_candidates") or 0)
        _say(
            console,
            recorder,
            f"Project [bold]{shown(project_id)}[/] · {shown(brief.get('brand_name', name))} · "
            f"{_plural(wanted, 'candidate') if wanted else '? candidates'} → "
            f"{shown(str(out_dir))}/",
        )
        reading = colour_reading(brief)
        if reading:
            _say(console, recorder, f"Colours: {reading}")
        if not wait:
            if as_json:
                _print_json(created)
            else:
                _say(console, recorder, f"Follow it with `logokraft show {shown(project_id)}`.")
            return
        follower = Follower(
            client,
            project_id,
            select=_candidates,
            out_dir=out_dir,
            console=console,
            slots=[(f"candidate {n}", f"candidate-{n}") for n in range(1, wanted + 1)],
            recorder=recorder,
        )
        done = _follow(follower, project_id)
        try:
            _finish(
                follower,
                done,
                out_dir=out_dir,
                as_json=as_json,
                console=console,
                recorder=recorder,
                what="project",
            )
        finally:
            if record and recorder is not None:
                recorder.save(record)


@contextlib.contextmanager
def _naming_images(images: list[Path]) -> Iterator[None]:
    """The API numbers the inspiration images it refuses ("Inspiration image 2 is …"), from
    1; a person gave file names, so the refusal names the file too."""
    try:
        yield
    except CliError as error:
        indexes = {
            detail.get("index")
            for detail in error.details or []
            if detail.get("field") == "inspiration_images"
        }
        named = [
            f"Image {index} is {images[index - 1]}"
            for index in sorted(i for i in indexes if isinstance(i, int))
            if 1 <= index <= len(images)
        ]
        if named and error.hint is None:
            error.hint = "; ".join(named) + "."
        raise


def _command_line() -> str:
    words = ["logokraft", *sys.argv[1:]]
    if "--record" in words:  # the capture's own option is not part of the story
        at = words.index("--record")
        del words[at : at + 2]
    return " ".join(shlex.quote(word) for word in words)


def _say(console: Console | None, recorder: Recorder | None, markup: str) -> None:
    if console is not None:
        console.print(markup)
    if recorder is not None:
        recorder.line(markup)


def _candidates(asset: dict[str, Any]) -> tuple[str, str] | None:
    if asset.get("parent_asset_id"):
        return None
    number = int(asset.get("position") or 0) + 1
    return f"candidate {number}", f"candidate-{number}"


def _follow(follower: Follower, project_id: str) -> dict[str, Any]:
    try:
        return follower.run()
    except KeyboardInterrupt:
        raise CliError(
            "Stopped following; the project goes on.",
            code="interrupted",
            exit_code=130,
            hint=f"See it with `logokraft show {project_id}`, or stop it with "
            f"`logokraft cancel {project_id}`.",
        ) from None


def _finish(
    follower: Follower,
    done: dict[str, Any],
    *,
    out_dir: Path,
    as_json: bool,
    console: Console | None,
    what: str,
    recorder: Recorder | None = None,
) -> None:
    tracked = sorted(follower.tracked.values(), key=lambda t: int(t.label.split()[-1]))
    saved = [path for t in tracked for path in t.files]
    unsaved = [t for t in tracked if t.download_error]
    failed = [t for t in tracked if t.status == "failed"]
    completed = [t for t in tracked if t.status == "completed"]
    status = str(done.get("status"))
    noun = tracked[0].label.split()[0] if tracked else "logo"
    if as_json:
        _print_json(
            {
                "project_id": follower.project_id,
                "status": status,
                "deleted": bool(done.get("deleted")),
                "completed_assets": done.get("completed_assets"),
                "failed_assets": done.get("failed_assets"),
                "completed": len(completed),
                "failed": len(failed),
                "out_dir": str(out_dir),
                "files": [str(path) for path in saved],
                "assets": [t.as_json() for t in tracked],
                "reconnects": follower.reconnects,
            }
        )
    elif console is not None:
        if saved:
            _say(
                console,
                recorder,
                f"[bold green]Saved {_plural(len(saved), 'file')}[/] in {shown(str(out_dir))}/",
            )
        _say(
            console,
            recorder,
            f"The {what} is {_status_style(status)}: {len(completed)} of "
            f"{_plural(len(tracked), noun)} done, {len(failed)} failed.",
        )
    if unsaved:
        raise CliError(
            f"{len(unsaved)} finished logos could not be saved: {unsaved[0].download_error}",
            code="download_failed",
        )
    if done.get("deleted"):
        raise CliError(
            "The project was deleted while it was followed: its logos and files are gone.",
            code="project_deleted",
        )
    if status in ("failed", "cancelled") or (tracked and len(failed) == len(tracked)):
        raise CliError(f"The {what} ended {status}.", code=f"project_{status}")


# ---- refine --------------------------------------------------------------------------------


@app.command()
@handled
def refine(
    asset_id: Annotated[
        str,
        typer.Argument(metavar="ASSET", help="The asset to refine.", callback=_asset_id),
    ],
    instruction: Annotated[
        str, typer.Argument(metavar="INSTRUCTION", help='What to change, e.g. "make it navy".')
    ],
    count: Annotated[
        int | None, typer.Option("-n", "--count", help="How many variations (API default).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the variations (default: the project's folder)."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Follow the variations and download them.")
    ] = True,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make variations of a finished logo from an instruction, and save them."""
    _check_out_folder(out)
    body: dict[str, Any] = {"instruction": instruction}
    if count is not None:
        body["num_variations"] = count
    with _api(api) as client:
        with _which_id(client, expected="asset", value=asset_id):
            accepted = json_answer(
                client.request(
                    "POST",
                    f"/assets/{asset_id}/refine",
                    json=body,
                    idempotent=True,
                    expect=(202,),
                )
            )
        project_id = accepted["project_id"]
        order = [variation["id"] for variation in accepted["variations"]]
        parent = str(accepted["asset_id"])[:8]
        console = None if as_json else _out()
        if out is None:
            out = _project_dir(client.get_json(f"/projects/{project_id}"))
        if console is not None:
            console.print(
                f'Refining [bold]{asset_id}[/]: "{shown(instruction)}" · '
                f"{_plural(len(order), 'variation')} → {shown(str(out))}/"
            )
        if not wait:
            if as_json:
                _print_json(accepted)
            return

        # Another refinement of this logo saved variation-<parent>-1, ... here: go on from there.
        after = _last_number(out, f"variation-{parent}")

        def select(asset: dict[str, Any]) -> tuple[str, str] | None:
            if asset.get("id") not in order:
                return None
            number = order.index(asset["id"]) + 1
            return f"variation {number}", f"variation-{parent}-{after + number}"

        follower = Follower(
            client,
            project_id,
            select=select,
            out_dir=out,
            console=console,
            slots=[(f"variation {n}", "") for n in range(1, len(order) + 1)],
        )
        done = _follow(follower, project_id)
        _finish(follower, done, out_dir=out, as_json=as_json, console=console, what="refinement")


@app.command()
@handled
def retry(
    asset_id: Annotated[
        str,
        typer.Argument(metavar="ASSET", help="The failed candidate.", callback=_asset_id),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the logo (default: the project's folder)."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Follow the logo and download it.")
    ] = True,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draw a failed candidate again (it costs one image), and save it."""
    _check_out_folder(out)
    with _api(api) as client, _which_id(client, expected="asset", value=asset_id):
        accepted = json_answer(
            client.request("POST", f"/assets/{asset_id}/retry", idempotent=True, expect=(202,))
        )
        project_id = accepted["project_id"]
        retried = str(accepted["asset_id"])
        console = None if as_json else _out()
        if out is None:
            out = _project_dir(client.get_json(f"/projects/{project_id}"))
        label, _ = _candidates(accepted["asset"]) or ("candidate", "")
        if console is not None:
            console.print(f"Trying [bold]{label}[/] ({shown(retried)}) again → {shown(str(out))}/")
        if not wait:
            if as_json:
                _print_json(accepted)
            return

        def select(asset: dict[str, Any]) -> tuple[str, str] | None:
            return _candidates(asset) if asset.get("id") == retried else None

        follower = Follower(
            client, project_id, select=select, out_dir=out, console=console, slots=[(label, "")]
        )
        done = _follow(follower, project_id)
        _finish(follower, done, out_dir=out, as_json=as_json, console=console, what="retry")


# ---- list, show, usage ---------------------------------------------------------------------


@app.command("list")
@handled
def list_projects(
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="How many projects, newest first.")
    ] = 20,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your projects, newest first."""
    projects: list[dict[str, Any]] = []
    cursor = None
    with _api(api) as client:
        while len(projects) < limit:
            params: dict[str, Any] = {"limit": min(100, limit - len(projects))}
            if cursor:
                params["cursor"] = cursor
            page = client.get_json("/projects", params=params)
            projects += page["projects"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
    if as_json:
        _print_json({"projects": projects, "next_cursor": cursor})
        return
    console = _out()
    if not projects:
        console.print('No projects yet: start one with `logokraft new "Acme"`.')
        return
    title = _plural(len(projects), "project")
    if cursor:  # the page was full and more exist: "20 projects" alone read as all of them
        title += f", the newest; more with --limit {limit * 2}"
    if console.width < LIST_TABLE_WIDTH:
        # An 80-column terminal left the brand and the counts 7 characters each, wrapped
        # into "Acme" / "Roaste…" and "4 logos," / "2" / "variati…": two lines a project.
        console.print(title, style="italic")
        for project in projects:
            brief = project.get("brief") or {}
            console.print(
                f"{shown(project['id'])}  {_status_style(project['status'])}  "
                f"{_when(project.get('created_at'))}"
            )
            console.print(f"  {shown(brief.get('brand_name', ''))} · {shown(made(project))}")
        return
    table = Table(
        title=title,
        title_justify="left",
        box=None,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("id", no_wrap=True)
    table.add_column("brand")
    table.add_column("status", no_wrap=True)
    table.add_column("logos", justify="right")
    table.add_column("created", no_wrap=True)
    for project in projects:
        brief = project.get("brief") or {}
        table.add_row(
            shown(project["id"]),
            shown(brief.get("brand_name", "")),
            _status_style(project["status"]),
            shown(made(project)),
            _when(project.get("created_at")),
        )
    console.print(table)


# Below this many columns the list is two lines a project rather than a table.
LIST_TABLE_WIDTH = 100


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def made(project: dict[str, Any]) -> str:
    """What a listed project made of what it asked for, in the studio's words: "3 logos",
    "2 of 3 logos, 1 failed, 1 variation"; "3 logos requested" from a list without counts."""
    asked = int((project.get("brief") or {}).get("num_candidates") or 0)
    counts = project.get("counts")
    if not counts:
        return f"{_plural(asked, 'logo')} requested"
    done = counts.get("candidates_completed", 0)
    parts = [_plural(asked, "logo") if done == asked else f"{done} of {_plural(asked, 'logo')}"]
    if counts.get("candidates_failed"):
        parts.append(f"{counts['candidates_failed']} failed")
    if counts.get("variations_completed"):
        parts.append(_plural(counts["variations_completed"], "variation"))
    if counts.get("variations_failed"):
        parts.append(f"{_plural(counts['variations_failed'], 'variation')} failed")
    return ", ".join(parts)


def colour_reading(brief: dict[str, Any]) -> str | None:
    """What the service understood of the brief's colour words (Rich markup, user text
    escaped): each colour's plain name and hex, then the words it kept as notes for the prompt
    writer ("blurple #5539cc; not colours, kept as notes: zorb"); None without colour words."""
    if not brief.get("color_words"):
        return None
    colors = brief.get("colors") or []
    names = brief.get("color_names") or []
    understood = []
    for index, hex_ in enumerate(colors):
        name = names[index] if index < len(names) else ""
        understood.append(f"{shown(name)} {shown(hex_)}" if name else shown(hex_))
    notes = brief.get("color_notes") or []
    parts = ["; ".join(understood) if understood else "no colour understood"]
    if notes:
        parts.append(f"not colours, kept as notes: {shown(', '.join(notes))}")
    return "; ".join(parts)


def _when(value: str | None) -> str:
    return shown((value or "")[:16].replace("T", " "))


@app.command()
@handled
def show(
    project_id: Annotated[
        str,
        typer.Argument(metavar="PROJECT", help="The project's id.", callback=_project_id),
    ],
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """A project's brief, status and logos."""
    with _api(api) as client, _which_id(client, expected="project", value=project_id):
        project = client.get_json(f"/projects/{project_id}")
    if as_json:
        _print_json(project)
        return
    console = _out()
    brief = project.get("brief") or {}
    console.print(f"[bold]{shown(brief.get('brand_name', ''))}[/]  {shown(project['id'])}")
    console.print(f"status   {_status_style(project['status'])}")
    for label, key in (("industry", "industry"), ("slogan", "slogan")):
        if brief.get(key):
            console.print(f"{label:<8} {shown(str(brief[key]))}")
    if brief.get("style"):
        console.print(f"style    {shown(', '.join(brief['style']))}")
    if brief.get("color_words") or brief.get("colors"):
        console.print(f"colours  {shown(', '.join(brief.get('color_words') or brief['colors']))}")
        reading = colour_reading(brief)
        if reading:
            console.print(f"         {reading}")
    console.print(f"created  {_when(project.get('created_at'))}")
    if project.get("error"):
        console.print(f"[red]error    {shown(str(project['error'].get('message')))}[/]")
    table = Table(
        title=_plural(len(project.get("assets", [])), "logo"),
        title_justify="left",
        box=None,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("#", justify="right")
    table.add_column("asset id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("refines", no_wrap=True)
    table.add_column("note")
    for asset in project.get("assets", []):
        note = asset.get("instruction") or ""
        if asset.get("error"):
            note = asset["error"].get("message", "")
        elif asset.get("status") == "queued" and asset.get("queue_position"):
            note = f"#{asset['queue_position']} in line"
        table.add_row(
            str(int(asset.get("position") or 0) + 1),
            shown(asset["id"]),
            _status_style(asset["status"]),
            shown((asset.get("parent_asset_id") or "")[:8]),
            shown(note),
        )
    console.print(table)


@app.command()
@handled
def usage(api: ApiOption = None, as_json: JsonOption = False) -> None:
    """What you have used of your daily limits."""
    with _api(api) as client:
        data = client.get_json("/usage")
    if as_json:
        _print_json(data)
        return

    def of(used: int, limit: int) -> str:
        return shown(f"{used} of {limit}" if limit else f"{used} (unlimited)")

    console = _out()
    hours = int(data.get("window_seconds", 86400)) // 3600
    console.print(f"images    {of(data['images_used'], data['images_limit'])} in {hours} h")
    console.print(
        f"projects  {of(data['projects_in_flight'], data['projects_in_flight_limit'])} in progress"
    )
    if data.get("resets_at"):
        console.print(f"more from {_when(data['resets_at'])} UTC")


# ---- kit, cancel, delete -------------------------------------------------------------------


@app.command()
@handled
def kit(
    asset_id: Annotated[
        str,
        typer.Argument(metavar="ASSET", help="The logo's asset id.", callback=_asset_id),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to save the zip.", dir_okay=False)
    ] = None,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download a logo's brand kit (a zip)."""
    with _api(api) as client, _which_id(client, expected="asset", value=asset_id):
        try:
            response = client.request("GET", f"/assets/{asset_id}/brand-kit", timeout=120.0)
        except CliError as error:
            if error.status == 404 and error.message.startswith("There is no such resource"):
                raise CliError(
                    f"This API ({client.base_url}) has no brand-kit endpoint; it needs a newer "
                    "LogoKraft gateway.",
                    code="brand_kit_unsupported",
                    status=404,
                ) from None
            raise
    path = out or Path(_filename(response.headers.get("content-disposition", "")) or "")
    if not out:
        named = Path(path.name) if path.name else Path(f"brand-kit-{asset_id[:8]}.zip")
        # Every logo of a brand has the same kit name: another logo's kit is not replaced.
        path, number = named, 1
        while path.exists():
            number += 1
            path = named.with_name(f"{named.stem}-{number}{named.suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.content)
    if as_json:
        _print_json({"asset_id": asset_id, "file": str(path), "bytes": len(response.content)})
    else:
        _out().print(shown(f"Saved the brand kit to {path} ({len(response.content) // 1024} KB)."))


def _last_number(folder: Path, prefix: str) -> int:
    """The highest N of the files `<prefix>-N.<ext>` in `folder` (0 when there are none), so a
    new run's files never replace an earlier run's."""
    if not folder.is_dir():
        return 0
    name = re.compile(rf"{re.escape(prefix)}-([0-9]+)\.[A-Za-z0-9]+")
    found = (name.fullmatch(path.name) for path in folder.iterdir())
    return max((int(match.group(1)) for match in found if match), default=0)


def _filename(disposition: str) -> str | None:
    """The file name a Content-Disposition header gives: its `filename*` (RFC 6266, RFC 8187:
    charset''percent-encoded) when there is one, else its plain `filename`; only the last path
    part, never a folder, and None for a name with controls or bidi controls (a file named
    `kit\u202egpj.zip` lists as "kitpiz.jpg"; a NUL cannot be written at all)."""
    name = None
    extended = re.search(r"filename\*\s*=\s*([\w-]+)'[^']*'([^;\s]+)", disposition, re.IGNORECASE)
    if extended:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            name = urllib.parse.unquote(extended.group(2), extended.group(1), errors="strict")
    if name is None:
        plain = re.search(r'filename\s*=\s*(?:"([^"]*)"|([^;\s]+))', disposition, re.IGNORECASE)
        name = (plain.group(1) or plain.group(2)) if plain else None
    base = Path(name.replace("\\", "/")).name if name else ""
    return base if base not in ("", ".", "..") and not has_unsafe(base) else None


@app.command()
@handled
def cancel(
    project_id: Annotated[
        str,
        typer.Argument(metavar="PROJECT", help="The project's id.", callback=_project_id),
    ],
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stop a project: queued logos are dropped, finished ones stay."""
    with _api(api) as client, _which_id(client, expected="project", value=project_id):
        project = json_answer(client.request("POST", f"/projects/{project_id}/cancel"))
    if as_json:
        _print_json(project)
    else:
        done = sum(1 for asset in project.get("assets", []) if asset["status"] == "completed")
        _out().print(
            f"Project {project_id} is {_status_style(project['status'])}; "
            f"{done} finished logos kept."
        )


@app.command()
@handled
def delete(
    project_id: Annotated[
        str,
        typer.Argument(metavar="PROJECT", help="The project's id.", callback=_project_id),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    api: ApiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete a project with its logos and images."""
    if not yes and not as_json:
        if not sys.stdin.isatty():
            # No one to ask: deleting anyway would take `echo n | logokraft delete` as a yes.
            raise CliError(
                "Deleting asks for confirmation, and there is no terminal to ask on: "
                "pass -y (--yes) to delete without asking.",
                code="usage",
                exit_code=2,
            )
        typer.confirm(f"Delete project {project_id} and all its logos?", abort=True)
    with _api(api) as client, _which_id(client, expected="project", value=project_id):
        client.request("DELETE", f"/projects/{project_id}", expect=(204,))
    if as_json:
        _print_json({"deleted": project_id})
    else:
        _out().print(f"Deleted project {project_id}.")


__all__ = ["Tracked", "app"]
