"""The library: every picture and video the desk has collected, and what it knows of
them. A file is analysed (``analysis``: decoded by ``workbench.media``, hashed by
``workbench.matching``), taken in and linked to a claim (``ingest``), answered "seen
before?" (``seen_before``; ``index_store`` fills the hash index from the database or its
snapshot; ``features``: stored local features and the background pass), checked against
other desks' known-fakes lists (``known_fakes``), traced to the claims that carried it
first (``first_seen``), checked whole on disk (``verify``), re-analysed (``reindex``),
its keyframes written (``keyframes``) and shown (``shown``); ``views`` are its plain values.

Uses ``storage``, ``workbench.claims``, ``workbench.matching``, ``workbench.media`` and
``workbench.base``; nothing of exchange or the team's feed. A new use of stored media goes
here; a new hash or matcher goes in ``workbench.matching``.
"""
