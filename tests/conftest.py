"""Shared fixtures: where the shared corpora live, and a headless Chromium.

Tests that read ``../shared`` skip, saying why, only when that folder is
absent (a user's clone without it); in CI it is present and they run.
Browser tests drive Debian's ``/usr/bin/chromium`` through Playwright; in CI
a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

# The key that signs the store's seal and the graph cache (citegraph.fsutil.local_key): the tests' own,
# not the user's ~/.cache/citegraph; subprocesses inherit it.
os.environ.setdefault("CITEGRAPH_KEY_DIR", tempfile.mkdtemp(prefix="citegraph-test-key-"))

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
GOLD = SHARED / "gold" / "seeds.gold.jsonl"
CHROMIUM = Path(os.environ.get("CITEGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def need_shared(path: Path) -> Path:
    """Return ``path`` under ../shared, or skip the test when it is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpora are not beside this clone")
    return path


@pytest.fixture(scope="session")
def corpora() -> Path:
    return need_shared(CORPORA)


@pytest.fixture(scope="session")
def gold_file() -> Path:
    return need_shared(GOLD)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Debian Chromium with a fresh profile, driven by Playwright."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (scripts/setup-tests)")
        pytest.skip(f"{CHROMIUM} is missing: run scripts/setup-tests to install Debian's chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


class NetworkLog:
    """Records every request a page makes and blocks all that leave file://."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        scheme = urlparse(url).scheme
        if scheme in ("file", "data", "blob", "about"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def offline_page(browser):
    """A fresh page with the network cut: ``page, log``; ``log.blocked`` lists outside requests."""
    log = NetworkLog()
    page = browser.new_page()
    page.route("**/*", log.route)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    try:
        yield page, log
    finally:
        page.close()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The seeds in data/ run once through the real pipeline; the out/ folder (do not modify it)."""
    from citegraph import BuildOptions, build

    out = tmp_path_factory.mktemp("seed-build") / "out"
    build(BuildOptions(inputs=(DATA,), out=out, exports=True))
    return out


def copy_seeds(dest: Path) -> Path:
    """Copy the shipped seed articles into ``dest`` and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(DATA.glob("*.txt")):
        shutil.copy2(path, dest / path.name)
    return dest


def output_bytes(out: Path) -> dict[str, bytes]:
    """Every output file of a build, name -> bytes: the SQLite store and the graph cache in
    ``.citegraph/`` aside (caches, not outputs: docs/STORE.md)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(("citegraph.sqlite", "."))
        and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }
