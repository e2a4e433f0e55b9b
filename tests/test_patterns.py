"""transforms/patterns.py and the social-network lexicon: one way to turn lexicon words
into a pattern, one list of network names from which the role lists derive, and the
threads kept per stage."""

from __future__ import annotations

import re
import threading

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.transforms import lexicon
from dateline.transforms.patterns import literal_alternation, stage_thread
from dateline.transforms.text.blocks import REPRODUCTION_STEMS, cue_key
from tests.conftest import examples

# Words as lexicons hold them: letters, spaces and the marks that are regex syntax.
LEXICON_WORD = st.text(alphabet=st.sampled_from(list("abcé .+*?()|[]{}^$#&-~\\/:'")), max_size=8)


def _polars_matches(pattern: str, texts: list[str]) -> list[str | None]:
    return pl.Series(texts, dtype=pl.String).str.extract(f"({pattern})", 1).to_list()


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        # Longest first: the shorter word never cuts a longer one short.
        (["copy", "copy link"], "copy link", "copy link"),
        (["por", "por la"], "por la redacción", "por la"),
        # Regex syntax in a word is matched as written.
        (["(c)", "c"], "(c) AFP", "(c)"),
        (["a.b"], "axb a.b", "a.b"),
        (["c++", "c#"], "in c#", "c#"),
        # Duplicates and empty words are dropped: an empty word would match everywhere.
        (["x", "x", ""], "no match", None),
    ],
)
def test_literal_alternation_matches_the_words_as_written(words, text, expected) -> None:
    pattern = literal_alternation(words)
    assert _polars_matches(pattern, [text]) == [expected]
    found = re.search(pattern, text)
    assert (found.group(0) if found else None) == expected


def test_a_space_may_match_any_white_space() -> None:
    pattern = literal_alternation(["written by"], any_white_space=True)
    assert _polars_matches(pattern, ["written \n by", "writtenby"]) == ["written \n by", None]
    assert literal_alternation(["written by"]) == "written by"


@settings(max_examples=examples(200), deadline=None)
@given(words=st.lists(LEXICON_WORD, max_size=6), text=LEXICON_WORD)
def test_literal_alternation_finds_a_word_exactly_when_the_text_holds_one(words, text) -> None:
    """In Polars and in Python's re alike: containment of any word, nothing else."""
    holds = any(word and word in text for word in words)
    pattern = literal_alternation(words)
    if not pattern:
        assert not holds
        return
    assert pl.Series([text]).str.contains(pattern).item() == holds
    assert (re.search(pattern, text) is not None) == holds


@settings(max_examples=examples(200), deadline=None)
@given(text=st.text(max_size=60) | st.sampled_from(REPRODUCTION_STEMS).map(lambda s: f"x {s} y"))
def test_the_rights_notice_substring_test_equals_the_regex_it_replaced(text) -> None:
    key = pl.select(cue_key(pl.lit(text, pl.String)))
    by_regex = key.select(pl.first().str.contains(literal_alternation(REPRODUCTION_STEMS))).item()
    by_substrings = key.select(pl.first().str.contains_any(REPRODUCTION_STEMS)).item()
    assert by_substrings == by_regex


def test_every_social_network_role_has_names_and_every_name_a_known_role() -> None:
    channels = lexicon.load("social_networks")["channels"]
    for role in lexicon.SOCIAL_NETWORK_ROLES:
        assert lexicon.social_networks(role)
    for name, roles in channels.items():
        assert name == name.lower().strip() and roles
        assert set(roles) <= set(lexicon.SOCIAL_NETWORK_ROLES), name


def test_network_names_live_only_in_the_social_network_lexicon() -> None:
    names = set(lexicon.load("social_networks")["channels"])
    lists = [lexicon.load("cues")[key] for key in ("boilerplate_exact", "ui_words")] + [
        lexicon.load("credits")["platforms"]
    ]
    for words in lists:
        assert not names & {word.lower() for word in words}
    assert "social_networks" not in lexicon.load("cues")
    assert "icons" not in lexicon.load("bylines")


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown social network role"):
        lexicon.social_networks("sharing")


def test_a_stage_keeps_one_thread_across_calls_and_stages_do_not_share_it() -> None:
    def thread_name() -> str:
        return threading.current_thread().name

    first = stage_thread("test-stage").submit(thread_name).result()
    again = stage_thread("test-stage").submit(thread_name).result()
    other = stage_thread("test-other-stage").submit(thread_name).result()
    assert first == again
    assert first.startswith("dateline-test-stage")
    assert other != first
    assert threading.current_thread().name not in (first, other)
