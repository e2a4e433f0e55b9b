"""Personal names: natural case for names printed in capitals, and a name-shape test.

Both functions return expressions, so they work on any frame column at the
grain of that frame (one value in, one value out).
"""

from __future__ import annotations

import polars as pl

from dateline.transforms import lexicon
from dateline.transforms.patterns import literal_alternation

# Lower-case particles of family names; printed in capitals they are lowered unless first.
NAME_PARTICLES: tuple[str, ...] = (
    "de", "da", "del", "della", "dei", "degli", "van", "von", "der", "den", "ter", "ten",
    "la", "le", "du", "des", "dos", "das", "do", "di", "zu", "bin", "bint", "ibn", "al",
)  # fmt: skip

# A word counts as ALL CAPS when it has an upper-case letter, no lower-case letter and no digit.
ALL_CAPS_WORD = r"^[^\p{Ll}\p{Lt}\d]*\p{Lu}[^\p{Ll}\p{Lt}\d]*$"
# Roman numerals after a name ("Frank Franklin II") stay in capitals.
ROMAN_NUMERAL = r"^(?:II|III|IV|VI|VII|VIII|IX|XI|XII)\.?$"
# Scottish/Irish "MC" prefix: MCCARTHY -> McCarthy.
MC_PREFIX = r"^Mc(\p{Ll})"
# Lower-casing a Greek capital sigma gives σ; at the end of a word it is written ς.
GREEK_WORD_FINAL_SIGMA = r"σ\b"

# One word of a personal name: capitalised (Jean-Pierre, O'Neill, McDonald, R.Schmitt),
# an initial (C., J.R.), a short run of a script without case (CJK, Hangul, ...), or a
# word of an alphabet without case (Arabic, Hebrew, Indic scripts: "عبدالرحمن", "शर्मा").
NAME_WORD = (
    r"(?:[\p{Lu}\p{Lt}][\p{L}\p{M}'’.\-]*|\p{Lo}[\p{Lo}\p{M}]{0,3}"
    r"|[[\p{Arabic}\p{Hebrew}\p{Devanagari}\p{Bengali}\p{Gurmukhi}\p{Gujarati}\p{Tamil}"
    r"\p{Telugu}\p{Kannada}\p{Malayalam}]&&\p{L}][\p{L}\p{M}]{1,15})"
)
# Characters that do not occur in a name: sentence punctuation, brackets, quotes, symbols.
NON_NAME_CHARACTER = r"[,;:!?¿¡()\[\]{}\"“”„«»/\\|@#%&*+=<>©®™_~^$€£\d]"
# A period after a word of three or more letters ends a sentence; initials and "Jr." do not.
SENTENCE_PERIOD = r"\p{L}{3,}\.(?:\s|$)"
MAX_NAME_WORDS = 5

# Words of a page's interface that no name holds ("Noch keine Kommentare", "Recent Posts",
# "Enlarge Image"), of every language in the lexicon: a whole word, in any case.
INTERFACE_WORDS: tuple[str, ...] = tuple(
    word
    for language, words in lexicon.load("interface_words").items()
    if not language.startswith("_")
    for word in words
)
INTERFACE_WORD = (
    r"(?i)(?:^|[^\p{L}\p{M}])(?:" + literal_alternation(INTERFACE_WORDS) + r")(?:$|[^\p{L}\p{M}])"
)

# Word shapes tested over a whole text whose words are separated by spaces: two regex
# passes rather than a list of words per value. A particle is any ASCII-case variant of
# NAME_PARTICLES, which is what lower-casing a word finds in the tuple.
_WORD_PARTICLE = (
    "(?:"
    + "|".join(
        "".join(f"[{c}{c.upper()}]" for c in particle)
        for particle in sorted(NAME_PARTICLES, key=len, reverse=True)
    )
    + ")"
)
_NAME_WORD_OR_PARTICLE = rf"(?:{NAME_WORD}|{_WORD_PARTICLE})"
# Words, each capitalised or a particle, one or more spaces apart (a stripped text). The
# word count is checked apart: a bounded repetition compiles the word pattern once per count.
# Each word is followed by spaces or the end: on a text without trailing spaces this is
# "word (spaces word)*", with the word pattern written (and compiled, costly) once.
NAME_WORDS_ONLY = rf"^(?:{_NAME_WORD_OR_PARTICLE}(?: +|$))+$"
WORD_GAP = " +"
# At least one NAME_WORD: lower-case particles alone are no name. On a text that
# NAME_WORDS_ONLY matches, that is a word not opening on a lower-case ASCII letter: every
# other word is a particle (lower-case ASCII words, a NAME_WORD when capitalised). A small
# pattern, compiled in a fraction of NAME_WORD's time.
HAS_NAME_WORD = r"(?:^| )[^a-z ]"
# Either of the characters or sentence ends no name holds: one pattern for both.
NOT_IN_NAME = rf"{NON_NAME_CHARACTER}|{SENTENCE_PERIOD}"


def _natural_word(word: pl.Expr, is_first: pl.Expr) -> pl.Expr:
    """The natural-case form of one word of a name (one word in, one word out)."""
    titled = word.str.to_titlecase()
    # "MCCARTHY" -> "Mccarthy" -> "McCarthy": upper-case the letter after "Mc".
    titled = (
        pl.when(titled.str.contains(MC_PREFIX) & (titled.str.len_chars() > 3))
        .then(pl.lit("Mc") + titled.str.slice(2, 1).str.to_uppercase() + titled.str.slice(3))
        .otherwise(titled)
    )
    titled = titled.str.replace_all(GREEK_WORD_FINAL_SIGMA, "ς")
    lowered = word.str.to_lowercase()
    return (
        pl.when(~word.str.contains(ALL_CAPS_WORD))
        .then(word)
        .when(word.str.contains(ROMAN_NUMERAL) & ~is_first)
        .then(word)
        .when(lowered.is_in(NAME_PARTICLES) & ~is_first)
        .then(lowered)
        .otherwise(titled)
    )


def natural_case(name: pl.Expr) -> pl.Expr:
    """Personal name with its ALL-CAPS words in natural case; mixed-case words are kept.

    One value in, one value out. ``Brendan SMIALOWSKI`` -> ``Brendan Smialowski``,
    ``JEAN-PIERRE MULLER`` -> ``Jean-Pierre Muller``, ``O'NEILL`` -> ``O'Neill``;
    ``McDonald``, ``de la Cruz`` and ``Xi Jinping`` are unchanged. Particles printed
    in capitals (``DE``, ``VAN``, ...) become lower case unless they open the name.
    Spaces are kept exactly as given; scripts without case pass through.
    """
    words = name.str.split(" ")
    element = pl.element()
    # A word is "first" when no earlier word holds any letter (leading spaces give empty words).
    has_letter = element.str.contains(r"\p{L}").cast(pl.Int32)
    is_first = (has_letter.cum_sum() - has_letter) == 0
    return words.list.eval(_natural_word(element, is_first)).list.join(" ")


def has_interface_word(text: pl.Expr) -> pl.Expr:
    """True when a word of the text is an interface word (one value in, one bool out).

    ``Noch keine Kommentare``, ``Recent Posts``, ``Über uns``: headings and buttons
    shaped like a name. Whole words only: ``Alleyne`` or ``Postma`` are not matched.
    """
    return text.str.contains(INTERFACE_WORD).fill_null(False)


def is_person_name(text: pl.Expr) -> pl.Expr:
    """True when the text has the shape of a personal name (one value in, one bool out).

    1 to 5 words, each capitalised (or an initial, a short word of a script without
    case, or a word opening on a letter of an Arabic, Hebrew or Indic script) or a
    lower-case particle, at least one capitalised word, no
    digits, brackets, symbols or sentence punctuation, no interface word
    (``Recent Comments``). A shape test only: a desk such as ``Redacción Gestión``
    also passes; callers add their own lexicons.
    """
    stripped = text.str.strip_chars()
    return (
        stripped.str.contains(NAME_WORDS_ONLY)
        & ~has_interface_word(stripped)
        & (stripped.str.count_matches(WORD_GAP) < MAX_NAME_WORDS)
        & stripped.str.contains(HAS_NAME_WORD)
        & ~stripped.str.contains(NOT_IN_NAME)
    ).fill_null(False)
