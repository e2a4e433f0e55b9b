"""Date and time normalization for article header lines.

Parses the first calendar date written in a text (ISO 8601, numeric day-first or
month-first, month names in many languages, CJK year/month/day), the time of day
next to it, the zone when one is written, and whether an update or publication
cue precedes it. Vocabulary (months, weekdays, cues, zones, the default zone per
language) lives in ``lexicon/dates.json``; the regular expressions below are
built from it once, at import time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import polars as pl

from dateline.transforms.lexicon import load
from dateline.transforms.patterns import DIGIT_PATTERN, URL_HOST_NAME, literal_alternation
from dateline.transforms.schema import UTC_TIMESTAMP

LEXICON = load("dates")

# ---------------------------------------------------------------- vocabulary

MONTH_NUMBERS: dict[str, int] = {
    word.lower(): number
    for names in LEXICON["months"].values()
    for number, forms in enumerate(names, start=1)
    for word in forms
}
# A month name another language gives another number ("listopad": November in Polish
# and Czech, October in Croatian), keyed "language|name".
LANGUAGE_MONTH_NUMBERS: dict[str, int] = {
    f"{language}|{word.lower()}": number
    for language, names in LEXICON["language_months"].items()
    if not language.startswith("_")
    for word, number in names.items()
}
# Years counted from an era's start: 令和5年 is 2023 (the year before the first is given).
ERA_YEAR_BEFORE_FIRST: dict[str, int] = {
    era: year for era, year in LEXICON["calendar_eras"].items() if not era.startswith("_")
}
FIRST_YEAR_OF_ERA = "元"
ZONE_OFFSET_MINUTES: dict[str, int] = LEXICON["zone_abbreviations"]["fixed_offsets_minutes"]
ZONE_NAMES: dict[str, str] = LEXICON["zone_abbreviations"]["named"]
LANGUAGE_ZONES: dict[str, str] = LEXICON["language_zones"]
MONTH_FIRST_LANGUAGES: list[str] = LEXICON["month_first_languages"]
MONTH_FIRST_REGIONS: list[str] = LEXICON["month_first_regions"]
# The region subtag of a language tag: "gb" of en-gb.
REGION_SUBTAG = r"^[a-z]{2,3}[-_]([a-z]{2})(?:[-_]|$)"
# The two-letter top-level domain of a host: "uk" of news.example.co.uk.
COUNTRY_DOMAIN = r"\.([a-z]{2})$"
GENERIC_COUNTRY_DOMAINS: list[str] = LEXICON["generic_country_domains"]
TWO_DIGIT_YEAR_PIVOT: int = LEXICON["two_digit_year_pivot"]
UPDATE_CUES: list[str] = sorted({c for cs in LEXICON["cues"]["updated"].values() for c in cs})
PUBLISH_CUES: list[str] = sorted({c for cs in LEXICON["cues"]["published"].values() for c in cs})
WEEKDAYS: list[str] = sorted({w for ws in LEXICON["weekdays"].values() for w in ws})
FILLER_WORDS: list[str] = sorted({w for ws in LEXICON["date_line_fillers"].values() for w in ws})
MONTH_YEAR_CONNECTORS: list[str] = LEXICON["month_year_connectors"]
YEAR_MONTH_CONNECTORS: list[str] = LEXICON["year_month_connectors"]
YEAR_DAY_CONNECTORS: list[str] = LEXICON["year_day_connectors"]
SOLAR_HIJRI_MONTH_NUMBERS: dict[str, int] = {
    word.lower(): number
    for number, forms in enumerate(LEXICON["solar_hijri"]["months"], start=1)
    for word in forms
}
SOLAR_HIJRI_NUMERIC_LANGUAGES: list[str] = LEXICON["solar_hijri"]["numeric_languages"]
# Digits of other scripts ("١٢ مارس ٢٠٢٤", "१२ मार्च") are read as ASCII digits.
OTHER_DIGITS: list[str] = [
    digit
    for name, digits in LEXICON["digit_forms"].items()
    if not name.startswith("_")
    for digit in digits
]
ASCII_DIGITS: list[str] = [
    str(value)
    for name, digits in LEXICON["digit_forms"].items()
    if not name.startswith("_")
    for value in range(len(digits))
]

# A date line may carry at most this many words besides dates, times, cues and fillers.
MAX_OTHER_WORDS_ON_DATE_LINE = 4
# A time of day is looked for this many characters before and after the date.
TIME_WINDOW_CHARS = 40
# Longer lines are prose, whatever they contain.
MAX_DATE_LINE_CHARS = 160


# ---------------------------------------------------------------- patterns

MONTH_ALTERNATION = literal_alternation(list(MONTH_NUMBERS))


def _month_names_of(languages: list[str]) -> list[str]:
    """The month names (every form) of the given languages."""
    return sorted(
        {
            word.lower()
            for language in languages
            for forms in LEXICON["months"][language]
            for word in forms
        }
    )


# The rarer orders read only the month names of the languages that write them: each
# alternation of every name adds about 7,000 characters to DATE_PATTERN, and past about
# 34,000 the regex engine's lazy DFA gives up on it (a 100x slower parse).
NAME_ORDERS = LEXICON["month_name_orders"]
YEAR_MONTH_DAY_ALTERNATION = literal_alternation(_month_names_of(NAME_ORDERS["year_month_day"]))
YEAR_DAY_MONTH_ALTERNATION = literal_alternation(_month_names_of(NAME_ORDERS["year_day_month"]))
# Month names glued to a preceding lower-case word ("readApril 25") must be capitalized.
CAPITALIZED_MONTH_ALTERNATION = literal_alternation(
    [m[:1].upper() + m[1:] for m in _month_names_of(NAME_ORDERS["glued_month_day"])]
)
YEAR4 = r"(?:1[89]|2[01])\d{2}"
# A Buddhist-era year (Thai, Lao: 2566 is 2023), never a Gregorian year of the news.
BUDDHIST_YEAR = r"25\d{2}"
BUDDHIST_ERA_OFFSET = 543
# A Solar Hijri year (Iran, Afghanistan: 1402 begins in March 2023).
SOLAR_HIJRI_YEAR = r"1[34]\d{2}"
# A numeric one is read only below 1420: a year-first number from 1420 on is likelier a
# lunar Hijri date of an Arabic page (1445/05/20), which must not hide the Gregorian
# date after it.
SOLAR_HIJRI_NUMERIC_YEAR = r"13\d{2}|14[01]\d"
SOLAR_HIJRI_YEARS = range(1300, 1500)
# A slash or dash written between a month name and the number beside it:
# "29 / Dezember / 2022", "29-Dec-2022".
MONTH_NAME_SEPARATOR = r"\s*[/\-]"

# Each alternative captures its date text without the boundary character in front of it
# (group "t_..."), so the text can be split around it. No \b anywhere: a Unicode word
# boundary keeps Rust's DFA off non-ASCII text, which is 100x slower.
#
# Year first: 2024-02-14, 2025/1/14, 2026.07.12.
YEAR_FIRST_DATE = (
    rf"(?:^|\D)(?P<t_iso>(?P<iy>{YEAR4})(?:-|/|\.\s?)(?P<im>\d{{1,2}})(?:-|/|\.\s?)"
    r"(?P<id>\d{1,2}))"
)
# Numeric day or month first: 02/12/2024, 16.05.2024, 06. 01. 2026, 16.5.24.
NUMERIC_DATE = (
    r"(?:^|\D)(?P<t_num>(?P<na>\d{1,2})(?P<nsep>[./-])\s?(?P<nb>\d{1,2})[./-]\s?"
    rf"(?:(?P<ny4>{YEAR4})|(?P<nby>{BUDDHIST_YEAR})|(?P<ny2>\d{{2}})))"
    # Greedy: a digit right after a two-digit year ("16.5.245") shows this is no date.
    r"(?P<nnext>\d)?"
)
# Day before month name: 4 de febrero de 2026, 4. Februar 2026, 1er mai 2024, 4th of July 2024.
DAY_MONTH_DATE = (
    rf"(?:^|\D)(?P<t_dm>(?P<dd>\d{{1,2}})(?:\.|º|°|ª|er|st|nd|rd|th)?(?:{MONTH_NAME_SEPARATOR})?\s*"
    r"(?:(?:de|of)\s+)?"
    rf"(?i:(?P<dm>{MONTH_ALTERNATION}))\.?(?:{MONTH_NAME_SEPARATOR})?[,،]?\s*"
    rf"(?:(?i:{literal_alternation(MONTH_YEAR_CONNECTORS)})\s*)?"
    rf"(?:(?P<dy>{YEAR4})|(?P<dby>{BUDDHIST_YEAR})))"
)
# Month name before day: February 04, 2026; Feb. 4, 2026; April 28 2023.
MONTH_DAY_DATE = (
    rf"(?:^|[^\p{{L}}])(?P<t_md>(?i:(?P<mm>{MONTH_ALTERNATION}))"
    rf"(?:\.\s*|\s+|{MONTH_NAME_SEPARATOR}\s*)(?P<md>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,\s*|\s+|{MONTH_NAME_SEPARATOR}\s*)(?P<my>{YEAR4}))"
)
# The same glued to a lower-case word ("readApril 25, 2023"): the month must be capitalized.
GLUED_MONTH_DAY_DATE = (
    rf"\p{{Ll}}(?P<t_gmd>(?P<gm>{CAPITALIZED_MONTH_ALTERNATION})"
    rf"(?:\.\s*|\s+)(?P<gd>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(?P<gy>{YEAR4}))"
)
# Year, month name, day: 2024. március 12., 2024 m. kovo 12 d.
YEAR_MONTH_DAY_DATE = (
    rf"(?:^|\D)(?P<t_ymd>(?P<ty>{YEAR4})\.?(?:{MONTH_NAME_SEPARATOR})?\s*"
    rf"(?:(?i:{literal_alternation(YEAR_MONTH_CONNECTORS)})\s*)?"
    rf"(?i:(?P<tm>{YEAR_MONTH_DAY_ALTERNATION}))\.?(?:{MONTH_NAME_SEPARATOR})?\s*(?P<td>\d{{1,2}}))(?:\D|$)"
)
# Year, day, month name: 2024. gada 12. marts.
YEAR_DAY_MONTH_DATE = (
    rf"(?:^|\D)(?P<t_ydm>(?P<xy>{YEAR4})\.?\s*(?i:{literal_alternation(YEAR_DAY_CONNECTORS)})\s*"
    rf"(?P<xd>\d{{1,2}})\.?\s*(?i:(?P<xm>{YEAR_DAY_MONTH_ALTERNATION})))"
)
# CJK: 2025年1月14日, 2026년 7월 12일, 令和5年12月15日 (an era's year).
CJK_DATE = (
    rf"(?P<t_cjk>(?:(?P<cy>\d{{4}})|(?P<era>{literal_alternation(list(ERA_YEAR_BEFORE_FIRST))})\s*"
    rf"(?P<ey>\d{{1,3}}|{FIRST_YEAR_OF_ERA}))"
    r"\s*[年년]\s*(?P<cm>\d{1,2})\s*[月월]\s*(?P<cd>\d{1,2})\s*[日일])"
)

# Solar Hijri, day and month name: ۱۶ آذر ۱۴۰۲ (digits read as ASCII first).
SOLAR_HIJRI_DATE = (
    rf"(?:^|\D)(?P<t_sh>(?P<hd>\d{{1,2}})\s*"
    rf"(?P<hm>{literal_alternation(list(SOLAR_HIJRI_MONTH_NUMBERS))})\s*(?P<hy>{SOLAR_HIJRI_YEAR}))"
)
# Solar Hijri, numeric and year first: 1402/09/16 (read so only on pages of
# SOLAR_HIJRI_NUMERIC_LANGUAGES).
SOLAR_HIJRI_NUMERIC_DATE = rf"(?:^|\D)(?P<t_shn>(?P<sy>{SOLAR_HIJRI_NUMERIC_YEAR})[/\-](?P<sm>\d{{1,2}})[/\-](?P<sd>\d{{1,2}}))(?:\D|$)"

# Leftmost match wins, so the first date written in the text is the one extracted.
DATE_PATTERN = "|".join(
    [
        YEAR_FIRST_DATE,
        CJK_DATE,
        NUMERIC_DATE,
        DAY_MONTH_DATE,
        MONTH_DAY_DATE,
        GLUED_MONTH_DAY_DATE,
        YEAR_MONTH_DAY_DATE,
        YEAR_DAY_MONTH_DATE,
        SOLAR_HIJRI_DATE,
        SOLAR_HIJRI_NUMERIC_DATE,
    ]
)
DATE_TEXT_GROUPS = (
    "t_iso",
    "t_cjk",
    "t_num",
    "t_dm",
    "t_md",
    "t_gmd",
    "t_ymd",
    "t_ydm",
    "t_sh",
    "t_shn",
)

ZONE_ALTERNATION = literal_alternation(list(ZONE_OFFSET_MINUTES) + list(ZONE_NAMES))
TIME_CONNECTORS = literal_alternation(LEXICON["time_connectors"])
TIME_UNITS = literal_alternation(LEXICON["time_units"])
MERIDIEM_BEFORE_AM = literal_alternation(LEXICON["meridiem_before_time"]["am"])
MERIDIEM_BEFORE_PM = literal_alternation(LEXICON["meridiem_before_time"]["pm"])
# "2024 г.", "2024 р.": a year abbreviation between a date and its time.
YEAR_SUFFIXES = literal_alternation(LEXICON["year_suffixes"])
# A time of day with optional seconds, fraction, am/pm, unit word and zone.
TIME_OF_DAY = (
    # Korean, Japanese and Chinese write the half of the day before the time: 오후 3:30.
    rf"(?:(?P<pre_am>{MERIDIEM_BEFORE_AM})\s*|(?P<pre_pm>{MERIDIEM_BEFORE_PM})\s*)?"
    r"(?P<h>\d{1,2})(?:(?:[:.h](?P<mi>\d{2})|\s?[時时시]\s?(?P<cjk_mi>\d{1,2}))"
    r"(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    # Greedy: a digit right after the minutes ("15.05.2023") shows this is no time.
    r"(?P<next>[.:]?\d)?"
    r"\s*(?P<ap>(?i:[ap])\.?\s?(?i:m)(?:\.|[^\p{L}]|$))?"
    rf"(?P<z>Z)?\s*(?P<unit>(?i:{TIME_UNITS})(?:[^\p{{L}}]|$))?\.?\s*\(?"
    rf"(?P<zone>{ZONE_ALTERNATION})?"
    r"(?:(?P<osign>[+\-−])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?"
)
# A time right after the date, separated by punctuation or a connector ("um", "à", "kl.").
TIME_AFTER_DATE = rf"^(?:\s*(?:{YEAR_SUFFIXES}))?(?:T|\.?[\s,،;|•·–—\-/@(（]*(?:(?i:{TIME_CONNECTORS})\.?\s*)?)(?:{TIME_OF_DAY})"
# A time right before the date ("14:00, 28 Apr 2024", "17:41 JST, October 13, 2024").
TIME_BEFORE_DATE = rf"(?:^|[^\d.:])(?:{TIME_OF_DAY})[\s,،;|•·–—\-]*$"
# Cue words; the last one before the date decides the role.
CUE_PATTERN = rf"(?:^|[^\p{{L}}])(?i:{literal_alternation(UPDATE_CUES + PUBLISH_CUES)})"
CUE_ROLES: dict[str, str] = {
    **{c.lower(): "published" for c in PUBLISH_CUES},
    **{c.lower(): "updated" for c in UPDATE_CUES},
}
# CUE_PATTERN's match starts with the boundary character it consumed.
LEADING_NON_LETTER_PATTERN = r"^[^\p{L}]"
# Letter runs: the words of a line (digits and punctuation are never words).
LETTER_RUN = r"[\p{L}\p{M}]+"
# Words allowed on a date line besides the date itself: cues, weekdays, months, zones, fillers.
DATE_LINE_WORDS: frozenset[str] = frozenset(
    word.lower()
    for phrase in UPDATE_CUES
    + PUBLISH_CUES
    + WEEKDAYS
    + FILLER_WORDS
    + list(MONTH_NUMBERS)
    + list(ZONE_OFFSET_MINUTES)
    + list(ZONE_NAMES)
    + LEXICON["time_units"]
    + LEXICON["time_connectors"]
    for word in re.findall(r"[^\W\d_]+", phrase)
)
# A line that names its date: "Datum 28.04.2023", "Published: 5 March 2024".
DATE_LABEL_PATTERN = (
    rf"^\W*(?i:{literal_alternation(LEXICON['date_labels'] + PUBLISH_CUES)})(?:[^\p{{L}}]|$)"
)
# Availability notices ("Verfügbar bis 06.05.2024") carry a date that is no dateline.
NOT_DATE_CUE_PATTERN = rf"(?i){literal_alternation(LEXICON['not_date_cues'])}"
ISO_DATE_PATTERN = r"^\s*(\d{4}-\d{2}-\d{2})"

PARSED_COLUMNS = (
    "date_value",
    "date_instant",
    "date_zone_assumed",
    "date_role",
    "date_offset_minutes",
)
PARSED_DTYPES = (pl.Date, UTC_TIMESTAMP, pl.Boolean, pl.String, pl.Int32)
_TMP = "__dates_"


# ---------------------------------------------------------------- helpers


def _lookup_table(mapping: dict, dtype: pl.DataType) -> tuple[pl.Series, pl.Series]:
    """A mapping as key and value Series, built once so expressions do not rebuild it."""
    return pl.Series(list(mapping), dtype=pl.String), pl.Series(list(mapping.values()), dtype=dtype)


def _solar_hijri_new_year(year: int) -> dt.date:
    """The Gregorian day of 1 Farvardin (Nowruz) of a Solar Hijri year: the arithmetic of
    the jalaali calendar (Borkowski's leap-year breaks), exact for 1300-1499."""
    breaks = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192)

    def div(a: int, b: int) -> int:  # truncated toward zero, as the published algorithm
        return int(a / b)

    gregorian_year, leap_years, previous, jump = year + 621, -14, breaks[0], 0
    for current in breaks[1:]:
        jump = current - previous
        if year < current:
            break
        leap_years += div(jump, 33) * 8 + div(jump % 33, 4)
        previous = current
    n = year - previous
    leap_years += div(n, 33) * 8 + div(n % 33 + 3, 4)
    if jump % 33 == 4 and jump - n == 4:
        leap_years += 1
    gregorian_leaps = div(gregorian_year, 4) - div((div(gregorian_year, 100) + 1) * 3, 4) - 150
    return dt.date(gregorian_year, 3, 20 + leap_years - gregorian_leaps)


SOLAR_HIJRI_NEW_YEAR: dict[int, dt.date] = {
    year: _solar_hijri_new_year(year) for year in SOLAR_HIJRI_YEARS
}
MONTH_LOOKUP = _lookup_table(MONTH_NUMBERS, pl.Int32)
LANGUAGE_MONTH_LOOKUP = _lookup_table(LANGUAGE_MONTH_NUMBERS, pl.Int32)
ERA_LOOKUP = _lookup_table(ERA_YEAR_BEFORE_FIRST, pl.Int32)
SOLAR_HIJRI_MONTH_LOOKUP = _lookup_table(SOLAR_HIJRI_MONTH_NUMBERS, pl.Int32)
SOLAR_HIJRI_NEW_YEAR_LOOKUP = (
    pl.Series(list(SOLAR_HIJRI_NEW_YEAR), dtype=pl.Int32),
    pl.Series(list(SOLAR_HIJRI_NEW_YEAR.values()), dtype=pl.Date),
)
ZONE_OFFSET_LOOKUP = _lookup_table(ZONE_OFFSET_MINUTES, pl.Int32)
ZONE_NAME_LOOKUP = _lookup_table(ZONE_NAMES, pl.String)
CUE_ROLE_LOOKUP = _lookup_table(CUE_ROLES, pl.String)
LANGUAGE_ZONE_LOOKUP = _lookup_table(LANGUAGE_ZONES, pl.String)
DATE_LINE_WORDS_SORTED = sorted(DATE_LINE_WORDS)


def _lookup(expr: pl.Expr, table: tuple[pl.Series, pl.Series]) -> pl.Expr:
    """The table's value for each key, null for keys it does not hold."""
    keys, values = table
    return expr.replace_strict(keys, values, default=None, return_dtype=values.dtype)


def _col(name: str) -> pl.Expr:
    """A scratch column of parse_dates."""
    return pl.col(f"{_TMP}{name}")


@functools.cache
def _date_groups() -> pl.Expr:
    """The groups of DATE_PATTERN in the scratch text. Built once per process: Polars
    compiles the pattern (some 18,000 characters) when the expression is built."""
    return _col("text").str.extract_groups(DATE_PATTERN).alias(f"{_TMP}groups")


def _int(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int32, strict=False)


def _is_real_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whether the components name a day of the Gregorian calendar (no 31/02, no month 13)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days_in_month = (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    return (
        year.is_between(1000, 2999)
        & month.is_between(1, 12)
        & day.is_between(1, 31)
        & (day <= days_in_month)
    )


def _month_number(word: pl.Expr, language: pl.Expr) -> pl.Expr:
    """The number of a month name, the page language's own reading first."""
    lowered = word.str.to_lowercase()
    return pl.coalesce(
        _lookup(pl.concat_str([language, pl.lit("|"), lowered]), LANGUAGE_MONTH_LOOKUP),
        _lookup(lowered, MONTH_LOOKUP),
    )


def _primary_language(language: pl.Expr) -> pl.Expr:
    return language.cast(pl.String).str.to_lowercase().str.extract(r"^([a-z]{2,3})", 1)


def default_zone(language: pl.Expr) -> pl.Expr:
    """The time zone that dominates where a language is written (``language_zones``:
    "Europe/Berlin" for "de-AT" too), null where none does; one value per row."""
    return _lookup(_primary_language(language), LANGUAGE_ZONE_LOOKUP)


def with_domain_region(language: pl.Expr, url: pl.Expr) -> pl.Expr:
    """A language tag with the region its site's country domain names ("en" of
    "https://news.example.co.uk/a" reads "en-uk") when the tag names none; otherwise the
    tag as it is. One value per row. Domains sold worldwide as generic names (.io, .tv,
    .co) name no country."""
    host = url.str.to_lowercase().str.extract(URL_HOST_NAME, 1)
    domain = host.str.extract(COUNTRY_DOMAIN, 1)
    domain = pl.when(~domain.is_in(GENERIC_COUNTRY_DOMAINS)).then(domain)
    has_region = language.str.to_lowercase().str.contains(REGION_SUBTAG).fill_null(False)
    return (
        pl.when(has_region | domain.is_null() | language.is_null())
        .then(language)
        .otherwise(pl.concat_str([language, pl.lit("-"), domain]))
    )


def parse_iso_date(text: pl.Expr) -> pl.Expr:
    """Date of a leading ``YYYY-MM-DD``; one value per string, null when absent or impossible."""
    return text.str.extract(ISO_DATE_PATTERN, 1).str.to_date("%Y-%m-%d", strict=False)


def _date_components(g: pl.Expr, month_first: pl.Expr, language: pl.Expr) -> list[pl.Expr]:
    """Year, month and day named by whichever alternative of DATE_PATTERN matched
    (``language``: the page's primary language subtag)."""
    f = g.struct.field
    era_year = pl.when(f("ey") == FIRST_YEAR_OF_ERA).then(1).otherwise(_int(f("ey")))
    a, b = _int(f("na")), _int(f("nb"))
    two_digit = _int(f("ny2"))
    numeric_year = pl.coalesce(
        _int(f("ny4")),
        _int(f("nby")) - BUDDHIST_ERA_OFFSET,
        pl.when(f("nnext").is_null()).then(
            pl.when(two_digit < TWO_DIGIT_YEAR_PIVOT)
            .then(two_digit + 2000)
            .otherwise(two_digit + 1900)
        ),
    )
    # Dots are the European day-first convention even on English pages.
    preferred = month_first & (f("nsep") != ".")
    a_month_ok = _is_real_date(numeric_year, a, b)
    # When only one reading names a real day (04/30 on a day-first page), that one is used.
    a_is_month = pl.when(a_month_ok != _is_real_date(numeric_year, b, a)).then(a_month_ok)
    a_is_month = a_is_month.otherwise(preferred)
    year = pl.coalesce(
        _int(f("iy")),
        _int(f("cy")),
        _lookup(f("era"), ERA_LOOKUP) + era_year,
        numeric_year,
        _int(f("dy")),
        _int(f("dby")) - BUDDHIST_ERA_OFFSET,
        _int(f("my")),
        _int(f("gy")),
        _int(f("ty")),
        _int(f("xy")),
    ).alias(f"{_TMP}year")
    month = pl.coalesce(
        _int(f("im")),
        _int(f("cm")),
        pl.when(f("na").is_not_null()).then(pl.when(a_is_month).then(a).otherwise(b)),
        _month_number(f("dm"), language),
        _month_number(pl.coalesce(f("mm"), f("gm"), f("tm"), f("xm")), language),
    ).alias(f"{_TMP}month")
    day = pl.coalesce(
        _int(f("id")),
        _int(f("cd")),
        pl.when(f("na").is_not_null()).then(pl.when(a_is_month).then(b).otherwise(a)),
        _int(f("dd")),
        _int(f("md")),
        _int(f("gd")),
        _int(f("td")),
        _int(f("xd")),
    ).alias(f"{_TMP}day")
    return [year, month, day]


def _solar_hijri_date(g: pl.Expr, language: pl.Expr) -> pl.Expr:
    """The Gregorian day a Solar Hijri date of DATE_PATTERN names (a month name, or numeric
    on a page of SOLAR_HIJRI_NUMERIC_LANGUAGES); null for any other match or an impossible
    day. Months 1-6 have 31 days, 7-11 have 30, the last 29 or 30."""
    f = g.struct.field
    named_month = _lookup(f("hm").str.to_lowercase(), SOLAR_HIJRI_MONTH_LOOKUP)
    numeric = language.is_in(SOLAR_HIJRI_NUMERIC_LANGUAGES).fill_null(False)
    year = pl.coalesce(_int(f("hy")), pl.when(numeric).then(_int(f("sy"))))
    month = pl.coalesce(named_month, pl.when(numeric).then(_int(f("sm"))))
    day = pl.coalesce(_int(f("hd")), pl.when(numeric).then(_int(f("sd"))))
    days_before_month = (
        pl.when(month <= 7).then((month - 1) * 31).otherwise(6 * 31 + (month - 7) * 30)
    )
    month_days = pl.when(month <= 6).then(31).otherwise(30)
    new_year = year.replace_strict(*SOLAR_HIJRI_NEW_YEAR_LOOKUP, default=None)
    return pl.when(month.is_between(1, 12) & day.is_between(1, month_days)).then(
        new_year + pl.duration(days=days_before_month + day - 1)
    )


def _time_fields(g: pl.Expr) -> list[pl.Expr]:
    """Hour, minute, second, microsecond, offset and named zone of a TIME_OF_DAY match."""
    f = g.struct.field
    hour, minute = _int(f("h")), _int(pl.coalesce(f("mi"), f("cjk_mi")))
    meridiem = pl.coalesce(
        f("ap").str.to_lowercase().str.slice(0, 1),
        pl.when(f("pre_am").is_not_null()).then(pl.lit("a")),
        pl.when(f("pre_pm").is_not_null()).then(pl.lit("p")),
    )
    is_time = f("next").is_null() & (
        minute.is_not_null() | meridiem.is_not_null() | f("unit").is_not_null()
    )
    hour24 = (
        pl.when(meridiem.is_null())
        .then(hour)
        .when(hour == 12)
        .then(pl.when(meridiem == "p").then(12).otherwise(0))
        .otherwise(pl.when(meridiem == "p").then(hour + 12).otherwise(hour))
    )
    valid = (
        is_time
        & hour24.is_between(0, 23)
        & minute.fill_null(0).is_between(0, 59)
        & (meridiem.is_null() | hour.is_between(1, 12))
    )
    second = _int(f("s")).fill_null(0)
    micro = _int(f("f").str.slice(0, 6).str.pad_end(6, "0")).fill_null(0)
    sign = pl.when(f("osign") == "+").then(1).otherwise(-1)
    numeric_offset = sign * (_int(f("oh")) * 60 + _int(f("om")).fill_null(0))
    zone = f("zone")
    fixed = _lookup(zone, ZONE_OFFSET_LOOKUP)
    # "Z", a zone abbreviation (plus "GMT+2"-style offsets) or a bare "+01:00".
    offset = (
        pl.when(f("z").is_not_null())
        .then(pl.lit(0, pl.Int32))
        .when(fixed.is_not_null())
        .then(fixed + numeric_offset.fill_null(0))
        .when(zone.is_null())
        .then(numeric_offset)
    )
    fields = {
        "hour": hour24,
        "minute": minute.fill_null(0),
        "second": pl.when(second <= 59).then(second).otherwise(0),
        "micro": micro,
        "offset": offset,
        "named_zone": _lookup(zone, ZONE_NAME_LOOKUP),
    }
    return [pl.when(valid).then(e).alias(f"{_TMP}{k}") for k, e in fields.items()]


# ---------------------------------------------------------------- public API


def parse_dates(
    frame: pl.DataFrame, text: str = "text", language: str = "language"
) -> pl.DataFrame:
    """Parse the first date, time, zone and role cue of each text.

    One row per text in, one row per text out (same order, all input columns
    kept). Adds ``date_value`` (Date, as written), ``date_instant`` (UTC
    Datetime, only when a time of day is written), ``date_zone_assumed``
    (Boolean, null without instant), ``date_role`` ("updated",
    "published" or null) and ``date_offset_minutes`` (the written wall-clock time
    less the instant: the UTC offset the text states or its zone implies; null
    without instant). A missing ``language`` column reads as unknown;
    input columns with those four names are replaced (so a frame can be
    parsed again).
    """
    kept = [name for name in frame.columns if name not in PARSED_COLUMNS]
    if frame.height == 0 and text in frame.columns:
        # Nothing to parse: the patterns below would still compile (tens of milliseconds).
        return frame.select(
            *kept,
            *(
                pl.lit(None, dtype).alias(c)
                for c, dtype in zip(PARSED_COLUMNS, PARSED_DTYPES, strict=True)
            ),
        )
    lang = (
        _primary_language(pl.col(language))
        if language in frame.columns
        else pl.lit(None, pl.String)
    )
    region = (
        pl.col(language).cast(pl.String).str.to_lowercase().str.extract(REGION_SUBTAG, 1)
        if language in frame.columns
        else pl.lit(None, pl.String)
    )
    # Each stage materializes its columns so later stages never re-run a regex.
    work = frame.select(
        pl.all().exclude(PARSED_COLUMNS),
        pl.col(text)
        .cast(pl.String)
        .str.replace_many(OTHER_DIGITS, ASCII_DIGITS)
        .alias(f"{_TMP}text"),
        lang.alias(f"{_TMP}lang"),
        region.alias(f"{_TMP}region"),
    )
    work = work.with_columns(_date_groups())
    date_text = pl.coalesce(_col("groups").struct.field(g) for g in DATE_TEXT_GROUPS)
    # Splitting on the matched text (a literal) is far cheaper than a second regex pass.
    work = work.with_columns(_col("text").str.split_exact(date_text, 1).alias(f"{_TMP}parts"))
    has_date = _col("parts").struct.field("field_1").is_not_null()
    # English is month-first without a region and in the regions that write it so (US).
    month_first = (
        _col("lang").is_in(MONTH_FIRST_LANGUAGES)
        & (_col("region").is_null() | _col("region").is_in(MONTH_FIRST_REGIONS))
    ).fill_null(False)
    work = work.with_columns(
        *_date_components(_col("groups"), month_first, _col("lang")),
        pl.when(has_date)
        .then(_col("parts").struct.field("field_0"))
        .otherwise(_col("text"))
        .alias(f"{_TMP}before"),
        pl.when(has_date).then(_col("parts").struct.field("field_1")).alias(f"{_TMP}after"),
    )
    # A time belongs to the date only when it is right next to it, so short windows suffice.
    after_window = _col("after").str.slice(0, TIME_WINDOW_CHARS)
    before_window = pl.when(has_date).then(_col("before").str.slice(-TIME_WINDOW_CHARS))
    work = work.with_columns(
        after_window.str.extract_groups(TIME_AFTER_DATE).alias(f"{_TMP}after_groups"),
        before_window.str.extract_groups(TIME_BEFORE_DATE).alias(f"{_TMP}before_groups"),
        _col("before").str.extract_all(CUE_PATTERN).list.last().alias(f"{_TMP}cue"),
        pl.when(_is_real_date(_col("year"), _col("month"), _col("day")))
        .then(pl.date(_col("year"), _col("month"), _col("day")))
        .otherwise(_solar_hijri_date(_col("groups"), _col("lang")))
        .alias("date_value"),
    )
    # A time after the date is preferred over one before it.
    after = _col("after_groups").struct.field
    after_is_time = after("next").is_null() & (
        after("mi").is_not_null()
        | after("cjk_mi").is_not_null()
        | after("ap").is_not_null()
        | after("unit").is_not_null()
        | after("pre_am").is_not_null()
        | after("pre_pm").is_not_null()
    )
    work = work.with_columns(
        pl.when(after_is_time)
        .then(_col("after_groups"))
        .otherwise(_col("before_groups"))
        .alias(f"{_TMP}time_groups"),
        _col("cue")
        .str.replace(LEADING_NON_LETTER_PATTERN, "")
        .str.to_lowercase()
        .pipe(_lookup, CUE_ROLE_LOOKUP)
        .alias("date_role"),
    )
    work = work.with_columns(_time_fields(_col("time_groups")))
    default_zone = _lookup(_col("lang"), LANGUAGE_ZONE_LOOKUP)
    date_value = pl.col("date_value")
    work = work.with_columns(
        pl.datetime(
            date_value.dt.year(),
            date_value.dt.month(),
            date_value.dt.day(),
            _col("hour"),
            _col("minute"),
            _col("second"),
            _col("micro"),
        ).alias(f"{_TMP}naive"),
        pl.when(_col("offset").is_null())
        .then(pl.coalesce(_col("named_zone"), default_zone))
        .alias(f"{_TMP}zone"),
    )
    zones = work.get_column(f"{_TMP}zone").drop_nulls().unique().sort().to_list()
    naive, zone, offset = _col("naive"), _col("zone"), _col("offset")
    # replace_time_zone takes one zone per call, so each zone present is converted on its own.
    in_named_zone = [
        pl.when(zone == z).then(
            naive.dt.replace_time_zone(
                z, ambiguous="earliest", non_existent="null"
            ).dt.convert_time_zone("UTC")
        )
        for z in zones
    ]
    instant = (
        pl.when(offset.is_not_null())
        .then((naive - pl.duration(minutes=offset)).dt.replace_time_zone("UTC"))
        .when(zone.is_not_null())
        .then(pl.coalesce(in_named_zone) if in_named_zone else pl.lit(None, UTC_TIMESTAMP))
        .otherwise(naive.dt.replace_time_zone("UTC"))
        .cast(UTC_TIMESTAMP)
    )
    assumed = offset.is_null() & _col("named_zone").is_null()
    work = work.with_columns(instant.alias("date_instant")).with_columns(
        pl.when(pl.col("date_instant").is_not_null()).then(assumed).alias("date_zone_assumed"),
        (naive - pl.col("date_instant").dt.replace_time_zone(None))
        .dt.total_minutes()
        .cast(pl.Int32)
        .alias("date_offset_minutes"),
    )
    return work.select(*kept, *PARSED_COLUMNS)


def parse_distinct_dates(
    frame: pl.DataFrame, text: str = "text", language: str = "language"
) -> pl.DataFrame:
    """``parse_dates`` with each distinct (text, language) pair parsed once: the same rows,
    order and columns out. Each row's parse reads its own text and language alone, and
    the lines searched for dates repeat (bylines, header lines, menus)."""
    keys = [text, language] if language in frame.columns else [text]
    kept = [name for name in frame.columns if name not in PARSED_COLUMNS]
    parsed = parse_dates(frame.select(keys).unique(), text, language)
    return frame.select(kept).join(
        parsed, on=keys, how="left", nulls_equal=True, maintain_order="left"
    )


def _other_word_counts(lines: pl.Expr) -> pl.Expr:
    """Words of each line that are not date-line vocabulary (one line in, one count out)."""
    return (
        lines.str.extract_all(LETTER_RUN)
        .list.eval(pl.element().str.to_lowercase().is_in(DATE_LINE_WORDS_SORTED).not_())
        .list.sum()
    )


def _date_line_flags(values: pl.Series) -> pl.Series:
    """``is_date_line`` on one batch of values (one value in, one bool out)."""
    if values.len() == 0:
        return pl.Series(values.name, [], dtype=pl.Boolean)
    line = pl.col("line").str.replace_many(OTHER_DIGITS, ASCII_DIGITS)
    # Every alternative of DATE_PATTERN matches a digit: it runs only on lines holding one.
    digits = values.to_frame("line").select(line)
    screened = (
        digits.select(
            (
                pl.col("line").str.contains(DIGIT_PATTERN)
                & (pl.col("line").str.len_chars() <= MAX_DATE_LINE_CHARS)
            ).fill_null(False)
        )
        .to_series()
        .arg_true()
    )
    flags = pl.repeat(False, values.len(), dtype=pl.Boolean, eager=True).alias(values.name)
    if screened.len() == 0:
        # No line to search: DATE_PATTERN is not compiled (tens of milliseconds).
        return flags
    dated = digits.get_column("line").gather(screened).str.contains(DATE_PATTERN)
    rows = screened.filter(dated.fill_null(False))
    if rows.len() == 0:
        return flags
    checked = (
        values.gather(rows)
        .to_frame("line")
        .select(
            (
                (_other_word_counts(line) <= MAX_OTHER_WORDS_ON_DATE_LINE)
                & ~line.str.contains(NOT_DATE_CUE_PATTERN)
            ).fill_null(False)
        )
    )
    return flags.scatter(rows, checked.to_series())


def is_labelled_date_line(text: pl.Expr, date_line: pl.Expr | None = None) -> pl.Expr:
    """Whether a line is a date stamp that says what it is ("Datum 28.04.2023",
    "Published: 5 March 2024"), unlike a teaser that ends with its date.

    ``date_line``, when given, is ``is_date_line(text)`` already computed: a caller that
    needs both tests runs the costlier one once.
    """
    return text.str.contains(DATE_LABEL_PATTERN) & (
        is_date_line(text) if date_line is None else date_line
    )


def is_date_line(text: pl.Expr) -> pl.Expr:
    """Whether a line is mainly a date/time stamp; one value per line.

    True when a date is written and, besides dates, times, cues, weekdays,
    zone words and filler such as "Uhr" or "Lesezeit: 5 Minuten", at most a
    few words remain (a short byline or city). False for prose that mentions
    a date, for availability notices ("Verfügbar bis ...") and for nulls.
    """
    # A batch function counts the words of only the lines that hold a date; one
    # expression would split every line into words.
    return text.cast(pl.String).map_batches(
        _date_line_flags, return_dtype=pl.Boolean, is_elementwise=True
    )
