"""Results of costly, deterministic computations, kept from one build to the next by a digest of their inputs.

The explorer's spring layouts take most of its time and depend on a few
hundred nodes and links, which a rebuild after a small change seldom
touches. A build runs its outputs ``using`` a ``Memo`` that holds what the
last build computed (``out/.citegraph/memo.json``, signed like the graph
cache: ``graph.cache.load_memo``); each costly step asks ``remember(name,
inputs, compute)``, which returns the remembered result when a computation
of the same name had exactly the same inputs, else computes it. Either way
the result is the same value, so the outputs are the same bytes
(``tests/test_memo.py``). Outside a build (no memo in use) ``remember``
just computes.

Only the entries this build asked for are saved: the memo never grows past
one build's steps.

>>> memo = Memo()
>>> with using(memo):
...     remember("square", [3], lambda: 9)
9
>>> with using(Memo(memo.kept)):
...     remember("square", [3], lambda: 0)  # found: not computed
9
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_active: ContextVar["Memo | None"] = ContextVar("citegraph_memo", default=None)


def _same(value: Any) -> Any:
    return value


def digest(name: str, inputs: Any) -> str:
    """The entry key of ``name`` computed from ``inputs`` (anything JSON can encode; tuples as lists)."""
    text = json.dumps([name, inputs], ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return name + ":" + hashlib.sha256(text.encode("utf-8")).hexdigest()


class Memo:
    """The remembered results of one build (``found``) and those of this build (``kept``, to be saved)."""

    def __init__(self, found: dict[str, Any] | None = None) -> None:
        self.found = dict(found or {})
        self.kept: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def recall(self, name: str, inputs: Any, compute: Callable[[], T],
               encode: Callable[[T], Any] = _same, decode: Callable[[Any], T] = _same) -> T:
        """``compute()``, or the result remembered for ``name`` and ``inputs`` (``decode``d from its
        JSON form; ``encode`` makes that form of a new result)."""
        key = digest(name, inputs)
        if key in self.found:
            data = self.found[key]
            try:
                value = decode(data)
            except (TypeError, ValueError, KeyError, IndexError) as err:
                log.warning("memo entry %s unusable (%s): computed again", name, err)
            else:
                self.hits += 1
                self.kept[key] = data
                return value
        self.misses += 1
        log.debug("memo: %s computed", name)
        value = compute()
        self.kept[key] = encode(value)
        return value


def remember(name: str, inputs: Any, compute: Callable[[], T],
             encode: Callable[[T], Any] = _same, decode: Callable[[Any], T] = _same) -> T:
    """``compute()``, through the memo in use (``using``) when there is one."""
    memo = _active.get()
    if memo is None:
        return compute()
    return memo.recall(name, inputs, compute, encode, decode)


@contextmanager
def using(memo: Memo | None) -> Iterator[Memo | None]:
    """Make ``memo`` the one ``remember`` consults inside the ``with`` block."""
    token = _active.set(memo)
    try:
        yield memo
    finally:
        _active.reset(token)


def positions_data(positions: dict[str, tuple[float, float]]) -> list[list[Any]]:
    """A layout (node -> (x, y)) in its JSON form, ``[[node, x, y], ...]`` in the layout's order."""
    return [[n, x, y] for n, (x, y) in positions.items()]


def positions_of(data: list[list[Any]]) -> dict[str, tuple[float, float]]:
    """The layout ``positions_data`` gave (JSON keeps a float's every digit: the same numbers)."""
    positions = {}
    for n, x, y in data:
        if not isinstance(n, str) or type(x) not in (int, float) or type(y) not in (int, float):
            raise ValueError("not a layout")
        positions[n] = (x, y)
    return positions
