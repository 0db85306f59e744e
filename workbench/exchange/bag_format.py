"""The case bundle's format: a BagIt bag (RFC 8493) of a JSON export and its originals.

**The bag.** A folder, or a zip holding one folder of the same name::

    bagit.txt                  BagIt-Version: 1.0, UTF-8
    bag-info.txt               Case (one field per case), Contact-Name (the analyst),
                               Bagging-Date, Export-Time (ISO 8601), Workspace-Id,
                               External-Identifier, Export-Schema, Claim-Count, Media-Count,
                               Audit-Chain-Head and Audit-Chain-Entries (the exporting
                               workspace's audit chain: ``workbench verify --head``),
                               Bag-Software-Agent, Payload-Oxum; long values folded at
                               79 characters (``workbench.exchange.bag_info``)
    manifest-sha256.txt        every payload file's SHA-256
    tagmanifest-sha256.txt     the tag files' SHA-256
    data/workbench.json        the JSON export document (``workbench.exchange.interchange``)
    data/media/<sha256>        each original once, byte for byte, named by its SHA-256

Written by ``bag_writer``, read safely by ``bag_reader`` and merged by ``bag_merge`` (all
in ``workbench.exchange``); this module holds the names they share and the progress callbacks.
"""

from __future__ import annotations

from collections.abc import Callable

#: Called with (done, total) within the stage under way; ``on_stage`` hears each stage's
#: name as it starts: "media", "manifest" on export; "unpacking", "checking", "media",
#: "claims" on import.
Progress = Callable[[int, int], None]
OnStage = Callable[[str], None]
ShouldCancel = Callable[[], bool]
#: Internally: (stage, done, total).
Report = Callable[[str, int, int], None]

DOCUMENT = "data/workbench.json"
MEDIA_DIR = "data/media"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SOFTWARE = "claim-workbench (workbench.exchange.bag_writer)"
CHUNK = 1 << 20


def reporter(progress: Progress | None, on_stage: OnStage | None) -> Report | None:
    """One internal callback for both: the stage heard once as it starts, then counts."""
    if progress is None and on_stage is None:
        return None
    current: list[str] = []

    def report(stage: str, done: int, total: int) -> None:
        if on_stage is not None and current[-1:] != [stage]:
            current.append(stage)
            on_stage(stage)
        if progress is not None:
            progress(done, total)

    return report
