"""Colours in plain words through POST /api/v1/projects (issue 16).

The colour fields are read as people write them: the project's brief shows the words as
written, the colours understood and a name for each, and words with no colour meaning as
notes; the CreateProject request carries the same. Nothing about a colour field's meaning
is a 422; only its bounds are.
"""

from __future__ import annotations

import pytest

from logokraft_domain.brief import MAX_COLOR_FIELD_LENGTH, MAX_COLORS, understand_colours

URL = "/api/v1/projects"
# An empty, unnamed file part forces multipart, as a browser sends when no file is chosen.
NO_FILE = [("inspiration_images", ("", b"", "application/octet-stream"))]


async def create(client, auth, colors: list[str]):
    form = {"brand_name": "Acme", "num_candidates": "2", "colors": colors}
    return await client.post(URL, data=form, files=NO_FILE, headers=auth)


@pytest.mark.parametrize(
    ("colors", "hexes", "names", "notes"),
    [
        (["cream"], ["#ffffc2"], ["cream"], []),
        (["brown, cream"], ["#a52a2a", "#ffffc2"], ["brown", "cream"], []),
        (["navy and gold"], ["#000080", "#ffd700"], ["navy", "gold"], []),
        (
            ["forest green", "dusty rose"],
            ["#06470c", "#c0737a"],
            ["forest green", "dusty rose"],
            [],
        ),
        (["#ABC", "navy", "#112233"], ["#aabbcc", "#000080", "#112233"], None, []),
        (["qwxzzy blorp"], [], [], ["qwxzzy blorp"]),
        (["navy", "like the sea at dawn"], ["#000080"], ["navy"], ["like the sea at dawn"]),
        (["rgb(10, 37, 64)", "#FFD700CC"], ["#0a2540", "#ffd700"], None, []),
    ],
    ids=[
        *("cream", "brown-cream", "navy-and-gold", "two-fields", "hex-css", "gibberish"),
        *("note", "design-tool-notations"),
    ],
)
async def test_colour_words_are_understood_and_shown(
    client, auth, fake, colors, hexes, names, notes
):
    response = await create(client, auth, colors)

    assert response.status_code == 202, response.text
    brief = response.json()["project"]["brief"]
    assert brief["colors"] == hexes
    assert brief["color_words"] == colors
    if names is not None:
        assert brief["color_names"] == names
    assert len(brief["color_names"]) == len(hexes)
    assert brief["color_notes"] == notes

    # The prompt service is told the same.
    [(_, request)] = fake.create_calls
    assert list(request.brief.colors) == hexes
    assert list(request.brief.color_words) == colors
    assert list(request.brief.color_names) == brief["color_names"]
    assert list(request.brief.color_notes) == notes

    # And the project, read again, shows it.
    project_id = response.json()["project_id"]
    again = await client.get(f"{URL}/{project_id}", headers=auth)
    assert again.status_code == 200
    assert again.json()["brief"] == brief


async def test_a_mood_phrase_becomes_a_palette(client, auth, fake):
    response = await create(client, auth, ["warm earth tones"])

    assert response.status_code == 202, response.text
    brief = response.json()["project"]["brief"]
    expected = understand_colours(["warm earth tones"])
    assert brief["colors"] == list(expected.colors)
    assert brief["color_names"][:2] == ["terracotta", "burnt orange"]
    assert 1 < len(brief["colors"]) <= MAX_COLORS
    assert brief["color_words"] == ["warm earth tones"]
    assert brief["color_notes"] == []
    [(_, request)] = fake.create_calls
    assert list(request.brief.color_words) == ["warm earth tones"]
    assert list(request.brief.colors) == brief["colors"]


async def test_more_colours_than_the_limit_keep_the_first_and_every_word(client, auth, fake):
    words = ["rainbow", "navy and gold"]
    response = await create(client, auth, words)

    assert response.status_code == 202, response.text
    brief = response.json()["project"]["brief"]
    assert len(brief["colors"]) == MAX_COLORS == len(brief["color_names"])
    assert "#000080" not in brief["colors"]  # past the limit: the words still say it
    assert brief["color_words"] == words


async def test_a_colour_field_past_its_length_is_still_refused(client, auth, fake):
    response = await create(client, auth, ["n" * (MAX_COLOR_FIELD_LENGTH + 1)])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_brief"
    assert fake.create_calls == []


async def test_the_form_documents_what_a_colour_field_may_say(client):
    schema = (await client.get("/openapi.json")).json()
    body = schema["paths"][URL]["post"]["requestBody"]["content"]["multipart/form-data"]
    colors = body["schema"]["properties"]["colors"]
    assert colors["items"]["maxLength"] == MAX_COLOR_FIELD_LENGTH
    assert "warm earth tones" in colors["items"]["description"]
    brief = schema["components"]["schemas"]["BriefPublic"]["properties"]
    assert {"color_words", "color_names", "color_notes"} <= set(brief)
