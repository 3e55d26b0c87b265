"""LogoSpec serialisation and validation."""

from __future__ import annotations

import json

import pytest

from logokraft_engine import Brief, LogoSpec, design_spec


def _dict(**changes) -> dict:
    data = design_spec(Brief("Acme", slogan="Hi"), index=0, seed=0).to_dict()
    data.update(changes)
    return data


def test_round_trip_through_json(coffee: Brief) -> None:
    for index in range(6):
        spec = design_spec(coffee, index=index, seed=4)
        data = json.loads(json.dumps(spec.to_dict()))
        assert LogoSpec.from_dict(data) == spec


def test_from_dict_cleans_values() -> None:
    data = _dict(name="  Acme\x07  ", tracking=0)
    data["palette"] = {**data["palette"], "primary": "#ABC"}
    spec = LogoSpec.from_dict(data)
    assert spec.name == "Acme" and spec.tracking == 0.0 and spec.palette.primary == "#aabbcc"
    # a line break between words is a space: "Acme\nBakery" was "AcmeBakery"
    two_lines = LogoSpec.from_dict(_dict(name="Acme\nBakery", slogan="Fresh\r\nbread\tdaily"))
    assert (two_lines.name, two_lines.slogan) == ("Acme Bakery", "Fresh  bread daily")


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {},
        {"layout": "icon-left"},
        _dict(layout="spiral"),
        _dict(icon="unicorn"),
        _dict(font="Comic Sans"),
        _dict(weight="bold"),
        _dict(weight=5000),
        _dict(letter_case="shouty"),
        _dict(tracking=float("nan")),
        _dict(tracking=3.0),
        _dict(shape="blob"),
        _dict(name=""),
        _dict(name=42),
        _dict(name="x" * 500),
        _dict(initials="ABCD"),
        _dict(extra="field"),
        _dict(version=99),
        _dict(palette={"background": "#fff"}),
        _dict(
            palette={
                "background": "red",
                "primary": "#000000",
                "secondary": "#000000",
                "text": "#000000",
            }
        ),
    ],
)
def test_from_dict_rejects_garbage(bad) -> None:
    with pytest.raises(ValueError):
        LogoSpec.from_dict(bad)
