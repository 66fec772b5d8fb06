"""Agent tables: a structure of numpy arrays with one declared schema.

Workers and firms are rows of column arrays, not Python objects, so that the
whole UK working-age population (about 42 million people) fits on one machine
and the numba kernels can loop over plain arrays. :class:`AgentTable` holds the
columns of one schema; :meth:`AgentTable.view` returns a frozen, read-only
snapshot of one row for a student to inspect.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["AgentTable", "RowView"]


class RowView(Mapping[str, Any]):
    """Read-only snapshot of one agent: attribute and mapping access, no writes."""

    __slots__ = ("_kind", "_index", "_values")

    def __init__(self, kind: str, index: int, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_values", MappingProxyType(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._kind} has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} view is read-only; change the model's arrays instead")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def index(self) -> int:
        """Row number of this agent in its table."""
        return self._index

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{self._kind}({self._index}: {body})"


class AgentTable:
    """Columns of equal length, one numpy array per field of ``SCHEMA``.

    Subclasses declare ``SCHEMA`` (field name -> numpy dtype), ``KIND`` (a name
    for messages) and may add ``_describe`` to decorate a row view.

    Args:
        n: number of rows (agents).
    """

    SCHEMA: dict[str, np.dtype] = {}
    KIND = "agent"

    def __init__(self, n: int) -> None:
        if n < 0:
            raise ValueError(f"number of {self.KIND}s must be >= 0, got {n}")
        self._n = int(n)
        for name, dtype in self.SCHEMA.items():
            setattr(self, name, np.zeros(self._n, dtype=dtype))
        #: Attached arrays (see :meth:`attach`): name -> (dtype, fill, leading shape).
        self._attached: dict[str, tuple[np.dtype, Any, tuple[int, ...]]] = {}

    def attach(
        self, name: str, dtype: Any, fill: Any = 0, *, leading: tuple[int, ...] = ()
    ) -> np.ndarray:
        """Attach an array with one entry per row that grows with the table.

        For state that belongs to a mechanism (a firm's programme jobs, its target
        without a policy, ...) or to a stage of the month (scratch space): the table
        extends it with ``fill`` whenever it grows, so its owner never resizes it by
        hand. It is an attribute of the table (``table.name``), not a column of
        ``SCHEMA``: it is not shown by :meth:`view` or :meth:`to_frame`.

        Args:
            name: attribute name; must not clash with a column or another attachment.
            dtype: numpy dtype.
            fill: value of new rows (and of the rows at attachment).
            leading: leading dimensions, e.g. ``(2,)`` for a ``(2, n)`` array.

        Returns:
            The array (fetch it again from the table after the table grew).
        """
        if name in self.SCHEMA or name in self._attached or name.startswith("_"):
            raise ValueError(f"{self.KIND} table: cannot attach {name!r}: name in use")
        dtype = np.dtype(dtype)
        self._attached[name] = (dtype, fill, tuple(leading))
        setattr(self, name, np.full((*leading, self._n), fill, dtype=dtype))
        return getattr(self, name)

    def __len__(self) -> int:
        return self._n

    @property
    def nbytes(self) -> int:
        """Bytes held by the columns."""
        return sum(getattr(self, name).nbytes for name in self.SCHEMA)

    def columns(self) -> dict[str, np.ndarray]:
        """The column arrays by name (the arrays themselves, not copies)."""
        return {name: getattr(self, name) for name in self.SCHEMA}

    def _describe(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def grow(self, extra: int) -> None:
        """Add ``extra`` rows of zeros at the end (the column arrays are replaced).

        Kernels receive the arrays at each call, so growing between months is safe;
        code that kept a reference to an old column must fetch it again.
        """
        if extra < 0:
            raise ValueError(f"cannot grow a {self.KIND} table by {extra} rows")
        for name, dtype in self.SCHEMA.items():
            old = getattr(self, name)
            new = np.zeros(self._n + extra, dtype=dtype)
            new[: self._n] = old
            setattr(self, name, new)
        for name, (dtype, fill, leading) in self._attached.items():
            old = getattr(self, name)
            new = np.full((*leading, self._n + extra), fill, dtype=dtype)
            new[..., : self._n] = old
            setattr(self, name, new)
        self._n += extra

    def to_frame(self, rows: slice | np.ndarray | None = None) -> pd.DataFrame:
        """A pandas copy of the table (or of ``rows``), for inspection.

        Copies: changing the frame does not change the model.
        """
        sel = slice(None) if rows is None else rows
        frame = pd.DataFrame({name: getattr(self, name)[sel] for name in self.SCHEMA})
        index = np.arange(self._n)[sel]
        frame.index = pd.Index(index, name=self.KIND.lower())
        return frame

    def view(self, i: int) -> RowView:
        """Read-only snapshot of row ``i``."""
        i = int(i)
        if not -self._n <= i < self._n:
            raise IndexError(f"{self.KIND} {i} out of range: the table has {self._n} rows")
        i %= max(self._n, 1)
        values = {name: getattr(self, name)[i].item() for name in self.SCHEMA}
        return RowView(self.KIND, i, self._describe(values))
