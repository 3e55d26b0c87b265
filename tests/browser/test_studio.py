"""The studio at `/`, driven in Chromium by its labels against the real gateway and services.

A brief goes in by the form's labels (with an inspiration image), the logos stream in, a
validation error shows next to its field, a logo is refined and its variation and lineage
appear, the project reopens from "Your projects"; then the same on a phone-sized screen
and with the keyboard alone. The studio's own routes are checked without a browser too.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from playwright.async_api import Page, expect

from logokraft_dev.devtokens import dev_token, dev_user_id, mint_token
from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.studio import DEV_TOKEN_PATH, dev_sign_in_allowed
from logokraft_gateway.studio import dev_user_id as studio_dev_user_id
from logokraft_kit.datadir import secret
from logokraft_kit.local_auth import JWT_SECRET_NAME, LOCAL_AUDIENCE, LOCAL_ISSUER
from tests.support import png, read_stream, rows, running_services, serve_gateway, service_env

pytestmark = pytest.mark.e2e

BRAND = "Juniper & Ash"
PHONE = {"width": 390, "height": 844}
TOKEN_KEY = "logokraft.studio.token"  # where the page keeps its token (studio.js)
GENERATION_TIMEOUT_MS = 60_000


# ---- helpers ----------------------------------------------------------------------------------


def inspiration_png(folder: Path) -> Path:
    path = folder / "moodboard.png"
    image = Image.new("RGB", (96, 64), "#2f5d50")
    for x in range(40, 56):
        for y in range(16, 48):
            image.putpixel((x, y), (233, 196, 106))
    image.save(path)
    return path


async def open_studio(page: Page, gateway: str) -> None:
    await page.goto(f"{gateway}/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def sign_in_as_dev(page: Page, gateway: str) -> None:
    await open_studio(page, gateway)
    await page.get_by_role("button", name="Continue as dev user").click()
    await expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    await expect(page.get_by_label("Brand name")).to_be_focused()


async def fill_brief(page: Page, *, brand: str = BRAND, logos: int = 3) -> None:
    await page.get_by_label("Brand name").fill(brand)
    await page.get_by_label("Slogan").fill("Slow-grown, hand-finished")
    await page.get_by_label("Industry").fill("furniture workshop")
    await page.get_by_label("Description").fill("A two-person workshop making oak and ash tables.")
    await page.get_by_label("Style").fill("minimal, crafted")
    await page.get_by_label("Colours").fill("forest green and warm gold")
    await page.get_by_label("Number of logos").fill(str(logos))


def candidate_alt(number: int, brand: str = BRAND) -> str:
    return f"{brand} logo, candidate {number}"


async def wait_for_logos(page: Page, count: int, brand: str = BRAND) -> None:
    for number in range(1, count + 1):
        image = page.get_by_alt_text(candidate_alt(number, brand), exact=True)
        await expect(image).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
        await expect_loaded(image)


async def generate_logos(page: Page, brand: str, logos: int = 1) -> None:
    """Fill the brief for `brand`, press Generate and wait for its `logos` logos."""
    await fill_brief(page, brand=brand, logos=logos)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, logos, brand=brand)


async def refine_logo(page: Page, logo: str, instruction: str, variations: int) -> None:
    """Select the logo named `logo` and ask for `variations` variations of `instruction`."""
    await page.get_by_role("button", name=logo, exact=True).click()
    await page.get_by_label("Instruction").fill(instruction)
    await page.get_by_label("Number of variations").fill(str(variations))
    await page.get_by_role("button", name="Refine").click()


async def expect_loaded(image) -> None:
    """The <img> has decoded a real picture (not a broken-image icon)."""
    await image.evaluate("img => img.decode()")
    assert await image.evaluate("img => img.complete && img.naturalWidth > 0")


async def record_placeholders(page: Page) -> None:
    """Remember every placeholder text the page ever shows (they may be gone quickly)."""
    await page.add_init_script(
        """
        window.__placeholders = [];
        new MutationObserver(() => {
          for (const node of document.querySelectorAll('.placeholder')) {
            if (!window.__placeholders.includes(node.textContent)) {
              window.__placeholders.push(node.textContent);
            }
          }
        }).observe(document, {subtree: true, childList: true, characterData: true});
        """
    )


async def no_horizontal_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    inner = await page.evaluate("window.innerWidth")
    assert width <= inner, f"the page is {width}px wide in a {inner}px window"


# ---- the journey ------------------------------------------------------------------------------


async def test_dev_user_generates_refines_and_reopens_a_project(
    gateway, services, page: Page, console, tmp_path, screenshots, studio_png
):
    await record_placeholders(page)
    await sign_in_as_dev(page, gateway)
    await page.screenshot(path=screenshots / "01-signed-in.png", full_page=True)

    # A validation error of the API (422) shows next to its field.
    console.allow(r"status of 422")
    await fill_brief(page)
    await page.get_by_label("Brand name").fill("")
    await page.get_by_role("button", name="Generate logos").click()
    brand_field = page.get_by_label("Brand name")
    await expect(brand_field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#error-brand_name")
    await expect(error).to_contain_text(re.compile(r"required.*at least 1 character", re.I))
    assert "error-brand_name" in (await brand_field.get_attribute("aria-describedby")).split()
    await expect(brand_field).to_be_focused()
    await page.screenshot(path=screenshots / "02-validation.png", full_page=True)

    # The brief with an inspiration image, previewed before it is sent.
    await brand_field.fill(BRAND)
    await page.get_by_label("Inspiration images").set_input_files(inspiration_png(tmp_path))
    preview = page.get_by_alt_text("Inspiration image 1: moodboard.png")
    await expect(preview).to_be_visible()
    await expect_loaded(preview)
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.get_by_role("heading", name=BRAND, exact=True)).to_be_visible()
    await expect(error).to_be_empty()

    await wait_for_logos(page, 3)
    await expect(page.locator("#stream-status")).to_have_text("Done: 3 logos.")
    seen = await page.evaluate("window.__placeholders")
    assert any(text.startswith(("Queued", "Generating")) for text in seen), seen
    await page.screenshot(path=screenshots / "03-candidates.png", full_page=True)

    # The project's assets as the API has them, for what the page should show.
    token = dev_token(services.data_dir, "dev")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers) as client:
        listing = (await client.get(f"{gateway}/api/v1/projects")).json()["projects"]
        assert [p["brief"]["brand_name"] for p in listing] == [BRAND]
        project_id = listing[0]["id"]
        project = (await client.get(f"{gateway}/api/v1/projects/{project_id}")).json()
        brief = project["brief"]
        assert brief["style"] == ["minimal", "crafted"]
        assert brief["color_words"] == ["forest green and warm gold"]
        assert brief["num_candidates"] == 3
        candidates = sorted(project["assets"], key=lambda a: a["position"])
        second = candidates[1]

    # Selecting a logo opens it large, with its prompt and downloads.
    await page.get_by_role("button", name=candidate_alt(2), exact=True).click()
    detail = page.locator("#detail")
    await expect(detail).to_be_visible()
    await expect(page.get_by_role("heading", name="Candidate 2", exact=True)).to_be_focused()
    large = page.get_by_alt_text(f"{candidate_alt(2)}, enlarged", exact=True)
    await expect(large).to_be_visible()
    await expect_loaded(large)
    await expect(page.locator("#detail-prompt")).to_have_text(second["prompt"])
    png_link = page.get_by_role("link", name="Download PNG")
    await expect(png_link).to_be_visible()
    downloaded = await page.request.get(await png_link.get_attribute("href"))
    assert downloaded.ok and downloaded.headers["content-type"] == "image/png"
    # The SVG link and the brand kit's button only when the asset JSON has them.
    for key, role, name in (
        ("svg_url", "link", "Download SVG"),
        ("brand_kit_url", "button", "Brand kit"),
    ):
        await expect(page.get_by_role(role, name=name)).to_have_count(1 if second.get(key) else 0)
    if second.get("svg_url"):
        svg = await page.request.get(
            await page.get_by_role("link", name="Download SVG").get_attribute("href")
        )
        assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    if second.get("brand_kit_url"):  # fetched with the bearer token, then saved
        async with page.expect_download() as download_info:
            await page.get_by_role("button", name="Brand kit").click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".zip")
        kit = await asyncio.to_thread(Path(await download.path()).read_bytes)
        assert kit[:2] == b"PK"

    # Refine it: the variation appears live beside its parent, with its lineage.
    await page.get_by_label("Instruction").fill("make it navy")
    await page.get_by_label("Number of variations").fill("1")
    await page.get_by_role("button", name="Refine").click()
    variation_alt = f"{candidate_alt(2)}, variation 1"
    variation = page.get_by_alt_text(variation_alt, exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect_loaded(variation)
    parent_alt = await variation.evaluate(
        "img => img.closest('ul.variations').closest('li.card')"
        ".querySelector(':scope > .tile img').alt"
    )
    assert parent_alt == candidate_alt(2)
    assert "variation" in await variation.get_attribute("alt")
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    projects = page.get_by_role("region", name="Your projects")
    await expect(projects.get_by_role("button", name=re.compile(re.escape(BRAND)))).to_contain_text(
        "Done · 3 logos, 1 variation · "
    )

    await page.get_by_role("button", name=variation_alt, exact=True).click()
    lineage = page.get_by_role("navigation", name="Lineage")
    steps = lineage.get_by_role("button")
    await expect(steps).to_have_text(["Candidate 2", "Variation 1: “make it navy”"])
    await expect(steps.nth(1)).to_have_attribute("aria-current", "true")
    await expect(page.locator("#detail-instruction")).to_have_text("Instruction: make it navy")
    async with httpx.AsyncClient(headers=headers) as client:
        variation_id = await variation.evaluate("img => img.closest('li.card').dataset.assetId")
        chain = (await client.get(f"{gateway}/api/v1/assets/{variation_id}/lineage")).json()
        assert [a["id"] for a in chain["lineage"]] == [second["id"], variation_id]
    await page.screenshot(path=screenshots / "04-variation.png", full_page=True)
    # Walk the chain back to the original candidate.
    await steps.first.click()
    await expect(page.get_by_role("heading", name="Candidate 2", exact=True)).to_be_visible()
    await expect(page.get_by_alt_text(f"{candidate_alt(2)}, enlarged", exact=True)).to_be_visible()

    # Reopen the project from "Your projects" after starting a new one.
    await page.get_by_role("button", name="New project").click()
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    await expect(page.locator("#project")).to_be_hidden()
    await projects.get_by_role("button", name=re.compile(re.escape(BRAND))).click()
    await expect(page.get_by_role("heading", name=BRAND, exact=True)).to_be_visible()
    await wait_for_logos(page, 3)
    await expect(page.get_by_alt_text(variation_alt, exact=True)).to_be_visible()
    await page.get_by_role("button", name=variation_alt, exact=True).click()
    await expect(lineage.get_by_role("button")).to_have_count(2)
    await page.screenshot(path=screenshots / "05-reopened.png", full_page=True)
    if studio_png is not None:
        studio_png.parent.mkdir(parents=True, exist_ok=True)
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(path=studio_png, full_page=True)


@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 320, "height": 640}], indirect=True, ids=["phone", "small-phone"]
)
async def test_studio_on_a_phone_sized_screen(gateway, page: Page, screenshots, viewport):
    await sign_in_as_dev(page, gateway)
    await no_horizontal_scroll(page)
    await fill_brief(page, brand="Tidewater", logos=2)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 2, brand="Tidewater")
    await no_horizontal_scroll(page)
    tile = page.get_by_role("button", name=candidate_alt(1, "Tidewater"), exact=True)
    box = await tile.bounding_box()
    assert box is not None and box["width"] >= 120, box  # a thumb-sized target
    await tile.click()
    large = page.get_by_alt_text(f"{candidate_alt(1, 'Tidewater')}, enlarged", exact=True)
    await expect(large).to_be_in_viewport()
    large_box = await large.bounding_box()
    assert large_box["width"] <= viewport["width"]
    await expect(page.get_by_label("Instruction")).to_be_visible()
    await no_horizontal_scroll(page)
    await page.screenshot(path=screenshots / "phone.png", full_page=True)

    # Deleting asks in a dialog that fits the screen, with thumb-sized buttons.
    await page.get_by_role("button", name="Delete project…").click()
    dialog = page.get_by_role("dialog", name="Delete this project?")
    await expect(dialog).to_be_in_viewport(ratio=1)
    for name in ("Keep it", "Delete for good"):
        button_box = await dialog.get_by_role("button", name=name).bounding_box()
        assert button_box["height"] >= 40, (name, button_box)
    await no_horizontal_scroll(page)
    await page.screenshot(path=screenshots / "phone-delete.png")
    await dialog.get_by_role("button", name="Keep it").click()
    await expect(dialog).to_be_hidden()

    # A long file name over a limit wraps instead of widening the page.
    await page.get_by_role("button", name="New project").click()
    long_name = "IMG_20250101_123456789_holiday_moodboard_final_final_v2_really_final.png"
    await page.get_by_label("Inspiration images").set_input_files(
        [
            {
                "name": long_name,
                "mimeType": "image/png",
                "buffer": b"\x89PNG\r\n\x1a\n" + bytes(11 * 2**20),
            }
        ]
    )
    await expect(page.locator("#error-inspiration_images")).to_contain_text(long_name)
    await no_horizontal_scroll(page)


async def test_the_stream_resumes_after_a_dropped_connection(gateway, page: Page):
    """The first stream connection drops after its first asset event; the page's EventSource
    reconnects with Last-Event-ID: no second snapshot, no event twice, every logo arrives."""
    connections = 0

    async def drop_early(route) -> None:
        nonlocal connections
        connections += 1
        if connections > 1:
            await route.continue_()
            return
        response = await route.fetch()  # the whole stream, to its `done`
        frames = (await response.text()).split("\n\n")
        # Up to the first event after the snapshot (id 0 for a new project) that has an id.
        first = next(i for i, f in enumerate(frames) if re.search(r"^id: [1-9]", f, re.M))
        kept = [f.replace("retry: 3000", "retry: 100") for f in frames[: first + 1]]
        await route.fulfill(
            status=200,
            headers={"content-type": "text/event-stream", "cache-control": "no-cache"},
            body="\n\n".join(kept) + "\n\n",
        )

    await page.add_init_script(
        """
        window.__events = [];
        const Original = window.EventSource;
        window.EventSource = class extends Original {
          constructor(url, options) {
            super(url, options);
            for (const type of ['snapshot', 'asset', 'project', 'queue', 'done']) {
              this.addEventListener(type, (e) => window.__events.push([type, e.lastEventId]));
            }
          }
        };
        """
    )
    await page.route(re.compile(r"/api/v1/projects/[^/?]+/stream"), drop_early)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Riverbend", logos=2)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 2, brand="Riverbend")
    await expect(page.locator("#stream-status")).to_have_text("Done: 2 logos.")
    assert connections == 2
    events = await page.evaluate("window.__events")
    assert [kind for kind, _ in events].count("snapshot") == 1, events
    # An event without an id (queue, or done at the last sequence) keeps the last one.
    ids = [int(event_id) for _, event_id in events]
    assert ids == sorted(ids), f"events out of order: {events}"
    assert events[0][0] == "snapshot" and events[-1][0] == "done", events
    assert await page.locator("#candidates > li.card").count() == 2


async def test_placeholders_show_the_place_in_line_progress_and_failures(gateway, page: Page):
    """Queued (with its place in line), generating and failed candidates, from a stream whose
    events are rewritten on the way (the local providers neither queue long nor fail)."""

    async def rewritten(route) -> None:
        response = await route.fetch()
        frames = (await response.text()).split("\n\n")
        parsed = [
            (re.search(r"^event: (\w+)", f, re.M), re.search(r"^data: (.*)$", f, re.M))
            for f in frames
        ]
        data = [(kind[1], json.loads(body[1])) for kind, body in parsed if kind and body]
        project = next(d for kind, d in data if kind == "snapshot")["project"]
        assets = {asset["id"]: asset for asset in project["assets"]}
        assets.update({d["asset"]["id"]: d["asset"] for kind, d in data if kind == "asset"})
        for asset in assets.values():
            asset.update(status="queued", image_url=None, svg_url=None, brand_kit_url=None)
        first, second, third = sorted(assets.values(), key=lambda a: a["position"])
        third_failed = {
            **third,
            "status": "failed",
            "error": {"code": "provider_error", "message": "The image provider refused it."},
        }
        project["assets"] = []
        events = [
            ("snapshot", 0, {"project": project}),
            ("asset", 1, {"asset": first}),
            ("asset", 2, {"asset": second}),
            ("asset", 3, {"asset": third}),
            ("queue", None, {"positions": [{"asset_id": first["id"], "queue_position": 2}]}),
            ("asset", 4, {"asset": {**second, "status": "generating"}}),
            ("asset", 5, {"asset": third_failed}),
        ]
        body = "retry: 600000\n\n" + "".join(
            (f"id: {event_id}\n" if event_id is not None else "")
            + f"event: {kind}\ndata: {json.dumps(data)}\n\n"
            for kind, event_id, data in events
        )
        await route.fulfill(status=200, headers={"content-type": "text/event-stream"}, body=body)

    await page.route(re.compile(r"/api/v1/projects/[^/?]+/stream"), rewritten)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Lantern", logos=3)
    await page.get_by_role("button", name="Generate logos").click()
    placeholders = page.locator("#candidates .placeholder")
    await expect(placeholders).to_have_text(
        ["Queued, number 2 in line", "Generating…", "Failed: The image provider refused it."]
    )
    await expect(page.get_by_role("img", name="Lantern candidate 3: Failed")).to_be_visible()


async def focused_text(page: Page) -> str:
    return await page.evaluate(
        "() => { const e = document.activeElement;"
        " return (e.getAttribute('aria-label') || e.labels?.[0]?.textContent"
        " || e.querySelector?.('img')?.alt || e.textContent || '').trim(); }"
    )


async def tab_to(page: Page, text: str, *, limit: int = 40) -> None:
    """Press Tab until the focused element is named `text`; it must show a focus ring."""
    seen = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        name = await focused_text(page)
        seen.append(name)
        if name == text:
            outline = await page.evaluate(
                "() => getComputedStyle(document.activeElement).outlineStyle"
            )
            assert outline not in ("none", ""), f"{text!r} has no visible focus"
            return
    raise AssertionError(f"Tab never reached {text!r}; it went through {seen}")


async def test_studio_with_the_keyboard_alone(gateway, page: Page, screenshots):
    await open_studio(page, gateway)
    await tab_to(page, "Continue as dev user")
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Brand name")).to_be_focused()
    await page.keyboard.type("Keyhole")
    for label, text in (("Slogan", "Open every door"), ("Industry", "locksmiths")):
        await tab_to(page, label)
        await page.keyboard.type(text)
    await tab_to(page, "Number of logos")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("2")
    await tab_to(page, "Generate logos")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Keyhole", exact=True)).to_be_focused()
    await wait_for_logos(page, 2, brand="Keyhole")

    await tab_to(page, candidate_alt(1, "Keyhole"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Candidate 1", exact=True)).to_be_focused()
    await tab_to(page, "Instruction")
    await page.keyboard.type("bolder")
    await page.keyboard.press("Enter")  # submits the refine form
    variation = page.get_by_alt_text(f"{candidate_alt(1, 'Keyhole')}, variation 1", exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(page.get_by_alt_text(f"{candidate_alt(1, 'Keyhole')}, variation 2")).to_be_visible(
        timeout=GENERATION_TIMEOUT_MS
    )
    await page.screenshot(path=screenshots / "keyboard.png", full_page=True)
    await page.keyboard.press("Escape")  # closes the selected logo; focus goes back to it
    await expect(page.locator("#detail")).to_be_hidden()
    await expect(
        page.get_by_role("button", name=candidate_alt(1, "Keyhole"), exact=True)
    ).to_be_focused()


async def test_typing_while_the_list_loads_stays_in_the_field_typed_in(gateway, page: Page):
    """Signed in, the brief shows at once, but the list of projects is still on its way: the
    person clicks into Industry and types. The focus used to jump to the brand name when the
    list arrived, and the rest of what they typed went there ("Juniper & Ashfurniture")."""
    listed = asyncio.Event()
    held: list = []

    async def hold_the_list(route) -> None:
        # The first list after the sign-in's check of the token (`?limit=1`) waits.
        checking = "limit=1&" in f"{route.request.url}&"
        if route.request.method == "GET" and not checking and not held:
            held.append(route.request.url)
            await listed.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/projects(\?|$)"), hold_the_list)
    await open_studio(page, gateway)
    await page.get_by_role("button", name="Continue as dev user").click()
    brand, industry = page.get_by_label("Brand name"), page.get_by_label("Industry")
    await expect(brand).to_be_focused()
    await page.keyboard.type("Juniper")
    await industry.click()
    await page.keyboard.type("furni")
    assert held, "the list was not asked for"
    listed.set()
    await expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.keyboard.type("ture")
    await expect(industry).to_be_focused()
    await expect(industry).to_have_value("furniture")
    await expect(brand).to_have_value("Juniper")


async def test_signing_in_with_a_pasted_access_token(gateway, services, page: Page, console):
    await open_studio(page, gateway)
    console.allow(r"status of 401")
    field = page.get_by_label("Access token")
    await field.fill("not-a-token")
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.locator("#access-token-error")).to_contain_text("not accepted")
    await expect(field).to_have_attribute("aria-invalid", "true")

    await field.fill(dev_token(services.data_dir, "bob"))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    await expect(page.locator("#who-name")).to_have_text("bob@logokraft.local")
    await expect(page.get_by_text("No projects yet")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_label("Access token")).to_be_visible()


# ---- the studio's routes, without a browser ---------------------------------------------------


def settings_for(tmp_path: Path, **values) -> GatewaySettings:
    return GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path / "data", **values)


def test_the_studio_is_served_at_the_root_and_kept_out_of_the_openapi(tmp_path):
    client = TestClient(create_app(settings_for(tmp_path)))  # no lifespan: no services needed
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for label in ("Brand name", "Generate logos", "Your projects", "Access token"):
        assert label in page.text
    for name in ("studio.js", "studio.css"):
        assert client.get(f"/studio/static/{name}").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if not path.startswith(("/api/v1/", "/healthz", "/readyz"))]
    assert client.get("/docs").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"


def test_the_dev_token_is_the_dev_users_and_only_for_the_studios_own_page(tmp_path):
    settings = settings_for(tmp_path, LOGOKRAFT_CORS_ORIGINS="*")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    assert client.get("/studio/config").json()["dev_sign_in"] is True
    answer = client.post(DEV_TOKEN_PATH, headers={"Origin": "http://127.0.0.1:8000"})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    secret = (tmp_path / "data" / "secrets" / JWT_SECRET_NAME).read_text().strip()
    claims = jwt.decode(
        answer.json()["access_token"],
        secret,
        algorithms=["HS256"],
        audience=LOCAL_AUDIENCE,
        issuer=LOCAL_ISSUER,
    )
    assert uuid.UUID(claims["sub"]) == dev_user_id("dev") == studio_dev_user_id()
    # Not for another site's page (even with CORS allowing every origin), nor for a name
    # that resolves to 127.0.0.1 (DNS rebinding: same-origin to the browser).
    foreign = client.post(DEV_TOKEN_PATH, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "access_token" not in foreign.text
    rebound = {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}
    refused = client.post(DEV_TOKEN_PATH, headers=rebound)
    assert refused.status_code == 403  # the route exists here; this request is refused
    assert "loopback address" in refused.json()["error"]["message"]
    # Reached under that name, the studio is told to ask for an access token instead.
    assert client.get("/studio/config", headers=rebound).json()["dev_sign_in"] is False
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert client.get("/studio/config", headers={"Host": host}).json()["dev_sign_in"]


@pytest.mark.parametrize(
    "values",
    [
        {"LOGOKRAFT_JWT_SECRET": "x" * 40},
        {"SUPABASE_JWKS_URL": "https://project.supabase.co/auth/v1/.well-known/jwks.json"},
        {"LOGOKRAFT_JWT_ISSUER": "https://project.supabase.co/auth/v1"},
        {"LOGOKRAFT_HTTP_HOST": "0.0.0.0"},
        {"LOGOKRAFT_PUBLIC_URL": "https://logos.example.com"},
    ],
    ids=["jwt-secret", "jwks", "issuer", "public-host", "public-url"],
)
def test_there_is_no_dev_token_outside_the_local_default(tmp_path, values):
    settings = settings_for(tmp_path, **values)
    assert not dev_sign_in_allowed(settings)
    client = TestClient(create_app(settings))
    assert client.post(DEV_TOKEN_PATH).status_code == 404
    assert client.get("/studio/config").json()["dev_sign_in"] is False
    assert client.get("/").status_code == 200  # the studio still works, with a pasted token


async def test_a_project_deleted_elsewhere_leaves_the_page_without_a_retry_loop(
    gateway, page: Page, console
):
    """Deleted from another tab or the API: reopening it, or its stream answering 404, takes
    it off the list and back to the brief with a word why; the stream is not retried."""
    console.allow(r"status of 404 \(Not Found\)")  # what this test is about
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Gone Tomorrow", logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand="Gone Tomorrow")
    await expect(page.locator("#stream-status")).to_have_text("Done: 1 logo.")
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    project_id = await page.locator("#project-list button[aria-current=true]").get_attribute(
        "data-project-id"
    )
    async with httpx.AsyncClient(base_url=gateway) as client:
        deleted = await client.delete(
            f"/api/v1/projects/{project_id}", headers={"Authorization": f"Bearer {token}"}
        )
    assert deleted.status_code == 204
    await page.locator(f'#project-list button[data-project-id="{project_id}"]').click()
    await expect(page.locator("#notice")).to_contain_text("deleted")
    await expect(page.get_by_label("Brand name")).to_be_visible()
    await expect(
        page.locator(f'#project-list button[data-project-id="{project_id}"]')
    ).to_have_count(0)

    # A stream that answers 404 (the project deleted while it was being made) is final.
    streams = 0

    async def gone(route) -> None:
        nonlocal streams
        streams += 1
        await route.fulfill(
            status=404,
            headers={"content-type": "application/json"},
            body=json.dumps({"error": {"code": "not_found", "message": "Project not found."}}),
        )

    await page.route(re.compile(r"/api/v1/projects/[^/?]+/stream"), gone)
    await page.locator("#notice").evaluate("node => { node.textContent = ''; }")
    await fill_brief(page, brand="Gone Again", logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#notice")).to_contain_text("deleted")
    await expect(page.get_by_label("Brand name")).to_be_visible()
    await expect(page.locator("#stream-status")).not_to_have_text("Connection lost; reconnecting…")
    assert streams in (1, 2), streams  # EventSource's try, then at most one with the header


@pytest.mark.parametrize("viewport", [PHONE], indirect=True)
async def test_a_long_unbroken_name_does_not_widen_the_page_on_a_phone(gateway, page: Page):
    brand = "Supercalifragilisticexpialidociousroastersandimporters"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await no_horizontal_scroll(page)


# ---- cancelling and deleting --------------------------------------------------------------------


async def api_project(gateway: str, token: str, project_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=gateway) as client:
        return await client.get(
            f"/api/v1/projects/{project_id}", headers={"Authorization": f"Bearer {token}"}
        )


async def open_project_id(page: Page) -> str:
    return await page.locator("#project-list button[aria-current=true]").get_attribute(
        "data-project-id"
    )


async def test_cancelling_a_project_in_flight(held_gateway, page: Page):
    """The drawing is held, so the project is still being made when Cancel is pressed: it
    stops, the page and the list say so, and Cancel goes away."""
    await sign_in_as_dev(page, held_gateway.url)
    await fill_brief(page, brand="Halfway House", logos=2)
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.get_by_role("heading", name="Halfway House", exact=True)).to_be_visible()
    await expect(page.locator("#candidates .placeholder").first).to_have_text("Generating…")
    cancel = page.get_by_role("button", name="Cancel generation")
    await expect(cancel).to_be_visible()
    await cancel.click()
    await expect(page.locator("#project-status")).to_have_text(re.compile(r"^Cancelled"))
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Cancelled: "))
    await expect(cancel).to_be_hidden()
    await expect(page.get_by_role("heading", name="Halfway House", exact=True)).to_be_focused()
    item = page.locator("#project-list button[aria-current=true]")
    await expect(item).to_contain_text("Cancelled")
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    answer = await api_project(held_gateway.url, token, await open_project_id(page))
    assert answer.json()["status"] == "cancelled"
    await expect(page.locator("#candidates .placeholder").first).to_have_text("Cancelled")


async def test_a_cancelled_project_says_what_became_of_every_logo_asked_for(
    held_gateway, page: Page
):
    """Cancelled while its logos were being made, a project shows the cards of the logos it
    had begun, each cancelled; the badge counts all three asked for as cancelled, and a line
    under the cards says the rest were cancelled before they were started (they have no
    card), so "0 of 3" beside one card no longer leaves the other two unexplained."""
    brand = "Three Asked"
    await sign_in_as_dev(page, held_gateway.url)
    await fill_brief(page, brand=brand, logos=3)
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#candidates .placeholder").first).to_have_text("Generating…")
    await page.get_by_role("button", name="Cancel generation").click()
    status = page.locator("#project-status")
    await expect(status).to_have_text("Cancelled · 0 of 3 logos, 3 cancelled")
    await expect(page.locator("#stream-status")).to_have_text(
        "Cancelled: 0 of 3 logos, 3 cancelled."
    )
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    project = (await api_project(held_gateway.url, token, await open_project_id(page))).json()
    begun = len(project["assets"])
    cards = page.locator("#candidates > li.card")
    await expect(cards).to_have_count(begun)
    await expect(page.locator("#candidates .placeholder")).to_have_text(["Cancelled"] * begun)
    note = page.locator("#not-started")
    if begun == 3:
        await expect(note).to_be_hidden()
    else:
        others = 3 - begun
        await expect(note).to_have_text(
            f"The other {others} logos were cancelled before they were started."
            if others > 1
            else "The other logo was cancelled before it was started."
        )
    # Reopened, and in the list, it reads the same.
    await page.reload()
    await expect(status).to_have_text("Cancelled · 0 of 3 logos, 3 cancelled")
    await expect(cards).to_have_count(begun)
    item = page.locator("#project-list button[aria-current=true]")
    await expect(item).to_contain_text("Cancelled · 0 of 3 logos, 3 cancelled")


async def test_cancelling_a_project_that_just_finished_says_so(gateway, page: Page, console):
    """The page has not heard `done` yet (its stream is silent here) when Cancel is pressed,
    but the project has finished: the API's 409 becomes a plain word and the finished project."""
    console.allow(r"status of 409")

    async def silent(route) -> None:
        await route.fulfill(
            status=200, headers={"content-type": "text/event-stream"}, body="retry: 600000\n\n"
        )

    await page.route(re.compile(r"/api/v1/projects/[^/?]+/stream"), silent)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Too Late", logos=1)
    async with page.expect_response(re.compile(r"/api/v1/projects$")) as created_info:
        await page.get_by_role("button", name="Generate logos").click()
    created = await (await created_info.value).json()
    async with httpx.AsyncClient() as client:
        events = await read_stream(client, created["stream_url"])
    assert events[-1].event == "done"
    cancel = page.get_by_role("button", name="Cancel generation")
    await cancel.click()
    await expect(page.locator("#notice")).to_have_text(
        "“Too Late” had already finished: there was nothing to cancel."
    )
    await expect(page.locator("#project-status")).to_have_text(re.compile(r"^Done"))
    await wait_for_logos(page, 1, brand="Too Late")
    await expect(cancel).to_be_hidden()
    await expect(page.locator("#project-error")).to_be_empty()


async def test_deleting_a_project_asks_first_and_cannot_be_done_by_accident(
    gateway, page: Page, console
):
    await sign_in_as_dev(page, gateway)
    for brand in ("Keep Me", "Bin Me"):
        await page.get_by_role("button", name="New project").click()
        await generate_logos(page, brand)
    project_id = await open_project_id(page)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    delete = page.get_by_role("button", name="Delete project…")
    dialog = page.get_by_role("dialog", name="Delete this project?")

    # Asked first; the safe choice has the focus; Escape keeps the project.
    await delete.click()
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("“Bin Me”")
    await expect(dialog.get_by_role("button", name="Keep it")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#detail")).to_be_hidden()
    await expect(delete).to_be_focused()
    # A double click on Delete project… (or a double Enter) never reaches "Delete for good".
    await delete.dblclick()
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()
    await delete.press("Enter")
    await expect(dialog).to_be_visible()
    confirm = dialog.get_by_role("button", name="Delete for good")
    await confirm.dblclick()  # the second click of a double click is ignored; the first deletes
    await expect(dialog).to_be_hidden()
    assert (await api_project(gateway, token, project_id)).status_code == 404
    await expect(page.locator("#notice")).to_have_text("Deleted “Bin Me”.")
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    projects = page.get_by_role("region", name="Your projects")
    await expect(projects.get_by_role("button", name=re.compile("Bin Me"))).to_have_count(0)
    await expect(projects.get_by_role("button", name=re.compile("Keep Me"))).to_have_count(1)

    # The other project is kept, and deleting it by the keyboard alone works too.
    await projects.get_by_role("button", name=re.compile("Keep Me")).click()
    await wait_for_logos(page, 1, brand="Keep Me")
    await delete.focus()
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(confirm).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#notice")).to_have_text("Deleted “Keep Me”.")
    await expect(page.get_by_text("No projects yet")).to_be_visible()


# ---- the open project in the address ----------------------------------------------------------


def project_hash(project_id: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"#project={project_id}") + "$")


async def test_a_reload_mid_generation_reopens_the_project(held_gateway, page: Page):
    await sign_in_as_dev(page, held_gateway.url)
    await fill_brief(page, brand="Half Baked", logos=2)
    await page.get_by_role("button", name="Generate logos").click()
    heading = page.get_by_role("heading", name="Half Baked", exact=True)
    await expect(heading).to_be_visible()
    project_id = await open_project_id(page)
    await expect(page).to_have_url(project_hash(project_id))
    await expect(page.locator("#candidates .placeholder").first).to_have_text("Generating…")

    await page.reload()
    await expect(heading).to_be_visible()
    await expect(heading).to_be_focused()
    await expect(page.locator("#candidates .placeholder").first).to_have_text("Generating…")
    await expect(page.locator("#brief")).to_be_hidden()
    held_gateway.release()  # the stream (followed with the header now) brings the logos
    await wait_for_logos(page, 2, brand="Half Baked")
    await expect(page.locator("#stream-status")).to_have_text("Done: 2 logos.")


async def test_a_project_deleted_while_its_stream_is_watched_leaves_the_page(
    held_gateway, page: Page
):
    """Deleted through the API while its drawings are held: the stream the page is reading
    ends with `done` and `deleted: true`. The project leaves the list and the page with the
    deleted notice, and its stream is not opened again: on the stream URL's EventSource (a
    project made on the page) and on the fetch with the header (one reopened by a reload)."""
    streams: dict[str, list] = {}  # project id -> its stream responses

    def saw(response) -> None:
        found = re.search(r"/api/v1/projects/([^/?]+)/stream", response.url)
        if found:
            streams.setdefault(found[1], []).append(response)

    page.on("response", saw)
    # The `done` events the page's EventSource heard (reading the body of the stream's
    # response back from the browser afterwards sometimes found it discarded already).
    await page.add_init_script(
        """
        window.__dones = [];
        window.EventSource = class extends window.EventSource {
          constructor(...args) {
            super(...args);
            this.addEventListener("done", (event) => window.__dones.push(event.data));
          }
        };
        """
    )
    await sign_in_as_dev(page, held_gateway.url)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")

    async def deleted_while_watched(brand: str, *, reload: bool) -> str:
        await page.locator("#notice").evaluate("node => { node.textContent = ''; }")
        await fill_brief(page, brand=brand, logos=2)
        await page.get_by_role("button", name="Generate logos").click()
        await expect(page.locator("#candidates .placeholder").first).to_have_text("Generating…")
        project_id = await open_project_id(page)
        if reload:
            await page.reload()
            await expect(page.get_by_role("heading", name=brand, exact=True)).to_be_focused()
        await expect(page.locator("#stream-status")).to_have_text(
            "Live: logos appear as they are made."
        )
        async with httpx.AsyncClient(base_url=held_gateway.url) as client:
            deleted = await client.delete(
                f"/api/v1/projects/{project_id}", headers={"Authorization": f"Bearer {token}"}
            )
        assert deleted.status_code == 204, deleted.text

        await expect(page.locator("#notice")).to_have_text(
            "That project no longer exists: it was deleted."
        )
        await expect(page.get_by_label("Brand name")).to_be_visible()
        await expect(page.get_by_role("heading", name=brand, exact=True)).to_be_hidden()
        await expect(
            page.locator(f'#project-list button[data-project-id="{project_id}"]')
        ).to_have_count(0)
        await expect(page).not_to_have_url(re.compile(re.escape(project_id)))
        # The one stream the page read to its `done`: the stream URL's (EventSource), or after
        # the reload the fetch with the header (the one before the reload was cut off by it).
        # No stream answered 404 (the `page` fixture fails on that console error), so the
        # notice came from the `done`; the EventSource heard it say so.
        [_stream] = [s for s in streams[project_id] if ("access_token=" in s.url) != reload]
        if not reload:  # (the fetch is the page's own reading; the reload forgot the rest)
            [done] = await page.evaluate("window.__dones")
            assert json.loads(done)["deleted"] is True
        return project_id

    made_here = await deleted_while_watched("Gone Midway", reload=False)
    reopened = await deleted_while_watched("Gone After Reload", reload=True)

    # Long after any retry would have come (a whole project drawn and streamed): neither
    # deleted project's stream was asked for again, and nothing said it was reconnecting.
    held_gateway.release()
    await fill_brief(page, brand="Still Here", logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand="Still Here")
    await expect(page.locator("#stream-status")).to_have_text("Done: 1 logo.")
    assert [len(streams[made_here]), len(streams[reopened])] == [1, 2]
    await expect(page.locator("#project-list button")).to_have_count(1)


async def test_back_and_forward_walk_the_projects_and_a_link_reopens_one(
    gateway, page: Page, context, console
):
    await sign_in_as_dev(page, gateway)
    await expect(page).to_have_url(f"{gateway}/")
    ids = {}
    for brand in ("First Light", "Second Wind"):
        await page.get_by_role("button", name="New project").click()
        await generate_logos(page, brand)
        ids[brand] = await open_project_id(page)
        await expect(page).to_have_url(project_hash(ids[brand]))
    first, second = (page.get_by_role("heading", name=b, exact=True) for b in ids)

    await page.go_back()  # the new brief Second Wind was written in
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    await expect(page).to_have_url(f"{gateway}/")
    await page.go_back()
    await expect(first).to_be_visible()
    await expect(page).to_have_url(project_hash(ids["First Light"]))
    await wait_for_logos(page, 1, brand="First Light")
    await page.go_forward()
    await page.go_forward()
    await expect(second).to_be_visible()
    await wait_for_logos(page, 1, brand="Second Wind")
    # Opening one from the list is a step of its own too.
    await (
        page.get_by_role("region", name="Your projects")
        .get_by_role("button", name=re.compile("First Light"))
        .click()
    )
    await expect(page).to_have_url(project_hash(ids["First Light"]))
    await page.go_back()
    await expect(second).to_be_visible()

    # A shared link, in a tab without a session: sign in first, then the project opens.
    link = f"{gateway}/#project={ids['First Light']}"
    other = await context.new_page()
    console.watch(other)
    await other.goto(link)
    await expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    await other.get_by_role("button", name="Continue as dev user").click()
    await expect(other.get_by_role("heading", name="First Light", exact=True)).to_be_focused()
    await wait_for_logos(other, 1, brand="First Light")

    # A project that is not there (deleted, or never yours): the "deleted" notice; the page
    # stays on the project it showed, and the address names that one again.
    console.allow(r"status of 404 \(Not Found\)")
    missing = str(uuid.uuid4())
    await other.evaluate(f"location.hash = '#project={missing}'")
    await expect(other.locator("#notice")).to_contain_text("deleted")
    await expect(other.get_by_role("heading", name="First Light", exact=True)).to_be_visible()
    await expect(other).to_have_url(project_hash(ids["First Light"]))
    # Signing out takes the project out of the address.
    await other.get_by_role("button", name="Sign out").click()
    await expect(other).to_have_url(f"{gateway}/")

    # Such a link in a new tab: the notice, then the brief.
    await other.goto(f"{gateway}/#project={missing}")
    await other.get_by_role("button", name="Continue as dev user").click()
    await expect(other.locator("#notice")).to_contain_text("deleted")
    await expect(other.get_by_role("heading", name="New brief")).to_be_visible()
    await expect(other).to_have_url(f"{gateway}/")


def expired_dev_token(data_dir: Path) -> str:
    """The dev user's token, expired an hour ago (past the gateway's leeway)."""
    issued = time.time() - 2 * 3600
    key = secret(data_dir, JWT_SECRET_NAME)
    return mint_token(
        key, dev_user_id("dev"), ttl_seconds=3600, email="dev@logokraft.local", now=issued
    )


async def test_a_session_that_ends_brings_the_person_back_to_their_project(
    gateway, services, page: Page, console
):
    """The token expires while a project is open: the page asks to sign in again, the
    address still names the project, and signing in again reopens it."""
    console.allow(r"status of 401")
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, "Night Shift")
    project_id = await open_project_id(page)
    expired = expired_dev_token(services.data_dir)

    async def with_expired_token(route) -> None:  # the gateway itself answers the 401
        headers = {**route.request.headers, "authorization": f"Bearer {expired}"}
        await route.continue_(headers=headers)

    await page.route(re.compile(r"/api/v1/"), with_expired_token)
    await (
        page.get_by_role("region", name="Your projects")
        .get_by_role("button", name=re.compile("Night Shift"))
        .click()
    )
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(page).to_have_url(project_hash(project_id))
    await expect(page.locator("#notice")).to_have_text(
        "You were signed out: The access token has expired; sign in again. "
        "You will be back on “Night Shift”."
    )
    assert "Night Shift" not in await page.locator("#workspace").text_content()
    await expect(page.get_by_role("button", name="Continue as dev user")).to_be_focused()

    await page.unroute(re.compile(r"/api/v1/"))
    await page.get_by_role("button", name="Continue as dev user").click()
    await expect(page.get_by_role("heading", name="Night Shift", exact=True)).to_be_focused()
    await wait_for_logos(page, 1, brand="Night Shift")
    await expect(page).to_have_url(project_hash(project_id))


async def test_a_brief_written_as_the_session_ends_waits_for_the_same_person(
    gateway, services, page: Page, console, tmp_path
):
    """ "Generate logos" answered 401 (the token expired while the brief was written): after
    signing in again the brief is still there, images included; for someone else, it is not."""
    console.allow(r"status of 401")
    expired = expired_dev_token(services.data_dir)

    async def with_expired_token(route) -> None:
        await route.continue_(
            headers={**route.request.headers, "authorization": f"Bearer {expired}"}
        )

    async def write_a_brief_and_lose_the_session(brand: str) -> None:
        await fill_brief(page, brand=brand, logos=2)
        await page.get_by_label("Inspiration images").set_input_files(inspiration_png(tmp_path))
        await page.route(re.compile(r"/api/v1/"), with_expired_token)
        await page.get_by_role("button", name="Generate logos").click()
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        await page.unroute(re.compile(r"/api/v1/"))

    await sign_in_as_dev(page, gateway)
    await write_a_brief_and_lose_the_session("Half Written")
    await page.get_by_role("button", name="Continue as dev user").click()
    await expect(page.get_by_label("Brand name")).to_have_value("Half Written")
    await expect(page.get_by_label("Description")).to_have_value(
        "A two-person workshop making oak and ash tables."
    )
    await expect(page.get_by_role("img", name=re.compile("moodboard.png"))).to_be_visible()
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 2, brand="Half Written")

    # Someone else signs in after the session ended: nothing of the brief is left.
    await page.get_by_role("button", name="New project").click()
    await write_a_brief_and_lose_the_session("Not For Bob")
    await page.get_by_label("Access token").fill(dev_token(services.data_dir, "bob"))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_text("No projects yet")).to_be_visible()
    await expect(page.get_by_label("Brand name")).to_have_value("")
    await expect(page.get_by_label("Description")).to_have_value("")
    await expect(page.locator("#previews img")).to_have_count(0)


# ---- inspiration images: the API's limits, checked before sending ----------------------------

MB = 1024 * 1024  # the gateway's megabyte (uploads.py)


def png_header() -> bytes:
    return b"\x89PNG\r\n\x1a\n"


def file_payload(name: str, data: bytes, mime: str = "image/png") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


async def watch_project_posts(page: Page) -> list[str]:
    posts: list[str] = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and request.url.endswith("/api/v1/projects")
            else None
        ),
    )
    return posts


async def test_inspiration_images_over_the_limits_are_named_before_anything_is_sent(
    gateway, page: Page, tmp_path
):
    posts = await watch_project_posts(page)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Heavy Load", logos=1)
    field = page.get_by_label("Inspiration images")
    error = page.locator("#error-inspiration_images")
    await expect(error).to_have_attribute("aria-live", "polite")  # said as soon as chosen

    # Too many bytes: said in megabytes, with the file's name.
    big = png_header() + bytes(int(14.15 * MB) - 8)
    await field.set_input_files([file_payload("photo.png", big)])
    await expect(error).to_have_text("photo.png is 14.2 MB; the limit is 10 MB per image.")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#brief-error")).to_have_text(
        "Please correct the highlighted fields."
    )
    await expect(field).to_be_focused()

    # Not an image the API takes; too many pixels; too many images.
    huge = tmp_path / "huge.png"
    Image.new("1", (4100, 4000)).save(huge)
    gif = b"GIF89a" + bytes(64)
    await field.set_input_files(
        [
            file_payload("spinner.gif", gif, "image/gif"),
            file_payload("notes.txt", b"just words", "text/plain"),
            file_payload("huge.png", huge.read_bytes()),
        ]
    )
    await expect(error).to_have_text(
        "spinner.gif is a GIF image; choose PNG, JPEG or WEBP images."
        " notes.txt is not a PNG, JPEG or WEBP image."
        " huge.png is 4100 × 4000 pixels (16.4 megapixels); the limit is 16 megapixels per image."
    )
    six = [tmp_path / f"mood-{n}.png" for n in range(6)]
    for path in six:
        Image.new("RGB", (32, 32), "#2f5d50").save(path)
    await field.set_input_files(six)
    await expect(error).to_have_text("You chose 6 images; the limit is 5.")
    await page.get_by_role("button", name="Generate logos").click()
    await expect(field).to_be_focused()
    assert posts == [], posts

    # Within the limits again: the message goes, and the brief is sent.
    await field.set_input_files(six[:5])
    await expect(error).to_be_empty()
    await expect(field).not_to_have_attribute("aria-invalid", "true")
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.get_by_role("heading", name="Heavy Load", exact=True)).to_be_visible()
    assert len(posts) == 1, posts


async def test_an_image_the_api_refuses_is_named_in_its_words(gateway, page: Page, console):
    """A PNG in name and signature that cannot be decoded passes the page's checks; the API
    refuses it (422 corrupt_image) and its sentence is shown with the file's name."""
    console.allow(r"status of 422")
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Broken Record", logos=1)
    field = page.get_by_label("Inspiration images")
    await field.set_input_files([file_payload("broken.png", png_header() + b"not really" * 20)])
    await expect(page.locator("#error-inspiration_images")).to_be_empty()
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#error-inspiration_images")).to_have_text(
        "broken.png (inspiration image 1) is damaged or incomplete; export it again and retry."
    )
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(field).to_be_focused()


def test_the_studio_checks_images_against_the_apis_own_limits():
    """The page's copy of the limits (studio.js) and its hint are the gateway's (uploads.py),
    which the OpenAPI document states for createProject's inspiration_images."""
    from logokraft_domain.brief import MAX_INSPIRATION_IMAGES
    from logokraft_gateway.studio import STATIC_DIR
    from logokraft_gateway.uploads import IMAGES_DESCRIPTION, MAX_IMAGE_BYTES, MAX_PIXELS

    script = (STATIC_DIR / "studio.js").read_text()

    def constant(name: str) -> int:
        match = re.search(rf"const {name} = ([0-9_ *]+);", script)
        assert match, f"studio.js has no {name}"
        return math.prod(int(factor) for factor in match[1].replace("_", "").split("*"))

    assert constant("MAX_IMAGES") == MAX_INSPIRATION_IMAGES
    assert constant("MAX_IMAGE_BYTES") == MAX_IMAGE_BYTES
    assert constant("MAX_IMAGE_PIXELS") == MAX_PIXELS
    assert f"{MAX_IMAGE_BYTES // MB} MB" in IMAGES_DESCRIPTION
    hint = re.search(
        r'id="hint-inspiration_images">([^<]+)<', (STATIC_DIR / "index.html").read_text()
    )
    assert hint, "index.html has no hint for the inspiration images"
    expected = (
        f"Up to {MAX_INSPIRATION_IMAGES} ",
        "PNG, JPEG or WEBP",
        f"{MAX_IMAGE_BYTES // MB} MB",
        f"{MAX_PIXELS // 1_000_000} megapixels",
    )
    for words in expected:
        assert words in hint[1], (words, hint[1])


# ---- signing out ------------------------------------------------------------------------------


async def test_signing_out_leaves_nothing_of_the_person_on_the_page(
    gateway, services, page: Page, tmp_path
):
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Private Matter", logos=1)
    await page.get_by_label("Inspiration images").set_input_files(inspiration_png(tmp_path))
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand="Private Matter")
    await page.get_by_role("button", name=candidate_alt(1, "Private Matter"), exact=True).click()
    await page.get_by_label("Instruction").fill("a secret plan")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_label("Access token")).to_be_visible()
    await expect(page.locator("#notice")).to_have_text("Signed out.")

    # Nothing they wrote or saw is left, shown or hidden.
    text = await page.evaluate("document.body.textContent")
    for words in ("Private Matter", "furniture workshop", "a secret plan", "Candidate 1"):
        assert words not in text, words
    values = await page.evaluate(
        "Array.from(document.querySelectorAll('input, textarea'))"
        ".map(e => [e.id, e.type === 'file' ? e.files.length : e.value])"
    )
    assert dict(values) == {
        "access-token": "",
        "field-brand_name": "",
        "field-slogan": "",
        "field-industry": "",
        "field-style": "",
        "field-colors": "",
        "field-num_candidates": "4",
        "field-description": "",
        "field-inspiration_images": 0,
        "field-instruction": "",
        "field-num_variations": "2",
    }, values
    images = await page.evaluate(
        "Array.from(document.images).map(i => i.getAttribute('src')).filter(Boolean)"
    )
    assert images == [], images

    # The next person starts from an empty brief (not from the last one's project view).
    await page.get_by_label("Access token").fill(dev_token(services.data_dir, "carol"))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_text("No projects yet")).to_be_visible()
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    await expect(page.get_by_label("Brand name")).to_be_focused()
    await expect(page.get_by_label("Brand name")).to_have_value("")


# ---- what the list says about a project -------------------------------------------------------


async def test_the_list_and_the_project_say_how_many_logos_were_made(gateway, page: Page):
    """The third of three candidates fails (the stream is rewritten on the way: the local
    providers do not fail): the list says what was made of what was asked, as the project
    does, not the number asked for. A project the page has not opened since a reload says
    what the list's counts say, in the same words."""

    async def third_fails(route) -> None:
        response = await route.fetch()  # the whole stream, to its `done`
        frames = []
        for frame in (await response.text()).split("\n\n"):
            kind, body = (
                re.search(r"^event: (\w+)", frame, re.M),
                re.search(r"^data: (.*)$", frame, re.M),
            )
            if kind and body:
                data = json.loads(body[1])
                assets = [data["asset"]] if kind[1] == "asset" else []
                if kind[1] == "snapshot":
                    assets = data["project"]["assets"]
                for asset in assets:
                    if asset["position"] == 2 and asset["status"] == "completed":
                        asset.update(
                            status="failed", image_url=None, svg_url=None, brand_kit_url=None
                        )
                        asset["error"] = {"code": "provider_error", "message": "Refused."}
                if kind[1] == "done":
                    data.update(completed_assets=2, failed_assets=1)
                frame = frame.replace(body[0], f"data: {json.dumps(data)}")
            frames.append(frame)
        await route.fulfill(
            status=200, headers={"content-type": "text/event-stream"}, body="\n\n".join(frames)
        )

    stream = re.compile(r"/api/v1/projects/[^/?]+/stream")
    await page.route(stream, third_fails)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Two Thirds", logos=3)
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#stream-status")).to_have_text(
        "Done: 2 of 3 logos, 1 failed.", timeout=GENERATION_TIMEOUT_MS
    )
    await expect(page.locator("#project-status")).to_have_text("Done · 2 of 3 logos, 1 failed")
    projects = page.get_by_role("region", name="Your projects")
    two_thirds = projects.get_by_role("button", name=re.compile("Two Thirds"))
    await expect(two_thirds).to_contain_text("Done · 2 of 3 logos, 1 failed · ")
    await page.unroute(stream)

    # Another project; after a reload the page has seen only that one's logos.
    await page.get_by_role("button", name="New project").click()
    await fill_brief(page, brand="All There", logos=2)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 2, brand="All There")
    all_there = projects.get_by_role("button", name=re.compile("All There"))
    await expect(all_there).to_contain_text("Done · 2 logos · ")
    await page.reload()
    await expect(page.get_by_role("heading", name="All There", exact=True)).to_be_visible()
    await expect(all_there).to_contain_text("Done · 2 logos · ")
    await expect(page.locator("#project-status")).to_have_text("Done · 2 logos")
    await expect(page.locator("#stream-status")).to_have_text("Done: 2 logos.")
    # Not opened since the reload: the list's counts, the real project's (all three made).
    await expect(two_thirds).to_contain_text("Done · 3 logos · ")
    await two_thirds.click()
    await expect(two_thirds).to_contain_text("Done · 3 logos · ")
    await expect(page.locator("#stream-status")).to_have_text("Done: 3 logos.")


# ---- download file names ----------------------------------------------------------------------


async def test_downloads_are_named_after_the_brand_in_any_script(gateway, page: Page):
    """Unicode letters stay (lower-cased where the script has case); what is unsafe in a
    file name, or not a letter or digit, becomes a hyphen; "logo" only when nothing is left."""
    names = {
        "珈琲工房 ひかり": "珈琲工房-ひかり",
        "مقهى الصباح": "مقهى-الصباح",
        "Καφενείο Ωραίο": "καφενείο-ωραίο",
        'Café Zoë: "A/B" <Co>?': "café-zoë-a-b-co",
        "★ ★ ★": "logo",
    }
    await sign_in_as_dev(page, gateway)
    for brand, stem in names.items():
        await page.get_by_role("button", name="New project").click()
        await generate_logos(page, brand)
        await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
        png = page.get_by_role("link", name="Download PNG")
        await expect(png).to_have_attribute("download", f"{stem}-candidate-1.png")
        svg = page.get_by_role("link", name="Download SVG")
        if await svg.count():
            await expect(svg).to_have_attribute("download", f"{stem}-candidate-1.svg")
        if brand.startswith("珈琲"):  # saved under that name, the brand kit too
            async with page.expect_download() as saved:
                await png.click()
            assert (await saved.value).suggested_filename == f"{stem}-candidate-1.png"
            async with page.expect_download() as saved:
                await page.get_by_role("button", name="Brand kit").click()
            assert (await saved.value).suggested_filename == f"{stem}-candidate-1-brand-kit.zip"


async def test_a_cancelled_projects_logo_can_be_refined(gateway, database_url, page: Page):
    """ "Cancelled: 1 logo made": that logo is the person's, and the API refines it as it does a
    finished project's. The page offers it, shows the variation live, and the project ends
    done again, not stuck on its cancel."""
    import psycopg

    brand = "Kept Logos"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    project_id = await open_project_id(page)
    # Cancelled after its one logo was made (a cancel that raced the last drawing).
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "update public.brand_projects set status = 'cancelled' where id = %s", [project_id]
        )
    await page.reload()
    await expect(page.locator("#project-status")).to_have_text(re.compile(r"^Cancelled"))

    await refine_logo(page, candidate_alt(1, brand), "make it navy", 1)
    variation = page.get_by_alt_text(f"{candidate_alt(1, brand)}, variation 1", exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect_loaded(variation)
    await expect(page.locator("#project-status")).to_have_text(re.compile(r"^Done"))
    await expect(page.locator("#refine-error")).to_be_empty()


async def test_a_refined_cancelled_project_still_counts_what_was_cancelled(
    gateway, database_url, page: Page
):
    """Cancelled with 1 of its 3 logos made (the other two never started), then that logo is
    refined: the project ends done, and its badge, its line in the list and the note under
    its cards still say the two were cancelled, before and after a reload (they read
    "Done · 1 of 3 logos, 1 variation", the two unexplained)."""
    import psycopg

    brand = "Stopped Early"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    project_id = await open_project_id(page)
    # As a cancel leaves a project whose other two logos were never started (no asset).
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "update public.brand_projects set status = 'cancelled', num_candidates = 3"
            " where id = %s",
            [project_id],
        )
    await page.reload()
    status = page.locator("#project-status")
    note = page.locator("#not-started")
    await expect(status).to_have_text("Cancelled · 1 of 3 logos, 2 cancelled")
    await expect(note).to_have_text("The other 2 logos were cancelled before they were started.")

    await refine_logo(page, candidate_alt(1, brand), "make it navy", 1)
    variation = page.get_by_alt_text(f"{candidate_alt(1, brand)}, variation 1", exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    done = "Done · 1 of 3 logos, 2 cancelled, 1 variation"
    item = page.locator("#project-list button[aria-current=true]")
    for _ in range(2):  # as refined, then reopened
        await expect(status).to_have_text(done)
        await expect(page.locator("#stream-status")).to_have_text(f"Done: {done[7:]}.")
        await expect(note).to_have_text(
            "The other 2 logos were cancelled before they were started."
        )
        await expect(item).to_contain_text(done)
        await page.reload()
    # In the list, read afresh (its own counts).
    await page.get_by_role("button", name="New project").click()
    await page.reload()
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    await expect(
        page.locator(f'#project-list button[data-project-id="{project_id}"]')
    ).to_contain_text(done)


async def test_a_refinement_cancelled_with_its_project_is_counted(
    gateway, database_url, page: Page
):
    """Cancel pressed while a refinement was being drawn: its variation's card says
    "Cancelled", and the badge and the list said nothing of it ("Cancelled · 1 logo, 1
    variation" for two variations asked for). They count it, opened and listed."""
    import psycopg

    brand = "Second Thoughts"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await refine_logo(page, candidate_alt(1, brand), "make it navy", 2)
    for number in (1, 2):
        variation = page.get_by_alt_text(f"{candidate_alt(1, brand)}, variation {number}")
        await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    project_id = await open_project_id(page)
    # As a cancel leaves it when the second variation was still being drawn.
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "update public.generated_assets set status = 'cancelled' where id = ("
            " select id from public.generated_assets where project_id = %s"
            " and parent_asset_id is not null order by position desc limit 1)",
            [project_id],
        )
        await conn.execute(
            "update public.brand_projects set status = 'cancelled' where id = %s", [project_id]
        )
    await page.reload()
    said = "Cancelled · 1 logo, 1 variation, 1 variation cancelled"
    await expect(page.locator("#project-status")).to_have_text(said)
    await expect(page.locator("#candidates .placeholder")).to_have_text(["Cancelled"])
    await page.get_by_role("button", name="New project").click()
    await page.reload()  # the list's own counts, not the page's of the project it had open
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    listed = page.locator(f'#project-list button[data-project-id="{project_id}"]')
    await expect(listed).to_contain_text(said)


async def test_a_project_shows_the_inspiration_images_it_was_made_from(
    gateway, page: Page, tmp_path
):
    """The images a brief was sent with show, small and described, on its project: as made,
    and reopened after a reload (the API signs them afresh). A project made without any has
    no such section."""
    brand = "Mood Board Co"
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    second = tmp_path / "second.png"
    Image.new("RGB", (40, 80), "#c0392b").save(second)
    await page.get_by_label("Inspiration images").set_input_files(
        [inspiration_png(tmp_path), second]
    )
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand=brand)
    made_from = page.get_by_role("region", name="Made from")
    for _ in range(2):  # as made, then reopened
        images = made_from.get_by_role("img")
        await expect(images).to_have_count(2)
        for number in (1, 2):
            image = made_from.get_by_alt_text(f"Inspiration image {number} of 2", exact=True)
            await expect(image).to_be_visible()
            await expect_loaded(image)
            box = await image.bounding_box()
            assert box["width"] <= 64 and box["height"] <= 64, box
        # The first is the moodboard (green at its corner), the second the red one: in order.
        colours = await images.evaluate_all(
            """imgs => imgs.map(img => {
                const canvas = document.createElement('canvas');
                canvas.width = img.naturalWidth;
                canvas.height = img.naturalHeight;
                const context = canvas.getContext('2d');
                context.drawImage(img, 0, 0);
                return Array.from(context.getImageData(1, 1, 1, 1).data.slice(0, 3));
            })"""
        )
        assert colours[0][1] > colours[0][0] and colours[1][0] > colours[1][1], colours
        await page.reload()
        await expect(page.get_by_role("heading", name=brand, exact=True)).to_be_visible()

    await page.get_by_role("button", name="New project").click()
    await generate_logos(page, "Plain Brief")
    await expect(page.locator("#inspiration")).to_be_hidden()
    await expect(page.locator("#inspiration-list img")).to_have_count(0)


async def test_an_inspiration_image_that_fails_to_load_gets_a_fresh_url_once(
    gateway, page: Page, console, tmp_path
):
    """Its signed URL expired (or its first load failed): the page reads the project again,
    once, for a fresh URL and shows the image."""
    console.allow(r"status of 403 \(Forbidden\)")
    brand = "Fresh Moods"
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    await page.get_by_label("Inspiration images").set_input_files(inspiration_png(tmp_path))
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand=brand)
    project_id = await open_project_id(page)
    refused: list[str] = []
    reads: list[str] = []
    page.on(
        "request",
        lambda request: (
            reads.append(request.url) if request.url.endswith(f"/projects/{project_id}") else None
        ),
    )

    async def expire_first(route) -> None:
        if not refused:
            refused.append(route.request.url)
            await route.fulfill(status=403, body="expired")
        else:
            await route.continue_()

    await page.route(re.compile(r"/api/v1/files/inspiration-images/"), expire_first)
    await page.reload()
    image = page.get_by_alt_text("Inspiration image 1 of 1", exact=True)
    await expect(image).to_have_attribute("data-reloaded", "true")
    await expect(image).to_have_js_property("naturalWidth", 96)  # inspiration_png's width
    assert len(refused) == 1
    assert len(reads) == 2, reads  # opening it, then once for the fresh URL


async def test_the_grid_loads_small_copies_and_the_detail_the_full_logo(gateway, page: Page):
    """Each tile loaded the whole 1024 px PNG to show it a fifth that size: the grid now
    loads the 384 px copy (thumbnail_url), the enlarged logo and the PNG download stay full
    size, and a variation's tile is small too."""
    brand = "Small Tiles"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, logos=2)
    for number in (1, 2):
        tile = page.get_by_alt_text(candidate_alt(number, brand), exact=True)
        await expect(tile).to_have_js_property("naturalWidth", 384)
        assert "size=384" in await tile.get_attribute("src")
    await page.get_by_role("button", name=candidate_alt(2, brand), exact=True).click()
    large = page.get_by_alt_text(f"{candidate_alt(2, brand)}, enlarged", exact=True)
    await expect(large).to_be_visible()
    await expect_loaded(large)
    await expect(large).to_have_js_property("naturalWidth", 1024)
    href = await page.get_by_role("link", name="Download PNG").get_attribute("href")
    assert "size=" not in href
    async with httpx.AsyncClient() as client:
        saved_png = (await client.get(urljoin(f"{gateway}/", href))).content
        with Image.open(io.BytesIO(saved_png)) as saved:
            assert saved.size == (1024, 1024)

    await refine_logo(page, candidate_alt(2, brand), "make it navy", 1)
    variation = page.get_by_alt_text(f"{candidate_alt(2, brand)}, variation 1", exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(variation).to_have_js_property("naturalWidth", 384)


async def test_a_large_inspiration_image_is_shown_from_a_small_copy(gateway, page: Page, tmp_path):
    """Shown 64 px wide above the logos, an inspiration image (up to 16 megapixels) was
    loaded whole: the page loads its 384 px copy."""
    brand = "Big Moods"
    photo = tmp_path / "photo.png"
    Image.new("RGB", (1600, 1000), "#8e44ad").save(photo)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    await page.get_by_label("Inspiration images").set_input_files(photo)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand=brand)
    image = page.get_by_alt_text("Inspiration image 1 of 1", exact=True)
    await expect(image).to_have_js_property("naturalWidth", 384)
    await expect(image).to_have_js_property("naturalHeight", 240)


async def test_a_logo_on_its_way_says_it_is_loading(gateway, page: Page):
    """A logo drawn but not yet downloaded was a blank tile under "Done" (seconds on a slow
    connection): it says "Loading…" until its image has arrived, and its button keeps its
    name."""
    brand = "Slow Tiles"
    asked, arrived = asyncio.Event(), asyncio.Event()

    async def hold_thumbnails(route) -> None:
        asked.set()
        await arrived.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/files/generated-assets/.*size="), hold_thumbnails)
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await asyncio.wait_for(asked.wait(), timeout=GENERATION_TIMEOUT_MS / 1000)
    tile = page.get_by_role("button", name=candidate_alt(1, brand), exact=True)
    await expect(tile).to_have_text("Loading…")
    await expect(tile.get_by_text("Loading…")).to_be_visible()
    arrived.set()
    await expect_loaded(page.get_by_alt_text(candidate_alt(1, brand), exact=True))
    await expect(tile).to_have_text("")


async def test_the_enlarged_logo_never_shows_the_one_selected_before(gateway, page: Page):
    """Candidate 1 is enlarged, then candidate 2 selected while its full-size image is on
    its way: the heading names candidate 2 at once, and candidate 1 used to stay drawn under
    it until the new image arrived (seconds on a slow connection). It is hidden meanwhile."""
    brand = "Quick Switch"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, logos=2)
    await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
    first = page.get_by_alt_text(f"{candidate_alt(1, brand)}, enlarged", exact=True)
    await expect_loaded(first)
    asked, arrived = asyncio.Event(), asyncio.Event()

    async def hold_full_size(route) -> None:
        asked.set()
        await arrived.wait()
        await route.continue_()

    await page.route(
        re.compile(r"/api/v1/files/generated-assets/[^?]*\.png\?(?!.*size=)"), hold_full_size
    )
    await page.get_by_role("button", name=candidate_alt(2, brand), exact=True).click()
    await expect(page.get_by_role("heading", name="Candidate 2", exact=True)).to_be_visible()
    large = page.locator("#detail-image")
    await expect(large).to_have_attribute("alt", f"{candidate_alt(2, brand)}, enlarged")
    await asyncio.wait_for(asked.wait(), timeout=10)
    assert await large.evaluate("img => getComputedStyle(img).opacity") == "0"
    arrived.set()
    await expect_loaded(large)
    await expect(large).to_have_css("opacity", "1")


async def test_refining_a_logo_again_keeps_its_variations_names(gateway, page: Page):
    """A logo refined twice: the second refinement's variation is "variation 3", after the
    first two, which keep their names and places. (Each refinement numbers its variations
    from 0, and they were ordered by that: the new one came second, and "variation 2: make
    it navy" became "variation 3".)"""
    brand = "Twice Over"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    first = candidate_alt(1, brand)
    await refine_logo(page, first, "make it navy", 2)
    for number in (1, 2):
        image = page.get_by_alt_text(f"{first}, variation {number}", exact=True)
        await expect(image).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    await refine_logo(page, first, "make it round", 1)
    third = page.get_by_alt_text(f"{first}, variation 3", exact=True)
    await expect(third).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    captions = page.get_by_role("list", name="Variations of candidate 1").locator(
        ":scope > li > .caption"
    )
    await expect(captions).to_have_text(
        [
            "Variation 1: “make it navy”",
            "Variation 2: “make it navy”",
            "Variation 3: “make it round”",
        ]
    )
    await page.reload()  # ordered the same when read afresh
    await expect(captions).to_have_text(
        [
            "Variation 1: “make it navy”",
            "Variation 2: “make it navy”",
            "Variation 3: “make it round”",
        ]
    )


async def test_refinements_of_refinements_keep_short_labels(gateway, page: Page):
    """A variation of a variation of a variation is named by its candidate and its place
    among its siblings at each step down, as an outline numbers its sections ("variation
    1.1.1"): the alt text, the card's caption and the heading stay short at any depth (they
    read "candidate 1, variation 1, variation 1, variation 1", one more ", variation 1" per
    refinement), and the lineage still names every step."""
    brand = "Deep Roots"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    names = [
        candidate_alt(1, brand),
        f"{candidate_alt(1, brand)}, variation 1",
        f"{candidate_alt(1, brand)}, variation 1.1",
        f"{candidate_alt(1, brand)}, variation 1.1.1",
    ]
    for parent, name, instruction in zip(
        names[:-1], names[1:], ("make it navy", "make it bold", "make it round"), strict=True
    ):
        await refine_logo(page, parent, instruction, 1)
        image = page.get_by_alt_text(name, exact=True)
        await expect(image).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
        await expect_loaded(image)
        await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    deepest = page.get_by_alt_text(names[-1], exact=True)
    card = page.locator("li.card").filter(has=deepest).last
    await expect(card.locator(":scope > .caption")).to_have_text("Variation 1.1.1: “make it round”")
    await page.get_by_role("button", name=names[-1], exact=True).click()
    await expect(
        page.get_by_role("heading", name="Candidate 1, variation 1.1.1", exact=True)
    ).to_be_focused()
    steps = page.get_by_role("navigation", name="Lineage").get_by_role("button")
    await expect(steps).to_have_text(
        [
            "Candidate 1",
            "Variation 1: “make it navy”",
            "Variation 1.1: “make it bold”",
            "Variation 1.1.1: “make it round”",
        ]
    )
    png_link = page.get_by_role("link", name="Download PNG")
    file_name = await png_link.get_attribute("data-file")
    assert file_name == "deep-roots-candidate-1-variation-1-1-1.png"


async def test_variations_of_two_parents_are_told_apart(gateway, page: Page):
    """Variation 1 and variation 2 of a candidate, each refined once: their variations are
    "variation 1.1" and "variation 2.1" (both read "variation 1 (level 2)" before, in the
    grid, the heading, the lineage and the file name alike), each under its own parent."""
    brand = "Twin Branches"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    first = candidate_alt(1, brand)
    await refine_logo(page, first, "make it navy", 2)
    for number in (1, 2):
        image = page.get_by_alt_text(f"{first}, variation {number}", exact=True)
        await expect(image).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
        await expect_loaded(image)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    for number, instruction in ((2, "make it bold"), (1, "make it round")):
        await refine_logo(page, f"{first}, variation {number}", instruction, 1)
        image = page.get_by_alt_text(f"{first}, variation {number}.1", exact=True)
        await expect(image).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
        await expect_loaded(image)
        await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))

    alts = await page.locator("#candidates img").evaluate_all("imgs => imgs.map(i => i.alt)")
    assert sorted(alts) == sorted(
        [
            first,
            f"{first}, variation 1",
            f"{first}, variation 2",
            f"{first}, variation 1.1",
            f"{first}, variation 2.1",
        ]
    ), alts
    # Each under its own parent, its caption saying which it is.
    for number, instruction in ((1, "make it round"), (2, "make it bold")):
        parent = (
            page.locator("li.card")
            .filter(has=page.get_by_alt_text(f"{first}, variation {number}", exact=True))
            .last
        )
        children = parent.get_by_role("list", name=f"Variations of candidate 1, variation {number}")
        await expect(children.locator(":scope > li > .caption")).to_have_text(
            [f"Variation {number}.1: “{instruction}”"]
        )
    await page.get_by_role("button", name=f"{first}, variation 2.1", exact=True).click()
    await expect(
        page.get_by_role("heading", name="Candidate 1, variation 2.1", exact=True)
    ).to_be_focused()
    steps = page.get_by_role("navigation", name="Lineage").get_by_role("button")
    await expect(steps).to_have_text(
        ["Candidate 1", "Variation 2: “make it navy”", "Variation 2.1: “make it bold”"]
    )
    file_name = await page.get_by_role("link", name="Download PNG").get_attribute("data-file")
    assert file_name == "twin-branches-candidate-1-variation-2-1.png"


async def test_a_variation_says_what_the_editor_did_not_understand(gateway, page: Page):
    """The local editor lists what it could not act on (`metadata.editor`); the page says so
    beside the instruction, with what it did change, so "add a gradient" is not mistaken for a
    silent, unrelated change. A variation it understood wholly says nothing more."""
    brand = "Gradient Co"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))

    await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
    note = page.locator("#detail-editor")
    await expect(note).to_be_empty()  # a candidate: no instruction, nothing to say
    for number, instruction in enumerate(("make it navy and add a gradient", "make it navy"), 1):
        await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
        await page.get_by_label("Instruction").fill(instruction)
        await page.get_by_label("Number of variations").fill("1")
        await page.get_by_role("button", name="Refine").click()
        name = f"{candidate_alt(1, brand)}, variation {number}"
        variation = page.get_by_role("button", name=name, exact=True)
        await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
        await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
        await variation.click()
        await expect(page.locator("#detail-instruction")).to_have_text(
            f"Instruction: {instruction}"
        )
        if number == 1:
            await expect(note).to_have_text(
                "Not understood or not possible here: “gradient”. "
                "What it changed: colour: navy (#000080)."
            )
        else:
            await expect(note).to_be_empty()


# ---- many projects, two tabs, scripts, errors ----------------------------------------------------


async def make_settled_projects(gateway: str, token: str, count: int) -> None:
    """`count` one-logo projects ("Batch 00" the oldest), each cancelled at once (or already
    done): enough for the list to have a second page, without drawing them all."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        for number in range(count):
            created = await client.post(
                "/api/v1/projects",
                headers=headers,
                data={"brand_name": f"Batch {number:02d}", "num_candidates": "1"},
                files=[("inspiration_images", ("mood.png", png(), "image/png"))],
            )
            assert created.status_code == 202, created.text
            project_id = created.json()["project_id"]
            cancelled = await client.post(f"/api/v1/projects/{project_id}/cancel", headers=headers)
            assert cancelled.status_code in (200, 409), cancelled.text


@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 1280, "height": 720}], indirect=True, ids=["phone", "desktop"]
)
async def test_a_long_project_list_scrolls_within_itself(gateway, page: Page, viewport):
    """20 projects listed: on a phone the list scrolls within itself, so the brief stays near
    the top (it was 1500px down); on a desktop the sticky side panel fits the screen (its
    bottom, "More projects", was out of reach until the page's end). The last project is
    still reached."""
    await sign_in_as_dev(page, gateway)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    await make_settled_projects(gateway, token, 21)
    await page.reload()
    buttons = page.locator("#project-list button")
    await expect(buttons).to_have_count(20)
    listing = page.locator("#project-list")
    assert await listing.evaluate("list => list.scrollHeight > list.clientHeight")
    if viewport is PHONE:
        brief = await page.get_by_role("heading", name="New brief").bounding_box()
        assert brief["y"] < viewport["height"], brief
    else:
        side = await page.locator("aside.side").bounding_box()
        assert side["y"] + side["height"] <= viewport["height"], side
        await expect(page.get_by_role("button", name="More projects")).to_be_in_viewport()
    last = buttons.last
    await last.focus()  # the keyboard scrolls the list to it
    await expect(last).to_be_in_viewport()
    await last.click()
    await expect(last).to_have_attribute("aria-current", "true")


async def test_more_projects_lists_each_once_and_the_keyboard_goes_on_to_them(gateway, page: Page):
    """21 projects: the list shows 20 and "More projects". A double Enter on it (the page is
    slow to answer) asks for the next page once, not twice (the project would be listed
    twice), and the focus goes to the first project it brought, not to the page's top when
    the button goes away after the last page."""
    await sign_in_as_dev(page, gateway)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    await make_settled_projects(gateway, token, 21)
    await page.reload()
    more = page.get_by_role("button", name="More projects")
    await expect(more).to_be_visible()
    await expect(page.locator("#project-list button")).to_have_count(20)

    release = asyncio.Event()
    pages_asked = 0

    async def slow(route) -> None:
        nonlocal pages_asked
        pages_asked += 1
        await release.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/projects\?.*cursor="), slow)
    await more.focus()
    async with page.expect_request(re.compile(r"cursor=")):
        await page.keyboard.press("Enter")
    await page.keyboard.press("Enter")
    release.set()
    oldest = page.locator("#project-list button", has_text="Batch 00")
    await expect(oldest).to_be_focused()
    await expect(more).to_be_hidden()
    ids = await page.locator("#project-list button").evaluate_all(
        "buttons => buttons.map(b => b.dataset.projectId)"
    )
    assert len(ids) == 21 and len(set(ids)) == 21, ids
    assert pages_asked == 1


async def test_refining_a_logo_whose_project_was_deleted_in_another_tab(
    gateway, page: Page, console
):
    """Two tabs on one project: the other deletes it while this one has a logo open. Refine
    here says the project is gone and leaves it (as opening it would), not "Asset <uuid> not
    found" under a form that can never work again."""
    console.allow(r"status of 404 \(Not Found\)")
    brand = "Two Tabs"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
    project_id = await open_project_id(page)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    async with httpx.AsyncClient(base_url=gateway) as client:
        deleted = await client.delete(
            f"/api/v1/projects/{project_id}", headers={"Authorization": f"Bearer {token}"}
        )
    assert deleted.status_code == 204
    await page.get_by_label("Instruction").fill("make it navy")
    await page.get_by_role("button", name="Refine").click()
    await expect(page.locator("#notice")).to_have_text(
        "That project no longer exists: it was deleted."
    )
    await expect(page.get_by_label("Brand name")).to_be_focused()
    await expect(
        page.locator(f'#project-list button[data-project-id="{project_id}"]')
    ).to_have_count(0)
    assert "#project=" not in page.url
    await expect(page.locator("#refine-error")).to_be_empty()


async def test_the_keyboard_stays_on_the_button_it_pressed(services, page: Page, console):
    """Refine and Generate logos are disabled while their request runs, which drops the focus
    to the top of the page: after the answer a keyboard user is back on the button, whether
    it worked (Refine: the variations stream in) or not (a 429: the API's words, the brief
    kept to send again)."""
    console.allow(r"status of 429")
    brand = "Steady Hands"
    async with serve_gateway(services, LOGOKRAFT_RATE_LIMIT_GENERATION="2/minute") as gateway:
        await sign_in_as_dev(page, gateway)
        await fill_brief(page, brand=brand, logos=1)
        await page.get_by_role("button", name="Generate logos").press("Enter")
        await wait_for_logos(page, 1, brand=brand)
        await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).press("Enter")
        await page.get_by_label("Instruction").fill("make it navy")
        await page.get_by_label("Number of variations").fill("1")
        refine = page.get_by_role("button", name="Refine")
        await refine.press("Enter")
        variation = page.get_by_alt_text(f"{candidate_alt(1, brand)}, variation 1", exact=True)
        await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
        await expect(refine).to_be_focused()

        await page.get_by_role("button", name="New project").click()
        await fill_brief(page, brand="Third Time", logos=1)
        generate = page.get_by_role("button", name="Generate logos")
        await generate.press("Enter")
        await expect(page.locator("#brief-error")).to_contain_text(
            "Too many requests to create logos from your account"
        )
        await expect(generate).to_be_focused()
        await expect(page.get_by_label("Brand name")).to_have_value("Third Time")


@pytest.mark.parametrize("held_gateway", [{"LOGOKRAFT_MAX_STREAMS_PER_USER": 1}], indirect=True)
async def test_a_second_tab_over_the_stream_limit_says_why_and_catches_up(
    held_gateway, context, page: Page, console
):
    """One stream per user here: a second tab on the project in flight is refused (429
    too_many_streams). It says what the API says (close a tab, or wait), not "Connection
    lost" forever, and once the first tab's stream ends it follows the project to its end."""
    console.allow(r"status of 429")
    brand = "Second Window"
    await sign_in_as_dev(page, held_gateway.url)
    await fill_brief(page, brand=brand, logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Live"))

    other = await context.new_page()
    console.watch(other)
    await other.goto(page.url)
    await other.get_by_role("button", name="Continue as dev user").click()
    await expect(other.get_by_role("heading", name=brand, exact=True)).to_be_visible()
    await expect(other.locator("#stream-status")).to_contain_text(
        "project streams open, the most allowed at once"
    )
    await expect(other.locator("#stream-status")).to_contain_text("tries again by itself")

    held_gateway.release()
    await expect(page.locator("#stream-status")).to_have_text("Done: 1 logo.", timeout=60_000)
    await expect(other.locator("#stream-status")).to_have_text("Done: 1 logo.", timeout=60_000)
    await wait_for_logos(other, 1, brand=brand)


@pytest.mark.parametrize("viewport", [PHONE], indirect=True)
async def test_a_right_to_left_name_reads_right_to_left(gateway, page: Page, screenshots):
    """An Arabic brand ending in punctuation, "مقهى!", in a page laid out left to right: its
    heading, its line in the list and the fields it is typed in take the name's direction
    (dir=auto), so the "!" ends it on the left instead of starting it on the right. A Latin
    name stays left to right."""
    brand = "مقهى الفجر!"
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    await page.get_by_label("Slogan").fill("قهوة كل صباح")
    await expect(page.get_by_label("Brand name")).to_have_css("direction", "rtl")
    await expect(page.get_by_label("Industry")).to_have_css("direction", "ltr")
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand=brand)
    title = page.get_by_role("heading", name=brand, exact=True)
    await expect(title).to_have_css("direction", "rtl")
    listed = page.locator("#project-list button[aria-current=true] .name")
    await expect(listed).to_have_text(brand)
    await expect(listed).to_have_css("direction", "rtl")
    # The list's name is aligned to its own start: the right-hand edge of its line.
    gap = await listed.evaluate(
        """node => {
            const range = document.createRange();
            range.selectNodeContents(node);
            return node.getBoundingClientRect().right - range.getBoundingClientRect().right;
        }"""
    )
    assert gap < 2, f"the name's text ends {gap}px short of its line's right-hand edge"
    await page.screenshot(path=str(screenshots / "rtl.png"), full_page=True)

    # Inside the page's own sentences (the brief's line, the delete dialog, the notice) the
    # name and the slogan keep their own direction too (<bdi>).
    slogan = page.locator("#project-meta bdi", has_text="قهوة كل صباح")
    await expect(slogan).to_have_css("direction", "rtl")
    await page.get_by_role("button", name="Delete project…").click()
    in_dialog = page.locator("#delete-text bdi")
    await expect(in_dialog).to_have_text(brand)
    await expect(in_dialog).to_have_css("direction", "rtl")
    await page.get_by_role("button", name="Delete for good").click()
    await expect(page.locator("#notice")).to_have_text(f"Deleted “{brand}”.")
    await expect(page.locator("#notice bdi")).to_have_css("direction", "rtl")

    await fill_brief(page, brand="Dawn Coffee", logos=1)
    await expect(page.get_by_label("Brand name")).to_have_css("direction", "ltr")


async def test_the_tab_title_names_the_open_project(gateway, page: Page):
    """Two tabs, or the history's list, are told apart by the project they show: the title
    follows the open project, back and forward included, and names none on a new brief or
    after signing out."""
    await sign_in_as_dev(page, gateway)
    await expect(page).to_have_title("LogoKraft Studio")
    for brand in ("First Light", "Second Wind"):
        await page.get_by_role("button", name="New project").click()
        await fill_brief(page, brand=brand, logos=1)
        await page.get_by_role("button", name="Generate logos").click()
        await expect(page).to_have_title(f"{brand} – LogoKraft Studio")
        await wait_for_logos(page, 1, brand=brand)
    await page.go_back()  # the new brief before "Second Wind"
    await expect(page).to_have_title("LogoKraft Studio")
    await page.go_back()
    await expect(page).to_have_title("First Light – LogoKraft Studio")
    await page.reload()
    await expect(page).to_have_title("First Light – LogoKraft Studio")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_title("LogoKraft Studio")


async def test_logos_already_shown_do_not_blink_when_more_arrive(gateway, page: Page):
    """Each new stream (a refinement opens one) starts with a snapshot whose image URLs are
    signed afresh. The logos on screen stay the pictures they are: not redrawn from a new
    URL, which left every tile blank while the browser fetched it all again."""
    brand = "Steady Picture"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, 3)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    shown = [page.get_by_alt_text(candidate_alt(n, brand), exact=True) for n in (1, 2, 3)]
    for image in shown:
        await image.evaluate("img => { img.dataset.shownBefore = 'yes'; }")
    await refine_logo(page, candidate_alt(1, brand), "make it navy", 1)
    variation = page.get_by_alt_text(f"{candidate_alt(1, brand)}, variation 1", exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    for image in shown:
        await expect(image).to_have_attribute("data-shown-before", "yes")
        await expect_loaded(image)


async def test_a_fields_bounds_are_said_in_plain_words(gateway, page: Page, console):
    """The API's 422 names a field's bound in pydantic's words ("String should have at most
    100 characters", "Input should be less than or equal to 8"); beside "Brand name" and
    "Number of logos" the page says it as a person would."""
    console.allow(r"status of 422")
    await sign_in_as_dev(page, gateway)
    await page.get_by_label("Brand name").fill("Long" * 26)
    await page.get_by_label("Number of logos").fill("9")
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#error-brand_name")).to_have_text(
        "Too long: at most 100 characters."
    )
    await expect(page.locator("#error-num_candidates")).to_have_text("Must be at most 8.")
    await expect(page.get_by_label("Brand name")).to_be_focused()
    await page.get_by_label("Brand name").fill("Short")
    await page.get_by_label("Number of logos").fill("0")
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#error-num_candidates")).to_have_text("Must be at least 1.")
    await expect(page.locator("#error-brand_name")).to_be_empty()


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""

    def luminance(color: str) -> float:
        red, green, blue = (int(part) for part in re.findall(r"\d+", color)[:3])

        def linear(value: int) -> float:
            channel = value / 255
            return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_the_focus_ring_can_be_seen_on_every_background(gateway, page: Page):
    """A keyboard user finds the focus by its ring: at least 3:1 against what surrounds it
    (WCAG 1.4.11), on the white panels, the page's wash and the dark header alike. The amber
    ring was 2:1 on white."""
    await sign_in_as_dev(page, gateway)
    places = {
        "#new-project": ".panel",
        "#sign-out": ".top",
    }
    for selector, around in places.items():
        control = page.locator(selector)
        await control.focus()
        await page.keyboard.press("Shift+Tab")
        await page.keyboard.press("Tab")  # focused by the keyboard: :focus-visible
        await expect(control).to_be_focused()
        assert await control.evaluate("node => node.matches(':focus-visible')")
        assert await control.evaluate("node => getComputedStyle(node).outlineStyle") == "solid"
        ring = await control.evaluate("node => getComputedStyle(node).outlineColor")
        behind = await page.locator(around).first.evaluate(
            "node => getComputedStyle(node).backgroundColor"
        )
        wash = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert contrast(ring, behind) >= 3, (selector, ring, behind)
        if around == ".panel":
            assert contrast(ring, wash) >= 3, (selector, ring, wash)


async def test_a_tab_left_open_past_its_links_expiry_still_shows_and_saves_the_logos(
    services, page: Page, console, tmp_path
):
    """The logos' signed URLs expire (an hour by default; seconds here). A person who comes
    back to the tab later and selects a logo sees it enlarged, not a broken image, and
    "Download PNG" saves the logo, not the 403 of an expired link."""
    console.allow(r"status of 403 \(Forbidden\)")  # the expired link, before the fresh one
    brand = "Back From Lunch"
    async with serve_gateway(services, LOGOKRAFT_SIGNED_URL_TTL_SECONDS=3) as gateway:
        await sign_in_as_dev(page, gateway)
        await fill_brief(page, brand=brand, logos=2)
        await page.get_by_role("button", name="Generate logos").click()
        await expect(page.locator("#stream-status")).to_have_text(
            re.compile(r"^Done: "), timeout=GENERATION_TIMEOUT_MS
        )
        second = page.get_by_alt_text(candidate_alt(2, brand), exact=True)
        url = await second.get_attribute("src")
        async with httpx.AsyncClient() as client:  # until the link the page holds has expired
            while (await client.get(url)).status_code == 200:  # noqa: ASYNC110 - time, not an event, expires it
                await asyncio.sleep(0.2)
        await page.get_by_role("button", name=candidate_alt(2, brand), exact=True).click()
        enlarged = page.get_by_alt_text(f"{candidate_alt(2, brand)}, enlarged", exact=True)
        await expect(enlarged).to_have_js_property("naturalWidth", 1024)
        async with page.expect_download() as saved:
            await page.get_by_role("link", name="Download PNG").click()
        download = await saved.value
        assert await download.failure() is None
        stem = re.sub(r"[^a-z0-9]+", "-", brand.lower()).strip("-")
        assert download.suggested_filename == f"{stem}-candidate-2.png"
        path = tmp_path / download.suggested_filename
        await download.save_as(path)
        with Image.open(path) as image:
            assert image.format == "PNG"
        await page.close()  # its links are renewed no more once the gateway stops


async def expired(url: str) -> None:
    """Return once the signed `url` no longer serves its file."""
    async with httpx.AsyncClient() as client:
        while (await client.get(url)).status_code == 200:  # noqa: ASYNC110 - time, not an event, expires it
            await asyncio.sleep(0.2)


async def saved_png(page: Page, link, **click) -> None:
    """Click `link` (`click`: Playwright's options, a middle click...); it saves a PNG."""
    async with page.expect_download() as saved:
        await link.click(**click)
    download = await saved.value
    assert await download.failure() is None
    with Image.open(await download.path()) as image:
        assert image.format == "PNG"


async def test_a_download_link_used_past_its_first_expiry_still_saves_the_logo(
    services, page: Page, console
):
    """A plain click asks for the logo's current URLs; a middle click, "Open in new tab",
    "Save link as" or "Copy link" take the link as it is. The link is renewed before it
    expires, and a middle click on one found expired anyway (the computer slept, and the
    page's timers with it) saves the logo too, never the expired link's 403."""
    brand = "Open Later"
    async with serve_gateway(services, LOGOKRAFT_SIGNED_URL_TTL_SECONDS=4) as gateway:
        await sign_in_as_dev(page, gateway)
        await generate_logos(page, brand)
        await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
        link = page.get_by_role("link", name="Download PNG")
        first = await link.get_attribute("href")
        await expired(first)
        await expect(link).not_to_have_attribute("href", first)
        async with httpx.AsyncClient() as client:
            assert (await client.get(await link.get_attribute("href"))).status_code == 200
        await saved_png(page, link, button="middle")
        await saved_png(page, link, modifiers=["ControlOrMeta"])

        # The page's timers stop (a computer asleep) while the link expires.
        await page.clock.install()
        await page.reload()
        await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
        await page.clock.pause_at(time.time() + 1)
        stale = await link.get_attribute("href")
        await expired(stale)
        await page.clock.set_system_time(time.time())
        assert await link.get_attribute("href") == stale
        await saved_png(page, link, button="middle")
        await page.close()  # its links are renewed no more once the gateway stops


async def test_a_double_click_on_generate_makes_one_project(gateway, page: Page, tmp_path):
    """The images are still being checked (a large photo takes a moment to decode) when
    "Generate logos" is double-clicked: the brief is sent once, one project is made."""
    brand = "Once Only"
    photos = [tmp_path / f"large-photo-{number}.png" for number in range(1, 6)]
    for number, photo in enumerate(photos):
        Image.linear_gradient("L").rotate(number * 30).resize((3900, 3900)).convert("RGB").save(
            photo
        )
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    posted = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.url)
            if request.method == "POST" and request.url.endswith("/api/v1/projects")
            else None
        ),
    )
    await page.get_by_label("Inspiration images").set_input_files(photos)
    await page.get_by_role("button", name="Generate logos").dblclick()
    await wait_for_logos(page, 1, brand=brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    async with httpx.AsyncClient(base_url=gateway) as client:
        listed = await client.get(
            "/api/v1/projects?limit=50", headers={"Authorization": f"Bearer {token}"}
        )
    names = [project["brief"]["brand_name"] for project in listed.json()["projects"]]
    assert names.count(brand) == 1, names
    assert len(posted) == 1, posted
    await expect(page.locator("#project-list button", has_text=brand)).to_have_count(1)


@pytest.mark.parametrize("viewport", [PHONE], indirect=True)
async def test_on_a_phone_a_new_or_opened_project_is_shown_from_its_top(gateway, page: Page):
    """On a phone "Your projects" comes first: with a few projects listed, the project just
    made (or opened from the list) was scrolled only until its heading showed at the
    screen's bottom edge, its logos out of sight. It is shown from its top."""
    await sign_in_as_dev(page, gateway)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    await make_settled_projects(gateway, token, 6)
    await page.reload()
    await expect(page.locator("#project-list button")).to_have_count(6)
    brand = "Top Of The Screen"
    await fill_brief(page, brand=brand, logos=2)
    await page.get_by_role("button", name="Generate logos").click()
    heading = page.get_by_role("heading", name=brand, exact=True)
    await expect(heading).to_be_focused()
    await expect(page.locator("#candidates > li").first).to_be_in_viewport(ratio=1)
    box = await page.locator("#project").bounding_box()
    assert box and abs(box["y"]) < 2, f"the project starts {box} down the screen"

    await wait_for_logos(page, 2, brand=brand)
    await page.evaluate("window.scrollTo(0, 0)")
    await page.locator("#project-list button", has_text="Batch 00").click()
    await expect(page.get_by_role("heading", name="Batch 00", exact=True)).to_be_focused()
    box = await page.locator("#project").bounding_box()
    assert box and abs(box["y"]) < 2, f"the project starts {box} down the screen"


@pytest.mark.parametrize("viewport", [PHONE], indirect=True)
async def test_long_unbroken_words_in_the_brief_do_not_widen_the_page_on_a_phone(
    gateway, page: Page
):
    """Not only the name: a slogan that is a web address, a long German industry and an
    instruction without spaces (shown under the heading and in the lineage) wrap inside
    the screen instead of pushing the page sideways."""
    brand = "Long Words"
    instruction = "use-Pantone-2945C-" + "x" * 50
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand=brand, logos=1)
    await page.get_by_label("Slogan").fill("www.thebestcoffeeroasteryintheentireworld.example")
    await page.get_by_label("Industry").fill("Kaffeeröstereifachgroßhandelsunternehmen")
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand=brand)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    await no_horizontal_scroll(page)
    await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
    await page.get_by_label("Instruction").fill(instruction)
    await page.get_by_label("Number of variations").fill("1")
    await page.get_by_role("button", name="Refine").click()
    variation = f"{candidate_alt(1, brand)}, variation 1"
    await expect(page.get_by_alt_text(variation, exact=True)).to_be_visible(
        timeout=GENERATION_TIMEOUT_MS
    )
    await page.get_by_role("button", name=variation, exact=True).click()
    await expect(page.locator("#lineage-list button[aria-current=true]")).to_contain_text(
        instruction
    )
    await no_horizontal_scroll(page)


async def test_a_proxys_refusal_is_said_in_words_a_person_can_act_on(
    gateway, page: Page, console, tmp_path
):
    """In front of the gateway a proxy may answer for it, with its own HTML page: nginx
    refuses a body over 1 MB by default ("413 Request Entity Too Large"), a load balancer
    answers 502 while the gateway restarts. The brief says what happened and what to do,
    not "The request failed (HTTP 413)", and keeps the brief to send again."""
    console.allow(r"status of (413|502)")
    proxy_says = {"status": 413, "text": "Request Entity Too Large"}

    async def proxy(route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        await route.fulfill(
            status=proxy_says["status"],
            headers={"content-type": "text/html"},
            body=f"<html><body><center><h1>{proxy_says['status']} {proxy_says['text']}"
            "</h1></center><hr><center>nginx</center></body></html>",
        )

    await sign_in_as_dev(page, gateway)
    await page.route(re.compile(r"/api/v1/projects$"), proxy)
    await fill_brief(page, brand="Behind A Proxy", logos=1)
    await page.get_by_label("Inspiration images").set_input_files(inspiration_png(tmp_path))
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#brief-error")).to_have_text(
        "The brief and its images are too large to send at once; choose fewer or smaller images."
    )
    proxy_says.update(status=502, text="Bad Gateway")
    await page.get_by_role("button", name="Generate logos").click()
    await expect(page.locator("#brief-error")).to_have_text(
        "The server is not answering right now; try again in a minute."
    )
    await expect(page.get_by_label("Brand name")).to_have_value("Behind A Proxy")


async def test_going_back_with_the_delete_question_open_does_not_carry_it_along(
    gateway, page: Page
):
    """ "Delete this project?" is open on one project when the person goes back (the mouse's
    back button, Alt+Left) to the one before: the question goes with the project it was
    about, instead of staying open over the other one ready to delete the first."""
    await sign_in_as_dev(page, gateway)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    await make_settled_projects(gateway, token, 2)
    await page.reload()
    for name in ("Batch 00", "Batch 01"):
        await page.locator("#project-list button", has_text=name).click()
        await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    await page.get_by_role("button", name="Delete project…").click()
    dialog = page.get_by_role("dialog", name="Delete this project?")
    await expect(dialog).to_be_visible()
    await page.go_back()
    await expect(page.get_by_role("heading", name="Batch 00", exact=True)).to_be_visible()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#project-list button")).to_have_count(2)


async def test_a_failed_dev_sign_in_is_heard_and_the_focus_stays_on_its_button(
    gateway, page: Page, console
):
    """The gateway is not reachable when "Continue as dev user" is pressed (it is
    restarting): the reason is said in the page's live notice, not under "Access token"
    (nothing was pasted), and the keyboard is still on the button to try again."""
    console.allow(r"ERR_CONNECTION_REFUSED|Failed to fetch")
    await open_studio(page, gateway)
    await page.route("**/studio/dev-token", lambda route: route.abort("connectionrefused"))
    button = page.get_by_role("button", name="Continue as dev user")
    await button.press("Enter")
    await expect(page.get_by_role("status").filter(has_text="cannot be reached")).to_have_text(
        "The server cannot be reached; check your connection and try again."
    )
    await expect(page.locator("#access-token-error")).to_be_empty()
    await expect(button).to_be_focused()
    await page.unroute("**/studio/dev-token")
    await button.press("Enter")
    await expect(page.get_by_label("Brand name")).to_be_focused()


async def test_sending_a_brief_again_after_its_answer_was_lost_makes_one_project(
    gateway, page: Page, console
):
    """The gateway made the project, but its answer never reached the page (the connection
    dropped, the gateway restarted): the page says it could not reach the server, and the
    person presses "Generate logos" again. That is the same brief, so it is the same
    project (Idempotency-Key), not a second one counted against the daily limit. An edited
    brief is a new one."""
    console.allow(r"ERR_CONNECTION_RESET|Failed to fetch")
    brand = "Said Twice"
    answers_lost = 0

    async def lose_the_first_answer(route) -> None:
        nonlocal answers_lost
        if route.request.method == "POST" and not answers_lost:
            answers_lost += 1
            # The gateway makes the project from the page's very request (no image: Chromium
            # does not hand a chosen file's bytes to a route)...
            request = route.request
            headers = await request.all_headers()
            async with httpx.AsyncClient() as client:
                made = await client.post(
                    request.url,
                    content=request.post_data_buffer,
                    headers={
                        name: headers[name]
                        for name in ("content-type", "authorization", "idempotency-key")
                        if name in headers
                    },
                )
            assert made.status_code == 202, made.text
            await route.abort("connectionreset")  # ...and its answer is lost on the way
            return
        await route.continue_()

    await sign_in_as_dev(page, gateway)
    await page.route(re.compile(r"/api/v1/projects$"), lose_the_first_answer)
    await fill_brief(page, brand=brand, logos=1)
    generate = page.get_by_role("button", name="Generate logos")
    await generate.click()
    await expect(page.locator("#brief-error")).to_contain_text("cannot be reached")
    await generate.click()
    await wait_for_logos(page, 1, brand=brand)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")

    async def names() -> list[str]:
        async with httpx.AsyncClient(base_url=gateway) as client:
            listed = await client.get(
                "/api/v1/projects?limit=50", headers={"Authorization": f"Bearer {token}"}
            )
        return [project["brief"]["brand_name"] for project in listed.json()["projects"]]

    assert (await names()).count(brand) == 1
    await expect(page.locator("#project-list button", has_text=brand)).to_have_count(1)

    # The same words sent again as a new brief (after "New project", edited back) are a new
    # project: the key is the brief's as written, not the form's forever.
    await page.get_by_role("button", name="New project").click()
    await page.get_by_label("Number of logos").fill("1")
    await generate.click()
    await wait_for_logos(page, 1, brand=brand)
    assert (await names()).count(brand) == 2


async def test_a_gateway_without_idempotency_still_takes_the_brief(gateway, page: Page, console):
    """A gateway run without a database cannot honour Idempotency-Key (501
    idempotency_unavailable, as its message says): the page sends the brief without it."""
    console.allow(r"status of 501")
    refused = 0

    async def no_database(route) -> None:
        nonlocal refused
        if "idempotency-key" in await route.request.all_headers():
            refused += 1
            await route.fulfill(
                status=501,
                headers={"content-type": "application/json"},
                body=json.dumps(
                    {
                        "error": {
                            "code": "idempotency_unavailable",
                            "message": "This server cannot honour Idempotency-Key.",
                        }
                    }
                ),
            )
            return
        await route.continue_()

    await sign_in_as_dev(page, gateway)
    await page.route(re.compile(r"/api/v1/projects$"), no_database)
    await fill_brief(page, brand="No Database", logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand="No Database")
    await page.get_by_role("button", name="New project").click()
    await fill_brief(page, brand="Still No Database", logos=1)
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand="Still No Database")
    assert refused == 1  # asked once, then remembered


@pytest.mark.parametrize("viewport", [PHONE], indirect=True)
async def test_on_a_phone_refine_says_by_its_button_what_it_started(
    gateway, page: Page, screenshots
):
    """On a phone the selected logo's panel is below every candidate: the variations a
    refinement makes appear with their parent, far above, out of sight. By the Refine
    button a status says what was started and where it will appear, so nobody presses it
    again thinking nothing happened; once they are made it says no more."""
    # What the status said, and whether it could be seen then (it is cleared at the `done`,
    # which the local engine may send before a look could be taken).
    await page.add_init_script(
        """
        window.__refineStatus = [];
        document.addEventListener("DOMContentLoaded", () => {
          const status = document.getElementById("refine-status");
          new MutationObserver(() => {
            const box = status.getBoundingClientRect();
            const seen = box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
            window.__refineStatus.push([status.textContent, seen]);
          }).observe(status, { childList: true, characterData: true, subtree: true });
        });
        """
    )
    brand = "Far Above"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, 4)
    await refine_logo(page, candidate_alt(1, brand), "make it navy", 2)
    variation = page.get_by_alt_text(f"{candidate_alt(1, brand)}, variation 2", exact=True)
    await expect(variation).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    await expect(page.locator("#refine-status")).to_be_empty()  # no longer "will appear"
    await expect(page.locator("#refine-status")).to_have_attribute("role", "status")
    said = await page.evaluate("window.__refineStatus")
    assert [
        "Making 2 variations: they will appear under “Candidate 1” as they are made.",
        True,
    ] in said, said
    await page.screenshot(path=str(screenshots / "after-refine.png"))


async def test_logo_files_that_cannot_be_loaded_are_asked_for_once(gateway, page: Page, console):
    """Every logo's file fails to load (lost from storage, blocked by a proxy): each logo
    asks once for a fresh URL and then stays as it is. The asking must not go round the
    siblings (each fresh logo redrawing the others, whose broken images asked again)."""
    console.allow(r"status of 404 \(Not Found\)")
    brand = "Nothing To See"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, 3)
    await expect(page.locator("#stream-status")).to_have_text(re.compile(r"^Done: "))
    asked: list[str] = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url) if re.search(r"/api/v1/assets/[^/?]+$", request.url) else None
        ),
    )
    await page.route(re.compile(r"/api/v1/files/"), lambda route: route.fulfill(status=404))
    await page.reload()
    await expect(page.locator("#candidates img[data-reloaded]")).to_have_count(3)
    await expect(page.get_by_role("heading", name=brand, exact=True)).to_be_focused()
    await page.evaluate("fetch('/healthz')")  # a round trip more for any further asking
    assert len(asked) == 3, asked


async def test_a_project_slow_to_open_says_it_is_on_its_way(gateway, page: Page):
    """On a slow connection the project shown stays until the one clicked arrives: its line
    in the list says it is opening (aria-busy), and stops saying so once it is shown."""
    await sign_in_as_dev(page, gateway)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    await make_settled_projects(gateway, token, 2)
    await page.reload()
    arrived = asyncio.Event()

    async def slow(route) -> None:
        await arrived.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/projects/[0-9a-f-]{36}$"), slow)
    item = page.locator("#project-list button", has_text="Batch 00")
    await item.click()
    await expect(item).to_have_attribute("aria-busy", "true")
    await expect(item).to_have_css("cursor", "progress")
    arrived.set()
    await expect(page.get_by_role("heading", name="Batch 00", exact=True)).to_be_focused()
    await expect(item).not_to_have_attribute("aria-busy", "true")
    await expect(item).to_have_attribute("aria-current", "true")


async def test_a_notice_about_one_project_goes_when_another_is_opened(gateway, page: Page):
    """ "Deleted “Batch 01”." is news of that moment: it stayed at the top of the page over
    every project opened after it, and over the next new brief."""
    await sign_in_as_dev(page, gateway)
    token = await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})")
    await make_settled_projects(gateway, token, 2)
    await page.reload()
    await page.locator("#project-list button", has_text="Batch 01").click()
    await page.get_by_role("button", name="Delete project…").click()
    await page.get_by_role("button", name="Delete for good").click()
    await expect(page.locator("#notice")).to_have_text("Deleted “Batch 01”.")
    await page.locator("#project-list button", has_text="Batch 00").click()
    await expect(page.get_by_role("heading", name="Batch 00", exact=True)).to_be_focused()
    await expect(page.locator("#notice")).to_be_empty()
    await expect(page.locator("#notice")).to_be_hidden()


# ---- trying a failed logo again ---------------------------------------------------------------


async def test_a_failed_candidate_is_tried_again_with_the_keyboard(
    gateway, database_url, page: Page
):
    """A candidate left failed (as a provider's refusal leaves it: the local engine does not
    fail, so the row is set so) shows its reason and "Try again"; Enter on it draws the same
    logo again, live on its card, and the project settles with every logo made."""

    brand = "Second Wind"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, logos=2)
    await expect(page.locator("#stream-status")).to_have_text(
        "Done: 2 logos.", timeout=GENERATION_TIMEOUT_MS
    )
    [failed] = await rows(
        database_url,
        """
        update generated_assets a set status = 'failed', error_code = 'content_rejected',
          error_message = 'The image provider refused this prompt.', storage_bucket = null,
          storage_path = null, mime_type = null, width = null, height = null
        from brand_projects p
        where p.id = a.project_id and p.brand_name = %s and a.position = 1
          and a.parent_asset_id is null
        returning a.id, a.project_id
        """,
        [brand],
    )
    await page.reload()
    await expect(page.get_by_role("heading", name=brand, exact=True)).to_be_visible()
    reason = page.get_by_role("img", name=f"{candidate_alt(2, brand)}: Failed: ")
    await expect(
        page.get_by_text("Failed: The image provider refused this prompt.")
    ).to_be_visible()
    retry = f"Try again: {candidate_alt(2, brand)}"
    await expect(page.get_by_role("button", name=retry, exact=True)).to_be_visible()

    await tab_to(page, retry)
    await page.keyboard.press("Enter")

    logo = page.get_by_alt_text(candidate_alt(2, brand), exact=True)
    await expect(logo).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    await expect_loaded(logo)
    await expect(page.get_by_role("button", name=retry, exact=True)).to_have_count(0)
    await expect(reason).to_have_count(0)
    await expect(page.locator("#stream-status")).to_have_text(
        "Done: 2 logos.", timeout=GENERATION_TIMEOUT_MS
    )
    [asset] = await rows(
        database_url,
        "select id, status, (select count(*) from image_usage u where u.asset_id = a.id) as drawn"
        " from generated_assets a where project_id = %s and position = 1",
        [failed["project_id"]],
    )
    assert (asset["id"], asset["status"], asset["drawn"]) == (failed["id"], "completed", 2)


async def test_a_design_the_engine_cannot_draw_offers_no_try_again(
    gateway, database_url, page: Page
):
    """A candidate the local engine could not draw (`design_rejected`) shows its reason but
    no "Try again": drawing it again would fail the same way (the API answers 409)."""

    brand = "Dead End"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand, logos=2)
    await expect(page.locator("#stream-status")).to_have_text(
        "Done: 2 logos.", timeout=GENERATION_TIMEOUT_MS
    )
    await rows(
        database_url,
        """
        update generated_assets a set status = 'failed', error_code = 'design_rejected',
          error_message = 'The local logo engine cannot draw this design.',
          storage_bucket = null, storage_path = null, mime_type = null, width = null,
          height = null
        from brand_projects p
        where p.id = a.project_id and p.brand_name = %s and a.position = 1
          and a.parent_asset_id is null
        returning a.id
        """,
        [brand],
    )
    await page.reload()
    await expect(page.get_by_role("heading", name=brand, exact=True)).to_be_visible()
    await expect(
        page.get_by_text("Failed: The local logo engine cannot draw this design.")
    ).to_be_visible()
    retry = f"Try again: {candidate_alt(2, brand)}"
    await expect(page.get_by_role("button", name=retry, exact=True)).to_have_count(0)


# ---- the daily limit, and other tabs ----------------------------------------------------------


async def test_the_daily_limit_is_shown_before_a_brief_is_refused_for_it(
    nats_server, database_url, namespace, data_dir, page: Page, console
):
    """What is left of the daily images is on the page (GET /usage), and follows each brief
    and refinement: a person sees the limit coming, not only the 429 that says it is reached."""
    console.allow(r"status of 429")
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    env["LOGOKRAFT_LIMIT_IMAGES_PER_DAY"] = 3
    usage = page.locator("#usage")
    async with running_services(env) as services, serve_gateway(services) as gateway:
        await sign_in_as_dev(page, gateway)
        await expect(usage).to_have_text("Images in the last 24 hours: 0 of 3.")
        await generate_logos(page, "Counted Co", logos=2)
        await expect(usage).to_have_text("Images in the last 24 hours: 2 of 3.")
        await refine_logo(page, candidate_alt(1, "Counted Co"), "make it navy", 1)
        await expect(usage).to_have_text(
            re.compile(r"^Images in the last 24 hours: 3 of 3\. More from .+\.$")
        )
        await page.get_by_role("button", name="New project").click()
        await fill_brief(page, brand="One Too Many", logos=1)
        await page.get_by_role("button", name="Generate logos").click()
        await expect(page.locator("#brief-error")).to_contain_text("3 of your 3 images")


async def test_another_tabs_projects_show_in_this_tabs_list(gateway, context, page: Page, console):
    """Two tabs of the studio: a project made in one is listed in the other as it is made
    and finished, one deleted there leaves the other's list (and its page, when open there),
    and the daily count follows; without a reload."""
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, "Tab One")
    other = await context.new_page()
    console.watch(other)
    await sign_in_as_dev(other, gateway)
    await generate_logos(other, "Tab Two")

    projects = page.get_by_role("region", name="Your projects")
    two = projects.get_by_role("button", name=re.compile("Tab Two"))
    await expect(two).to_contain_text("Done · 1 logo")
    await expect(page.locator("#usage")).to_have_text("Images in the last 24 hours: 2 of 200.")
    await expect(page.get_by_role("heading", name="Tab One", exact=True)).to_be_visible()

    # The project open here, refined there: its variation comes here too (and the tabs do
    # not go on telling each other about it: a handful of streams, not one after another).
    streams: list[str] = []
    page.on(
        "request", lambda request: streams.append(request.url) if "/stream" in request.url else None
    )
    await (
        other.get_by_role("region", name="Your projects")
        .get_by_role("button", name=re.compile("Tab One"))
        .click()
    )
    await refine_logo(other, candidate_alt(1, "Tab One"), "make it navy", 1)
    variation = f"{candidate_alt(1, 'Tab One')}, variation 1"
    await expect(page.get_by_alt_text(variation, exact=True)).to_be_visible(
        timeout=GENERATION_TIMEOUT_MS
    )
    await expect(page.locator("#stream-status")).to_have_text("Done: 1 logo, 1 variation.")
    await (
        other.get_by_role("region", name="Your projects")
        .get_by_role("button", name=re.compile("Tab Two"))
        .click()
    )
    await expect(other.get_by_role("heading", name="Tab Two", exact=True)).to_be_visible()

    # Deleted there: gone from this list, the project open here stays.
    await other.get_by_role("button", name="Delete project…").click()
    await other.get_by_role("button", name="Delete for good").click()
    await expect(two).to_have_count(0)
    await expect(page.get_by_role("heading", name="Tab One", exact=True)).to_be_visible()
    await expect(page.locator("#notice")).to_be_empty()

    # The project open here, deleted there: this page leaves it, saying why.
    await (
        other.get_by_role("region", name="Your projects")
        .get_by_role("button", name=re.compile("Tab One"))
        .click()
    )
    await other.get_by_role("button", name="Delete project…").click()
    await other.get_by_role("button", name="Delete for good").click()
    await expect(page.locator("#notice")).to_have_text(
        "That project no longer exists: it was deleted."
    )
    await expect(page.get_by_role("heading", name="New brief")).to_be_visible()
    await expect(projects.get_by_role("button", name=re.compile("Tab One"))).to_have_count(0)
    assert len(streams) <= 3, streams


async def test_while_a_refinement_connects_the_page_does_not_say_done(gateway, page: Page):
    """On a slow connection the refinement's stream takes a moment to open: meanwhile the
    page says it is connecting, not the last stream's "Done: 1 logo." beside "Generating"."""
    brand = "Still Going"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    status = page.locator("#stream-status")
    await expect(status).to_have_text("Done: 1 logo.", timeout=GENERATION_TIMEOUT_MS)
    opened = asyncio.Event()

    async def slow(route) -> None:
        await opened.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/projects/[^/?]+/stream"), slow)
    await refine_logo(page, candidate_alt(1, brand), "make it navy", 1)
    await expect(page.locator("#project-status")).to_have_text(re.compile(r"^Generating"))
    await expect(status).to_have_text("Connecting…")
    opened.set()
    await expect(status).to_have_text("Done: 1 logo, 1 variation.", timeout=GENERATION_TIMEOUT_MS)


async def test_a_double_click_on_download_png_saves_the_logo_once(gateway, page: Page):
    """On a slow connection a click on Download PNG shows nothing until the logo's fresh URL
    is here; a second click meanwhile does not save it a second time."""
    brand = "Twice Shy"
    await sign_in_as_dev(page, gateway)
    await generate_logos(page, brand)
    await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
    asked: list[str] = []
    answered = asyncio.Event()

    async def slow(route) -> None:
        asked.append(route.request.url)
        await answered.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/assets/[^/?]+$"), slow)
    link = page.get_by_role("link", name="Download PNG")
    await link.dblclick()
    await expect(link).to_have_attribute("aria-busy", "true")
    async with page.expect_download() as saved:
        answered.set()
    assert await (await saved.value).failure() is None
    await expect(link).not_to_have_attribute("aria-busy", "true")
    assert len(asked) == 1, asked


async def test_downloads_work_with_the_studio_opened_at_localhost(gateway, page: Page):
    """The logos' URLs name the gateway's public URL (127.0.0.1); a person who typed
    http://localhost:<port>/ clicked Download PNG and left the studio for the bare image (a
    cross-origin link is not downloaded). The logo is saved, under the page's name."""
    brand = "Local Hero"
    await page.goto(gateway.replace("127.0.0.1", "localhost") + "/")
    await page.get_by_role("button", name="Continue as dev user").click()
    await generate_logos(page, brand)
    studio = page.url
    await page.get_by_role("button", name=candidate_alt(1, brand), exact=True).click()
    link = page.get_by_role("link", name="Download PNG")
    await saved_png(page, link)
    await saved_png(page, link, button="middle")
    async with page.expect_download() as saved:
        await link.click()
    assert (await saved.value).suggested_filename == "local-hero-candidate-1.png"
    assert page.url == studio


async def test_on_a_slow_connection_the_studio_says_it_is_loading(gateway, page: Page):
    """Before its first answers (the sign-in options, the saved session's check, the
    projects) the page said nothing at all: a blank page for seconds on a slow connection."""
    await sign_in_as_dev(page, gateway)
    answered = asyncio.Event()

    async def slow(route) -> None:
        await answered.wait()
        await route.continue_()

    await page.route(re.compile(r"/api/v1/projects\?limit=1$"), slow)
    await page.reload(wait_until="domcontentloaded")
    loading = page.get_by_text("Loading the studio…")
    await expect(loading).to_be_visible()
    answered.set()
    await expect(page.get_by_label("Brand name")).to_be_focused()
    await expect(loading).to_be_hidden()


async def test_colour_words_with_no_colour_are_shown_as_notes(gateway, services, page: Page):
    """The brief's line named the colours understood and nothing else: "zorb" in the Colours
    field vanished from sight although it went to the prompt writer as a note."""
    await sign_in_as_dev(page, gateway)
    await fill_brief(page, brand="Zorb Works", logos=1)
    await page.get_by_label("Colours").fill("forest green and zorb")
    await page.get_by_role("button", name="Generate logos").click()
    await wait_for_logos(page, 1, brand="Zorb Works")
    meta = page.locator("#project-meta")
    await expect(meta).to_contain_text("forest green")
    await expect(meta).to_contain_text("not colours, kept as notes: zorb")
