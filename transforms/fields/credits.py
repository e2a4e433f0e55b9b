"""Image captions and photo credits: split a credit off a caption, spot credit
lines, and parse a credit into typed parties (photographer, agency, pool, source).

Vocabulary lives in ``lexicon/credits.json`` (cue words) and
``lexicon/agencies.json`` (agency aliases). Roles given by ``parse_photo_credits``:

* ``agency``: the part is an alias in the agency lexicon; name is the canonical name;
* ``pool``: the pool marker, name as printed (``POOL``);
* ``source``: who supplied the picture when it is neither a person nor an agency:
  provenance words (``various sources``, ``Handout``, ``privat``, ``Screenshot``),
  platforms (``Instagram``, ``Unsplash``), parties introduced by "courtesy of", and
  organisations (a part holding an organisation word such as ``Police``, ``Times``,
  ``Images`` or a web domain); name as printed;
* ``photographer``: a part shaped like a personal name of two words or more (or a
  name in a script without case, or one followed by a cue such as ``撮影``); name in
  natural case;
* ``other``: anything else (single words such as a surname or brand that cannot be
  told apart, acronyms of outlets, free text); name as printed.

Archive markers (``Archiv``, ``FILE``), ``Uncredited``, placeholders (``-``) and
rights notices (``All rights reserved``) name nobody and give no row.
"""

from __future__ import annotations

import functools
import unicodedata

import polars as pl

from dateline.transforms import derived_files, lexicon
from dateline.transforms.fields.names import is_person_name, natural_case
from dateline.transforms.patterns import literal_alternation
from dateline.transforms.schema import IMAGE_CREDITS, conform

_CUES: dict[str, list[str]] = lexicon.load("credits")
_AGENCIES: dict[str, list[str]] = lexicon.load("agencies")["agencies"]
# Picture sites and the social networks pictures are credited to.
_PLATFORMS: list[str] = _CUES["platforms"] + lexicon.social_networks("photo_source")


def _key(text: str) -> str:
    """The lookup key of a lexicon entry: what ``_key_expr`` computes for a frame value."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def _key_expr(text: pl.Expr) -> pl.Expr:
    # NFKC folds full-width letters (ＡＰ) so that they meet the lexicon.
    return text.str.normalize("NFKC").str.to_lowercase().str.strip_chars()


# Lookup tables (lower-cased, NFKC) built from the lexicons; bylines looks agencies up here too.
AGENCY_BY_ALIAS: dict[str, str] = {
    _key(alias): canonical
    for canonical, aliases in _AGENCIES.items()
    for alias in (canonical, *aliases)
}
POOL_KEYS: tuple[str, ...] = tuple(_key(w) for w in _CUES["pool"])
DROP_KEYS: tuple[str, ...] = tuple(_key(w) for w in _CUES["drop"])
SOURCE_KEYS: tuple[str, ...] = tuple(_key(w) for w in _CUES["sources"] + _PLATFORMS)
# Single words that make a multi-word part a source (too short or ambiguous ones excluded).
SOURCE_WORDS: tuple[str, ...] = tuple(
    sorted(
        {_key(w) for w in _CUES["organisation_words"] if not w.startswith(".")}
        | {_key(w) for w in _CUES["sources"] + _PLATFORMS if " " not in w and len(w) >= 4}
    )
)

# A source word as one space-separated word of a key, edge punctuation aside; words that
# begin or end with that punctuation are left out, as stripping it leaves them unmatched.
_WORD_EDGE = ".,:;'\""
SOURCE_WORD_IN_KEY = (
    r"(?:^| )[.,:;'\"]*(?:"
    + literal_alternation(w for w in SOURCE_WORDS if w == w.strip(_WORD_EDGE) and " " not in w)
    + r")[.,:;'\"]*(?: |$)"
)  # fmt: skip

_LABELS = literal_alternation(_CUES["labels"], any_white_space=True)
_PHRASES = literal_alternation(_CUES["phrases"], any_white_space=True)
_RIGHTS = literal_alternation(_CUES["rights"], any_white_space=True)
_COURTESY = literal_alternation(_CUES["courtesy"], any_white_space=True)
_EMPLOYERS = literal_alternation(_CUES["employer_prepositions"], any_white_space=True)
_CAPTION_EMPLOYERS = literal_alternation(
    _CUES["caption_employer_prepositions"], any_white_space=True
)
_PERSON_SUFFIXES = literal_alternation(_CUES["person_suffixes"], any_white_space=True)
_COPYRIGHT_WORDS = literal_alternation(_CUES["copyright_words"], any_white_space=True)
_CAPITALISED_LABELS = literal_alternation(
    [w[:1].upper() + w[1:] for w in _CUES["labels"]], any_white_space=True
)
_COPYRIGHT_MARK = r"(?:©|\([cC]\)|（[cCＣ]）)"

# A credit that opens with a cue: "Foto: X", "Photo by X", "© X", "Tous droits réservés X"
# (a label may take "=" as Korean and Japanese captions write it: "[사진=연합뉴스]").
CREDIT_CUE_START = (
    rf"^(?i:(?:{_LABELS})\s*[:=]\s*\S|(?:{_PHRASES})\s+\S|{_COPYRIGHT_MARK}\s*\S"
    rf"|(?:{_RIGHTS})(?:\s|$)|(?:{_COURTESY})\s+\S)"
)
# The last label cue in a caption, after a non-letter: "..., Foto: LAT Images".
CAPTION_LABEL_CUE = rf"^(?s)(.*[^\p{{L}}\p{{N}}]|)((?i:{_LABELS})\s*[:=]\s*\S.*)$"
# The same glued to the caption's last word, as scrapers leave it: "...World CupCredit: PA".
CAPTION_GLUED_LABEL_CUE = rf"^(?s)(.*[\p{{Ll}}\d])((?:{_CAPITALISED_LABELS}):\s*\S.*)$"
# The last phrase cue after a sentence end, a bracket or a bar: "... decades. Photo by X".
CAPTION_PHRASE_CUE = rf"^(?s)(.*(?:[.!?…\"”»)]\s*|[(|]\s*|\s[-–—]\s*)|)((?i:{_PHRASES})\s+\S.*)$"
# The last copyright mark: "... Tristach © VS Tristach".
CAPTION_COPYRIGHT_CUE = rf"^(?s)(.*[^\p{{L}}]|.*\p{{Ll}}|)({_COPYRIGHT_MARK}\s*\S.*)$"
# A bracketed group closing the caption: "... (Photo by X / AFP)", "...（潟沼義樹撮影）",
# "... [사진=연합뉴스]".
CAPTION_TRAILING_BRACKETS = r"^(?s)(.*?)\s*[(（\[]([^()（）\[\]]*)[)）\]]\s*$"
# A sentence end in a caption: after a lower-case letter, a digit, a closing mark or two
# capitals, so that an initial ("Michael D. Higgins") is not one.
_SENTENCE_END = r"(?:[\p{Ll}\p{Lo}\d)\"”»'’]|\p{Lu}{2})[.!?…。][\"”»’)]?"
# The text after the caption's last sentence end, separated by white space.
CAPTION_TAIL_AFTER_SPACE = rf"^(?s)(.*{_SENTENCE_END})\s+(\S.*)$"
# The same glued to the sentence end, as scrapers leave it: "...Losail.EFE".
CAPTION_TAIL_GLUED = r"^(?s)(.*[\p{Ll}\d)\"”»'’][.!?…][\"”»’)]?)(\p{Lu}.*)$"
# A Japanese-style credit after a full-width equals sign: "...（ソウルで、３日）＝ＡＰ".
CAPTION_TAIL_EQUALS = r"^(?s)(.*)＝([^＝]+)$"
# One word of a personal name printed before a cue-less credit: capitalised with a lower-case
# second character ("Tara", "O'Neill", "Jean-Claude", but not "UN-Hauptquartier"), initials
# or a generation suffix ("Frank Franklin II").
_TAIL_NAME_WORD = r"(?:\p{Lu}[\p{Ll}'’][\p{L}\p{M}'’\-]*|(?:\p{Lu}\.)+|II|III|IV|Jr\.|Sr\.)"
# Two to four such words.
_TAIL_NAME = rf"{_TAIL_NAME_WORD}(?:\s+{_TAIL_NAME_WORD}){{1,3}}"
# An outlet's name: a capitalised word and up to five more, without a sentence end.
_OUTLET = r"[\p{Lu}\p{Lt}][^\s.!?…。]*(?:\s+[^\s.!?…。]+){0,5}"
# A photographer working for an outlet after the last sentence end: "... south of Duqm.
# Tara Atkinson for Rest of World" (the preposition in lower case, as printed).
CAPTION_EMPLOYER_TAIL = (
    rf"^(?s)(.*{_SENTENCE_END})\s+({_TAIL_NAME}\s+(?:{_CAPTION_EMPLOYERS})\s+{_OUTLET})$"
)
# How long the holder and rights notice after a copyright year may be.
MAX_COPYRIGHT_HOLDER_CHARS = 80
# A name and a dated copyright notice closing the caption, after a sentence or not (the
# first name word is taken as early as possible): "... im UN-Hauptquartier Frank Franklin
# II/Copyright 2026 The AP. All rights reserved."
CAPTION_COPYRIGHT_LINE = (
    rf"^(?s)(|.*?\s)((?:(?i:{_COPYRIGHT_WORDS})\s+)?{_TAIL_NAME}\s*/\s*"
    rf"(?:{_COPYRIGHT_MARK}|(?i:{_COPYRIGHT_WORDS}))\s*\d{{4}}\b"
    rf"[^/\n]{{0,{MAX_COPYRIGHT_HOLDER_CHARS}}})$"
)
# A name in a script without case and a title such as "기자" (reporter) after the last
# sentence end: "... 있다. 민경석 기자", "...。山田太郎撮影".
CAPTION_REPORTER_TAIL = rf"^(?s)(.*{_SENTENCE_END})\s*(\p{{Lo}}{{2,5}}\s?(?:{_PERSON_SUFFIXES}))$"
# What each of the three needs (a pre-screen): the preposition before a capitalised outlet
# that closes the text, the title closing the text, or a copyright word (a copyright mark is
# in CUE_SCREEN).
SHAPE_SCREEN = (
    rf"\s(?:{_CAPTION_EMPLOYERS})\s+[\p{{Lu}}\p{{Lt}}][^.!?…。]*$"
    rf"|(?:{_PERSON_SUFFIXES})$|(?i:{_COPYRIGHT_WORDS})"
)
# A credit after a bar or dash that follows the last sentence end: "... | Foto: X".
TAIL_SEPARATED = r"^(?s)(.*?)\s*(?:\||\s[-–—])\s+(\S.*)$"
# Punctuation around a credit that is not part of it.
CREDIT_WRAPPING = " \t\n|-–—,;:·•()（）[]"
# The same around the caption that remains; its brackets are kept ("(Archivbild)").
CAPTION_TRAILING_WRAPPING = " \t\n|-–—,;:·•"
COPYRIGHT_MARK_START = rf"^{_COPYRIGHT_MARK}\s*"

# A caption label: "(COMBO) ...", "FILE PHOTO - ...", "ARCHIVO: ...".
_CAPTION_LABELS = literal_alternation(_CUES["caption_labels"], any_white_space=True)
CAPTION_LABEL = (
    rf"^\s*(?:[(\[]\s*((?i:{_CAPTION_LABELS}))\s*[)\]]|((?-i:{_CAPTION_LABELS}))\s*[-–—:])"
)

# Separators between the parties of a credit: "/", "|", ",", ";", brackets, " - ", "+++",
# and joining words (and, y, und, et, e, &, via).
CREDIT_PART_SEPARATOR = (
    r"\s*(?:[/|;,()（）]|\+\+\+)\s*"
    r"|\s+[-–—]\s+"
    r"|\s+(?i:and|y|und|et|e|&|via)\s+"
)
# "Tara Atkinson for Rest of World": the party after "for" is the photographer's employer.
CREDIT_EMPLOYER_SEPARATOR = rf"\s+(?i:{_EMPLOYERS})\s+"
# "(c)" would be cut apart by the bracket separator; it is a copyright mark.
COPYRIGHT_MARK_IN_BRACKETS = r"\([cC]\)|（[cCＣ]）"
# A sentence end inside a credit ("Frank van Beek. Courtesy of the ICJ"); initials are kept.
CREDIT_SENTENCE_END = r"(\p{L}{2,})\.\s+"
_PART_BREAK = "\x1f"
# Marks a part that follows an employer separator.
_EMPLOYER_MARK = "\x1e"
# Cues that open a part and are not part of the party's name.
PART_PREFIX = (
    rf"^(?i:(?:{_COPYRIGHT_MARK}|{_COPYRIGHT_WORDS})\s*(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?)?\s*"
    rf"|(?:{_RIGHTS})\s*|(?:{_LABELS})\s*[:=]\s*|(?:{_PHRASES})(?:\s+|$))+"
)
# A label word opening a part without a colon, as in Italian "Foto ANSA".
LABEL_WORD_START = rf"^(?i:{_LABELS})\s+"
PART_COURTESY = rf"^(?i:(?:{_COURTESY})\s+)(?:(?i:the|la|el|le|les|los|las|die|der|il|lo|o|a)\s+)?"
PART_PERSON_SUFFIX = rf"\s*(?:{_PERSON_SUFFIXES})$"
PART_RIGHTS_ONLY = rf"^(?i:(?:{_RIGHTS})\.?)$"
PART_WRAPPING = " \t\n.:;,'\"“”„«»‘’‚‹›-–—*+="
# A web domain names an organisation: "Golem.de", "Blaulicht-News.de".
WEB_DOMAIN = r"(?i)\.(?:com|de|org|net|fr|es|it|pt|at|ch|uk|co|info|eu)$"
# Text of a script without case, like most CJK and Hangul names.
CASELESS_TEXT = r"^[\p{Lo}\p{M}\s·・]+$"
HAS_LETTER = r"\p{L}"
# A whole line in brackets: "(Foto: Reuters)".
WRAPPING_BRACKETS = r"^[(（]([^()（）]*)[)）]$"
# A social-media handle: "@Plan_INFOCA".
SOCIAL_HANDLE = r"^@[\w.]+$"
MAX_CREDIT_LINE_WORDS = 14


def _nfkc_unstable_class() -> str:
    """A regex class of the characters that NFKC may change or merge with a neighbour.

    Compatibility forms (full-width letters, ligatures, no-break space), combining marks,
    characters that compose with the one before them, and code points this Python's
    Unicode database does not know. Text without any of them is its own NFKC form.
    """
    unstable = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul vowels, finals
    for code in range(_FIRST_UNLISTED_PLANE):
        char = chr(code)
        if (
            unicodedata.category(char) == "Cn"
            or unicodedata.combining(char)
            or not unicodedata.is_normalized("NFKC", char)
        ):
            unstable.add(code)
        decomposition = unicodedata.decomposition(char).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            unstable.add(int(decomposition[1], 16))
    ranges: list[list[int]] = []
    for code in sorted(unstable):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    ranges.append([_FIRST_UNLISTED_PLANE, 0x10FFFF])
    return "[" + "".join(rf"\x{{{a:X}}}-\x{{{b:X}}}" for a, b in ranges) + "]"


# Planes from here on (rare scripts, tags, private use) are all treated as unstable.
_FIRST_UNLISTED_PLANE = 0x30000
# Scanning every code point costs a few tenths of a second per process: the class is kept as
# a file derived once per version of Python's Unicode database.
NFKC_UNSTABLE = derived_files.derived(
    f"nfkc-unstable-unicode-{unicodedata.unidata_version}.txt",
    _nfkc_unstable_class,
    lambda path: path.read_text(encoding="ascii"),
    lambda value, path: path.write_text(value, encoding="ascii"),
)

# Pre-screens. Each is a necessary condition of a costly check, so that the check only
# runs on the few lines that pass it; the costly check alone decides the result.
#
# An anchor (agency alias, pool or source key) is a whole credit part: the character before
# it is not an ASCII letter unless a rights notice or "copyright" was cut off, and the one
# after it is neither letter nor digit. Matched case-insensitively on the raw text, which is
# the lookup of the NFKC lower-case key wherever the text has no NFKC_UNSTABLE character.
_ANCHOR_KEYS = literal_alternation(
    sorted({*AGENCY_BY_ALIAS, *POOL_KEYS, *SOURCE_KEYS}), any_white_space=True
)
ANCHOR_SCREEN = (
    rf"(?:^|[^A-Za-z]|(?i:{_RIGHTS}|{_COPYRIGHT_WORDS}))(?i:{_ANCHOR_KEYS})(?:$|[^0-9A-Za-z])"
)
# A credit cue anywhere in the text: what every cue of CREDIT_CUE_START and the caption
# cue patterns needs, without the anchoring or what follows the cue.
CUE_SCREEN = (
    rf"(?i:(?:{_LABELS})\s*[:=]|(?:{_PHRASES})\s|{_COPYRIGHT_MARK}|{_RIGHTS}|(?:{_COURTESY})\s)"
)
# A caption whose credit would be a closing bracket.
CLOSING_BRACKET_END = r"[)）]$"


def _agency(key: pl.Expr) -> pl.Expr:
    """Canonical agency name for a lookup key, null when it is not an agency alias.

    A label word without colon before the agency is allowed ("Foto ANSA").
    """
    return pl.coalesce(
        key.replace_strict(AGENCY_BY_ALIAS, default=None, return_dtype=pl.String),
        key.str.replace(LABEL_WORD_START, "").replace_strict(
            AGENCY_BY_ALIAS, default=None, return_dtype=pl.String
        ),
    )


def _has_source_word(part: pl.Expr) -> pl.Expr:
    return _key_expr(part).str.contains(SOURCE_WORD_IN_KEY)


def _split_parts(credit: pl.Expr) -> pl.Expr:
    """The parties of a credit as a list of strings, cue words removed."""
    broken = (
        credit.str.replace_all(COPYRIGHT_MARK_IN_BRACKETS, "©")
        .str.replace_all(CREDIT_SENTENCE_END, "${1}" + _PART_BREAK)
        .str.replace_all(CREDIT_EMPLOYER_SEPARATOR, _PART_BREAK + _EMPLOYER_MARK)
        .str.replace_all(CREDIT_PART_SEPARATOR, _PART_BREAK)
    )
    return broken.str.split(_PART_BREAK)


def _clean_part(part: pl.Expr) -> pl.Expr:
    return (
        part.str.strip_chars(_EMPLOYER_MARK)
        .str.replace(PART_PREFIX, "")
        .str.strip_chars(PART_WRAPPING)
    )


def _is_agency_text(text: pl.Expr) -> pl.Expr:
    return _agency(_key_expr(_clean_part(text))).is_not_null()


def _may_hold_anchor(values: pl.Series) -> pl.Series:
    """False where no part of the value can be an agency, pool or source key (a pre-screen);
    one value in, one bool out.

    Values with NFKC_UNSTABLE characters are screened in their NFKC lower-case form, which
    holds the key of each of their parts.
    """
    value = pl.col("value")
    frame = values.to_frame("value")
    flags = frame.select(
        value.str.contains(ANCHOR_SCREEN).fill_null(False).alias(values.name),
        value.str.contains(NFKC_UNSTABLE).fill_null(False).alias("unstable"),
    )
    rows = flags["unstable"].arg_true()
    if rows.len() == 0:
        return flags[values.name]
    normalized = values.gather(rows).str.normalize("NFKC").str.to_lowercase()
    return flags[values.name].scatter(rows, normalized.str.contains(ANCHOR_SCREEN))


def _joined_credit_flags(lines: pl.Series) -> pl.Series:
    """True for a line of several parts, one an agency or a known source, every one shaped
    like a credit party; one line in, one bool out."""
    part = pl.col("part")
    key = pl.col("key")
    is_anchor = _agency(key).is_not_null() | key.is_in(POOL_KEYS) | key.is_in(SOURCE_KEYS)
    is_shaped = (
        is_anchor
        | key.is_in(DROP_KEYS)
        | is_person_name(part)
        | part.str.contains(r"^[\p{Lu}\d.&\-]{2,8}$")
        | part.str.contains(WEB_DOMAIN)
        | part.str.contains(SOCIAL_HANDLE)
        | _has_source_word(part).fill_null(False)
    )
    # One row per part: plain columns instead of list.eval, whose set-up costs per call.
    parts = (
        lines.to_frame("line")
        .with_row_index("row")
        .select("row", part=_split_parts(pl.col("line")))
        .explode("part")
        .with_columns(part=_clean_part(part))
        .filter(part != "")
        .with_columns(key=_key_expr(part))
        .with_columns(is_anchor=is_anchor)
    )
    # The shape of every part matters only on lines with two parts or more and an anchor.
    anchored = (
        parts.group_by("row")
        .agg(n_parts=pl.len(), any_anchor=pl.col("is_anchor").any())
        .filter((pl.col("n_parts") >= 2) & pl.col("any_anchor"))
    )
    joined = (
        parts.join(anchored.select("row"), on="row", how="semi", maintain_order="left")
        .group_by("row")
        .agg(all_shaped=(pl.col("is_anchor") | is_shaped).all())
        .filter(pl.col("all_shaped"))
    )
    flags = pl.Series(lines.name, [False] * lines.len(), pl.Boolean)
    return flags.scatter(joined["row"], True) if joined.height else flags


def _credit_line_flags(values: pl.Series, may_anchor: pl.Series | None = None) -> pl.Series:
    """``is_credit_line`` on one batch of values (one value in, one bool out).

    ``may_anchor``, when given, is false for values known to hold no anchor part.
    """
    line = pl.col("line")
    n_words = pl.col("n_words")
    staged = values.to_frame("value").select(
        line=pl.col("value").str.strip_chars().str.replace(WRAPPING_BRACKETS, "${1}")
    )
    # Staged once: the shape test reads it twice.
    staged = staged.with_columns(n_words=line.str.count_matches(" ", literal=True) + 1)
    staged = staged.with_columns(
        is_plain=(
            (n_words <= MAX_CREDIT_LINE_WORDS)
            & ~(line.str.contains(r"\p{L}{3,}[.!?]$") & (n_words > 4))
        ).fill_null(False),
        has_cue=(line.str.contains(CREDIT_CUE_START) & line.str.contains(HAS_LETTER)).fill_null(
            False
        ),
    ).with_row_index("row")
    flags = (staged["is_plain"] & staged["has_cue"]).alias(values.name)
    # Only the short lines without a cue need their parts checked, and only when one may anchor.
    unsure = staged.filter(pl.col("is_plain") & ~pl.col("has_cue"))
    if may_anchor is not None:
        unsure = unsure.filter(may_anchor.gather(unsure["row"]))
    unsure = unsure.filter(_may_hold_anchor(unsure["line"]))
    if unsure.height == 0:
        return flags
    return flags.scatter(unsure["row"], _joined_credit_flags(unsure["line"]))


def is_credit_line(text: pl.Expr) -> pl.Expr:
    """True when a standalone line is only a photo credit (one value in, one bool out).

    Either it opens with a credit cue (``Foto: X``, ``© dpa``, ``Photo by X``,
    ``Tous droits réservés X``, ``Courtesy of X``), or it has several parts joined
    by ``/``, ``|``, `` - `` or ``via`` of which one is an agency or a known source
    and every other one is shaped like a name. Bylines (``By Amanda Krause``),
    desks, headings and sentences give false.
    """
    # A batch function stages each intermediate once and checks parts only on the lines
    # that pass the pre-screens; one expression would evaluate every branch on every row.
    return text.map_batches(_credit_line_flags, return_dtype=pl.Boolean, is_elementwise=True)


def _tail_credit_flags(values: pl.Series) -> pl.Series:
    """``_is_tail_credit`` on one batch of values (one value in, one bool out)."""
    return _tail_credit_flags_from(values, _credit_line_flags(values))


def _tail_credit_flags_from(
    values: pl.Series, credit_line: pl.Series, may_anchor: pl.Series | None = None
) -> pl.Series:
    """``_is_tail_credit`` given ``is_credit_line`` of the same values (and ``may_anchor`` as
    in ``_credit_line_flags``)."""
    flags = credit_line.clone()  # scatter writes in place
    value = pl.col("value")
    unsure = values.to_frame("value").with_row_index("row").filter(~flags)
    if may_anchor is not None:
        unsure = unsure.filter(may_anchor.gather(unsure["row"]))
    unsure = unsure.filter(_may_hold_anchor(unsure["value"]))
    if unsure.height == 0:
        return flags
    return flags.scatter(unsure["row"], unsure.select(_is_agency_text(value)).to_series())


def _is_tail_credit(tail: pl.Expr) -> pl.Expr:
    """A caption tail is a credit when it is a credit line or a single agency name."""
    # A batch function, like is_credit_line, so that the agency lookup runs on few rows.
    return tail.map_batches(_tail_credit_flags, return_dtype=pl.Boolean, is_elementwise=True)


def _is_bracketed_name(content: pl.Expr) -> pl.Expr:
    """A caption's closing bracket holds a full name or ``X撮影`` (the other credit forms
    are checked as for any tail)."""
    name_words = content.str.strip_chars().str.split(" ").list.len()
    is_full_name = (
        is_person_name(content) & (name_words >= 2) & ~content.str.contains(CASELESS_TEXT)
    )
    return (is_full_name | content.str.contains(PART_PERSON_SUFFIX)).fill_null(False)


# How a caption's credit is found, in order of preference: (name, pattern).
# 1. a closing bracket holding a credit; 2. a credit of a known shape (a name and a dated
# copyright notice, a name for an outlet, a name and a reporter's title); 3. the last cue
# (label, phrase, copyright mark); 4. a cue-less credit after the last sentence end; 5. after
# a bar or dash; 6. the whole text. A shape credit is accepted when its pattern matches; a
# cue credit when it holds a letter; a bracket or tail credit when it is a credit line or an
# agency name (a bracket also when it holds a full name), the whole text when it is a credit
# line.
_BRACKET_WAY = ("bracket", CAPTION_TRAILING_BRACKETS)
_SHAPE_WAYS = (
    ("copyright_line", CAPTION_COPYRIGHT_LINE),
    ("employer_tail", CAPTION_EMPLOYER_TAIL),
    ("reporter_tail", CAPTION_REPORTER_TAIL),
)
_CUE_WAYS = (
    ("label", CAPTION_LABEL_CUE),
    ("glued_label", CAPTION_GLUED_LABEL_CUE),
    ("phrase", CAPTION_PHRASE_CUE),
    ("copyright", CAPTION_COPYRIGHT_CUE),
)
_TAIL_WAYS = (
    ("tail", CAPTION_TAIL_AFTER_SPACE),
    ("glued_tail", CAPTION_TAIL_GLUED),
    ("equals_tail", CAPTION_TAIL_EQUALS),
)
# Ways whose credit must be a tail credit, checked together in one batch.
_CHECKED_WAYS = ("bracket", "tail", "glued_tail", "equals_tail", "separated")
_TMP = "__caption_credit_"
_CAPTION_COLUMNS = ("caption", "credit_raw", "caption_label")


def _tmp(name: str) -> pl.Expr:
    return pl.col(_TMP + name)


def _may_hold_credit(sources: pl.Series) -> pl.Series:
    """False where no way of ``split_caption_credit`` can find a credit (a pre-screen); one
    stripped caption in, one bool out.

    Every way needs a closing bracket, a cue, what a shape way needs, or a part that is an
    agency or a known source.
    """
    source = pl.col("source")
    flags = (
        sources.to_frame("source")
        .select(
            (
                source.str.contains(CLOSING_BRACKET_END)
                | source.str.contains(CUE_SCREEN)
                | source.str.contains(SHAPE_SCREEN)
            )
            .fill_null(False)
            .alias(sources.name)
        )
        .to_series()
    )
    rows = (~flags).arg_true()
    return flags.scatter(rows, _may_hold_anchor(sources.gather(rows)))


_WAYS = (_BRACKET_WAY, *_SHAPE_WAYS, *_CUE_WAYS, *_TAIL_WAYS)


@functools.cache
def _way_groups() -> tuple[pl.Expr, ...]:
    """Each way's caption and credit groups in the source, one struct column per way.
    Built once per process: Polars compiles a pattern when the expression is built."""
    source = _tmp("source")
    return tuple(
        source.str.extract_groups(pattern)
        .struct.rename_fields([_TMP + name + "_caption", _TMP + name + "_credit"])
        .alias(_TMP + name)
        for name, pattern in _WAYS
    )


def _found_credits(sources: pl.Series) -> pl.DataFrame:
    """Caption and credit of each stripped caption; one value in, one row out."""
    source = _tmp("source")
    candidates = sources.alias(_TMP + "source").to_frame().with_columns(*_way_groups())
    # The text after the last sentence end is the "tail" way's credit group (one regex pass).
    candidates = candidates.select(
        source, *(pl.col(c).struct.unnest() for c in candidates.columns[1:])
    ).with_columns(_tmp("tail_credit").fill_null(source).alias(_TMP + "tail_text"))
    candidates = candidates.with_columns(
        _tmp("tail_text").str.extract(TAIL_SEPARATED, 1).alias(_TMP + "separated_head"),
        _tmp("tail_text").str.extract(TAIL_SEPARATED, 2).alias(_TMP + "separated_credit"),
    )
    # All tail credits and the whole text in one batch: each check has a set-up cost. A part
    # of a tail is a part of the caption, so a caption without anchor gives tails without.
    n_rows, n_tails = candidates.height, len(_CHECKED_WAYS) * candidates.height
    checked = pl.concat(
        [candidates[_TMP + name + "_credit"] for name in _CHECKED_WAYS]
        + [candidates[_TMP + "source"]]
    )
    may_anchor = pl.concat([_may_hold_anchor(sources)] * (len(_CHECKED_WAYS) + 1))
    credit_line = _credit_line_flags(checked, may_anchor)
    tail_credit = _tail_credit_flags_from(
        checked.head(n_tails), credit_line.head(n_tails), may_anchor.head(n_tails)
    )
    candidates = candidates.with_columns(
        *(
            tail_credit.slice(i * n_rows, n_rows).alias(_TMP + name + "_tail_ok")
            for i, name in enumerate(_CHECKED_WAYS)
        ),
        credit_line.slice(n_tails, n_rows).alias(_TMP + "whole_ok"),
    )
    staged = (
        candidates.lazy()
        .with_columns(
            (
                _tmp("bracket_credit").is_not_null()
                & (_tmp("bracket_tail_ok") | _is_bracketed_name(_tmp("bracket_credit")))
            ).alias(_TMP + "bracket_ok"),
            *(
                (_tmp(name + "_credit").is_not_null() & _tmp(name + "_tail_ok")).alias(
                    _TMP + name + "_ok"
                )
                for name in _CHECKED_WAYS[1:]
            ),
            *(
                _tmp(name + "_credit").is_not_null().alias(_TMP + name + "_ok")
                for name, _ in _SHAPE_WAYS
            ),
            *(
                (
                    _tmp(name + "_credit").is_not_null()
                    & _tmp(name + "_credit").str.contains(HAS_LETTER)
                ).alias(_TMP + name + "_ok")
                for name, _ in _CUE_WAYS
            ),
        )
        .with_columns(
            # The cue that starts last wins: its caption is the longest.
            pl.max_horizontal(
                *(
                    pl.when(_tmp(name + "_ok")).then(_tmp(name + "_caption").str.len_chars())
                    for name, _ in _CUE_WAYS
                )
            ).alias(_TMP + "cue_length"),
            pl.concat_str(_tmp("tail_caption").fill_null(""), pl.lit(" "), _tmp("separated_head"))
            .str.strip_chars()
            .alias(_TMP + "separated_caption"),
        )
        .with_columns(
            *(
                (
                    _tmp(name + "_ok")
                    & (_tmp(name + "_caption").str.len_chars() == _tmp("cue_length"))
                ).alias(_TMP + name + "_ok")
                for name, _ in _CUE_WAYS
            )
        )
    )
    chosen = [name for name, _ in _WAYS] + ["separated"]
    caption = pl.coalesce(
        *(pl.when(_tmp(n + "_ok")).then(_tmp(n + "_caption")) for n in chosen),
        pl.when(_tmp("whole_ok")).then(pl.lit("")),
        source,
    )
    credit = pl.coalesce(
        *(pl.when(_tmp(n + "_ok")).then(_tmp(n + "_credit")) for n in chosen),
        pl.when(_tmp("whole_ok")).then(source),
    )
    return staged.select(caption.alias("caption"), credit.alias("credit_raw")).collect()


def split_caption_credit(frame: pl.DataFrame, text: str = "text") -> pl.DataFrame:
    """Split the credit off each caption; one row in, one row out, input columns kept.

    Adds ``caption`` (the caption without its credit, stripped; null when empty),
    ``credit_raw`` (the credit as printed without wrapping brackets, bars, dashes
    or copyright mark, keeping words such as ``Photo by``; null when none) and
    ``caption_label`` (a leading label such as ``COMBO`` or ``FILES``, upper case;
    the caption keeps it as printed).
    """
    source = pl.col(text).str.strip_chars()
    label = pl.coalesce(source.str.extract(CAPTION_LABEL, 1), source.str.extract(CAPTION_LABEL, 2))
    staged = frame.select(
        source.alias("source"),
        label.str.to_uppercase().str.replace_all(r"\s+", " ").alias("caption_label"),
    )
    # Most captions hold no credit; the ways of finding one run on the others only.
    rows = _may_hold_credit(staged["source"]).arg_true()
    found = _found_credits(staged["source"].gather(rows))
    caption = staged["source"].scatter(rows, found["caption"])
    credit = pl.Series("credit_raw", [None] * frame.height, pl.String).scatter(
        rows, found["credit_raw"]
    )
    result = frame.with_columns(
        caption.str.strip_chars(CAPTION_TRAILING_WRAPPING).alias("caption"),
        credit.str.strip_chars(CREDIT_WRAPPING)
        .str.replace(COPYRIGHT_MARK_START, "")
        .alias("credit_raw"),
        staged["caption_label"],
    ).with_columns(
        pl.when(pl.col(c).str.len_chars() > 0).then(pl.col(c)).alias(c)
        for c in ("caption", "credit_raw")
    )
    return result.select(
        *(c for c in frame.columns if c not in _CAPTION_COLUMNS), *_CAPTION_COLUMNS
    )


def parse_photo_credits(images: pl.DataFrame) -> pl.DataFrame:
    """Typed parties of each image credit; one row per image in, one row per party out.

    Input columns ``article_id``, ``position``, ``credit_raw``; an image whose
    credit is null or empty gives no row. Output conforms to
    ``schema.IMAGE_CREDITS``: ``article_id``, ``image_position``, ``position``
    (0-based order within the credit), ``role`` and ``name`` (see the module
    docstring for roles). Identical (role, name) pairs of one image are kept once.
    """
    parts = (
        images.select(
            "article_id",
            pl.col("position").alias("image_position"),
            _split_parts(pl.col("credit_raw").str.strip_chars()).alias("part"),
        )
        .explode("part")
        .with_columns(part_order=pl.int_range(pl.len()).over("article_id", "image_position"))
        .with_columns(
            is_employer=pl.col("part").str.starts_with(_EMPLOYER_MARK),
            part=pl.col("part").str.strip_chars(_EMPLOYER_MARK).str.replace(PART_PREFIX, ""),
        )
        .with_columns(
            is_courtesy=pl.col("part").str.contains(PART_COURTESY),
            part=pl.col("part").str.replace(PART_COURTESY, "").str.strip_chars(PART_WRAPPING),
        )
        .with_columns(
            has_person_suffix=pl.col("part").str.contains(PART_PERSON_SUFFIX),
            part=pl.col("part").str.replace(PART_PERSON_SUFFIX, "").str.strip_chars(PART_WRAPPING),
        )
        .filter(
            pl.col("part").str.contains(HAS_LETTER) & ~pl.col("part").str.contains(PART_RIGHTS_ONLY)
        )
        .with_columns(key=_key_expr(pl.col("part")))
        .filter(~pl.col("key").is_in(DROP_KEYS))
    )
    part = pl.col("part")
    key = pl.col("key")
    agency = _agency(key)
    n_words = part.str.split(" ").list.len()
    is_source = (
        pl.col("is_courtesy")
        | pl.col("is_employer")
        | key.is_in(SOURCE_KEYS)
        | _has_source_word(part)
        | part.str.contains(WEB_DOMAIN)
    )
    is_caseless = part.str.contains(CASELESS_TEXT)
    is_photographer = pl.col("has_person_suffix") | (
        is_person_name(part) & ((n_words >= 2) | is_caseless)
    )
    # Role and name are a function of the part and its marks alone: each distinct part of
    # the batch is typed once (credits repeat: agencies, staff photographers).
    marks = ["part", "key", "is_courtesy", "is_employer", "has_person_suffix"]
    typed_parts = (
        parts.select(marks)
        .unique()
        .with_columns(
            role=pl.when(agency.is_not_null())
            .then(pl.lit("agency"))
            .when(key.is_in(POOL_KEYS))
            .then(pl.lit("pool"))
            .when(is_source & ~pl.col("has_person_suffix"))
            .then(pl.lit("source"))
            .when(is_photographer)
            .then(pl.lit("photographer"))
            .otherwise(pl.lit("other")),
        )
        .with_columns(
            name=pl.when(pl.col("role") == "agency")
            .then(agency)
            .when(pl.col("role") == "photographer")
            .then(natural_case(part))
            .otherwise(part)
        )
    )
    typed = parts.join(typed_parts, on=marks, how="left", nulls_equal=True, maintain_order="left")
    credits = (
        # explode keeps the input order: images as given, parts as printed.
        typed.unique(
            ["article_id", "image_position", "role", "name"], keep="first", maintain_order=True
        ).with_columns(position=pl.int_range(pl.len()).over("article_id", "image_position"))
    )
    return conform(credits, IMAGE_CREDITS)
