"""Malformed dates, URLs, coordinates and grades are refused, naming the field, and nothing
is stored: through the claim service (create and update) and through ``workbench claim add``.

``test_claims.py`` has one bad value per field for ``update``; this file is the full list of
the ways each field arrives wrong (a pasted sentence, a locale's decimal comma, a value
that makes Python's own parsers raise something other than ``ValueError``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.schema import AuditEntry, Case, Claim, Source
from workbench import cli
from workbench.base.errors import ValidationError
from workbench.workspace import Workspace

#: (field, bad value): each must be refused with a message that starts with the field.
BAD_VALUES: list[tuple[str, Any]] = [
    # dates and times
    ("posted_at", "2015-06-01T10:00"),  # no zone
    ("posted_at", "2015-06-01 10:00:00"),  # no zone, space separator
    ("posted_at", "2015-02-30T10:00Z"),  # 30 February
    ("posted_at", "2015-02-30"),  # 30 February, a bare date
    ("posted_at", "2015-13-01T10:00Z"),  # month 13
    ("posted_at", "2015-06-01T25:00Z"),  # hour 25
    ("posted_at", "yesterday"),
    ("posted_at", "01/06/2015"),
    ("posted_at", "0001-01-01T00:00+05:00"),  # before year 1 once in UTC (OverflowError)
    ("posted_at", "9999-12-31T23:00-05:00"),  # after 9999 once in UTC (OverflowError)
    ("posted_at", 1433152800),  # a Unix time: not a time the analyst can read back
    ("observed_at", "2015-06-01T10:00+25:00"),  # offset out of range
    ("observed_at", "\x00"),
    # URLs
    ("post_url", "javascript:alert(1)"),
    ("post_url", "file:///etc/passwd"),
    ("post_url", "http://"),  # no host
    ("post_url", "https:///path/only"),  # no host
    ("post_url", "http://:80/"),  # a port, no host
    ("post_url", "example.com/post/1"),  # no scheme
    ("post_url", "https://exa mple.com/post"),  # a space
    ("post_url", "https://example.com/a b"),  # a space in the path
    ("post_url", "https://example.com/\nb"),  # a line break
    ("post_url", "http://[::1"),  # unclosed IPv6 bracket (ValueError in urlsplit)
    ("post_url", "https://example.com:99999/"),  # port out of range
    ("post_url", "https://example.com:port/"),  # port not a number
    # coordinates
    ("latitude", "nan"),
    ("latitude", float("nan")),
    ("latitude", float("inf")),
    ("latitude", "-inf"),
    ("latitude", 91),
    ("latitude", -90.0001),
    ("latitude", "12,5"),  # a decimal comma
    ("latitude", "36°12'N"),
    ("latitude", True),
    ("latitude", 10**400),  # OverflowError in float()
    ("longitude", 180.5),
    ("longitude", "east"),
    ("longitude", [1, 2]),
    # grades
    ("credibility", 0),
    ("credibility", 7),
    ("credibility", "x"),
    ("credibility", "2.5"),
    ("credibility", 2.5),  # int() would make it 2
    ("credibility", True),  # int() would make it 1
    ("credibility", float("inf")),  # OverflowError in int()
    ("credibility", float("nan")),
]
#: A coordinate is stored only with its partner, so each bad one comes with a good one.
PARTNER = {"latitude": ("longitude", 37.1), "longitude": ("latitude", 36.2)}


def _values(field: str, value: Any) -> dict[str, Any]:
    values = {field: value}
    if field in PARTNER:
        other, good = PARTNER[field]
        values[other] = good
    return values


def _counts(ws: Workspace) -> dict[str, int]:
    with ws.db.read() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Claim, Case, Source, AuditEntry)
        }


def _ids(cases: list[tuple[str, Any]]) -> list[str]:
    return [f"{field}={value!r}"[:60] for field, value in cases]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=_ids(BAD_VALUES))
def test_create_refuses_naming_the_field_and_stores_nothing(
    workspace: Workspace, field: str, value: Any
) -> None:
    before = _counts(workspace)
    with pytest.raises(ValidationError) as info:
        workspace.claims.create(
            "a claim", case="a new case", source=("twitter", "@new"), **_values(field, value)
        )
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert _counts(workspace) == before  # not the claim, nor its new case or source


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=_ids(BAD_VALUES))
def test_update_refuses_naming_the_field_and_changes_nothing(
    workspace: Workspace, field: str, value: Any
) -> None:
    claim = workspace.claims.create(
        "a claim",
        posted_at="2015-06-01T10:00Z",
        post_url="https://example.com/1",
        latitude=1.5,
        longitude=2.5,
        credibility=2,
    )
    before = _counts(workspace)
    with pytest.raises(ValidationError) as info:
        workspace.claims.update(claim.id, expected_version=claim.version, **_values(field, value))
    assert info.value.field == field
    assert workspace.claims.get(claim.id) == claim
    assert _counts(workspace) == before


@pytest.mark.parametrize("grade", ["G", "AA", "1", "f!", 3])
def test_a_source_reliability_outside_a_to_f_is_refused(workspace: Workspace, grade: Any) -> None:
    before = _counts(workspace)
    with pytest.raises(ValidationError) as info:
        workspace.claims.create("a claim", source=("twitter", "@x"), source_reliability=grade)
    assert info.value.field == "reliability"
    assert _counts(workspace) == before


def test_good_values_still_pass(workspace: Workspace) -> None:
    """The refusals above are not over-eager: the spellings analysts use are kept."""
    claim = workspace.claims.create(
        "a claim",
        posted_at="2015-06-01T10:00:00+03:00",
        observed_at="2015-06-01",
        post_url="HTTPS://Example.com:8443/post/1?x=1#frag",
        latitude="-90",
        longitude=180,
        credibility="6",
    )
    assert claim.posted_at is not None and claim.posted_at.hour == 7
    assert claim.latitude == -90.0 and claim.longitude == 180.0
    assert claim.credibility == 6
    again = workspace.claims.update(claim.id, credibility=3.0, post_url="http://[::1]:8080/x")
    assert again.credibility == 3 and again.post_url == "http://[::1]:8080/x"


#: (option, bad value, the field the message must name) for ``workbench claim add``.
CLI_CASES = [
    ("--posted", "2015-06-01T10:00", "posted_at"),
    ("--posted", "2015-02-30T10:00Z", "posted_at"),
    ("--observed", "garbage", "observed_at"),
    ("--url", "javascript:alert(1)", "post_url"),
    ("--url", "https://exa mple.com/", "post_url"),
    ("--url", "http://", "post_url"),
    ("--lat", "NaN", "latitude"),
    ("--lat", "91", "latitude"),
    ("--lat", "12,5", "latitude"),
    ("--lon", "inf", "longitude"),
    ("--credibility", "0", "credibility"),
    ("--credibility", "7", "credibility"),
    ("--credibility", "x", "credibility"),
    ("--source-reliability", "G", "reliability"),
]


@pytest.mark.parametrize(("option", "value", "field"), CLI_CASES)
def test_claim_add_on_the_command_line_refuses_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, field: str
) -> None:
    folder = tmp_path / "ws"
    args = ["--workspace", str(folder), "claim", "add", "--text", "a claim", "--case", "c1"]
    args += ["--source", "twitter:@x", "--lat", "1", "--lon", "2"]
    code = cli.main([*args, option, value])
    err = capsys.readouterr().err
    assert code == 1
    assert f"workbench: error: {field}: " in err
    assert "internal error" not in err
    with Workspace.open(str(folder), "tester") as ws:
        assert _counts(ws) == {"Claim": 0, "Case": 0, "Source": 0, "AuditEntry": 0}
