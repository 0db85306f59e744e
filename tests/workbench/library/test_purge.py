"""A claim removed with the media only it used (``workbench.library.purge``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.base.errors import NotFoundError
from workbench.library import purge
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"


def test_removing_a_claim_never_removes_an_original_another_claim_uses(
    workspace: Workspace,
) -> None:
    first = workspace.claims.create("first")
    second = workspace.claims.create("second")
    shared = workspace.media.ingest([DATA / "exif" / "Canon_40D.jpg"], claim_id=first.id)[0]
    workspace.media.ingest([DATA / "exif" / "Canon_40D.jpg"], claim_id=second.id)
    only_first = workspace.media.ingest([DATA / "exif" / "Nikon_D70.jpg"], claim_id=first.id)[0]
    assert shared.media and only_first.media
    purged = purge.delete_claim(workspace, first.id)
    assert purged == [only_first.media.sha256]
    assert workspace.store.has(shared.media.sha256)
    assert not workspace.store.has(only_first.media.sha256)
    assert only_first.media.id not in workspace.index
    assert [m.sha256 for m in workspace.claims.get(second.id).media] == [shared.media.sha256]
    assert workspace.verifier.run() == []
    with pytest.raises(NotFoundError):
        workspace.claims.get(first.id)
    assert workspace.claims.history(first.id)[-1].action == "delete"
