"""Lexicons (cue words, agency names, boilerplate phrases) kept as data files.

Each ``<name>.json`` beside this module is one lexicon; ``load(name)`` reads
it once per process. ``social_networks(role)`` gives the names of social networks
and sharing channels that play one role (``social_networks.json`` lists each name
once, with its roles).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# The roles a name of ``social_networks.json`` may play.
SOCIAL_NETWORK_ROLES = ("share", "icon", "photo_source", "menu", "ui")


@cache
def load(name: str) -> Any:
    """The parsed contents of ``lexicon/<name>.json``."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def social_networks(role: str) -> list[str]:
    """The names in ``social_networks.json`` that play ``role`` (one of
    ``SOCIAL_NETWORK_ROLES``), in the file's order."""
    if role not in SOCIAL_NETWORK_ROLES:
        raise ValueError(f"unknown social network role {role!r}; known: {SOCIAL_NETWORK_ROLES}")
    return [name for name, roles in load("social_networks")["channels"].items() if role in roles]
