"""The media the seen-before index holds, numbered: a row carries its media's number
(4 bytes) instead of its UUID (16), and the UUID is kept once here.

Numbers are handed out in the order media come. A removed media's number is retired
(``alive`` false) and its rows leave at the next build; should it come back it gets a new
number. Finding a media's number by its id is a binary search in the ids sorted at the
last :meth:`Owners.settle`, or a look in the small dict of those numbered since: no Python
object per media for a library of a million (a dict of them would take ~100 MB).

Uses numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

ID_DTYPE = np.dtype((np.void, 16))


def grown(array: Any, capacity: int) -> Any:
    bigger = np.zeros(capacity, dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


def headroom(need: int) -> int:
    """The capacity to grow an array to for ``need`` rows: an eighth more (amortised
    growth that leaves at most an eighth of a big library's memory unused)."""
    return need + max(need // 8, 1024)


class Owners:
    def __init__(self) -> None:
        self.count = 0  # numbers handed out
        self.ids: npt.NDArray[Any] = np.zeros(1024, dtype=ID_DTYPE)  # number -> id
        self.alive: npt.NDArray[np.bool_] = np.zeros(1024, dtype=np.bool_)
        self._recent: dict[bytes, int] = {}  # numbered since the last settle
        self._sorted_ids: npt.NDArray[Any] = np.zeros(0, dtype=ID_DTYPE)
        self._sorted_numbers: npt.NDArray[np.intp] = np.zeros(0, dtype=np.intp)

    def find(self, key: bytes) -> int | None:
        """The live number of the media with id bytes ``key``, or None."""
        number = self._recent.get(key)
        if number is None and len(self._sorted_ids):
            wanted = np.frombuffer(key, dtype=ID_DTYPE)
            at = int(np.searchsorted(self._sorted_ids, wanted)[0])
            if at < len(self._sorted_ids) and self._sorted_ids[at] == wanted[0]:
                number = int(self._sorted_numbers[at])
        return number if number is not None and self.alive[number] else None

    def number(self, key: bytes) -> int:
        """The number of the media with id bytes ``key``, a new one if it has none."""
        found = self.find(key)
        if found is not None:
            return found
        number = self.count
        if number >= len(self.ids):
            self.ids = grown(self.ids, headroom(number + 1))
            self.alive = grown(self.alive, headroom(number + 1))
        self.ids[number] = np.frombuffer(key, dtype=ID_DTYPE)[0]
        self.alive[number] = True
        self._recent[key] = number
        self.count += 1
        return number

    def numbers(self, ids: npt.NDArray[Any]) -> npt.NDArray[np.uint32]:
        """The numbers of many ids (a bulk load's chunk), new ones for those without."""
        keys, inverse = np.unique(ids, return_inverse=True)
        known = np.array([self.number(k.tobytes()) for k in keys], dtype=np.uint32)
        return known[inverse.ravel()]

    def retire(self, key: bytes) -> int | None:
        number = self.find(key)
        if number is not None:
            self.alive[number] = False
            self._recent.pop(key, None)
        return number

    def live(self) -> npt.NDArray[np.bool_]:
        return self.alive[: self.count]

    def settle(self) -> None:
        """Sort the live ids for :meth:`find` (after a build or a load), emptying the dict."""
        numbers = np.flatnonzero(self.live())
        order = np.argsort(self.ids[numbers], kind="stable")
        self._sorted_ids = self.ids[numbers][order]
        self._sorted_numbers = numbers[order]
        self._recent.clear()

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"ids": self.ids[: self.count], "alive": self.alive[: self.count]}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]]) -> Owners:
        ids, alive = arrays["ids"], arrays["alive"]
        if ids.dtype != ID_DTYPE or alive.dtype != np.bool_ or ids.shape != alive.shape:
            raise ValueError("the media ids and their flags do not pair up")
        owners = cls()
        owners.ids, owners.alive, owners.count = ids, alive, len(ids)
        owners.settle()
        return owners

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.alive, self._sorted_ids, self._sorted_numbers)
        return sum(a.nbytes for a in arrays)
