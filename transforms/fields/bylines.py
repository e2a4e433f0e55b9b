"""Bylines: recognise byline lines and split a byline into its authors.

A byline is cleaned of icon text (``mailRedacción Gestión``), stripped of its
prefix (``By``, ``Por``, ``Von``, ``Autor:``, ...), cut before trailing noise
(dates, "Follow", "- Associated Press - Friday"), split into segments on
separators (``,``, ``y``, ``und``, ``&``, ``/``, ``|``, ``、``, ...), and each segment
is classified as an agency (canonical name from the agencies lexicon), a desk
(``Redacción Gestión``, ``Redaktion``) or a person (natural case). The
vocabulary lives in ``lexicon/bylines.json`` and ``lexicon/agencies.json``.
"""

from __future__ import annotations

import polars as pl

from dateline.transforms import lexicon
from dateline.transforms.fields import dates
from dateline.transforms.fields.credits import AGENCY_BY_ALIAS
from dateline.transforms.fields.names import (
    NAME_PARTICLES,
    has_interface_word,
    is_person_name,
    natural_case,
)
from dateline.transforms.fields.tags import tag_key
from dateline.transforms.patterns import (
    INVISIBLE_CHARACTERS,
    SEGMENT_MARK,
    WHITE_SPACE_WORD,
    literal_alternation,
)
from dateline.transforms.schema import ARTICLE_AUTHORS, conform, empty_frame

BYLINE_WORDS: dict[str, list[str]] = lexicon.load("bylines")

PREFIX_WORDS = literal_alternation(
    BYLINE_WORDS["prefixes"] + BYLINE_WORDS["sign_off_prefixes"], any_white_space=True
)
SIGN_OFF_WORDS = literal_alternation(BYLINE_WORDS["sign_off_prefixes"], any_white_space=True)
SIGN_OFF_COLON_WORDS = literal_alternation(
    BYLINE_WORDS["sign_off_colon_prefixes"], any_white_space=True
)
COLON_PREFIX_WORDS = literal_alternation(BYLINE_WORDS["colon_prefixes"], any_white_space=True)
SLASH_PREFIX_WORDS = literal_alternation(BYLINE_WORDS["slash_prefixes"], any_white_space=True)
WEAK_PREFIX_WORDS = literal_alternation(BYLINE_WORDS["weak_prefixes"], any_white_space=True)
ICON_WORDS = literal_alternation(lexicon.social_networks("icon"), any_white_space=True)
CONJUNCTION_WORDS = literal_alternation(BYLINE_WORDS["conjunctions"], any_white_space=True)
DESK_WORDS = literal_alternation(BYLINE_WORDS["desk_words"], any_white_space=True)
DESK_ARTICLES = literal_alternation(BYLINE_WORDS["desk_articles"], any_white_space=True)
DESK_PREPOSITIONS = literal_alternation(BYLINE_WORDS["desk_prepositions"], any_white_space=True)
ROLE_STEMS = literal_alternation(
    BYLINE_WORDS["role_words"] + BYLINE_WORDS["uncased_role_suffixes"], any_white_space=True
)
ROLE_MODIFIER_WORDS = literal_alternation(BYLINE_WORDS["role_modifiers"], any_white_space=True)
LOCATION_WORDS = literal_alternation(BYLINE_WORDS["location_words"], any_white_space=True)
EMPLOYER_WORDS = literal_alternation(BYLINE_WORDS["employer_words"], any_white_space=True)
WITH_WORDS = literal_alternation(BYLINE_WORDS["with_words"], any_white_space=True)
TRAILER_WORDS = literal_alternation(BYLINE_WORDS["trailer_words"], any_white_space=True)
FOLLOW_WORDS = literal_alternation(BYLINE_WORDS["follow_words"], any_white_space=True)
TIME_UNIT_WORDS = literal_alternation(BYLINE_WORDS["time_units"], any_white_space=True)
AGENCY_ALIAS_WORDS = literal_alternation(list(AGENCY_BY_ALIAS), any_white_space=True)
PARTICLE_WORDS = literal_alternation(NAME_PARTICLES, any_white_space=True)

# One capitalised word of a name (Jean-Pierre, O'Neill, A., MARTA); no digits.
CAPITALISED_WORD = r"[\p{Lu}\p{Lt}][\p{L}\p{M}'’.\-]*"
# Two to five capitalised words, with lower-case particles between them (Chus del Pino).
MULTI_WORD_NAME = (
    CAPITALISED_WORD + r"(?:\s+(?:(?:" + PARTICLE_WORDS + r")\s+)*" + CAPITALISED_WORD + r"){1,4}"
)
# One to four words of a script without case (Arabic, Devanagari, CJK, Hangul): "محمد علي",
# "राहुल शर्मा", "山田太郎".
UNCASED_NAME_WORDS = r"\p{Lo}[\p{Lo}\p{M}]*(?:[ ・·]\p{Lo}[\p{Lo}\p{M}]*){0,3}"
# An acronym standing alone as an author (TPN, AFP).
ACRONYM = r"\p{Lu}{2,}(?:[.\-]\p{Lu}+)*\b"
# A brand written in lower case (t-online, ntv.com.tr).
LOWER_CASE_BRAND = r"[\p{Ll}\p{N}]+[.\-][\p{L}\p{N}.\-]*\p{L}"
# A word naming a desk, possibly inside a German compound (Sportredaktion, IN-Redaktion).
DESK_WORD = r"\p{L}*(?i:" + DESK_WORDS + r")\b"
# A word of an outlet's name after a desk word: capitalised, a number or a domain.
OUTLET_WORD = r"(?:[\p{Lu}\p{Lt}\p{N}][\p{L}\p{N}.'’\-]*|[\p{Ll}\p{N}\-]+\.\p{L}{2,})"

# Between two authors: punctuation or a conjunction ("und", "y", "and", "et").
AUTHOR_SEPARATOR = r"\s*(?:[,;/|&、]|\s(?:" + CONJUNCTION_WORDS + r")\s)\s*"
# What may follow the first author of a prefixed byline: its end, a separator, a date, a
# spaced dash, a contribution, employer or place, a trailer word or a job title.
AUTHOR_END = (
    r"(?:$|\s*[,;/|&(\[•·]|\s*\d|\s+[-–—](?:\s|$)|\s+(?:" + CONJUNCTION_WORDS + r")\s"
    r"|\s+(?i:" + WITH_WORDS + "|" + EMPLOYER_WORDS + r")\s|\s+(?:" + LOCATION_WORDS + r")\s"
    r"|\s+(?i:" + TRAILER_WORDS + "|" + FOLLOW_WORDS + r")\b|\s+\S*(?i:" + ROLE_STEMS + r"))"
)
FIRST_AUTHOR = (
    r"(?:"
    + MULTI_WORD_NAME
    + "|"
    + ACRONYM
    + r"|(?i:"
    + AGENCY_ALIAS_WORDS
    + r")\b|"
    + DESK_WORD
    + "|"
    + LOWER_CASE_BRAND
    + "|"
    + UNCASED_NAME_WORDS
    + ")"
)
# Byline prefixes as they open a line; the weak ones only before a multi-word name.
PREFIX_WORD = (
    r"(?:(?i:" + PREFIX_WORDS + r")(?:\s*[:：]\s*|\s+)|(?i:" + COLON_PREFIX_WORDS + r")\s*[:：]\s*"
    r"|(?:" + SLASH_PREFIX_WORDS + r")\s*[/／]\s*)"
)
WEAK_PREFIX_WORD = r"(?i:" + WEAK_PREFIX_WORDS + r")\s+"
# A run of prefixes ("Texto: Por ...") ending in a prefix, or in a weak prefix before a
# multi-word name (captured); stripped as one, so stripping is idempotent.
PREFIX = (
    r"^(?:"
    + PREFIX_WORD
    + "|"
    + WEAK_PREFIX_WORD
    + r")*(?:"
    + PREFIX_WORD
    + "|"
    + WEAK_PREFIX_WORD
    + "("
    + MULTI_WORD_NAME
    + "))"
)
PREFIXED_BYLINE = (
    r"^(?:"
    + PREFIX_WORD
    + "|"
    + WEAK_PREFIX_WORD
    + r")*(?:"
    + PREFIX_WORD
    + FIRST_AUTHOR
    + "|"
    + WEAK_PREFIX_WORD
    + MULTI_WORD_NAME
    + ")"
    + AUTHOR_END
)
# A byline prefix and one word, alone on the line: a first name or a user name signs
# ("von Kathrin", "By oradmin"); whether it signs the article depends on where it stands.
PREFIXED_ONE_WORD = r"^" + PREFIX_WORD + r"\p{L}[\p{L}\p{M}._\-]*$"
# A line that is only a desk: "Redacción Gestión", "La Rédaction", "Redaktion hessenschau.de".
DESK_LINE = (
    r"^(?:(?i:"
    + PREFIX_WORDS
    + r")\s*:?\s+)?(?:[\p{L}\p{N}.'’]+[\s\-])?"
    + DESK_WORD
    + r"(?:\s+(?:(?i:"
    + DESK_PREPOSITIONS
    + r")\s+)?"
    + OUTLET_WORD
    + r"){0,4}$"
)
# A line that signs the article wherever it stands: a sign-off cue and a few names, maybe in
# brackets ("Autorin/Autor Roman Goncharenko", "(责编：牛镛、岳弘彬)"), or an author label or a
# byline prefix with its colon ("Auteur : Ana Gil", "Written by: Ana Gil").
SIGN_OFF_LINE = (
    r"^[(（\[]?\s*(?i:(?:"
    + SIGN_OFF_WORDS
    + r")(?:\s*[:：]\s*|\s+)|(?:"
    + SIGN_OFF_COLON_WORDS
    + "|"
    + PREFIX_WORDS
    + r")\s*[:：]\s*)[^\d()（）\[\]:：]{2,60}[)）\]]?$"
)
# Dates and times that follow a name in a byline: 24.04.2024, 19:35, 4 Febbraio 2025,
# Sep 2, 2024, 2026-01-06, "2 minutes ago".
DATE_OR_TIME = (
    r"(?:\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}"
    r"|\d{1,2}\.?\s+(?:de\s+)?\p{L}{3,}\.?,?\s+(?:de\s+)?\d{4}"
    r"|\p{L}{3,}\.?\s+\d{1,2},?\s+\d{4}|\d+\s*(?i:" + TIME_UNIT_WORDS + r")\b)"
)
# One word between slashes after a name: the outlet in "Ann Lee / SITE.COM / Sep 2, 2024".
SLASHED_OUTLET = r"(?:\s*/\s*[^\s/|]+\s*/\s*)"
# A name followed by a date, a publication stamp or a job title (no prefix).
NAME_WITH_TRAILER = (
    r"^"
    + MULTI_WORD_NAME
    + r"(?:"
    + SLASHED_OUTLET
    + r"|\s*[|•·,]\s*|\s+[-–—]\s+|\s*)(?:"
    + DATE_OR_TIME
    + r"|(?i:"
    + TRAILER_WORDS
    + r")\b|\S*(?i:"
    + ROLE_STEMS
    + r"))"
)
# A name in a script without case, then a job title: "배윤경 기자", "山田太郎 記者".
UNCASED_NAME_WITH_ROLE = (
    r"^\p{Lo}[\p{Lo}\p{M}]{1,11}(?:\s\p{Lo}[\p{Lo}\p{M}]{1,11}){0,2}\s*(?:"
    + ROLE_STEMS
    + r")(?:\s|$)"
)
# An agency's name before the job title names no one: "新华社记者" (a Xinhua reporter).
AGENCY_WITH_ROLE = r"^(?:" + AGENCY_ALIAS_WORDS + r")\s*(?:" + ROLE_STEMS + r")$"
# Two or more names and nothing else: "Julia Vergin | Clare Roth", "Ana Gil y Luis Paz (Madrid)";
# not "/", which joins the parties of a photo credit.
NAME_LIST_SEPARATOR = r"\s*(?:[,;|&]|\s(?:" + CONJUNCTION_WORDS + r")\s)\s*"
NAME_LIST_LINE = (
    r"^"
    + MULTI_WORD_NAME
    + r"(?:"
    + NAME_LIST_SEPARATOR
    + MULTI_WORD_NAME
    + r")+"
    + r"(?:\s*[(\[][^()\[\]]*[)\]])?$"
)
# A line of two to four capitalised words, optionally with ", dpa" or "(AFP)".
NAME_LINE = (
    r"^"
    + CAPITALISED_WORD
    + r"(?:\s+(?:(?:"
    + PARTICLE_WORDS
    + r")\s+){0,2}"
    + CAPITALISED_WORD
    + r"){1,3}(?:\s*,\s*(?i:"
    + AGENCY_ALIAS_WORDS
    + r")|\s*[(\[]\s*(?i:"
    + AGENCY_ALIAS_WORDS
    + r")\s*[)\]])?$"
)
# A line that names a job title or a newsroom and little else ("Chefredakteur", "Political
# Editor", "Equipe de rédaction, La Presse"): a few words, no sentence mark, a word that ends
# in a role word (its feminine too: "Redakteurin") or a desk word; "Directory",
# "Editorial" and "Experten" are no job titles.
ROLE_LINE = r"^[^.!?:;]*(?i:(?:" + ROLE_STEMS + r")(?:in|innen)?|" + DESK_WORDS + r")\b[^.!?:;]*$"
MAX_ROLE_LINE_WORDS = 6
# A Japanese or Chinese name printed with a space between family and given name: "大渡 美咲".
SPACED_HAN_NAME = r"^\s*\p{Han}{1,3}[ \u3000][\p{Han}\p{Hiragana}\p{Katakana}]{1,3}\s*$"
# A line in capitals only (a shouted headline) is not a list of names.
NO_LOWER_CASE = r"^[^\p{Ll}]*$"
# A line that opens with a publication stamp ("Actualizado Lunes, 2 diciembre") is a dateline.
STAMP_FIRST = r"^(?i:" + TRAILER_WORDS + r")\b"
# ...unless a byline prefix opens it ("Publicado por Ana Gil", "Veröffentlicht von Anna Roth").
PREFIX_FIRST = r"^(?i:" + PREFIX_WORDS + r")[\s:：]"
# Lower-case icon words glued to the capital that follows ("mailRedacción", "xAmanda").
ICON_BEFORE_CAPITAL = r"(^|[\s|/•·,;])(?:" + ICON_WORDS + r")+(\p{Lu})"
ICON_GLUED_LINE = r"^\s*(?:" + ICON_WORDS + r")+\p{Lu}"
# A one-word prefix set in its own element and printed glued to the name ("ByAlex Roe",
# "VonAnna Gil"): capitalised, it is followed by a capital only when glued.
_GLUED_PREFIX_WORDS = literal_alternation(
    [word.capitalize() for word in BYLINE_WORDS["prefixes"] if word.isalpha() and word.isascii()]
)
GLUED_PREFIX = r"(^|\s)(" + _GLUED_PREFIX_WORDS + r")(\p{Lu})"
GLUED_PREFIX_LINE = r"^\s*(?:" + _GLUED_PREFIX_WORDS + r")\p{Lu}"
# Sentences are not bylines: questions, exclamations, a final period after a long word.
SENTENCE_MARK = r"[?!¿¡]|\p{Ll}{3,}\.\s*$"
# A byline line holds at most this many words, its date and place included.
MAX_BYLINE_LINE_WORDS = 24

# A run of horizontal white space other than one plain space (which is left as it is).
HORIZONTAL_SPACE_RUN = r"[^\S\n]{2,}|[^\S \n]"
SPACE_AROUND_NEWLINE = r" ?\n ?"

# Where a byline line stops being names: a digit (not one of a handle: "freeman1984"
# is not cut to "freeman"), a spaced dash, a bullet, a contribution
# ("mit AP", "with"), a trailer word ("Follow", "Published").
LINE_TRAILER = (
    r"(?:(?:^|[^\p{L}\p{N}])\d|\s+[-–—](?:\s|$)|\s*[•·]|\s+(?i:" + WITH_WORDS + r")\s"
    r"|(?:^|[\s|])(?i:" + TRAILER_WORDS + "|" + FOLLOW_WORDS + r")\b).*$"
)
# Date words that open the date after a name, cut with it: "By Steven Musil January 18,
# 2017", "By Martin Jendrischik On 12. Dezember 2022", "JEFFREY GETTLEMAN JAN. 13, 2017"
# (one-letter words are kept: they are initials).
DATE_WORDS_BEFORE_DIGIT = (
    r"(?:\s+(?i:"
    + literal_alternation([word for word in dates.DATE_LINE_WORDS_SORTED if len(word) > 1])
    + r")[.,]?)+[\s,]+\d.*$"
)
# Bracketed text becomes its own segment: "(AFP)" is an author, "(Enviado especial)" a role.
BRACKETED = r"\s*[(\[（]([^()\[\]（）]*)[)\]）]\s*"
# Tails cut from one author segment: a place, a word glued to the surname, a job title.
LOCATION_TAIL = r"(?:^|\s+)(?:" + LOCATION_WORDS + r")\s+.*$"
GLUED_TAIL = r"(\p{Lu}\p{Ll}{4,})[\p{Lu}\d].*$"
ROLE_TAIL = r"(?i)(?:^|\s+)(?:(?:" + ROLE_MODIFIER_WORDS + r")\s+)*\S*(?:" + ROLE_STEMS + r").*$"
# A job title before a full name: "FOCUS-Online-Experte Robin Tschöpe" (the name captured).
# A title that ends a sentence ("Medizinredakteurin. M.A. Kommunikation") heads no name.
ROLE_HEAD = (
    r"^(?i:(?:(?:"
    + ROLE_MODIFIER_WORDS
    + r")\s+)*\S*(?:"
    + ROLE_STEMS
    + r")(?:\S*[^\s.])?)\s+("
    + MULTI_WORD_NAME
    + ")$"
)
EMPLOYER_TAIL = r"\s+(?i:" + EMPLOYER_WORDS + r")\s+(.+)$"
LEADING_EDGE = r"^[\s\p{P}\p{S}]+"
# A final period stays: it ends an initial ("Miguel A.").
TRAILING_EDGE = r"[[\s\p{P}\p{S}]--[.]]+$"
DESK_IN_SEGMENT = r"(?:^|[\s\-])" + DESK_WORD + r"(?:$|\s+)"
# The desk word with its article and preposition: what is left names the outlet.
DESK_WITH_FUNCTION_WORDS = (
    r"(?:^|[\s\-])(?:(?i:"
    + DESK_ARTICLES
    + r")\s+)?"
    + DESK_WORD
    + r"(?:\s+(?i:"
    + DESK_PREPOSITIONS
    + r"))?(?:$|\s+)"
)
# A name in a script without case, written without spaces.
UNCASED_NAME = r"^\p{Lo}{2,4}$"
# Brand-like names (t-online, ORF.at, TPN) rather than a person's initials (jse).
BRAND_SHAPE = r"[.\-]"
ACRONYM_ONLY = r"^\p{Lu}{2,5}$"

# Pre-screens on the raw line, before clean_byline. Each is a necessary condition of a
# byline or name line wherever the line has no INVISIBLE_CHARACTERS; lines that have some
# go to the full check. Icon words may sit glued before any capital, which cleaning removes.
_ICONS = r"(?:" + ICON_WORDS + r")*"
_SPACE = r"\s+" + _ICONS


def _icon_tolerant(alternation: str) -> str:
    return alternation.replace(r"\s+", _SPACE)


# MULTI_WORD_NAME as it may look before cleaning.
_RAW_MULTI_WORD_NAME = (
    CAPITALISED_WORD + r"(?:" + _SPACE + r"(?:(?:" + PARTICLE_WORDS + r")\s+)*" + _ICONS
    + CAPITALISED_WORD + r"){1,4}"
)  # fmt: skip
# How every byline starts: a prefix, a desk word among the first two words, a name with a
# date, stamp or job title after it, a list of names, or icon text glued to a capital.
# Separate patterns: one alternation of them all makes a slower automaton.
BYLINE_SCREENS = (
    r"^\s*" + _ICONS + r"(?i:" + _icon_tolerant(PREFIX_WORDS) + "|"
    + _icon_tolerant(COLON_PREFIX_WORDS) + "|" + _icon_tolerant(WEAK_PREFIX_WORDS) + "|"
    + SLASH_PREFIX_WORDS + r")[\s:：/／]",
    r"^\s*" + _ICONS + r"(?:[\p{L}\p{N}.'’]+[\s\-]+)?\p{L}*(?i:" + _icon_tolerant(DESK_WORDS)
    + r")",
    r"^\s*" + _ICONS + _RAW_MULTI_WORD_NAME + r"[\s|•·,\-–—]*" + SLASHED_OUTLET + "?" + _ICONS
    + r"(?:\d|\p{L}{3,}\.?\s+\d|(?i:" + _icon_tolerant(TRAILER_WORDS) + r")|\S*(?i:"
    + _icon_tolerant(ROLE_STEMS) + r"))",
    r"^\s*" + _ICONS + _RAW_MULTI_WORD_NAME + r"(?:\s*(?:[,;|&]|\s+(?:" + CONJUNCTION_WORDS
    + r")\s+)\s*" + _ICONS + _RAW_MULTI_WORD_NAME + r")+(?:\s*[(\[][^()\[\]]*[)\]])?\s*$",
    ICON_GLUED_LINE,
    GLUED_PREFIX_LINE,
    UNCASED_NAME_WITH_ROLE,
)  # fmt: skip
# NAME_LINE as it may look before cleaning, its agency suffix loosened to any tail after a
# comma or bracket: the agency alternation made it 40 times larger to compile (once per call).
NAME_LINE_SCREEN = (
    r"^\s*" + _ICONS + CAPITALISED_WORD + r"(?:" + _SPACE + r"(?:(?:" + PARTICLE_WORDS
    + r")\s+){0,2}" + _ICONS + CAPITALISED_WORD + r"){1,3}(?:\s*[,(\[](?s:.*))?\s*$"
)  # fmt: skip
# More words than a byline has, or a question or exclamation mark: not a byline.
TOO_LONG_FOR_BYLINE = r"^\s*(?:\S+\s+){" + str(MAX_BYLINE_LINE_WORDS) + r"}\S"
NOT_IN_BYLINE = r"[?!¿¡]"


def clean_byline(text: pl.Expr) -> pl.Expr:
    """The byline as printed, without icon text, white space collapsed (one value in, one out).

    ``mailRedacción Gestión`` -> ``Redacción Gestión``. Prefixes stay (``Por X``);
    line breaks stay, so a byline of several lines keeps its lines.
    """
    return (
        text.str.replace_all(INVISIBLE_CHARACTERS, "")
        .str.replace_all(ICON_BEFORE_CAPITAL, "${1}${2}")
        .str.replace(GLUED_PREFIX, "${1}${2} ${3}")
        .str.replace_all(HORIZONTAL_SPACE_RUN, " ")
        .str.replace_all(SPACE_AROUND_NEWLINE, "\n")
        .str.strip_chars()
    )


def _name_line(cleaned: pl.Expr) -> pl.Expr:
    """The full name-line check on a cleaned line (one line in, one bool out)."""
    # "Por Marta Cañete" is a byline proper, not a bare name.
    return (
        (cleaned.str.contains(NAME_LINE) & ~cleaned.str.contains(PREFIXED_BYLINE))
        | cleaned.str.contains(SPACED_HAN_NAME)
    ).fill_null(False)


def _byline_line(text: pl.Expr, cleaned: pl.Expr) -> pl.Expr:
    """The full byline check on a line and its cleaned form (one line in, one bool out)."""
    icon_glued = text.str.contains(ICON_GLUED_LINE) & (
        cleaned.str.contains(NAME_LINE) | cleaned.str.contains(DESK_LINE)
    )
    shaped = (
        cleaned.str.contains(PREFIXED_BYLINE)
        | cleaned.str.contains(PREFIXED_ONE_WORD)
        | cleaned.str.contains(DESK_LINE)
        | cleaned.str.contains(NAME_WITH_TRAILER)
        | cleaned.str.contains(UNCASED_NAME_WITH_ROLE) & ~cleaned.str.contains(AGENCY_WITH_ROLE)
        | cleaned.str.contains(NAME_LIST_LINE) & ~cleaned.str.contains(NO_LOWER_CASE)
        | icon_glued
    )
    return (
        shaped
        & ~cleaned.str.contains(SENTENCE_MARK)
        & ~(cleaned.str.contains(STAMP_FIRST) & ~cleaned.str.contains(PREFIX_FIRST))
        & ~cleaned.str.contains("\n", literal=True)
        & (cleaned.str.count_matches(WHITE_SPACE_WORD) <= MAX_BYLINE_LINE_WORDS)
    ).fill_null(False)


def _screened_flags(values: pl.Series, screens: list[pl.Expr], check: pl.Expr) -> pl.Series:
    """``check`` (on columns ``text`` and ``cleaned``) where every one of ``screens`` (on
    ``text``, applied in turn to the lines left) holds or the text has invisible characters,
    false elsewhere; one value in, one bool out."""
    text = pl.col("text")
    unsure = values.to_frame("text")
    rows = pl.int_range(values.len(), eager=True)
    for screen in screens:
        kept = unsure.select((text.str.contains(INVISIBLE_CHARACTERS) | screen).fill_null(False))
        kept = kept.to_series().arg_true()
        unsure, rows = unsure[kept], rows.gather(kept)
    flags = pl.repeat(False, values.len(), dtype=pl.Boolean, eager=True).alias(values.name)
    if unsure.height == 0:
        return flags
    checked = (
        unsure.lazy().with_columns(cleaned=clean_byline(text)).select(check.fill_null(False))
    ).collect()
    return flags.scatter(rows, checked.to_series())


def _name_line_flags(values: pl.Series) -> pl.Series:
    """``is_name_line`` on one batch of values (one value in, one bool out)."""
    return _screened_flags(
        values,
        [
            pl.col("text").str.contains(NAME_LINE_SCREEN)
            | pl.col("text").str.contains(SPACED_HAN_NAME)
            # Cleaning sets a glued prefix apart ("ByA" -> "By A"): such a line is judged.
            | pl.col("text").str.contains(GLUED_PREFIX_LINE)
        ],
        _name_line(pl.col("cleaned")),
    )


def _byline_line_flags(values: pl.Series) -> pl.Series:
    """``is_byline_line`` on one batch of values (one value in, one bool out)."""
    text = pl.col("text")
    screens = [
        ~text.str.contains(TOO_LONG_FOR_BYLINE) & ~text.str.contains(NOT_IN_BYLINE),
        pl.any_horizontal(text.str.contains(screen) for screen in BYLINE_SCREENS),
    ]
    return _screened_flags(values, screens, _byline_line(text, pl.col("cleaned")))


def is_name_line(text: pl.Expr) -> pl.Expr:
    """True for a line of 2-4 capitalised words and nothing else (one line in, one bool out).

    ``Amanda Krause``, ``Marta Cañete``, ``Chus del Pino``, ``MARTA CAÑETE``,
    optionally followed by ``, dpa`` or ``(AFP)``. A weak cue: whether such a
    line is a byline depends on where it stands on the page.
    """
    # A batch function cleans and checks only the lines that pass a pre-screen; one
    # expression would clean every line once per check.
    return text.map_batches(_name_line_flags, return_dtype=pl.Boolean, is_elementwise=True)


def is_byline_line(text: pl.Expr) -> pl.Expr:
    """True when a line looks like a byline (one line in, one bool out).

    A byline prefix followed by a name (``Por Marta Cañete``, ``Von Felix
    Schröder und Jörg Soldwisch, dpa``, ``Autor: ...``), a desk
    (``Redacción Gestión``, ``La Rédaction``, ``Agencias``), a name followed by
    a date or a job title (``Tobias Mühlbauer 24.04.2024``), or an icon-glued
    copy of a name or desk (``mailRedacción Gestión``). Ordinary sentences,
    section names and titles are not bylines.
    """
    # A batch function, as in is_name_line.
    return text.map_batches(_byline_line_flags, return_dtype=pl.Boolean, is_elementwise=True)


def is_role_line(text: pl.Expr) -> pl.Expr:
    """True for a line naming a job title or a newsroom and little else (one line in, one
    bool out): ``Chefredakteur``, ``Political Editor``, ``Equipe de rédaction, La Presse``.
    Under a bare name, such a line signs the name."""
    # A batch function runs the pattern on the lines short enough to be one only: with its
    # word boundary it falls back to a slow engine, on every paragraph of a page.
    return text.map_batches(_role_line_flags, return_dtype=pl.Boolean, is_elementwise=True)


def _role_line_flags(values: pl.Series) -> pl.Series:
    """``is_role_line`` on one batch of values (one value in, one bool out)."""
    line = pl.col("line")
    lines = values.to_frame("line")
    short = lines.select(
        (line.str.count_matches(WHITE_SPACE_WORD) <= MAX_ROLE_LINE_WORDS).fill_null(False)
    ).to_series()
    rows = short.arg_true()
    flags = pl.repeat(False, values.len(), dtype=pl.Boolean, eager=True).alias(values.name)
    if rows.len() == 0:
        return flags
    found = lines[rows].select(line.str.contains(ROLE_LINE).fill_null(False)).to_series()
    return flags.scatter(rows, found)


def is_sign_off_line(text: pl.Expr) -> pl.Expr:
    """True for a line that signs the article wherever it stands (one line in, one bool out).

    A sign-off cue and a few names: ``Autorin/Autor Roman Goncharenko``,
    ``(责编：牛镛、岳弘彬)``. Unlike a bare ``Von X``, the cue is not used for teasers.
    """
    return text.str.contains(SIGN_OFF_LINE).fill_null(False)


# Date lines that carry their author: "22. Dezember 2019 von Peter Addor", "Redaktion -
# 31. Januar 2022", "Posted on September 21, 2020 by Adi Tzlil". A date line's tokens are
# its words and its separators; digits, date vocabulary and labels ("Kategorien:") part
# the words into segments, and a one-word byline prefix opens a segment of its own.
# A handle or an address glued to a name ("Alissa Wilkinson@alissamarie") is a token of its own.
DATE_LINE_TOKEN = r"[^\s,;/|•·~@]+|[,;/|•·~]|@\S*"
DATE_LINE_BREAK = r"^[\-–—]+$|[,;/|•·~@\d]"
ONE_WORD_PREFIXES = sorted(
    {word for word in BYLINE_WORDS["prefixes"] if " " not in word}
    - set(BYLINE_WORDS["weak_prefixes"])
)
# Prefixes of several words ("Veröffentlicht von", "written by") become one opening mark,
# which no name continues.
MULTI_WORD_PREFIX = (
    r"(?i)(?:^|\s)(?:"
    + literal_alternation(
        [word for word in BYLINE_WORDS["prefixes"] if " " in word], any_white_space=True
    )
    + r")\s"
)
OPENING_MARK = "\x1e"
COLON_PREFIX_KEYS = sorted({word for word in BYLINE_WORDS["colon_prefixes"] if " " not in word})
# Characters trimmed from a token before it is looked up ("Autor:" -> "autor").
TOKEN_EDGE_CHARACTERS = ".,:;()[]\"'“”„«»"
# "— Jane Roe (@janeroe) March 16, 2020": the signature of an embedded post, not the article's.
EMBEDDED_POST_SIGNATURE = r"\(@[\w.]+\)"
# An author that a prefix opens on a date line has at most this many words.
MAX_DATE_LINE_AUTHOR_WORDS = 4
# Without a prefix, a segment is an author when it is a person's name of this many words
# or more (one capitalised word is as often a place or a section) or a desk.
MIN_DATE_LINE_NAME_WORDS = 2


def date_line_bylines(
    lines: pl.DataFrame, date_words: list[str], *, prefixed_only: bool = False
) -> pl.DataFrame:
    """One row per date line in (``doc_id``, ``block_no``, ``text``); one row per document
    whose date lines carry an author out, the first such author: ``doc_id``, ``block_no``,
    ``text`` (the author as printed, its prefix dropped).

    ``date_words`` are the words a date line holds besides its date (lower case): cues,
    weekdays, months, fillers (``dates.DATE_LINE_WORDS``). An author is the segment a
    byline prefix opens (``von Peter Addor``, ``by IWB``) or, without one, a person's name
    of two words or more or a desk (``Redaktion``). With ``prefixed_only`` (lines that hold
    a date among more words than a date line: a headline may name a year), only a prefix
    opens an author, and only after a date, a cue, a separator or at the line's start:
    "Posted by timothy on Tuesday" signs, "Hacked by Anonymous, 30,000 Sets" does not.
    """
    token = pl.col("token")
    key = token.str.to_lowercase().str.strip_chars(TOKEN_EDGE_CHARACTERS)
    # 0: a break between segments, 1: a prefix opening one, 2: a word of one.
    token_class = (
        pl.when(token.str.contains(DATE_LINE_BREAK))
        .then(0)
        .when((token == OPENING_MARK) | key.is_in(ONE_WORD_PREFIXES))
        .then(1)
        .when(token.str.ends_with(":") & key.is_in(COLON_PREFIX_KEYS))
        .then(1)
        .when(token.str.ends_with(":") | key.is_in(date_words))
        .then(0)
        .otherwise(2)
    )
    # A particle between a word and a capitalised word continues the name ("by Walter von
    # Aachen", "par Loïc Le Clerc"), though it be a prefix or a date word elsewhere.
    in_name = (
        key.is_in(NAME_PARTICLES)
        & (pl.col("_class").shift(1).over("doc_id", "block_no") == 2)
        & token.shift(-1).over("doc_id", "block_no").str.contains(r"^\p{Lu}").fill_null(False)
    )
    tokens = (
        lines.filter(~pl.col("text").str.contains(EMBEDDED_POST_SIGNATURE))
        .select(
            "doc_id",
            "block_no",
            token=pl.col("text")
            .str.replace_all(MULTI_WORD_PREFIX, f" {OPENING_MARK} ")
            .str.extract_all(DATE_LINE_TOKEN),
        )
        .explode("token")
        .drop_nulls("token")
        .with_columns(_class=token_class)
        .with_columns(_class=pl.when(in_name).then(2).otherwise(pl.col("_class")))
        .with_columns(
            _segment=(pl.col("_class") < 2).cum_sum().over("doc_id", "block_no"),
            _after_word=(pl.col("_class").shift(1).over("doc_id", "block_no") == 2).fill_null(
                False
            ),
        )
    )
    segments = (
        tokens.group_by("doc_id", "block_no", "_segment", maintain_order=True)
        .agg(
            _prefixed=pl.col("_class").first() == 1,
            _after_word=pl.col("_after_word").first(),
            text=token.filter(pl.col("_class") == 2).str.join(" "),
        )
        .with_columns(pl.col("text").str.strip_chars(TOKEN_EDGE_CHARACTERS + " "))
        .filter(pl.col("text").str.contains(r"\p{L}"))
    )
    n_words = pl.col("text").str.count_matches(WHITE_SPACE_WORD)
    author = (pl.col("_prefixed") & (n_words <= MAX_DATE_LINE_AUTHOR_WORDS)) | ~pl.col(
        "_prefixed"
    ) & (
        (is_person_name(pl.col("text")) & (n_words >= MIN_DATE_LINE_NAME_WORDS))
        | pl.col("text").str.contains(DESK_LINE)
    )
    if prefixed_only:
        author = (
            pl.col("_prefixed")
            & ~pl.col("_after_word")
            & (n_words <= MAX_DATE_LINE_AUTHOR_WORDS)
            & ~pl.col("text").str.contains(NOT_IN_BYLINE)
        )
    # A prefixed author is the surer one: it goes first.
    return (
        segments.filter(author)
        .sort("doc_id", pl.col("_prefixed").not_(), "block_no", "_segment", maintain_order=True)
        .unique(["doc_id"], keep="first", maintain_order=True)
        .select("doc_id", "block_no", "text")
    )


def _strip_prefix(line: pl.Expr) -> pl.Expr:
    """The line without its byline prefix (one line in, one out)."""
    return line.str.replace(PREFIX, "${1}")


def _strip_edges(text: pl.Expr) -> pl.Expr:
    return text.str.replace(LEADING_EDGE, "").str.replace(TRAILING_EDGE, "")


def _agency(segment: pl.Expr) -> pl.Expr:
    """Canonical agency name when the whole segment is an agency alias, else null."""
    return segment.str.to_lowercase().replace_strict(
        AGENCY_BY_ALIAS, default=None, return_dtype=pl.String
    )


def split_bylines(
    frame: pl.DataFrame, byline: str = "byline_raw", outlet: str = "outlet"
) -> pl.DataFrame:
    """Authors of each byline, conforming to ``schema.ARTICLE_AUTHORS``.

    One row per article in (``article_id``, the byline column, optionally the
    outlet column; a byline may hold several lines joined by ``\\n``; a null
    byline gives no rows), one row per author out (``article_id``,
    ``position``, ``name``, ``kind``, ``organization``). Agencies get their
    canonical name and kind ``agency``; desks (``Redacción Gestión``, a name
    equal to the outlet) kind ``desk`` with the outlet as organization; other
    names kind ``person`` in natural case, with an employer when printed
    (``for The Times``). The same name twice (an icon copy) is one author.
    """
    if frame.height == 0 and {"article_id", byline} <= set(frame.columns):
        # No byline, no author: the patterns below would still compile on every call.
        return empty_frame(ARTICLE_AUTHORS)
    outlet_column = pl.col(outlet) if outlet in frame.columns else pl.lit(None)
    segments = (
        frame.select(
            pl.col("article_id"),
            pl.col(byline).cast(pl.String).alias("_byline"),
            outlet_column.cast(pl.String).alias("_outlet"),
        )
        .filter(pl.col("_byline").is_not_null())
        .with_columns(_line=clean_byline(pl.col("_byline")).str.split("\n"))
        .explode("_line")
        .with_columns(
            _line=_strip_prefix(pl.col("_line"))
            .str.replace(DATE_WORDS_BEFORE_DIGIT, "")
            .str.replace(LINE_TRAILER, "")
        )
        .with_row_index("_line_order")
        .with_columns(
            _segment=pl.col("_line")
            .str.replace_all(BRACKETED, SEGMENT_MARK + "${1}" + SEGMENT_MARK)
            .str.replace_all(AUTHOR_SEPARATOR, SEGMENT_MARK)
            .str.split(SEGMENT_MARK)
        )
        .explode("_segment")
        # Each author may carry its own prefix: "Por Ana Gil y por Luis Paz".
        .with_columns(_printed=_strip_edges(_strip_prefix(_strip_edges(pl.col("_segment")))))
        .filter(pl.col("_printed").str.contains(r"\p{L}").fill_null(False))
        .with_columns(_is_first=pl.int_range(pl.len()).over("_line_order") == 0)
    )
    located = pl.col("_printed").str.replace(LOCATION_TAIL, "").str.replace(GLUED_TAIL, "${1}")
    # A job title may stand before the byline prefix: "Staff Reporter By Anna Smith".
    unroled = (
        pl.when(located.str.contains(ROLE_HEAD))
        .then(_strip_prefix(located.str.replace(ROLE_HEAD, "${1}")))
        .otherwise(located)
    )
    bare = _strip_edges(unroled.str.replace(ROLE_TAIL, ""))
    authors = (
        segments.with_columns(
            _employer=_strip_edges(bare.str.extract(EMPLOYER_TAIL, 1)),
            _bare=_strip_edges(bare.str.replace(EMPLOYER_TAIL, "")),
        )
        .with_columns(
            _agency=pl.coalesce(_agency(pl.col("_bare")), _agency(pl.col("_printed"))),
            # "Yomiuri Shimbun Staff Writers" names people's role; "Guardian staff reporter" a desk.
            _is_desk=pl.col("_printed").str.contains(DESK_IN_SEGMENT)
            & (
                ~pl.col("_printed").str.contains(ROLE_TAIL)
                | (bare.str.count_matches(WHITE_SPACE_WORD) < 2)
            ),
            _is_outlet=(tag_key(pl.col("_bare")) == tag_key(pl.col("_outlet"))).fill_null(False),
            _is_person=is_person_name(pl.col("_bare"))
            & ~pl.col("_bare").str.contains(ACRONYM_ONLY),
            _n_words=pl.col("_bare").str.count_matches(WHITE_SPACE_WORD),
            _desk_organization=_strip_edges(
                pl.col("_printed")
                .str.replace(DESK_WITH_FUNCTION_WORDS, " ")
                .str.strip_chars()
                .str.replace(ROLE_TAIL, "")
            ),
        )
        .filter(
            pl.col("_agency").is_not_null()
            | pl.col("_is_desk")
            | (pl.col("_n_words") > 0)
            & (
                pl.col("_is_outlet")
                | pl.col("_is_person")
                & (
                    pl.col("_is_first")
                    | (pl.col("_n_words") >= 2)
                    # Names in scripts without case and spaces are one word: "岳弘彬".
                    | pl.col("_bare").str.contains(UNCASED_NAME)
                )
                | pl.col("_is_first")
                & (pl.col("_n_words") <= 3)
                & ~pl.col("_bare").str.contains(r"\d|" + SENTENCE_MARK)
                # A heading or button first on the line is no author: "Keine Kommentare".
                & ~has_interface_word(pl.col("_bare"))
            )
        )
        .with_columns(
            kind=pl.when(pl.col("_agency").is_not_null())
            .then(pl.lit("agency"))
            .when(pl.col("_is_desk") | pl.col("_is_outlet"))
            .then(pl.lit("desk"))
            .when(
                pl.col("_is_person")
                | ~pl.col("_bare").str.contains(BRAND_SHAPE + "|" + ACRONYM_ONLY)
            )
            .then(pl.lit("person"))
            .otherwise(pl.lit("desk")),
        )
        .with_columns(
            name=pl.when(pl.col("kind") == "agency")
            .then(pl.col("_agency"))
            .when(pl.col("_is_desk"))
            .then(pl.col("_printed"))
            .when(pl.col("_is_person"))
            .then(natural_case(pl.col("_bare")))
            .otherwise(pl.col("_bare")),
            organization=pl.when(pl.col("kind") == "agency")
            .then(pl.lit(None, pl.String))
            .when(pl.col("_is_desk"))
            .then(
                pl.when(pl.col("_desk_organization") != "")
                .then(pl.col("_desk_organization"))
                .otherwise(pl.col("_outlet"))
            )
            .when(pl.col("_is_outlet"))
            .then(pl.col("_outlet"))
            .when(pl.col("kind") == "desk")
            .then(pl.col("_bare"))
            .otherwise(pl.when(pl.col("_employer") != "").then(pl.col("_employer"))),
        )
        .with_columns(_key=tag_key(pl.col("name")))
        .unique(subset=["article_id", "_key"], keep="first", maintain_order=True)
        .with_columns(position=pl.int_range(pl.len()).over("article_id"))
    )
    return conform(authors, ARTICLE_AUTHORS)
