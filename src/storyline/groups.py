"""Disjoint sets of indices (union-find): which items end up in one group once pairs are joined.

Near-duplicate articles (align), findings about one disagreement, quotations of the same words
and dated sentences of one event (compare) are all grouped this way.
"""

from __future__ import annotations

__all__ = ["Groups"]


class Groups:
    """The indices ``0 .. size - 1``, each alone until joined to another's group."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def root(self, index: int) -> int:
        """The index that stands for the group of ``index`` (paths are halved on the way up)."""
        parent = self._parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(self, member: int, into: int) -> None:
        """Put the group of ``member`` under the root of the group of ``into``."""
        self._parent[self.root(member)] = self.root(into)
