"""The CLI's pieces that need no server: where settings come from, names, the form body."""

from __future__ import annotations

import json
import os
import stat
from email.parser import BytesParser
from email.policy import HTTP
from types import SimpleNamespace

import pytest

from logokraft_cli import config
from logokraft_cli.api import CliError, multipart
from logokraft_cli.main import _filename, _finish, made, slug


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv(config.API_ENV, raising=False)
    monkeypatch.delenv(config.TOKEN_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_the_api_url_comes_from_the_flag_then_the_environment_then_the_file(monkeypatch):
    assert config.resolve().api_url == "http://127.0.0.1:8000"
    config.save_config({"api_url": "http://stored:1", "token": "stored-token"})
    assert config.resolve().api_url == "http://stored:1"
    monkeypatch.setenv(config.API_ENV, "http://env:2/api/v1/")
    assert config.resolve().api_url == "http://env:2"
    assert config.resolve("localhost:3").api_url == "http://localhost:3"


def test_the_token_environment_variable_wins_over_the_stored_token(monkeypatch):
    assert config.resolve().token is None
    path = config.save_config({"token": "stored-token"})
    assert config.resolve().token == "stored-token"
    assert config.resolve().token_source == str(path)
    monkeypatch.setenv(config.TOKEN_ENV, "env-token")
    assert config.resolve().token == "env-token"


def test_the_config_file_is_private(tmp_path):
    path = config.save_config({"token": "secret"})
    assert path == tmp_path / "xdg" / "logokraft" / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert config.load_config() == {"token": "secret"}


def test_folder_names_are_slugs():
    assert slug("Acme Roasters") == "acme-roasters"
    assert slug("  Café & Co.! ") == "cafe-co"
    assert slug("Łódź Ørsted Straße") == "lodz-orsted-strasse"
    assert slug("🙂 !!") == "logokraft"


def test_folder_names_keep_the_letters_of_every_script():
    """A Japanese, Arabic, Greek or Hindi brand's folder is named after the brand, not
    `logokraft-<id>`; Latin letters still lose their accents, and marks stay on their letters."""
    assert slug("珈琲工房 ひかり") == "珈琲工房-ひかり"
    assert slug("Tokyo 東京 Sushi") == "tokyo-東京-sushi"
    assert slug("قهوة الصباح") == "قهوة-الصباح"
    assert slug("Αθήνα Καφέ") == "αθήνα-καφέ"
    assert slug("हिन्दी नाम") == "हिन्दी-नाम"
    assert slug("x\u0301y/z:w") == "xy-z-w"
    assert slug("Ｆｕｌｌ") == "full"


def test_the_form_is_multipart_even_without_files():
    body, content_type = multipart(
        [("brand_name", 'Acme "Q"'), ("style", "bold"), ("style", "minimal")],
        [("inspiration_images", "a.png", b"\x89PNG", "image/png")],
    )
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = [(p.get_param("name", header="content-disposition"), p) for p in message.iter_parts()]
    assert [name for name, _ in parts] == [
        "brand_name",
        "style",
        "style",
        "inspiration_images",
    ]
    assert parts[0][1].get_content() == "Acme %22Q%22" or parts[0][1].get_payload() == 'Acme "Q"'
    assert parts[3][1].get_filename() == "a.png"
    assert parts[3][1].get_payload(decode=True) == b"\x89PNG"
    empty, empty_type = multipart([("brand_name", "Acme")], [])
    assert empty_type.startswith("multipart/form-data; boundary=")
    assert b'name="brand_name"\r\n\r\nAcme\r\n' in empty


def test_a_bad_out_folder_is_refused_before_any_request(tmp_path, monkeypatch):
    """`new --out` naming a file, or a folder that cannot be made, stops with a usage error
    (exit 2, JSON under --json) before the project is created and counted; a good folder goes
    on to the request (here to a closed port: unreachable, exit 3)."""
    from typer.testing import CliRunner

    from logokraft_cli.main import app

    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    runner = CliRunner()
    closed = "http://127.0.0.1:9"
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    for out in (a_file, a_file / "below", locked / "logos"):
        if out.parent == locked and os.access(locked, os.W_OK):
            continue  # root writes anywhere: nothing to refuse there
        result = runner.invoke(app, ["new", "Acme", "--out", str(out), "--api", closed, "--json"])
        assert result.exit_code == 2, (out, result.output)
        assert json.loads(result.stdout)["error"]["code"] == "usage"
        assert "Traceback" not in result.output
    result = runner.invoke(
        app, ["new", "Acme", "--out", str(tmp_path / "new" / "dir"), "--api", closed]
    )
    assert result.exit_code == 3, result.output


def test_list_limit_must_be_positive():
    from typer.testing import CliRunner

    from logokraft_cli.main import app

    for limit in ("0", "-1"):
        result = CliRunner().invoke(app, ["list", "--limit", limit, "--api", "http://127.0.0.1:9"])
        assert result.exit_code == 2 and "No projects" not in result.output, result.output


def test_the_brand_kit_keeps_the_name_the_server_gives_in_any_script():
    """`kit` saves under the header's RFC 6266 `filename*` (a Japanese brand's kit is not
    `brand-kit.zip`), falls back to `filename`, and never writes outside the folder."""
    jp = "attachment; filename=\"brand-kit.zip\"; filename*=UTF-8''%E7%8F%88%E7%90%B2-kit.zip"
    assert _filename(jp) == "珈琲-kit.zip"
    assert _filename("attachment; filename*=utf-8''a%20b.zip; filename=\"ab.zip\"") == "a b.zip"
    assert _filename("attachment; filename*=nope''%FF.zip; filename=\"f.zip\"") == "f.zip"
    assert _filename('attachment; filename="acme-kit.zip"') == "acme-kit.zip"
    assert _filename("attachment; filename=acme.zip") == "acme.zip"
    assert _filename('attachment; filename="../../etc/passwd"') == "passwd"
    assert _filename("attachment; filename*=UTF-8''..%2F..%5Cx.zip") == "x.zip"
    assert _filename('attachment; filename=".."') is None
    assert _filename("attachment") is None


def test_a_project_deleted_while_followed_is_an_error_saying_so(tmp_path, capsys):
    follower = SimpleNamespace(project_id="p1", tracked={}, reconnects=0)
    done = {"status": "cancelled", "completed_assets": 1, "failed_assets": 0, "deleted": True}
    with pytest.raises(CliError) as caught:
        _finish(follower, done, out_dir=tmp_path, as_json=True, console=None, what="project")
    assert caught.value.code == "project_deleted"
    assert "deleted" in caught.value.message
    assert json.loads(capsys.readouterr().out)["deleted"] is True


def test_the_list_says_what_each_project_made_as_the_studio_does():
    def project(asked: int, **counts: int) -> dict:
        zero = dict.fromkeys(
            [
                "candidates_completed",
                "candidates_failed",
                "candidates_cancelled",
                "variations",
                "variations_completed",
                "variations_failed",
            ],
            0,
        )
        return {"brief": {"num_candidates": asked}, "counts": zero | counts}

    assert made(project(3, candidates_completed=3)) == "3 logos"
    assert made(project(1, candidates_completed=1)) == "1 logo"
    assert made(project(4, candidates_completed=1, candidates_cancelled=3)) == "1 of 4 logos"
    assert (
        made(
            project(
                3,
                candidates_completed=2,
                candidates_failed=1,
                variations=3,
                variations_completed=1,
                variations_failed=2,
            )
        )
        == "2 of 3 logos, 1 failed, 1 variation, 2 variations failed"
    )
    assert made({"brief": {"num_candidates": 2}}) == "2 logos requested"  # no counts


def _refused(*_args, **_kwargs):
    import httpx

    from logokraft_cli.api import error_from

    body = {"error": {"code": "unauthenticated", "message": "The access token has expired."}}
    raise error_from(httpx.Response(401, json=body, request=httpx.Request("GET", "http://x")))


def test_a_refused_token_from_the_environment_says_so_not_just_to_log_in(monkeypatch):
    """`logokraft login` cannot fix a refused LOGOKRAFT_TOKEN (it overrides what login
    stores), so the hint names the variable; a refused stored token still says to log in."""
    from typer.testing import CliRunner

    from logokraft_cli.api import LOGIN_HINT, Api
    from logokraft_cli.main import app

    monkeypatch.setattr(Api, "get_json", _refused)
    config.save_config({"token": "stored-token"})
    stored = CliRunner().invoke(app, ["usage", "--json"])
    assert stored.exit_code == 4
    assert json.loads(stored.stdout)["error"]["hint"] == LOGIN_HINT
    monkeypatch.setenv(config.TOKEN_ENV, "stale-token")
    from_env = CliRunner().invoke(app, ["usage"])
    assert from_env.exit_code == 4
    assert "LOGOKRAFT_TOKEN" in from_env.output and "unset it" in from_env.output
    assert "Run `logokraft login`" not in from_env.output


def test_login_with_a_refused_token_does_not_say_to_run_login(monkeypatch):
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    monkeypatch.setattr(Api, "get_json", _refused)
    result = CliRunner().invoke(app, ["login", "--token", "garbage"])
    assert result.exit_code == 4
    assert "Run `logokraft login`" not in result.output
    assert "Check the token you gave" in result.output


def test_login_warns_that_logokraft_token_overrides_what_it_stores(monkeypatch):
    from typer.testing import CliRunner

    from logokraft_cli.main import app

    monkeypatch.setenv(config.TOKEN_ENV, "env-token")
    result = CliRunner().invoke(app, ["login", "--token", "new-token", "--no-verify"])
    assert result.exit_code == 0, result.output
    assert "LOGOKRAFT_TOKEN is set and overrides the stored token" in result.output


def test_the_list_title_counts_one_project_in_the_singular(monkeypatch):
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    project = {
        "id": "3715d73f-4d3c-4460-b69c-0cb4a7860c1b",
        "status": "completed",
        "brief": {"brand_name": "Acme", "num_candidates": 4},
        "created_at": "2026-12-07T00:26:25Z",
    }
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: {"projects": [project]})
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert "1 project\n" in result.output and "1 projects" not in result.output


def test_delete_without_a_terminal_needs_yes_and_never_takes_silence_for_it(monkeypatch):
    """`echo n | logokraft delete ID` deleted the project: with no terminal to ask on, the
    confirmation was skipped. Now it is a usage error until -y says so; nothing is sent."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    sent: list[tuple] = []
    monkeypatch.setattr(Api, "request", lambda self, *args, **kwargs: sent.append(args))
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    pid = "3715d73f-4d3c-4460-b69c-0cb4a7860c1b"
    refused = CliRunner().invoke(app, ["delete", pid], input="n\n")
    assert refused.exit_code == 2 and sent == []
    assert "-y" in refused.output
    deleted = CliRunner().invoke(app, ["delete", pid, "-y"])
    assert deleted.exit_code == 0, deleted.output
    assert sent == [("DELETE", f"/projects/{pid}")]


def test_an_id_that_is_not_a_uuid_is_a_usage_error_saying_what_ids_look_like(monkeypatch):
    """`logokraft show 3715d73f` (the part of the id in the folder's name) got the API's
    "The path parameter project_id is invalid: Input should be a valid UUID, invalid
    character: found `n` at 0."; now it is refused before any request."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    sent: list[tuple] = []
    monkeypatch.setattr(Api, "request", lambda self, *args, **kwargs: sent.append(args))
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    for args in (["show", "3715d73f"], ["cancel", "x"], ["kit", "nope"], ["refine", "1", "navy"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        said = " ".join(result.output.replace("│", " ").split())  # the box wraps it
        assert "is not a" in said and "ids are whole UUIDs such as" in said
    assert sent == []


def test_the_list_on_an_80_column_terminal_wraps_nothing(monkeypatch):
    """At 80 columns the table left 7 characters each to the brand and the counts: "Acme" /
    "Roaste…", "4 logos," / "2" / "variati…". There it is two lines a project."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    project = {
        "id": "3715d73f-4d3c-4460-b69c-0cb4a7860c1b",
        "status": "completed",
        "brief": {"brand_name": "Acme Roasters [bold]", "num_candidates": 4},
        "created_at": "2026-12-07T00:26:25Z",
        "counts": {"candidates_completed": 4, "variations": 2, "variations_completed": 2},
    }
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: {"projects": [project]})
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert "3715d73f-4d3c-4460-b69c-0cb4a7860c1b  completed  2026-12-07 00:26" in result.output
    assert "  Acme Roasters [bold] · 4 logos, 2 variations" in result.output
    assert "…" not in result.output


def test_version_prints_the_package_version():
    """`logokraft --version`, the first thing many try, was 'No such option'."""
    from importlib.metadata import version

    from typer.testing import CliRunner

    from logokraft_cli.main import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"logokraft {version('logokraft-cli')}\n"


def test_login_help_names_the_config_file_in_use(tmp_path, monkeypatch):
    """It always said ~/.config/logokraft/config.json, even with XDG_CONFIG_HOME elsewhere."""
    from typer.testing import CliRunner

    from logokraft_cli.main import app

    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(elsewhere))
    shown = CliRunner().invoke(app, ["login", "--help"])
    assert shown.exit_code == 0, shown.output
    text = "".join(shown.output.split())  # the help wraps long paths
    assert f"{elsewhere}/logokraft/config.json" in text, shown.output
    assert "~/.config" not in text and "{config_path}" not in text
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    default = CliRunner().invoke(app, ["login", "--help"])
    assert "~/.config/logokraft/config.json" in "".join(default.output.split()), default.output


def test_a_project_id_where_an_asset_id_goes_says_which_it_is(monkeypatch):
    """`logokraft kit PROJECT` said "Asset … not found." as if the project were gone: ids of
    projects and logos look alike. Now the 404 says what the id is and what to run."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    project, asset = "3715d73f-4d3c-4460-b69c-0cb4a7860c1b", "9b1e0c4a-5d2f-4c1e-8a3b-7f6e5d4c3b2a"
    found = {f"/projects/{project}": {"id": project}, f"/assets/{asset}": {"project_id": project}}

    def answer(self, method, path, **kwargs):
        if method == "GET" and path in found:
            return SimpleNamespace(json=lambda: found[path])
        kind = "Asset" if path.startswith("/assets/") else "Project"
        name = path.split("/")[2]
        raise CliError(f"{kind} {name} not found.", code="not_found", status=404)

    monkeypatch.setattr(Api, "request", answer)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    for args in (["kit", project], ["refine", project, "navy"], ["retry", project]):
        result = CliRunner().invoke(app, args)
        said = " ".join(result.output.split())
        assert result.exit_code == 1, (args, result.output)
        assert f"{project} is a project, not a logo: `logokraft show {project}`" in said, said
    for args in (["show", asset], ["cancel", asset], ["delete", "-y", asset]):
        result = CliRunner().invoke(app, args)
        said = " ".join(result.output.split())
        assert result.exit_code == 1, (args, result.output)
        assert f"{asset} is a logo of project {project}, not a project" in said, said
    gone = "00000000-0000-4000-8000-000000000000"
    result = CliRunner().invoke(app, ["kit", gone, "--json"])
    assert json.loads(result.stdout)["error"] == {
        "code": "not_found",
        "message": f"Asset {gone} not found.",
        "status": 404,
    }


def test_brackets_in_a_brand_an_instruction_or_an_error_are_shown_as_written(monkeypatch):
    """Text from the user or the API went into Rich markup as it was: a brand "[/]" ended
    `show` (and `new`, after the project was made) with a MarkupError traceback, and
    "[red]Acme" was shown as a red "Acme"."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    project_id = "3715d73f-4d3c-4460-b69c-0cb4a7860c1b"
    project = {
        "id": project_id,
        "status": "failed",
        "brief": {"brand_name": "[/]Acme [red]", "industry": "[bold]x", "style": ["[/]"]},
        "created_at": "2026-12-07T00:26:25Z",
        "error": {"message": "no [/] prompt"},
        "assets": [
            {"id": "a", "status": "completed", "position": 0, "instruction": "[/] bolder"},
        ],
    }
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: project)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    shown = CliRunner().invoke(app, ["show", project_id])
    assert shown.exit_code == 0, shown.output
    for written in ("[/]Acme [red]", "[bold]x", "no [/] prompt", "[/] bolder"):
        assert written in shown.output, (written, shown.output)
    # one asset is "1 logo", as the list says it
    assert "1 logo\n" in shown.output and "1 logos" not in shown.output, shown.output

    def refused(self, method, path, **kwargs):
        raise CliError("The form field '[/]' is not part of a brief.", status=422, code="x")

    monkeypatch.setattr(Api, "request", refused)
    failed = CliRunner().invoke(app, ["new", "[/]"])
    assert failed.exit_code == 1, failed.output
    assert "The form field '[/]' is not part of a brief." in failed.output


def test_an_api_url_that_is_no_http_url_is_a_usage_error_not_a_traceback(monkeypatch):
    """`--api http://[::1` ended with httpx's InvalidURL traceback, and `ftp://…` with
    "not reachable (UnsupportedProtocol)", as if a server were down."""
    from typer.testing import CliRunner

    from logokraft_cli.main import app

    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    for url, problem in (
        ("http://[::1", "invalid port"),
        ("ftp://127.0.0.1:8000", "it is not http or https"),
    ):
        result = CliRunner().invoke(app, ["list", "--api", url, "--json"])
        assert result.exit_code == 2, (url, result.output)
        error = json.loads(result.stdout)["error"]
        assert error["code"] == "usage" and problem in error["message"], error
        assert "Traceback" not in result.output


def test_a_damaged_config_file_is_named_instead_of_saying_nobody_signed_in():
    """A config.json that is not JSON any more read as empty: "You are not signed in", with
    no word of the file that held the token."""
    from typer.testing import CliRunner

    from logokraft_cli.main import app

    config.save_config({"token": "stored-token"})
    config.config_path().write_text('{"token": "stored-tok')
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 4, result.output
    said = " ".join(result.output.split())
    assert f"The stored settings in {config.config_path()} cannot be read (it is not JSON)" in said
    assert "run `logokraft login` to write them again" in said


def test_a_refused_inspiration_image_is_named_by_its_file(tmp_path, monkeypatch):
    """The API says "Inspiration image 2 is not an image we can read": which of the files
    given with --image that was, the person had to count."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    first, second = tmp_path / "logo.png", tmp_path / "notes.png"
    first.write_bytes(b"\x89PNG\r\n\x1a\n")
    second.write_text("not an image")

    def refused(self, method, path, **kwargs):
        raise CliError(
            "Inspiration image 2 is not an image we can read; send PNG, JPEG or WEBP images.",
            status=415,
            code="unsupported_image_type",
            details=[{"field": "inspiration_images", "index": 2, "message": "not PNG"}],
        )

    monkeypatch.setattr(Api, "request", refused)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    result = CliRunner().invoke(app, ["new", "Acme", "--image", str(first), "--image", str(second)])
    assert result.exit_code == 1, result.output
    assert f"Image 2 is {second}." in " ".join(result.output.split()), result.output


def test_visible_writes_controls_and_bidi_controls_as_escapes_and_keeps_every_script():
    from logokraft_cli.text import shown, visible

    assert visible("Acme\u202eevil") == "Acme\\u202eevil"
    assert visible("\x1b[2J\x1b]8;;https://x\x07link\x9b31m") == (
        "\\x1b[2J\\x1b]8;;https://x\\x07link\\x9b31m"
    )
    assert visible("a\u2066b\u2069\u200f\nc\ud800") == "a\\u2066b\\u2069\\u200f\\x0ac\\ud800"
    for kept in ("珈琲工房 ひかり", "قهوة", "👩\u200d💻", "Café\u00a0Zoë", "ab\u200ccd"):
        assert visible(kept) == kept
    assert shown("[red]\x1b") == "\\[red]\\x1b"


def test_server_text_never_reaches_the_terminal_as_escapes_or_bidi_controls(monkeypatch):
    """A brand name, an id, a status or an error from the API was printed raw: an ESC drove
    the terminal (cleared the screen, set colours, hid a link) and U+202E reordered the rest
    of the line (Trojan Source). Each is now written visibly, in every output."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    hostile = "\x1b[2J\u202eAcme\u2066"
    project = {
        "id": f"3715d73f{hostile}",
        "status": f"completed{hostile}",
        "brief": {"brand_name": f"Brand{hostile}", "num_candidates": 1},
        "created_at": f"2026{hostile}",
        "counts": {"candidates_completed": 1},
        "assets": [{"id": f"a{hostile}", "status": "failed", "error": {"message": hostile}}],
    }
    monkeypatch.setattr(
        Api,
        "get_json",
        lambda _s, path, **_k: {"projects": [project]} if path == "/projects" else project,
    )
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    outputs = []
    for columns in ("200", "80"):  # the table, and two lines a project
        monkeypatch.setenv("COLUMNS", columns)
        outputs.append(CliRunner().invoke(app, ["list"]).output)
    outputs.append(CliRunner().invoke(app, ["show", "3715d73f-4d3c-4460-b69c-0cb4a7860c1b"]).output)

    def refused(self, method, path, **kwargs):
        raise CliError(
            f"No{hostile}.",
            status=422,
            code="x",
            details=[{}, {"field": hostile, "message": hostile}],
        )

    usage = {"images_used": hostile, "images_limit": 5}
    usage |= {"projects_in_flight": 0, "projects_in_flight_limit": 3}
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: {**usage, "resets_at": hostile})
    outputs.append(CliRunner().invoke(app, ["usage"]).output)
    monkeypatch.setattr(Api, "request", refused)
    outputs.append(CliRunner().invoke(app, ["new", "Acme"]).output)
    for output in outputs:
        assert not any(char in output for char in "\x1b\u202e\u2066"), repr(output)
        assert "\\x1b[2J\\u202eAcme\\u2066" in "".join(output.split()), repr(output)


def test_the_brand_kit_is_not_saved_under_a_name_with_controls():
    """`kit` wrote the file under the header's name as it was: `kit\u202egpj.zip` lists as
    "kitpiz.jpg", and a NUL (`%00`) ended in a ValueError traceback."""
    assert _filename("attachment; filename*=UTF-8''kit%E2%80%AEgpj.zip") is None
    assert _filename("attachment; filename*=UTF-8''a%00b.zip") is None
    assert _filename('attachment; filename="a\x1b[2Jb.zip"') is None
    assert _filename("attachment; filename*=UTF-8''%D9%82%D9%87%D9%88%D8%A9.zip") == "قهوة.zip"


def test_the_project_folder_takes_only_letters_and_digits_of_the_id():
    from pathlib import Path

    from logokraft_cli.main import _project_dir

    brief = {"brand_name": "Acme"}
    assert _project_dir({"id": "3715d73f-4d3c", "brief": brief}) == Path("acme-3715d73f")
    assert _project_dir({"id": "/../../x/y", "brief": brief}) == Path("acme-xy")


def test_an_answer_that_is_not_json_is_an_error_naming_the_url_not_a_traceback(monkeypatch):
    """`--api` pointing at a web app that answers every path 200 with its HTML page ended in
    a JSONDecodeError traceback."""
    import httpx
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    def html(self, method, path, **kwargs):
        request = httpx.Request(method, f"http://web.example/api/v1{path}")
        return httpx.Response(200, html="<html>hello</html>", request=request)

    monkeypatch.setattr(Api, "request", html)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    for args in (["list"], ["usage"], ["cancel", "3715d73f-4d3c-4460-b69c-0cb4a7860c1b"]):
        result = CliRunner().invoke(app, args)
        said = " ".join(result.output.split())
        assert result.exit_code == 1, (args, result.output)
        assert "answered 200 with text/html, not the LogoKraft API's JSON." in said, said
        assert "Traceback" not in result.output


@pytest.mark.parametrize("columns", ["80", "200"])
def test_the_list_says_when_there_are_more_projects_than_it_shows(monkeypatch, columns):
    """`logokraft list` with 25 projects said "20 projects", as if that were all of them:
    the page's next_cursor was dropped unsaid. Now the title says more exist, and how to
    see them; a list that is whole says nothing more."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    project = {
        "id": "3715d73f-4d3c-4460-b69c-0cb4a7860c1b",
        "status": "completed",
        "brief": {"brand_name": "Acme", "num_candidates": 4},
        "created_at": "2026-12-07T00:26:25Z",
    }
    page = {"projects": [project], "next_cursor": "more"}
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: page)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    monkeypatch.setenv("COLUMNS", columns)
    result = CliRunner().invoke(app, ["list", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "1 project, the newest; more with --limit 2" in result.output
    page["next_cursor"] = None
    whole = CliRunner().invoke(app, ["list", "--limit", "1"])
    assert whole.exit_code == 0, whole.output
    assert "1 project\n" in whole.output and "more" not in whole.output


def test_a_second_kit_of_the_brand_is_saved_beside_the_first(monkeypatch, tmp_path):
    """Every logo of a brand's kit is named `<brand>-brand-kit.zip` by the API, and `logokraft
    kit` wrote it over whatever had that name: the kit of candidate 2 replaced candidate 1's.
    Now a name already taken gets a number, as a browser's download does; `--out` is the
    caller's choice and is written as asked."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    kits = iter([b"first kit", b"second kit", b"third kit"])

    def answer(self, method, path, **kwargs):
        assert (method, path.split("/")[1]) == ("GET", "assets")
        return SimpleNamespace(
            headers={"content-disposition": 'attachment; filename="acme-brand-kit.zip"'},
            content=next(kits),
        )

    monkeypatch.setattr(Api, "request", answer)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for asset in ("3715d73f-4d3c-4460-b69c-0cb4a7860c1b", "4815d73f-4d3c-4460-b69c-0cb4a7860c1b"):
        result = runner.invoke(app, ["kit", asset])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "acme-brand-kit.zip").read_bytes() == b"first kit"
    assert (tmp_path / "acme-brand-kit-2.zip").read_bytes() == b"second kit"
    assert "acme-brand-kit-2.zip" in result.output
    chosen = runner.invoke(app, ["kit", asset, "--out", "acme-brand-kit.zip"])
    assert chosen.exit_code == 0, chosen.output
    assert (tmp_path / "acme-brand-kit.zip").read_bytes() == b"third kit"


def test_new_refuses_an_out_folder_holding_another_projects_candidates(monkeypatch, tmp_path):
    """`logokraft new … --out logos` run twice saved the second project's candidate-1.png
    over the first's. It is refused before the project is created (nothing counted), and a
    folder with other files only is still fine."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    def created(self, method, path, **kwargs):
        raise AssertionError("no project may be created")

    monkeypatch.setattr(Api, "request", created)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    (tmp_path / "candidate-1.png").write_bytes(b"the first project's logo")
    (tmp_path / "candidate-2.svg").write_bytes(b"<svg/>")
    result = CliRunner().invoke(app, ["new", "Acme", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "already holds logos of another project (candidate-1.png and more)" in said, said
    assert (tmp_path / "candidate-1.png").read_bytes() == b"the first project's logo"

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    (other / "candidate-list.txt").write_text("not a logo")
    monkeypatch.setattr(Api, "request", lambda *_a, **_k: (_ for _ in ()).throw(CliError("sent")))
    sent = CliRunner().invoke(app, ["new", "Acme", "--out", str(other)])
    assert "sent" in sent.output, sent.output


def test_show_and_new_say_what_was_understood_of_the_colour_words(monkeypatch):
    """The colour words came back only as written ("blurple and zorb"): nothing said that
    "zorb" was no colour and went to the prompt writer as a note."""
    from typer.testing import CliRunner

    from logokraft_cli.api import Api
    from logokraft_cli.main import app

    project_id = "3715d73f-4d3c-4460-b69c-0cb4a7860c1b"
    brief = {
        "brand_name": "Acme",
        "num_candidates": 1,
        "color_words": ["blurple and zorb", "[b]"],
        "colors": ["#5539cc"],
        "color_names": ["blurple"],
        "color_notes": ["zorb", "[b]"],
    }
    project = {"id": project_id, "status": "pending", "brief": brief, "assets": []}
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: project)
    monkeypatch.setenv(config.TOKEN_ENV, "a-token")
    shown = CliRunner().invoke(app, ["show", project_id])
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert "blurple #5539cc; not colours, kept as notes: zorb, [b]" in said, said

    plain = {**brief, "color_words": [], "colors": ["#000080"], "color_notes": []}
    monkeypatch.setattr(Api, "get_json", lambda *_a, **_k: {**project, "brief": plain})
    assert "notes" not in CliRunner().invoke(app, ["show", project_id]).output
