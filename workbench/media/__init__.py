"""Media files as files: a picture decoded (its type from its bytes, bombs refused,
turned upright, flattened to RGB: ``decode``), its camera metadata (``exif``), a video
probed and its frames decoded (``video``, PyAV), and pictures at the size a person looks
at them, compared (``pictures``).

Uses ``workbench.base`` and nothing else of ours: no hashes, no database, no claims. A new
file format or metadata reader goes here.
"""
