"""The offline map's layers (``layers``): the Natural Earth world shipped in ``geodata/``
(public domain), Web Mercator, and a desk's MBTiles raster tiles read-only.

Uses ``workbench.base`` and numpy; nothing else of ours.
"""
