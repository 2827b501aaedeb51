"""Search keys for Chinese text: Traditional folded to Simplified, whitespace removed.

The plan of 2022 is in Traditional characters; folding both the indexed text and the query with
OpenCC's t2s lets 儲能 and 储能 find the same clauses.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from core.measures.seeds import normalise

if TYPE_CHECKING:
    import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    import opencc  # on first use: not needed to open the window

    return opencc.OpenCC("t2s")


def search_key(text: str) -> str:
    return _t2s().convert(normalise(text))
