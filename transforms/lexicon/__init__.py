"""Lexicons (cue words, agency names, boilerplate phrases) kept as data files.

Each ``<name>.json`` beside this module is one lexicon; ``load(name)`` reads
it once per process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> Any:
    """The parsed contents of ``lexicon/<name>.json``."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)
