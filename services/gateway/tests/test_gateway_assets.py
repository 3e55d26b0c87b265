"""/api/v1/assets: refine (202 from the first streamed message), read one asset, lineage."""

from __future__ import annotations

import uuid

import grpc
import pytest

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id


@pytest.fixture
def refine(fake_server):
    return fake_server.refine


@pytest.fixture
def mine(refine):
    return refine.add_asset(dev_user_id("dev"), prompt="a navy fox", position=0)


async def test_refine_answers_202_with_queued_variations_and_the_stream(client, auth, refine, mine):
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers=auth,
        json={"instruction": "  make it navy ", "num_variations": 3},
    )

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["asset_id"] == mine.id and body["project_id"] == mine.project_id
    assert [v["status"] for v in body["variations"]] == ["queued"] * 3
    assert {v["parent_asset_id"] for v in body["variations"]} == {mine.id}
    assert body["stream_url"].startswith(
        f"http://testserver/api/v1/projects/{mine.project_id}/stream?access_token="
    )
    assert refine.calls[-1].instruction == "make it navy"
    assert refine.calls[-1].num_variations == 3
    await refine.refine_cancelled.wait()  # the gateway let go of the stream after one message


async def test_refine_defaults_to_two_variations(client, auth, refine, mine):
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine", headers=auth, json={"instruction": "bolder"}
    )
    assert response.status_code == 202
    assert len(response.json()["variations"]) == 2


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "instruction"),
        ({"instruction": ""}, "instruction"),
        ({"instruction": "   "}, "empty"),
        ({"instruction": "x" * 1001}, "1000"),
        ({"instruction": "navy\u0000"}, "control characters"),
        ({"instruction": "navy\u009b"}, "control characters"),
        ({"instruction": "\u200b\u200b"}, "no visible characters"),
        ({"instruction": "navy", "num_variations": 0}, "num_variations"),
        ({"instruction": "navy", "num_variations": 5}, "num_variations"),
        ({"instruction": "navy", "num_variations": "two"}, "num_variations"),
        ({"instruction": 7}, "instruction"),
        ({"instruction": "navy", "num_variation": 2}, "num_variation"),
    ],
)
async def test_bad_refinements_are_422_and_reach_no_service(
    client, auth, refine, mine, body, words
):
    response = await client.post(f"/api/v1/assets/{mine.id}/refine", headers=auth, json=body)

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert words in error["message"] + str(error.get("details"))
    assert refine.calls == []


@pytest.mark.parametrize("value", [True, False, 2.0, 2.5, "2", None, [2]])
async def test_num_variations_is_a_json_integer(client, auth, refine, mine, value):
    """Not `true` read as 1, nor 2.0 or "2" read as 2: a mistake the client should hear of."""
    body = {"instruction": "navy", "num_variations": value}
    response = await client.post(f"/api/v1/assets/{mine.id}/refine", headers=auth, json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message"].startswith("The field num_variations is invalid: must be a whole")
    assert error["details"][0]["field"] == "num_variations"
    assert refine.calls == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"{not json", "expecting property name enclosed in double quotes at character 1"),
        (b'{"instruction": "navy",}', "expecting property name enclosed in double quotes at "),
        (b"{'instruction': 'navy'}", "expecting property name enclosed in double quotes at "),
        (b'{"instruction": "navy"} x', "extra data at character 24"),
    ],
)
async def test_malformed_json_is_422_saying_where(client, auth, refine, mine, body, said):
    """ "The body is not valid JSON." left a hand-written body's stray comma to be found."""
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers={**auth, "Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith(f"The body is not valid JSON: {said}")
    assert refine.calls == []


async def test_the_instruction_is_trimmed_before_its_length_is_checked(client, auth, refine, mine):
    """1000 characters and the newline a text area adds are 1000 characters, as over gRPC."""
    instruction = "n" * 1000
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers=auth,
        json={"instruction": f"  {instruction}\n", "num_variations": 1},
    )
    assert response.status_code == 202, response.text
    assert [call.instruction for call in refine.calls] == [instruction]


async def test_a_form_or_text_body_is_told_to_be_json(client, auth, refine, mine):
    for sent in ({"data": {"instruction": "navy"}}, {"content": b"navy"}):
        response = await client.post(f"/api/v1/assets/{mine.id}/refine", headers=auth, **sent)
        assert response.status_code == 422
        assert response.json()["error"]["message"] == (
            "The body must be JSON, sent with Content-Type: application/json."
        )
    assert refine.calls == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"instruction": "café"}'.encode("latin-1"), "The body is not UTF-8 text"),
        (b'{"instruction": "navy", "num_variations": 1' + b"0" * 5000 + b"}", "thousands"),
        (b'{"instruction": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "nested too deep"),
    ],
    ids=["latin-1", "5000-digit number", "deep nesting"],
)
async def test_a_json_body_json_cannot_read_is_400_saying_what_to_change(
    client, auth, refine, mine, body, words
):
    """FastAPI answers these "There was an error parsing the body", which helps nobody."""
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers={**auth, "Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert words in error["message"], error["message"]
    assert refine.calls == []


async def test_a_missing_body_and_a_bad_field_say_so_plainly(client, auth, refine, mine):
    missing = await client.post(f"/api/v1/assets/{mine.id}/refine", headers=auth)
    bad = await client.post(
        f"/api/v1/assets/{mine.id}/refine", headers=auth, json={"instruction": "a\u0000b"}
    )

    assert missing.status_code == 422
    assert missing.json()["error"]["message"] == "The request needs a JSON body."
    assert bad.json()["error"]["message"] == (
        "The field instruction is invalid: "
        "the instruction must not contain NUL or other control characters."
    )
    assert bad.json()["error"]["details"] == [
        {
            "field": "instruction",
            "location": "body",
            "message": "the instruction must not contain NUL or other control characters",
        }
    ]
    assert refine.calls == []


async def test_malformed_unknown_and_foreign_assets_are_4xx(client, auth, refine, token_for):
    theirs = refine.add_asset(dev_user_id("bob"))
    body = {"instruction": "navy"}
    malformed = await client.post("/api/v1/assets/not-a-uuid/refine", headers=auth, json=body)
    unknown = await client.post(f"/api/v1/assets/{uuid.uuid4()}/refine", headers=auth, json=body)
    foreign = await client.post(f"/api/v1/assets/{theirs.id}/refine", headers=auth, json=body)

    assert malformed.status_code == 422
    assert unknown.status_code == 404 and foreign.status_code == 404
    assert foreign.json()["error"]["message"].startswith(f"Asset {theirs.id} not found")
    assert (await client.get(f"/api/v1/assets/{theirs.id}", headers=auth)).status_code == 404


async def test_refining_an_unfinished_asset_is_409_with_the_services_reason(
    client, auth, refine, mine
):
    refine.refine_error = (grpc.StatusCode.FAILED_PRECONDITION, f"asset {mine.id} is generating")
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine", headers=auth, json={"instruction": "navy"}
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "failed_precondition",
        "message": f"Asset {mine.id} is generating.",
        "request_id": response.headers["x-request-id"],
    }


async def test_refine_needs_a_token(client, mine):
    response = await client.post(f"/api/v1/assets/{mine.id}/refine", json={"instruction": "navy"})
    assert response.status_code == 401


async def test_get_asset_and_its_lineage(client, auth, refine):
    user = dev_user_id("dev")
    root = refine.add_asset(user, prompt="a fox")
    child = refine.add_asset(user, parent_asset_id=root.id, instruction="navy", prompt="navy fox")
    grandchild = refine.add_asset(
        user,
        parent_asset_id=child.id,
        instruction="no tagline",
        status=common_pb2.ASSET_STATUS_GENERATING,
    )

    one = await client.get(f"/api/v1/assets/{child.id}", headers=auth)
    chain = await client.get(f"/api/v1/assets/{grandchild.id}/lineage", headers=auth)

    assert one.status_code == 200
    assert one.json()["parent_asset_id"] == root.id
    assert one.json()["instruction"] == "navy" and one.json()["prompt"] == "navy fox"
    assert chain.status_code == 200
    assert chain.json()["asset_id"] == grandchild.id
    assert [a["id"] for a in chain.json()["lineage"]] == [root.id, child.id, grandchild.id]
    assert [a["instruction"] for a in chain.json()["lineage"]] == [None, "navy", "no tagline"]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (b'{"instruction": "navy", "instruction": "rm -rf"}', "instruction"),
        (b'{"instruction": "navy", "num_variations": 1, "num_variations": 3}', "num_variations"),
        (b'{"instruction": "navy", "extra": {"a": 1, "a": 2}}', "a"),
    ],
    ids=["instruction", "num_variations", "nested"],
)
async def test_a_json_body_with_a_duplicate_key_is_400_naming_it(
    client, auth, refine, mine, body, key
):
    """Parsers disagree on which of two equal keys wins (request smuggling between a proxy,
    a log and us): the body is refused, not read as its last key says."""
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers={**auth, "Content-Type": "application/json; charset=utf-8"},
        content=body,
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "duplicate_key"
    assert f'the key "{key}" more than once' in error["message"], error["message"]
    assert refine.calls == []


def test_every_route_reading_a_body_reads_json_strictly():
    """A route added on a router without StrictJsonRoute would read duplicate keys again."""
    import importlib
    import pkgutil

    from fastapi.routing import APIRoute

    from logokraft_gateway.api import routes
    from logokraft_gateway.json_body import StrictJsonRoute

    api_routes = [
        route
        for info in pkgutil.iter_modules(routes.__path__)
        for route in importlib.import_module(f"{routes.__name__}.{info.name}").router.routes
        if isinstance(route, APIRoute)
    ]
    assert any(route.body_field is not None for route in api_routes)
    assert [r.path for r in api_routes if not isinstance(r, StrictJsonRoute)] == []


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b'"make it navy"', "a string"), (b"[]", "an array"), (b"null", "null"), (b"4", "a number")],
)
async def test_json_that_is_no_object_is_told_to_be_one(client, auth, refine, mine, body, kind):
    """`"navy"` sent as JSON got Pydantic's "Input should be a valid dictionary or object to
    extract fields from", which does not say what to send."""
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers={**auth, "Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"] == (
        f'The body must be a JSON object such as {{"instruction": "make it navy"}}, not {kind}.'
    )
    assert refine.calls == []


async def test_a_lone_surrogate_escape_is_told_in_words_a_person_can_act_on(
    client, auth, refine, mine
):
    """JSON allows "\\ud800", which is no character: Pydantic said "unable to parse raw data
    as a unicode string"."""
    response = await client.post(
        f"/api/v1/assets/{mine.id}/refine",
        headers={**auth, "Content-Type": "application/json"},
        content=b'{"instruction": "navy \\ud800"}',
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"] == (
        'The field instruction is invalid: must be text: a lone surrogate escape such as "\\ud800" '
        "(half of a UTF-16 pair) stands for no character; send the character itself."
    )
    assert refine.calls == []
