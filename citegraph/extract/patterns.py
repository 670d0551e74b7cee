"""One builder for the extractor's large alternations: phrases arranged as a trie.

A regular expression that lists hundreds of phrases (outlet names, cue
phrases, document nouns) one after another makes the engine try each in
turn at every place; arranged as a trie, it compares a character or two per
place and follows one branch. At each branch the longer phrase is tried
first, as in a list sorted longest first.

>>> alternation(["said", "says", "said to"])
'sa(?:id(?:\\\\s+to|)|ys)'
>>> import re; bool(re.fullmatch(alternation(["CNN", "CNN en Español"], space=" ", end=r"(?!\\w)"), "CNN"))
True
"""

from __future__ import annotations

import re
from typing import Iterable


_SPACES = re.compile(r"\s+")


def alternation(phrases: Iterable[str], space: str = r"\s+", end: str = "", lower: bool = False) -> str:
    """A pattern matching any of ``phrases``, longest first.

    ``space``: what a space in a phrase matches (any run of white space by
    default; ``" "`` for a literal one). ``end``: what must follow a whole
    phrase (``r"(?!\\w)"``: the end of a word). ``lower``: phrases are
    lower-cased first (for a pattern compiled with ``re.IGNORECASE``, so that
    "Said" and "said to" share one branch). Runs of white space in a phrase
    count as one space (kept at the ends: a phrase may be the rest of a name,
    " News"); phrases of white space only are ignored, while the empty phrase
    matches the empty string.
    """
    tree: dict = {}
    for phrase in phrases:
        if phrase and not phrase.strip():
            continue
        phrase = _SPACES.sub(" ", phrase)
        node = tree
        for char in phrase.lower() if lower else phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(tree, space, end) if tree else ""


def _branches(node: dict, space: str, end: str) -> str:
    branches = [(space if char == " " else re.escape(char)) + _branches(child, space, end)
                for char, child in sorted(node.items()) if char]
    if "" in node:
        branches.append(end)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
