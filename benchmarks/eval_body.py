"""Body extraction quality on the Article Extraction Benchmark (aeb-html).

For each of the 181 pages, compares the body text with the hand-checked
``articleBody`` in ``ground-truth.json``: token precision, recall and F1 over
whitespace tokens counted as a bag (a token matches as often as it occurs in
both). Prints per-page figures with -v, and the means for citegraph's reader
and for trafilatura 2.x used directly with its default settings.

    python3 benchmarks/eval_body.py [--corpus ../shared/corpora/aeb-html] [-v]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

import trafilatura

from citegraph.read.htmlpage import parse_html

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "aeb-html"


def token_prf(reference: str, candidate: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 of ``candidate`` against ``reference``."""
    ref, cand = Counter(reference.split()), Counter(candidate.split())
    common = sum((ref & cand).values())
    precision = common / sum(cand.values()) if cand else 0.0
    recall = common / sum(ref.values()) if ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def mean(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return tuple(sum(r[i] for r in rows) / len(rows) for i in range(3))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every page's F1")
    args = parser.parse_args()
    truth = json.loads((args.corpus / "ground-truth.json").read_text("utf-8"))
    ours, theirs = [], []
    for key in sorted(truth):
        html = gzip.decompress((args.corpus / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        reference, url = truth[key]["articleBody"], truth[key].get("url")
        ours.append(token_prf(reference, parse_html(html, url=url).body))
        theirs.append(token_prf(reference, trafilatura.extract(html, url=url) or ""))
        if args.verbose:
            print(f"{key[:16]}  citegraph F1 {ours[-1][2]:.3f}  trafilatura F1 {theirs[-1][2]:.3f}")
    print(f"aeb-html: {len(ours)} pages, token-level means")
    print(f"{'':<26}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, rows in (("citegraph", ours), (f"trafilatura {trafilatura.__version__} default", theirs)):
        p, r, f = mean(rows)
        print(f"{name:<26}{p:>10.4f}{r:>10.4f}{f:>10.4f}")


if __name__ == "__main__":
    main()
