"""What a Spot v2 subscriber at one book depth must be told about each change.

A depth-``d`` subscriber keeps the best ``d`` levels per side and truncates only
after a whole message. Per side we track a *bound*: the worst key the subscriber
currently mirrors. Invariant during a message: the subscriber's levels are
exactly the master's levels at or better than the bound. So a change at or
inside the bound is forwarded, one outside is not, and when a delete leaves
fewer than ``d`` levels inside the bound, the next master level is forwarded
and the bound moves out to it (the level that "enters at the bottom"). At the
end of a message the bound is reset to the master's ``d``-th level, matching
the subscriber's truncation. Cost per change is O(1) plus a bisect on deletes.
"""

from __future__ import annotations

from kraken_tui.sim.levels import MasterSide
from kraken_tui.sim.market import LevelChange

Levels = list[tuple[int, int]]


class DepthWindow:
    """Change filter for all subscribers of one (symbol, depth)."""

    __slots__ = ("_asks", "_bids", "_bound", "_out", "depth")

    def __init__(self, depth: int, bids: MasterSide, asks: MasterSide) -> None:
        self.depth = depth
        self._bids = bids
        self._asks = asks
        self._bound: list[int | None] = [None, None]
        self._out: tuple[Levels, Levels] = ([], [])
        self.reset()

    def reset(self) -> None:
        """Start a new message: the subscriber holds exactly the top ``depth``."""
        depth = self.depth
        for index, side in enumerate((self._bids, self._asks)):
            self._bound[index] = side.keys[depth - 1] if len(side.keys) >= depth else None

    def __call__(self, change: LevelChange) -> None:
        index = 0 if change.is_bid else 1
        side = self._bids if change.is_bid else self._asks
        key = -change.price if change.is_bid else change.price
        bound = self._bound[index]
        if bound is not None and key > bound:
            return
        out = self._out[index]
        out.append((change.price, change.qty))
        if bound is None or change.qty:
            return
        inside = side.count_through(bound)
        if inside < self.depth:
            if inside < len(side.keys):
                entering = side.keys[inside]
                self._bound[index] = entering
                out.append((side.price_of(entering), side.qty[entering]))
            else:
                # The subscriber now holds the whole side: any new level is news to it.
                self._bound[index] = None

    def flush(self) -> tuple[Levels, Levels]:
        """(bids, asks) to send for the message just finished, then reset."""
        bids, asks = self._out
        self._out = ([], [])
        self.reset()
        return bids, asks
