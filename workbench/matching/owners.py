"""The media the seen-before index holds, numbered: a row carries its media's number
(4 bytes) instead of its UUID (16), and the UUID is kept once here.

Numbers are handed out in the order media come. A removed media's number is retired
(``alive`` false) and its rows leave at the next build; should it come back it gets a new
number. Finding a media's number by its id is a binary search over the live numbers put in
the order of their ids at the last :meth:`Owners.settle` (4 bytes a media), or a look in
the small dict of those numbered since (below ``RECENT_MAX``): no Python object per media
for a library of a million (a dict of them would take ~100 MB).

Uses numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

ID_DTYPE = np.dtype((np.void, 16))


#: The dict of media numbered since the last merge is kept below this many entries.
RECENT_MAX = 1 << 16


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
        #: The live numbers at the last settle, in the order of their ids.
        self._by_id: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)

    def find(self, key: bytes) -> int | None:
        """The live number of the media with id bytes ``key``, or None."""
        number = self._recent.get(key)
        if number is None and len(self._by_id):
            # a binary search over the ids in order, without a sorted copy of them
            low, high = 0, len(self._by_id)
            while low < high:
                middle = (low + high) // 2
                if self.ids[self._by_id[middle]].tobytes() < key:
                    low = middle + 1
                else:
                    high = middle
            if low < len(self._by_id) and self.ids[self._by_id[low]].tobytes() == key:
                number = int(self._by_id[low])
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
        if len(self._recent) >= RECENT_MAX:
            self._merge_recent()
        return number

    def numbers(self, ids: npt.NDArray[Any]) -> npt.NDArray[np.uint32]:
        """The numbers of many ids (a bulk load's chunk), new ones for those without:
        found by one vectorised search, the new ones numbered and merged in at once (a
        list of half a million pictures loads in a second, not one Python call each)."""
        keys, inverse = np.unique(ids, return_inverse=True)
        known = self._found(keys)
        missing = np.flatnonzero(known < 0)
        if len(missing):
            start, need = self.count, self.count + len(missing)
            if need > len(self.ids):
                self.ids = grown(self.ids, headroom(need))
                self.alive = grown(self.alive, headroom(need))
            self.ids[start:need] = keys[missing]
            self.alive[start:need] = True
            self.count = need
            fresh = np.arange(start, need, dtype=np.uint32)
            known[missing] = fresh
            # ``keys`` are in id order, so ``fresh`` is too: one merge into the search order
            at = np.searchsorted(self.ids[self._by_id], self.ids[fresh])
            self._by_id = np.insert(self._by_id, at, fresh)
        return known.astype(np.uint32)[inverse.ravel()]

    def _found(self, keys: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """The live numbers of sorted ``keys``, -1 where none (``find``, vectorised)."""
        out = np.full(len(keys), -1, dtype=np.int64)
        if len(self._by_id) and len(keys):
            ordered = self.ids[self._by_id]
            at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
            numbers = self._by_id[at]
            hit = (ordered[at] == keys) & self.alive[numbers]
            out[hit] = numbers[hit]
        if self._recent:
            for i in np.flatnonzero(out < 0):
                number = self._recent.get(keys[i].tobytes())
                if number is not None:
                    out[i] = number
        return out

    def retire(self, key: bytes) -> int | None:
        number = self.find(key)
        if number is not None:
            self.alive[number] = False
            self._recent.pop(key, None)
        return number

    def live(self) -> npt.NDArray[np.bool_]:
        return self.alive[: self.count]

    def _merge_recent(self) -> None:
        """Put the numbers handed out since into ``_by_id`` (one merge, no full sort)."""
        fresh = np.array(list(self._recent.values()), dtype=np.uint32)
        fresh = fresh[np.argsort(self.ids[fresh], kind="stable")]
        at = np.searchsorted(self.ids[self._by_id], self.ids[fresh])
        self._by_id = np.insert(self._by_id, at, fresh)
        self._recent.clear()

    def settle(self) -> None:
        """Sort the live ids for :meth:`find` (after a build or a load), emptying the dict."""
        numbers = np.flatnonzero(self.live())
        order = np.argsort(self.ids[numbers], kind="stable")
        self._by_id = numbers[order].astype(np.uint32)
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
        arrays = (self.ids, self.alive, self._by_id)
        return sum(a.nbytes for a in arrays)
