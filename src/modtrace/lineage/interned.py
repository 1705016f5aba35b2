"""Model ids and edge labels stored once, as arrays, for the in-memory lineage graph.

The graph refers to models by index. :class:`ModelIds` keeps every id once, sorted, in one
UTF-8 buffer with an offsets array (about the ids' own length plus 8 bytes each: ~330 MB for
10^7 Hub ids, against ~750 MB as a list of ``str``); because the ids are sorted, index order is
the order ``str`` comparison gives, which is the order a walk reads its links in.
:func:`codes` turns a column of repeated labels (relations, statuses, sources, providers) into
small integers plus the sorted list of distinct labels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

CHUNK = 1_000_000


class ModelIds:
    """Sorted, distinct model ids: index to id and id to index."""

    def __init__(self, blob: bytes, offsets: npt.NDArray[np.int64]) -> None:
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def from_sorted(cls, ids: pl.Series) -> ModelIds:
        """From a sorted, distinct string series (the buffer is built a million ids at a time,
        so no list of every id is ever made)."""
        lengths = ids.str.len_bytes().cast(pl.Int64).to_numpy()
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        parts = [
            str(ids.slice(start, CHUNK).str.join("").item()).encode()
            for start in range(0, len(ids), CHUNK)
        ]
        return cls(b"".join(parts), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def nbytes(self) -> int:
        """Memory held by the buffer and the offsets."""
        return len(self.blob) + self.offsets.nbytes

    def name(self, index: int) -> str:
        """The id at ``index``."""
        return self.blob[int(self.offsets[index]) : int(self.offsets[index + 1])].decode()

    def names(self, indices: npt.NDArray[np.integer]) -> list[str]:
        """The ids at ``indices``, in that order."""
        starts = self.offsets[indices].tolist()
        ends = self.offsets[indices + 1].tolist()
        blob = self.blob
        return [blob[s:e].decode() for s, e in zip(starts, ends, strict=True)]

    def index(self, model_id: str) -> int | None:
        """The index of ``model_id``, or ``None`` when the graph does not know it."""
        key = model_id.encode()
        blob, offsets = self.blob, self.offsets
        lo, hi = 0, len(self)
        while lo < hi:  # bisect over the buffer
            mid = (lo + hi) // 2
            if blob[int(offsets[mid]) : int(offsets[mid + 1])] < key:
                lo = mid + 1
            else:
                hi = mid
        found = lo < len(self) and blob[int(offsets[lo]) : int(offsets[lo + 1])] == key
        return lo if found else None


def codes(column: pl.Series) -> tuple[npt.NDArray[np.int32], list[str]]:
    """Each value's position in the sorted distinct values, and those values (so comparing
    codes compares the labels)."""
    labels = column.unique().sort()
    return column_codes(column, labels), [str(x) for x in labels.to_list()]


def column_codes(column: pl.Series, labels: pl.Series) -> npt.NDArray[np.int32]:
    """Positions of ``column``'s values in the sorted ``labels`` (every value must be there);
    a hash join, several times faster than a binary search per value at 10^7 ids."""
    table = labels.rename("label").to_frame().with_row_index("at")
    found = (
        column.rename("label").to_frame().join(table, on="label", how="left", maintain_order="left")
    )
    return np.array(found["at"].cast(pl.Int32).to_numpy())
