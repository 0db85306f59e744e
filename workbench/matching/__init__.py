"""Seen before: how the desk tells that a picture or a video was met already.

``hashing`` makes the perceptual-hash views of a picture (whole, mirrored, turned,
cropped, its content region) and flags pictures too flat for hashes; ``index`` keeps every
stored hash in memory and answers "which stored hashes are near this one"; ``video``
lines up the frames two videos share; ``local`` finds a picture's SIFT keypoints (on the
contrast-normalised picture, inside its content region) and stores them compactly;
``verify`` says whether two pictures' keypoints agree on one mapping, and where one sits
in the other; ``retrieval`` proposes candidates by visual words without scanning every
stored picture; ``confirm`` is the seen-before rule that puts them together;
``evaluation`` is that rule as a matcher for ``bench/match_eval.py``. This package uses
numpy, OpenCV and Pillow, and of ours nothing but itself: decoding files, claims, cases,
reports, bags, the workspace and the window are elsewhere (an import-linter contract in
``pyproject.toml`` says so).
"""
