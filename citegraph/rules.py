"""One loader for rule files: the package's own (``data/*.toml``) and users'.

Each stage keeps its words and phrases in TOML beside its code; this module
reads a file into a dict and turns every problem into a ``ConfigError`` that
names the file and says how to fix it. What a stage then does with the dict
(check it, compile patterns) is the stage's own business; when that finds a
missing or mistyped entry, ``invalid`` words the error the same way.

>>> sorted(load("data/htmlbody.toml"))[:1]
['furniture_tokens']
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """A rule file of the package, by its path inside it (``"data/cues.toml"``); read once."""
    return parse(package_text(name), f"citegraph/{name}")


@lru_cache(maxsize=None)
def package_text(name: str) -> str:
    """The text of a rule file of the package."""
    try:
        return resources.files("citegraph").joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read citegraph/{name} ({err}); reinstall citegraph") from None


def load_file(path: Path, what: str) -> dict[str, Any]:
    """A user's rule file (``what`` names its option, e.g. ``"--outlets"``)."""
    return parse(file_text(path, what), str(path))


def file_text(path: Path, what: str) -> str:
    """The text of a user's rule file."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{what} file {path} does not exist: check the {what} path") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {what} file {path} ({err}): save it as UTF-8 text") from None


def parse(text: str, where: str) -> dict[str, Any]:
    """The TOML ``text`` of the file ``where`` as a dict."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{where} is not valid TOML: {err}. Fix the syntax at that line.") from None


def invalid(where: str, err: Exception) -> ConfigError:
    """The error for a rule file whose content a stage could not use (a missing list, a wrong type)."""
    missing = f"missing entry {err}" if isinstance(err, KeyError) else str(err)
    return ConfigError(f"{where} is not a valid rule file ({missing}); "
                       "compare it with the same file in the citegraph package and restore what is missing")
