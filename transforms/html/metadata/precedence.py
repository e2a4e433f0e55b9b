"""Structured metadata of HTML pages: JSON-LD, microdata, <meta> tags and a few elements.

``extract_metadata`` reads one parsed page (Python, once per page: one CSS pass
over the document, JSON-LD decoded and repaired; one more pass each for printed
tags and bylines when metadata has none) and returns its raw candidates,
one key per field and source. ``metadata_frame`` turns the candidates of many
pages into one normalized row per page (vectorized Polars): dates parsed with
``transforms.dates``, author lists split, tags split and deduplicated, site
names cut off titles, precedence applied.

Precedence per field (first non-null wins; measured on the dev corpus):

* title: JSON-LD headline > microdata headline > og:title and other meta titles
  > <title> > <h1>. Each is cleaned first: a site name (with a trailing section,
  one-word label or date) is cut at the end, or a site name at its start. A segment
  names the site when it matches og:site_name, application-name, the JSON-LD
  publisher or the host of the canonical URL / og:url, compared as letters and
  digits only, with the host's spelling of umlauts, or by initials ("The New York
  Times" ~ "nytimes", "NYT"). A declared title that is only the site's name, or one
  word of a spaced script that no <h1> prints ("Climate", a section name), ranks
  after all others.
  When the structured headline and the meta title differ, the one that <title> does
  not repeat wins (<title> restates the other: 30 of 39 such fundus pages, against 20
  for a fixed precedence), unless <title> repeats the structured one and <h1>
  prints neither (then the structured one: 2 of 3 dev pages). On the
  trafilatura-eval pages the printed <h1> decides those cases instead (14 of 16);
  the two sets' gold conventions disagree there and the rule stays. A meta title
  without a structured one yields to <title> when <title> (its site name cut) is what
  the <h1> prints: a social title the page prints nowhere. A kicker before
  a spaced dash ("Minderheit in Syrien - Drusen fordern ...") is dropped when another
  candidate is the headline alone or the same headline behind another kicker.
  Last, the on-page headline: when the chosen title's leading segments are what an
  <h1> prints ("Headline | Whatever Outlet", <h1> "Headline"), the rest goes, whatever
  it names; for a <title>, also its trailing segments ("Outlet - Headline") when they
  are the longer part; a shorter <h1> printing the trailing segments is the site's
  logo, and they go ("Headline | Blogname", <h1> "Blogname"). The
  <h1> read are those inside <article>/<main> first, without a site-name <h1>; the
  first of them is the last-resort title. A page that declares no title but <title>
  (old markup) also lends the texts of <h2>/<h3> and title- or headline-named elements
  to this cut, kept only as the longer part; its <title> may also end a blog's name with
  a colon ("Blog Name: Post title", "» Post title :blogname"), a cut point there only.
  A separator left at a title's edge by an empty site name goes ("» Headline"). An <h1>
  whose whole text links to the site's home page (its root, or a folder above the page's
  URL) is the site's logo: it names the site like og:site_name, and its text goes from
  either end of the title whatever its length; so does an <h1> printing what precedes a
  colon of an old page's <title> ("Blog Name: Post title"). So is a linked <h1> that is
  one of the two segments of <title> when another heading prints the other, longer one
  ("Ed Brill - New IBM study", <h1><a>Ed Brill</a></h1>, <h2>New IBM study</h2>), where
  the link's target cannot tell (the page's URL unknown). A page whose declared titles
  only repeat <title> or name such a site lends its printed headings too. A declared
  title naming the shorter segment of a two-segment <title> whose other one the <h1>
  prints names the site, and ranks last. Meta titles whose meta URL is the site's root
  (og:url "https://example.com/") describe the home page and are not read. "Longer"
  means more than MIN_HEADLINE_SHARE of the title's letters (chosen by
  leave-one-site-out).
  The JSON-LD article object is the one whose url matches the canonical URL,
  else the one with headline and datePublished; same-story objects fill gaps.
* authors: JSON-LD author > meta author names > microdata author > rel=author
  link texts > the names a byline's hCard declares (``.vcard .fn``: a blog's one-word
  signature counts) > the printed byline > the texts of the byline's links to its
  author's page, whose path spells the name ("/author/cortyn/"; one word counts).
  Lists in one string are split like bylines ("A und B, dpa"); URLs, e-mail addresses,
  slugs, bracketed initials, placeholders ("admin", "No Author"), the labels of an
  author box's links ("Alle Beiträge") and a byline's prefix without its name ("Rezept
  von", "Auteur") go; so does a job title before a full name ("FOCUS-Online-Experte
  Robin Tschöpe") or alone beside its source's names ("Evan Halper, Staff Writer").
  A name given with a web address ("Deutsche Welle (www.dw.com)") is an organisation's
  and counts as the site's, and so does the last segment of a site name made of
  segments (a misfilled og:site_name "Headline | Site"). The site's own
  name (a leading article aside: "Die Furche" of furche.at) is dropped
  beside other names and is a label in a declared "Site - Person" name; a source
  naming only the site ranks last (``meta_authors_site_only`` says so; the assembly
  then prefers a byline the page prints that names a person in full). The printed byline (an
  element whose class or id names an author or byline, or <address>, outside
  navigation and outside containers of teasers, related stories or comments; those
  inside <article>/<main> first) is read only when metadata names nobody but the
  site, and counts only with a name of two or more words (or one word of a script
  written without spaces).
* published: JSON-LD datePublished > microdata datePublished > meta published
  names (``meta_keys.published``, the common ones first) > first <time datetime>
  placed in the article (inside <article>/<main> or after the headline; else the first;
  never one inside a quotation: an embedded post's) (unless dated more than MAX_STAMP_DAYS_AFTER_URL days after the URL's date: an update
  stamp) > a year-first date in the URL's path (/2019/03/12/, /20190312-slug) > the text
  of the first <time> without datetime (a <time> in a list of other stories, latest
  posts, related or comments, dates another story and is passed over); updated:
  JSON-LD dateModified > microdata > meta modified names. The first parsable candidate decides; when it has a time
  but no zone, a later one stating the same wall clock with an offset lends it,
  else the wall clock is read as UTC. The date is the one written (local). An instant
  declared in UTC takes the offset another stamp of the page states (its modified time,
  say), the offset implied by a stamp without zone that writes the same moment's wall
  clock (``<time datetime="2023-11-08 23:30:59">``) or, in the assembly, the offset
  implied by the wall-clock time the page prints for the same moment
  (``printed_offset_minutes``): the instant stays, and its date is the outlet's own
  calendar day. Printed dates are read in the page's locale
  (``meta_locale``: "02/10/2020" is 2 October on an en-GB page, and on an "en" page
  of a site under .co.uk: ``dates.with_domain_region``).
  The article's date (``assembly.articles``) takes this declared date first (unless
  the article's printed stamp is MIN_DISAGREEING_DAYS or more away from it and the
  whole-page search, ``date_search``, finds the printed day: two sources against one;
  trafilatura-eval 0.884 -> 0.891, no other set moved), then the printed stamp of the
  article (a date line or byline in its header, an
  "updated" stamp only when no other), then a date line outside the article's root
  printed next to the headline, then a labelled date line beside the article
  ("Datum: 28.04.2023"), and last the date an inline script states (a data layer's
  ``datePublish``) or else htmldate's search of the whole page (``date_search``, a date
  without time). Measured on the dev sets (date
  measure, trafilatura-eval): 0.733 with declared dates and the article's stamp alone; 0.746 with the URL,
  the <time> text and more meta names; 0.789 with the line next to the headline;
  0.841 with htmldate's fast search last (fundus 0.986 -> 0.993, readability
  0.966 unchanged).
* tags: JSON-LD keywords > the first meta keyword name that has any
  (news_keywords, keywords, article:tag, ...) > microdata keywords. A single
  keyword string without separators (a bag of words) ranks after them all;
  sources of upper-case codes, ids, labelled facets and the site name go ("Subject:
  Justice" keeps its value). A declared source of which another one repeats at most
  half yields to that one (the rest are CMS flags). When at most two keywords are
  declared, the first printed tag list (the links of an element whose class names
  tags, topics or keywords, outside navigation) is read, and used when nothing is
  declared or when it holds every declared keyword and more.
* section: JSON-LD articleSection > meta section names.
* url: <link rel=canonical> > og:url and other meta URLs > JSON-LD url /
  mainEntityOfPage.
* outlet: JSON-LD publisher name > og:site_name and other meta names.
* description: JSON-LD description > og:description > meta description.
* language: <html lang> > content-language / og:locale > JSON-LD inLanguage.
* images: JSON-LD images (with caption and credit) then og:image, deduplicated
  by URL, cover first.

Meta names and JSON-LD types live in ``lexicon/html_meta.json``.
"""

from __future__ import annotations

from concurrent.futures import Future

import polars as pl

from dateline.transforms.fields import bylines
from dateline.transforms.fields.dates import parse_dates, with_domain_region
from dateline.transforms.fields.names import is_person_name
from dateline.transforms.html.metadata.page import (
    MIN_SHARED_SITE_CHARS,
    TAG_SEPARATOR,
    TITLE_SEPARATOR,
    WEB_ADDRESS_TAIL,
)
from dateline.transforms.html.metadata.structured import LEXICON
from dateline.transforms.patterns import (
    SEGMENT_MARK,
    WHITE_SPACE_RUN,
    literal_alternation,
    stage_thread,
)
from dateline.transforms.schema import UTC_TIMESTAMP

# A printed byline is read for a page's authors only when it holds a full name.
MIN_PRINTED_NAME_WORDS = 2

# Authors in one metadata string are separated as in a printed byline ("A und B, dpa").
AUTHOR_SEPARATOR = bylines.AUTHOR_SEPARATOR

AUTHOR_PREFIX = bylines.PREFIX

AUTHOR_ROLE_TAIL = bylines.ROLE_TAIL

# A job title before a full name: "FOCUS-Online-Experte Robin Tschöpe" -> "Robin Tschöpe".
AUTHOR_ROLE_HEAD = bylines.ROLE_HEAD

# A bracketed tail of initials, a handle or a web address: "Ana Gil (agi)", "(www.x.com)".
AUTHOR_HANDLE_TAIL = r"\s*[(\[][\p{Ll}\d.\s/_-]*[)\]]\s*$|\s*[(\[][^()\[\]]*\.[^()\[\]]*[)\]]\s*$"

# A social-media handle printed after the name: "Ana Gil @anagil".
TRAILING_HANDLE = r"(\p{L})\s+@[\p{L}\d_.]+$"

# Not a name: a URL (or a string holding one), an e-mail address, a bare number, a slug
# ("chuck-ross"); after the byline prefix is stripped, a label ("Stand: 12:30").
NOT_A_NAME_BEFORE_PREFIX = (
    r"(?i)^(?:https?:|//|www\.)|https?://|@|^[^\p{L}]*$|^[\p{Ll}\d]+(?:[-_][\p{Ll}\d]+)+$|^\("
)

# ... nor what a publishing system fills in when nobody is named ("admin", "No Author").
PLACEHOLDER_AUTHOR = rf"^(?:{literal_alternation(LEXICON['placeholder_authors'])})$"

# ... nor the label of a link in an author box ("Alle Beiträge", "View all posts").
LINK_LABEL_AUTHOR = (
    rf"^(?:{literal_alternation(LEXICON['link_label_authors'], any_white_space=True)})$"
)

# ... nor a byline's label without its name: a prefix ending the string ("Artikel von",
# "Rezept von") or standing alone ("Auteur").
# A cased prefix only ends a label: a name in a script without case may end in its cue.
CASED_PREFIX_WORDS = literal_alternation(
    [word for word in bylines.BYLINE_WORDS["prefixes"] if word != word.upper()],
    any_white_space=True,
)

BARE_BYLINE_LABEL = (
    rf"\s(?-i:{CASED_PREFIX_WORDS})$|^(?:{bylines.COLON_PREFIX_WORDS}|{bylines.PREFIX_WORDS})$"
)

NOT_A_NAME = (
    NOT_A_NAME_BEFORE_PREFIX
    + "|:|"
    + PLACEHOLDER_AUTHOR
    + "|"
    + LINK_LABEL_AUTHOR
    + "|"
    + BARE_BYLINE_LABEL
)

EDGE_JUNK = r"^[\s\p{P}\p{S}--[(\[]]+|[\s\p{P}\p{S}--[.)\]]]+$"

# A lower-case path before a tag ("sections/sverige", "deportes/formula-1").
TAG_PATH_PREFIX = r"^(?:[\p{Ll}\d_\-]+/)+"

# No topic: a number (an id), a UUID, a labelled facet ("Category: News", "Day: Friday").
# A facet's label has at most 31 letters, so the UUID and facet patterns run on the first
# 33 characters with the label unbounded (a bounded class compiles 30 times as large).
NOT_A_TAG_WHOLE = r"^[\d\s]*$"

NOT_A_TAG_START = r"^[0-9a-f]{8}-[0-9a-f]{4}-|^\p{L}[\p{L}\s]*:\s"

NOT_A_TAG_START_CHARS = 33

# An upper-case code ("INDG08", "PACKAGE:US-TOP-NEWS"); a source made mostly of them is a
# classification scheme, not topics.
CODE_TAG = r"^[\p{Lu}\d:_\-]+$"

# A labelled facet whose label names a topic ("Subject: Justice"): its value is a tag.
TOPIC_FACET = rf"^(?i:{literal_alternation(LEXICON['topic_facets'])})\s*:\s*"

# A kicker before a headline: a few words, then a spaced dash (a colon often belongs to
# the headline: "Coach Schubert: 'Nothing to lose'").
KICKER_PATTERN = r"^(?:\S+\s+){0,5}?\S+\s[-–—]\s+(\S.*)$"

# Another title's kicker may end in a colon: "Iran attack: 'Restraint ...'".
ANY_KICKER_PATTERN = r"^(?:\S+\s+){0,5}?\S+(?::|\s[-–—])\s+(\S.*)$"

# A declared list of which another declared list repeats at most half carries extras
# (CMS flags, SEO phrases): the shorter list is the article's.
MIN_SUBSET_TAGS = 2

MAX_SUBSET_SHARE = 0.5

MIN_CODE_SOURCE_TAGS = 5

MAX_CODE_SHARE = 0.5

# A single keyword string of many words with no separator is a bag of words.
MIN_WORDS_OF_BAG = 4

# Scripts without spaces join a headline and a site name with a bare hyphen or underscore
# ("英雄的城！-新华网", "蔡健雅_百度百科"); groups 1 and 3 are the letters around it.
UNSPACED_TITLE_SEPARATOR = (
    r"([\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}！？」』）])([-_－—]+)"
    r"([\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}])"
)

# A separator at a title's edge, left by an empty site name ("» Headline", "Headline |").
# Not a dash or guillemet that opens a quote ("- Angsten vil øke", "« Les ... »").
EDGE_SEPARATORS = r"^[|·•»›/:]+\s+|\s+[|\-–—·•/:]+$"

# On a page declaring no title but <title> (old markup), a colon may also end the blog's or
# site's name ("Blog Name: Post title", "» Post title :blogname"); in a declared title it
# belongs to the headline ("Coach Schubert: 'Nothing to lose'").
COLON_TITLE_SEPARATOR = TITLE_SEPARATOR + r"|:+\s+|\s+:+"

# What separates a kicker or a subtitle from a headline in its text.
HEADLINE_SEPARATOR = r"[:|–—]|\s-\s"

# A word long enough to name a subject ("Energiewende", not "der" or "the").
CONTENT_WORD = r"\p{L}{4,}"

# An absolute URL without a path: a site's home page.
HOME_PAGE_URL = r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:)?//[^/?#]+/?\s*$"

# A title segment that is a date ("28.04.2023"), which may trail the site name.
DATE_SEGMENT = r"^[\d\s./\-:]+$"

# Scripts written without spaces: one "word" of them may be a whole headline.
UNSPACED_SCRIPT = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"

# A label segment written without spaces has at most this many characters ("时政", "정치").
MAX_UNSPACED_LABEL_CHARS = 4

# A chosen title is cut to at most this many leading (or trailing) segments that the
# page's <h1> prints.
MAX_CUT_SEGMENTS = 4

# A printed heading matching a segment of the title is the headline when it holds more
# than this share of the title's letters; a shorter one is the site's logo (or name).
# Chosen by leave-one-site-out over the fundus, readability and trafilatura-eval pages
# among 0.1-0.7: every held-out site chose 0.3 (title exact held out = in sample:
# 0.932 / 0.918 / 0.773; 0.5 gave 0.932 / 0.918 / 0.769).
MIN_HEADLINE_SHARE = 0.3

# Site-name segments are short; a long one is part of the headline.
MAX_SITE_SEGMENT_WORDS = 6

# A segment may be the start of a site name ("DW" of "DW.com") only when this short.
MAX_REVERSE_PREFIX_WORDS = 2

# Site keys shorter than this match a segment only when equal, never as a prefix.
MIN_PREFIX_KEY_CHARS = 4

NON_ALPHANUMERIC_RUN = r"[^\p{L}\p{N}]+"

LEADING_ARTICLE = r"^(?:the|die|der|das|le|la|les|el|il)"

# A word of a site name, for its initials.
NAME_WORD = r"[\p{L}\p{N}]+"

# Initials this short ("ap") name too many things to stand for the site.
MIN_INITIALS_CHARS = 3

URL_HOST = r"^(?:[a-z][a-z0-9+.\-]*:)?//(?:www\.)?([^/:?#]+)"

# What follows a kicker in the <h1> that prints it in a span of its own: "Kicker: Headline".
KICKER_COLON = r"^\s*:\s*\S"

# Between a site's name and a person or tagline in one declared name: "unocero - Ana Gil".
SITE_SEGMENT_SEPARATOR = r"\s+[-–—|]\s+"

# The label of a host before its public suffix: "taipeitimes" of www.taipeitimes.com.
HOST_LABEL = r"([^.]+)\.[^.]+(?:\.[a-z]{2})?$"

URL_ORIGIN = r"^(?:[a-z][a-z0-9+.\-]*:)?//[^/?#]*/?"

# The last part of a URL path (the story's slug, often its headline), with query and anchor.
URL_LAST_PART = r"/?[^/]*$"

# A folder naming a section has one to three words ("sport", "ratgeber-wissen"); a longer
# one is a story slug.
SECTION_FOLDER = r"^[^\-_./]+(?:[\-_][^\-_./]+){0,2}$"

# The first folders of a URL path name the section ("/sport/fussball/...").
MAX_URL_FOLDERS = 2

# How host names spell letters that ASCII lacks (before accents are dropped).
HOST_SPELLINGS: dict[str, str] = LEXICON["host_spellings"]

LANGUAGE_CODE = r"^([A-Za-z]{2})(?:[-_]|$)"


EPOCH_MILLISECONDS = r"^\d{13}$"

# A date in a URL's path, year first: /2019/03/12/, /2019-03-12-slug, /20190312/.
URL_DATE = (
    r"(?:^|[/_-])(?P<year>(?:19|20)\d{2})(?:[/_.-](?P<month>[01]?\d)[/_.-](?P<day>[0-3]?\d)"
    r"|(?P<month8>[01]\d)(?P<day8>[0-3]\d))(?:[/_.-]|$)"
)
# The query or fragment after a URL's path (URL_ORIGIN is what comes before it).
URL_QUERY = r"[?#].*$"

EPOCH_SECONDS = r"^\d{10}$"

# A zoned candidate restates a naive one when the two differ by a whole UTC offset.
MAX_OFFSET = 14 * 3600

OFFSET_STEP_SECONDS = 15 * 60

SAME_INSTANT_SECONDS = 60

# A printed wall clock names the page's offset only in whole half hours: a quarter-hour
# gap is likelier another moment than one of the few zones that use one.
PRINTED_OFFSET_STEP_SECONDS = 30 * 60
# A printed clock exactly twelve hours from the declared one is a twelve-hour clock read
# against a 24-hour one ("6:00 PM" beside "06:00", "3:48" beside "15:48"), likelier than
# one of the few zones twelve hours from UTC: it names no offset.
TWELVE_HOURS = 12 * 3600

TEXT_FIELDS: tuple[str, ...] = (
    "title_ld",
    "title_microdata",
    "title_meta",
    "title_tag",
    "title_h1",
    "published_ld",
    "published_microdata",
    "published_meta",
    "published_time",
    "published_time_text",
    "updated_ld",
    "updated_microdata",
    "updated_meta",
    "section_ld",
    "section_meta",
    "url_canonical",
    "url_meta",
    "url_ld",
    "outlet_ld",
    "outlet_meta",
    "description_ld",
    "description_meta",
    "body_ld",
    "language_html",
    "language_meta",
    "language_ld",
)

LIST_FIELDS: tuple[str, ...] = (
    "site_names",
    "title_h1s",
    "title_printed",
    "title_logos",
    "title_linked",
    "authors_ld",
    "author_kinds_ld",
    "authors_microdata",
    "authors_meta",
    "authors_rel",
    "authors_card",
    "authors_visible",
    "authors_linked",
    "tags_ld",
    "tags_microdata",
    "tags_meta",
    "tags_visible",
    "images_meta",
)

IMAGE_STRUCT = pl.Struct({"url": pl.String, "caption": pl.String, "credit": pl.String})

RECORD_SCHEMA = pl.Schema(
    {
        **{name: pl.String for name in TEXT_FIELDS},
        **{name: pl.List(pl.String) for name in LIST_FIELDS},
        "images_ld": pl.List(IMAGE_STRUCT),
    }
)

METADATA_SCHEMA = pl.Schema(
    {
        "doc_id": pl.Int64,
        "meta_title": pl.String,
        "meta_authors": pl.List(pl.String),
        "meta_author_kinds": pl.List(pl.String),
        # The authors named are only the site itself ("Deutsche Welle"): a printed byline
        # naming a person is worth more.
        "meta_authors_site_only": pl.Boolean,
        "meta_published_at": UTC_TIMESTAMP,
        "meta_published_date": pl.Date,
        "meta_published_offset_minutes": pl.Int32,
        "meta_updated_at": UTC_TIMESTAMP,
        "meta_tags": pl.List(pl.String),
        "meta_section": pl.String,
        "meta_url": pl.String,
        "meta_outlet": pl.String,
        "meta_description": pl.String,
        "meta_language": pl.String,
        # The page's language tag, lower case, region included ("en-gb"): how its dates
        # are written (``fields.dates`` reads the region).
        "meta_locale": pl.String,
        "meta_images": pl.List(IMAGE_STRUCT),
        # JSON-LD articleBody: the full text some pages declare but print only in part.
        "meta_body": pl.String,
    }
)

# Candidate columns per field, in precedence order.
TITLE_SOURCES = ("title_ld", "title_microdata", "title_meta", "title_tag", "title_h1")

AUTHOR_SOURCES = (
    "authors_ld",
    "authors_meta",
    "authors_microdata",
    "authors_rel",
    "authors_card",
    "authors_visible",
    "authors_linked",
)

PUBLISHED_SOURCES = (
    "published_ld",
    "published_microdata",
    "published_meta",
    "published_time",
    "published_url",
    "published_time_text",
)

UPDATED_SOURCES = ("updated_ld", "updated_microdata", "updated_meta")

# The one published source that is printed text rather than a declared value.
PRINTED_DATE_SOURCE = "published_time_text"

# A <time datetime> dated this long after the date the URL's path states is an update
# stamp (or another story's): the URL's date, minted with the first version, wins. Not
# fitted: the dev pages where the two disagree differ by 1 or 6 days (the stamp right) or
# by 7 months and 2 years (the URL right); any limit from 7 to 200 days parts them.
MAX_STAMP_DAYS_AFTER_URL = 30

TAG_SOURCES = ("tags_ld", "tags_meta", "tags_microdata", "tags_visible")

URL_SOURCES = ("url_canonical", "url_meta", "url_ld")

STRUCTURED_TITLE_RANKS = (TITLE_SOURCES.index("title_ld"), TITLE_SOURCES.index("title_microdata"))

TITLE_META_RANK = TITLE_SOURCES.index("title_meta")

TITLE_TAG_RANK = TITLE_SOURCES.index("title_tag")

TITLE_H1_RANK = TITLE_SOURCES.index("title_h1")


def _records_frame(records: list[dict], doc_ids: list[int]) -> pl.DataFrame:
    """Raw candidates as a frame (one row per page), every RECORD_SCHEMA column present."""
    columns = {
        name: pl.Series(name, [record.get(name) for record in records], dtype=dtype)
        for name, dtype in RECORD_SCHEMA.items()
    }
    return pl.DataFrame({"doc_id": pl.Series("doc_id", doc_ids, dtype=pl.Int64), **columns})


def _long(frame: pl.DataFrame, sources: tuple[str, ...], value: str) -> pl.DataFrame:
    """Candidates of several source columns stacked: one row per page and source.

    Columns ``doc_id``, ``rank`` (index of the source in ``sources``) and ``value``.
    """
    return pl.concat(
        [
            frame.select("doc_id", pl.lit(rank, pl.Int32).alias("rank"), pl.col(name).alias(value))
            for rank, name in enumerate(sources)
        ]
    )


def _first_by_rank(candidates: pl.DataFrame, keep: pl.Expr) -> pl.DataFrame:
    """The rows of the best-ranked source with any row passing ``keep``, per page."""
    kept = candidates.filter(keep)
    return kept.filter(pl.col("rank") == pl.col("rank").min().over("doc_id"))


SOFT_HYPHEN = "\u00ad"
# Two first words of lower-case letters only ("iPhone" and "eBay" have capitals further in).
LOWER_CASE_FIRST_WORD = r"^\p{Ll}+\s+\p{Ll}+(?:\s|$)"


def _compact_key(text: pl.Expr) -> pl.Expr:
    """Lower case letters and digits only: "Golem.de" -> "golemde"."""
    return text.str.to_lowercase().str.replace_all(NON_ALPHANUMERIC_RUN, "")


def _transliterated_key(text: pl.Expr) -> pl.Expr:
    """The compact key as a host name spells it: "Börsen-Zeitung" -> "boersenzeitung"."""
    lowered = text.str.to_lowercase()
    for letter, spelling in HOST_SPELLINGS.items():
        lowered = lowered.str.replace_all(letter, spelling, literal=True)
    return _compact_key(lowered.str.normalize("NFKD").str.replace_all(r"\p{M}", ""))


def _site_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """Keys naming the site of each page (publisher, site names, host): one row per key."""
    host = pl.coalesce(
        *(pl.col(c).str.to_lowercase().str.extract(URL_HOST, 1) for c in URL_SOURCES)
    )
    names = frame.select(
        "doc_id",
        pl.concat_list(
            pl.col("site_names").fill_null([]),
            pl.concat_list(host, host.str.extract(HOST_LABEL, 1)).list.drop_nulls(),
        ).alias("name"),
    ).explode("name")
    # A "site name" as long as a headline is a misfilled field, not a name.
    names = names.filter(pl.col("name").str.count_matches(r"\S+") <= MAX_SITE_SEGMENT_WORDS)
    lowered = pl.col("name").str.to_lowercase()
    keys = names.select(
        "doc_id",
        pl.concat_list(*_name_keys(lowered), _initials_keys(pl.col("name"))).alias("site_key"),
    ).explode("site_key")
    return keys.filter(pl.col("site_key").str.len_chars() > 0).unique(maintain_order=True)


def _name_keys(lowered: pl.Expr) -> list[pl.Expr]:
    """The keys of a lower-cased site name: its compact key, with and without a leading
    article ("Die Furche" -> "diefurche", "furche")."""
    return [
        _compact_key(lowered),
        _compact_key(lowered.str.replace(LEADING_ARTICLE + r"\s+", "")),
    ]


def _site_name_tail_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """Keys of the last segment of each site name made of segments: a misfilled
    og:site_name "Headline | Site" names the site at its end. One row per key."""
    tails = (
        frame.select("doc_id", name=pl.col("site_names").fill_null([]))
        .explode("name")
        .filter(pl.col("name").str.contains(SITE_SEGMENT_SEPARATOR))
        .select(
            "doc_id",
            tail=pl.col("name")
            .str.replace_all(SITE_SEGMENT_SEPARATOR, SEGMENT_MARK)
            .str.split(SEGMENT_MARK)
            .list.last()
            .str.to_lowercase(),
        )
    )
    keys = tails.select(
        "doc_id",
        pl.concat_list(*_name_keys(pl.col("tail"))).alias("site_key"),
    ).explode("site_key")
    return keys.filter(pl.col("site_key").str.len_chars() > 0).unique(maintain_order=True)


def _initials_keys(text: pl.Expr) -> pl.Expr:
    """How a host or a short form abbreviates a name of several words: its initials and its
    initials before the last word ("The New York Times" -> "nyt", "nytimes"), as a list
    (empty for a name of one word)."""
    words = (
        text.str.to_lowercase().str.replace(LEADING_ARTICLE + r"\s+", "").str.extract_all(NAME_WORD)
    )
    initials = words.list.eval(pl.element().str.slice(0, 1)).list.join("")
    short_form = initials.str.slice(0, initials.str.len_chars() - 1) + words.list.last()
    return (
        pl.when(words.list.len() >= 2)
        .then(pl.concat_list(initials, short_form))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .list.eval(pl.element().filter(pl.element().str.len_chars() >= MIN_INITIALS_CHARS))
    )


def _label_keys(frame: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """Site keys plus section names and URL folders: what may trail a headline in a title."""
    url = pl.coalesce(*(pl.col(c) for c in URL_SOURCES))
    sections = frame.select(
        "doc_id",
        pl.concat_list(
            pl.coalesce("section_ld", "section_meta"),
            url.str.replace(URL_ORIGIN, "")
            .str.replace(URL_LAST_PART, "")
            .str.split("/")
            .list.slice(0, MAX_URL_FOLDERS),
        ).alias("site_key"),
    ).explode("site_key")
    # A folder of digits is a date or an id ("/2012/09/"), never a section's name.
    sections = sections.filter(
        pl.col("site_key").str.contains(SECTION_FOLDER) & pl.col("site_key").str.contains(r"\p{L}")
    ).with_columns(site_key=_compact_key(pl.col("site_key")))
    return pl.concat([site_keys, sections]).unique(maintain_order=True)


def _title_parts(title: pl.Expr, splits_colon: pl.Expr) -> pl.Expr:
    """A title as a list of its segments with the separators between them (the odd items);
    ``splits_colon`` says where a colon separates too (``COLON_TITLE_SEPARATOR``)."""

    def split(separator: str) -> pl.Expr:
        return (
            title.str.replace_all(separator, SEGMENT_MARK + "${0}" + SEGMENT_MARK)
            .str.replace_all(
                UNSPACED_TITLE_SEPARATOR, "${1}" + SEGMENT_MARK + "${2}" + SEGMENT_MARK + "${3}"
            )
            .str.split(SEGMENT_MARK)
        )

    return (
        pl.when(splits_colon).then(split(COLON_TITLE_SEPARATOR)).otherwise(split(TITLE_SEPARATOR))
    )


def _strip_site_names(titles: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """Titles without a leading or trailing site name ("Headline | Site | 28.04.2023").

    One row per page and source in (``doc_id``, ``rank``, ``title``), the same rows
    out with ``title`` cleaned. A trailing block is cut when it holds a site name
    and otherwise only dates and one-word labels ("National", a section).
    """
    parts = (
        titles.with_columns(part=_title_parts(pl.col("title"), pl.col("splits_colon")))
        .explode("part")
        .with_columns(part_index=pl.int_range(pl.len()).over("doc_id", "rank"))
        .with_columns(
            segment=pl.col("part_index") // 2,
            is_separator=pl.col("part_index") % 2 == 1,
            key=_compact_key(pl.col("part")),
        )
    )
    site = pl.col("site_key")
    short_segment = pl.col("part").str.count_matches(r"\S+") <= MAX_REVERSE_PREFIX_WORDS

    def matches(key: pl.Expr) -> pl.Expr:
        return (
            (key == site)
            | (site.str.len_chars() >= MIN_PREFIX_KEY_CHARS) & key.str.starts_with(site)
            | short_segment
            & (key.str.len_chars() >= MIN_PREFIX_KEY_CHARS)
            & site.str.starts_with(key)
        )

    matched = (
        parts.filter(~pl.col("is_separator") & (pl.col("key").str.len_chars() > 0))
        .select(
            "doc_id",
            "rank",
            "part_index",
            "part",
            "key",
            spelled_key=_transliterated_key(pl.col("part")),
        )
        .with_columns(initials=_initials_keys(pl.col("part")))
        .join(site_keys, on="doc_id", maintain_order="left")
        .filter(
            matches(pl.col("key"))
            | matches(pl.col("spelled_key"))
            | pl.col("initials").list.contains(pl.col("site_key"))
        )
        .select("doc_id", "rank", "part_index", is_site=pl.lit(True))
        .unique()
    )
    group = ["doc_id", "rank"]
    segments = (
        parts.join(matched, on=["doc_id", "rank", "part_index"], how="left", maintain_order="left")
        .with_columns(
            is_site=pl.col("is_site").fill_null(False)
            & (pl.col("part").str.count_matches(r"\S+") <= MAX_SITE_SEGMENT_WORDS)
        )
        .with_columns(
            droppable=pl.col("is_separator")
            | pl.col("is_site")
            | pl.col("part").str.contains(DATE_SEGMENT)
            # A one-word label ("National"); in a script without spaces a short one ("时政").
            # A word with digits is the headline's ("v30.101", "iOS17").
            | (pl.col("part").str.count_matches(r"\S+") <= 1)
            & ~pl.col("part").str.contains(r"\p{L}.*\d|\d.*\p{L}")
            & (
                ~pl.col("part").str.contains(UNSPACED_SCRIPT)
                | (pl.col("part").str.len_chars() <= MAX_UNSPACED_LABEL_CHARS)
            ),
            n_segments=pl.col("segment").max().over(group) + 1,
        )
        .sort([*group, "part_index"], descending=[False, False, True])
        # From each part to the end: are all parts droppable, and is a site name among them?
        .with_columns(
            tail_droppable=pl.col("droppable").cum_min().over(group),
            tail_has_site=pl.col("is_site").cum_max().over(group),
        )
        .sort([*group, "part_index"])
    )
    is_cut = (
        ~pl.col("is_separator")
        & (pl.col("segment") >= 1)
        & pl.col("tail_droppable")
        & pl.col("tail_has_site")
    )
    first_is_site = pl.col("is_site").filter(pl.col("part_index") == 0).first().over(
        group
    ).fill_null(False) & (pl.col("n_segments") >= 2)
    cut = pl.col("part_index").filter(is_cut).min().over(group)
    kept = segments.filter(
        (pl.col("part_index") < cut - 1).fill_null(True)
        & ~(first_is_site & (pl.col("part_index") <= 1))
    )
    cleaned = kept.group_by(group, maintain_order=True).agg(
        pl.col("part").str.join("").str.strip_chars().alias("clean")
    )
    return (
        titles.join(cleaned, on=group, how="left", maintain_order="left")
        .with_columns(
            title=pl.when(pl.col("clean").str.len_chars() > 0)
            .then(pl.col("clean"))
            .otherwise(pl.col("title"))
        )
        .drop("clean")
    )


def _titles(frame: pl.DataFrame, site_keys: pl.DataFrame, label_keys: pl.DataFrame) -> pl.DataFrame:
    """The headline of each page: one row per page with a title (``doc_id``, ``meta_title``).

    Precedence as in the module docstring, except when the structured headline
    (JSON-LD, else microdata) and the meta title disagree: then the one that
    ``<title>`` does not repeat is taken, as ``<title>`` restates the other.
    """
    # An <h1> linking to the site's home page is its logo: it names the site.
    logos = (
        frame.select("doc_id", site_key=pl.col("title_logos"))
        .explode("site_key")
        .with_columns(site_key=_compact_key(pl.col("site_key")))
        .filter(pl.col("site_key").str.len_chars() > 0)
    )
    logos = pl.concat(
        [logos, _linked_site_names(frame, _printed_headings(frame, pl.concat([site_keys, logos])))]
    ).unique(maintain_order=True)
    site_keys = pl.concat([site_keys, logos]).unique(maintain_order=True)
    label_keys = pl.concat([label_keys, logos]).unique(maintain_order=True)
    headings = _printed_headings(frame, site_keys)
    # Meta tags whose URL is the site's root describe its home page, not this article
    # (og:title "Official Blog of the League" beside og:url "https://blogs.example.com/").
    home_meta = frame.select(
        "doc_id", home_meta=pl.col("url_meta").str.contains(HOME_PAGE_URL).fill_null(False)
    )
    declared = (
        _long(frame, TITLE_SOURCES[:TITLE_H1_RANK], "title")
        .join(home_meta, on="doc_id", how="left", maintain_order="left")
        .filter(~((pl.col("rank") == TITLE_META_RANK) & pl.col("home_meta")))
        .drop("home_meta")
    )
    candidates = (
        pl.concat(
            [
                declared,
                headings.filter((pl.col("order") == 0) & pl.col("is_h1")).select(
                    "doc_id", rank=pl.lit(TITLE_H1_RANK, pl.Int32), title="title"
                ),
            ]
        )
        .filter(pl.col("title").str.contains(r"\p{L}|\p{N}").fill_null(False))
        .with_columns(title=pl.col("title").str.replace_all(EDGE_SEPARATORS, ""))
    )
    # A declared title that only names the site beside the printed headline is no headline.
    candidates = candidates.pipe(
        _demote_non_headlines,
        pl.concat([site_keys, _site_beside_headline(frame, headings)]).unique(),
        headings,
    )
    # A page declaring no title but <title> is old markup, whose <title> may end a blog's
    # name with a colon.
    old_markup = frame.select(
        "doc_id",
        old_markup=pl.all_horizontal(
            ~pl.col(source).str.contains(r"\p{L}|\p{N}").fill_null(False)
            for source in TITLE_SOURCES[:TITLE_TAG_RANK]
        ),
    )
    # Stripping never empties a title; candidates past the meta-or-<title> choice never win.
    stripped = _strip_site_names(
        candidates.filter(
            pl.col("rank") <= pl.col("rank").min().over("doc_id").clip(TITLE_TAG_RANK)
        )
        .join(old_markup, on="doc_id", how="left", maintain_order="left")
        .with_columns(splits_colon=pl.lit(False))
        .drop("old_markup"),
        label_keys,
    ).with_columns(key=_compact_key(pl.col("title")))
    structured_rank = pl.col("rank").is_in(STRUCTURED_TITLE_RANKS)
    keys = stripped.group_by("doc_id").agg(
        structured=pl.col("key")
        .filter(structured_rank)
        .sort_by(pl.col("rank").filter(structured_rank))
        .first(),
        meta=pl.col("key").filter(pl.col("rank") == TITLE_META_RANK).first(),
        tag=pl.col("key").filter(pl.col("rank") == TITLE_TAG_RANK).first(),
    )
    h1 = candidates.filter(pl.col("rank") == TITLE_H1_RANK).select(
        "doc_id", h1=_compact_key(pl.col("title"))
    )
    keys = keys.join(h1.unique("doc_id"), on="doc_id", how="left", maintain_order="left")
    # When the two headlines differ, <title> repeating one of them points to the other;
    # but not when the page's <h1> prints something else again: then nothing on the page
    # repeats the meta title, and the structured headline stands.
    h1_prints_neither = (
        pl.col("h1").is_not_null()
        & (pl.col("h1") != pl.col("structured"))
        & (pl.col("h1") != pl.col("meta"))
    )
    preferred = (
        pl.when((pl.col("structured") == pl.col("meta")) | pl.col("tag").is_null())
        .then(None)
        # A social title the page prints nowhere yields to the headline that <title> and
        # <h1> agree on.
        .when(
            pl.col("structured").is_null()
            & (pl.col("tag") == pl.col("h1"))
            & (pl.col("meta") != pl.col("tag"))
        )
        .then(pl.lit(TITLE_TAG_RANK))
        .when((pl.col("tag") == pl.col("structured")) & h1_prints_neither)
        .then(pl.col("structured_rank"))
        .when(pl.col("tag") == pl.col("structured"))
        .then(pl.lit(TITLE_META_RANK))
        .when(pl.col("tag") == pl.col("meta"))
        .then(pl.col("structured_rank"))
    )
    ranks = stripped.group_by("doc_id").agg(
        structured_rank=pl.col("rank").filter(structured_rank).min()
    )
    choice = keys.join(ranks, on="doc_id", maintain_order="left").select(
        "doc_id", preferred=preferred.cast(pl.Int32)
    )
    ranked = stripped.join(choice, on="doc_id", how="left", maintain_order="left").with_columns(
        source=pl.col("rank"),
        rank=pl.when(pl.col("rank") == pl.col("preferred")).then(-1).otherwise(pl.col("rank")),
    )
    best = _first_by_rank(ranked, pl.lit(True)).unique("doc_id", keep="first")
    # A meta title that only repeats <title> is cut as <title> is.
    sources = best.join(
        keys.select("doc_id", "tag"), on="doc_id", how="left", maintain_order="left"
    ).select(
        "doc_id",
        source=pl.when((pl.col("source") == TITLE_META_RANK) & (pl.col("key") == pl.col("tag")))
        .then(pl.lit(TITLE_TAG_RANK))
        .otherwise(pl.col("source")),
    )
    chosen = (
        _drop_kicker(best, stripped)
        .join(sources, on="doc_id", how="left", maintain_order="left")
        .join(old_markup, on="doc_id", how="left", maintain_order="left")
        .with_columns(splits_colon=pl.col("old_markup") & (pl.col("source") == TITLE_TAG_RANK))
    )
    cut = _prefer_h1_to_title_tag(
        _cut_at_printed_headline(chosen, headings, logos).join(
            old_markup, on="doc_id", how="left", maintain_order="left"
        ),
        headings,
    )
    return _as_printed(cut, headings)


def _content_words(text: pl.Expr) -> pl.Expr:
    """The words of a text long enough to carry its subject, in lower case."""
    return text.str.to_lowercase().str.extract_all(CONTENT_WORD)


def _prefer_h1_to_title_tag(chosen: pl.DataFrame, headings: pl.DataFrame) -> pl.DataFrame:
    """On a page that declares no title but its <title> (old markup), the headline its
    first <h1> prints, when that reads like one: two words or more (or an unspaced
    script) holding more than MIN_HEADLINE_SHARE of the title's letters, unless another
    heading prints the <title> (the <h1>'s own kicker, printed in its span before a
    colon, is not another heading). One row per page in and out (``doc_id``, ``title``,
    ``source``)."""
    h1 = headings.filter((pl.col("order") == 0) & pl.col("is_h1")).select(
        "doc_id", h1="title", h1_key="key"
    )
    headline = (
        (pl.col("source") == TITLE_TAG_RANK)
        & (
            (pl.col("h1").str.count_matches(r"\S+") >= 2)
            | pl.col("h1").str.contains(UNSPACED_SCRIPT)
        )
        & (
            pl.col("h1_key").str.len_chars()
            > _compact_key(pl.col("title")).str.len_chars() * MIN_HEADLINE_SHARE
        )
        # Beside a declared title, a heading sharing no word with it is about something
        # else: a sidebar's. (An old page's <title> may be no headline at all.)
        & (
            _content_words(pl.col("h1"))
            .list.set_intersection(_content_words(pl.col("title")))
            .list.len()
            .gt(0)
            | pl.col("h1").str.contains(UNSPACED_SCRIPT)
            | pl.col("old_markup")
        )
    )
    # A <title> the page also prints as a heading is its headline; the <h1> is then a logo.
    printed = headings.select("doc_id", "key", title_printed=pl.lit(True)).unique()
    return (
        chosen.with_columns(key=_compact_key(pl.col("title")))
        .join(printed, on=["doc_id", "key"], how="left", maintain_order="left")
        .join(h1, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            title=pl.when(
                headline.fill_null(False)
                # A kicker printed in its own span of the <h1>, before its colon, leads the
                # headline: not a heading apart ("Kicker: Headline").
                & (
                    pl.col("title_printed").is_null()
                    | (
                        pl.col("h1").str.starts_with(pl.col("title"))
                        & pl.col("h1")
                        .str.slice(pl.col("title").str.len_chars())
                        .str.contains(KICKER_COLON)
                    ).fill_null(False)
                )
                # An <h1> just cut off the title as the site's name is no headline.
                & (pl.col("h1_key") != pl.col("logo_key")).fill_null(True)
                # An <h1> that prints the title behind more words and no separator of
                # its own prints it behind a kicker ("Nach Corona-Lockerungen Autohäuser
                # rechnen ..."): the title is the headline.
                & ~(
                    pl.col("h1_key").str.ends_with(pl.col("key"))
                    & (
                        pl.col("h1").str.count_matches(HEADLINE_SEPARATOR)
                        <= pl.col("title").str.count_matches(HEADLINE_SEPARATOR)
                    )
                ).fill_null(False)
            )
            .then("h1")
            .otherwise("title")
        )
        .select("doc_id", "title", "source")
    )


def _as_printed(chosen: pl.DataFrame, headings: pl.DataFrame) -> pl.DataFrame:
    """The chosen title in the page's own typography when a printed heading differs from it
    only there: dashes, quotes, ellipses, capitals ("Energy Rising – 33 Tage" where the meta
    title types "Energy Rising - 33 Tage"). One row per page in and out (``doc_id``,
    ``meta_title``)."""
    printed = (
        headings.with_columns(title=pl.col("title").str.replace_all(SOFT_HYPHEN, "", literal=True))
        .with_columns(key=_typography_key(pl.col("title")))
        .sort("doc_id", "order")
        .unique(["doc_id", "key"], keep="first")
        .select("doc_id", "key", printed="title")
    )
    return (
        chosen.with_columns(key=_typography_key(pl.col("title")))
        .join(printed, on=["doc_id", "key"], how="left", maintain_order="left")
        .select("doc_id", meta_title=pl.coalesce("printed", "title"))
    )


def _typography_key(text: pl.Expr) -> pl.Expr:
    """A title with its typographic variants folded: lower case, one kind of dash, of
    quote and of apostrophe, "..." for an ellipsis, single spaces."""
    return (
        text.str.to_lowercase()
        .str.replace_all(SOFT_HYPHEN, "", literal=True)
        .str.replace_all(r"[\u2010-\u2015\u2212]", "-")
        .str.replace_all(r"[\u2018\u2019\u201a\u201b\u2032`´]", "'")
        .str.replace_all(r"[\u201c-\u201f\u00ab\u00bb\u2033]", '"')
        .str.replace_all("\u2026", "...", literal=True)
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _printed_headings(frame: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """The page's printed headings that are not the site's name (a logo): one row per page
    and heading (``doc_id``, ``order``: 0 for the first, ``title``, ``key``, ``is_h1``).
    <h1> texts come first, those inside <article> or <main> before the others; then, on a
    page declaring no title but <title>, texts of <h2>/<h3> and of title-named elements."""
    headings = (
        pl.concat(
            [
                frame.select("doc_id", title="title_h1s", is_h1=pl.lit(True)),
                frame.select("doc_id", title="title_printed", is_h1=pl.lit(False)),
            ]
        )
        .explode("title")
        .filter(pl.col("title").str.contains(r"\p{L}|\p{N}").fill_null(False))
        .with_columns(key=_compact_key(pl.col("title")))
    )
    return (
        headings.join(
            site_keys,
            left_on=["doc_id", "key"],
            right_on=["doc_id", "site_key"],
            how="anti",
            maintain_order="left",
        )
        .with_columns(order=pl.int_range(pl.len()).over("doc_id"))
        .select("doc_id", "order", "title", "key", "is_h1")
    )


def _title_edges(frame: pl.DataFrame) -> pl.DataFrame:
    """The two segments of each page's two-segment <title>, each with the other as its
    rest, where it is the shorter: one row per page in; rows (``doc_id``, ``site_key``,
    ``rest_key``) out, compact keys."""
    # A colon separates only where nothing else does ("Blog: Post", "Blog - Post: Sub").
    parts = _title_parts(pl.col("title_tag"), pl.lit(False))
    parts = (
        pl.when(parts.list.len() > 1)
        .then(parts)
        .otherwise(_title_parts(pl.col("title_tag"), pl.lit(True)))
    )
    # Two segments only: a rest of several ("Post | Blog - Tagline - Keywords") is the
    # site's name and tagline, printed in its banner.
    return (
        frame.filter(parts.list.len() == 3)
        .select(
            "doc_id",
            edge=pl.concat_list(parts.list.first(), parts.list.last()),
            rest=pl.concat_list(parts.list.last(), parts.list.first()),
        )
        .explode("edge", "rest")
        .select(
            "doc_id", site_key=_compact_key(pl.col("edge")), rest_key=_compact_key(pl.col("rest"))
        )
        .filter(pl.col("site_key").str.len_chars() < pl.col("rest_key").str.len_chars())
    )


def _linked_site_names(frame: pl.DataFrame, headings: pl.DataFrame) -> pl.DataFrame:
    """Site names a page prints as a linked <h1> (a banner) and shows as one of the two
    segments of its <title>, whose longer other one another heading prints: "Ed Brill -
    New IBM study" with <h1><a>Ed Brill</a></h1> and <h2>New IBM study</h2>. They tell a
    logo where the link's target cannot (the page's own URL unknown, a front page that is
    not the site's root). One row per page in; one row per page and name out
    (``doc_id``, ``site_key``)."""
    linked = (
        frame.select("doc_id", site_key="title_linked")
        .explode("site_key")
        .with_columns(site_key=_compact_key(pl.col("site_key")))
    )
    printed = headings.select("doc_id", rest_key="key").unique()
    return (
        _title_edges(frame)
        .join(linked, on=["doc_id", "site_key"], how="semi", maintain_order="left")
        .join(printed, on=["doc_id", "rest_key"], how="semi", maintain_order="left")
        .select("doc_id", "site_key")
    )


def _site_beside_headline(frame: pl.DataFrame, headings: pl.DataFrame) -> pl.DataFrame:
    """The shorter segment of a two-segment <title> whose other one the first <h1>
    prints ("Headline – Investment Watch", <h1> "Headline"): the site's name, though no
    site key names it. One row per page in; one row per page and name out (``doc_id``,
    ``site_key``)."""
    h1 = headings.filter((pl.col("order") == 0) & pl.col("is_h1")).select("doc_id", rest_key="key")
    return (
        _title_edges(frame)
        .join(h1, on=["doc_id", "rest_key"], how="semi", maintain_order="left")
        .select("doc_id", "site_key")
    )


def _demote_non_headlines(
    candidates: pl.DataFrame, site_keys: pl.DataFrame, headings: pl.DataFrame
) -> pl.DataFrame:
    """Declared titles that cannot be the headline rank after every other candidate: the
    site's name alone ("Investment Watch"), or one word of a spaced script that no <h1>
    prints ("Climate", "Pressemitteilungen": a section). One row per page and source in
    and out (``doc_id``, ``rank``, ``title``)."""
    printed = headings.select("doc_id", "key", is_printed=pl.lit(True)).unique()
    keyed = candidates.with_columns(key=_compact_key(pl.col("title"))).join(
        printed, on=["doc_id", "key"], how="left", maintain_order="left"
    )
    site_named = keyed.join(
        site_keys,
        left_on=["doc_id", "key"],
        right_on=["doc_id", "site_key"],
        how="semi",
        maintain_order="left",
    ).select("doc_id", "rank", is_site=pl.lit(True))
    one_word = (
        (pl.col("title").str.count_matches(r"\S+") == 1)
        & ~pl.col("title").str.contains(UNSPACED_SCRIPT)
        & pl.col("is_printed").is_null()
    )
    # A headline starts with a capital or a digit (in a script with cases); a declared
    # title (not <title>, which may open on a site's name) whose first two words are in
    # lower case is a description filed as one ("matrix equal to its conjugate-transpose").
    lower_case_start = (
        (pl.col("rank") < TITLE_TAG_RANK)
        & pl.col("title").str.contains(LOWER_CASE_FIRST_WORD)
        & pl.col("is_printed").is_null()
    )
    demoted = (pl.col("rank") < TITLE_H1_RANK) & (
        pl.col("is_site").fill_null(False) | one_word | lower_case_start
    )
    return (
        keyed.join(site_named.unique(), on=["doc_id", "rank"], how="left", maintain_order="left")
        .with_columns(rank=pl.col("rank") + demoted.cast(pl.Int32) * len(TITLE_SOURCES))
        .select("doc_id", "rank", "title")
    )


def _cut_at_printed_headline(
    chosen: pl.DataFrame, headings: pl.DataFrame, logos: pl.DataFrame
) -> pl.DataFrame:
    """The chosen title cut to its leading segments when they are what the page prints in
    its <h1> ("Headline | Outlet" with <h1> "Headline": the rest names the site, whatever
    its name); for a <title>, also to its trailing segments ("Outlet - Headline"). A
    logo's segments go, at either end and whatever their length; so do those before a
    colon that a heading prints ("Blog Name: Post title", <h1> "Blog Name"). One row per
    page in and out (``doc_id``, ``title``, ``source``, ``logo_key``: the key of the
    heading cut off as the site's name, else null).
    """
    # The segments and the title's key are columns, computed once per pair: an eager
    # ``select`` does not share subexpressions, and every candidate cut below reads them.
    parts = pl.col("parts")
    n_parts = pl.col("n_parts")
    # The <h1> is the longer part of the title: the headline; else a logo, the site's name.
    longer = pl.col("key").str.len_chars() > pl.col("title_chars") * MIN_HEADLINE_SHARE
    is_logo = pl.col("is_logo")
    leading, trailing, logo = [], [], []
    for n_segments in range(1, MAX_CUT_SEGMENTS + 1):
        size = 2 * n_segments - 1
        head = parts.list.slice(0, size).list.join("").str.strip_chars()
        tail = parts.list.slice(n_parts - size, size).list.join("").str.strip_chars()
        rest = parts.list.slice(0, n_parts - size - 1).list.join("").str.strip_chars()
        after_head = parts.list.slice(size + 1).list.join("").str.strip_chars()
        head_printed = (size < n_parts) & (_compact_key(head) == pl.col("key"))
        # An <h1> before a colon is a blog's name: a headline is not followed by one.
        site_before_colon = is_logo | pl.col("is_h1") & parts.list.get(
            size, null_on_oob=True
        ).str.contains(r"^:+\s*$").fill_null(False)
        # Another printed heading than <h1> may be the site's name: kept only when longer.
        leading.append(
            pl.when(head_printed & (pl.col("is_h1") | longer) & ~site_before_colon).then(head)
        )
        tail_printed = (size < n_parts) & (_compact_key(tail) == pl.col("key"))
        trailing.append(
            pl.when(tail_printed & longer & ~is_logo & (pl.col("source") == TITLE_TAG_RANK)).then(
                tail
            )
        )
        logo.append(
            pl.when(tail_printed & (~longer | is_logo))
            .then(rest)
            .when(head_printed & site_before_colon)
            .then(after_head)
        )
    printed = pl.concat(
        [
            headings.select("doc_id", "order", "key", "is_h1", is_logo=pl.lit(False)),
            logos.select(
                "doc_id", order=pl.lit(-1, pl.Int64), key="site_key", is_h1=False, is_logo=True
            ),
        ],
        how="vertical_relaxed",
    )
    pairs = (
        chosen.join(printed, on="doc_id", maintain_order="left")
        .with_columns(
            parts=_title_parts(pl.col("title"), pl.col("splits_colon")),
            title_chars=_compact_key(pl.col("title")).str.len_chars(),
        )
        .with_columns(n_parts=pl.col("parts").list.len())
    )
    # A leading match beats a trailing one on any <h1>; then the first <h1> wins.
    cut = (
        pl.concat(
            [
                pairs.select(
                    "doc_id", "order", "key", side=pl.lit(0), headline=pl.coalesce(*leading)
                ),
                pairs.select(
                    "doc_id", "order", "key", side=pl.lit(1), headline=pl.coalesce(*trailing)
                ),
                pairs.select("doc_id", "order", "key", side=pl.lit(2), headline=pl.coalesce(*logo)),
            ]
        )
        .filter(pl.col("headline").str.contains(r"\p{L}|\p{N}").fill_null(False))
        .sort("doc_id", "side", "order")
        .unique("doc_id", keep="first")
        .select("doc_id", "headline", logo_key=pl.when(pl.col("side") == 2).then(pl.col("key")))
    )
    return chosen.join(cut, on="doc_id", how="left", maintain_order="left").select(
        "doc_id", title=pl.coalesce("headline", "title"), source="source", logo_key="logo_key"
    )


def _drop_kicker(best: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """The chosen title without its kicker ("Minderheit in Syrien - Drusen fordern ...")
    when another candidate title is the headline alone or the same headline behind
    another kicker: one row per page in and out (``doc_id``, ``title``)."""
    tail = pl.col("title").str.extract(KICKER_PATTERN, 1)
    others = (
        candidates.with_columns(
            tail_key=_compact_key(pl.col("title").str.extract(ANY_KICKER_PATTERN, 1))
        )
        .select("doc_id", other=pl.col("key"), other_tail="tail_key")
        .unique()
    )
    best = best.select("doc_id", "title", "key").with_columns(
        tail=tail, tail_key=_compact_key(tail)
    )
    repeated = (
        best.filter(pl.col("tail").is_not_null())
        .join(others, on="doc_id", maintain_order="left")
        .filter(
            (pl.col("other") != pl.col("key"))
            & (
                (pl.col("other") == pl.col("tail_key"))
                | (pl.col("other_tail") == pl.col("tail_key"))
            )
        )
        .select("doc_id", headline="tail")
        .unique("doc_id")
    )
    return best.join(repeated, on="doc_id", how="left", maintain_order="left").select(
        "doc_id", title=pl.coalesce("headline", "title")
    )


def _authors(frame: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """Authors of each page: one row per page with authors (``meta_authors``,
    ``meta_author_kinds``, ``meta_authors_site_only``).

    Each candidate string is split like a byline; URLs, e-mail addresses, slugs
    and handles are dropped, and so is the site's own name beside other names; the
    best source wins, where a source that names only the site itself ("Salzburger
    Nachrichten") counts only when no other source has names.
    """
    names = pl.concat(
        [
            frame.select(
                "doc_id",
                pl.lit(rank, pl.Int32).alias("rank"),
                pl.col(source).alias("name"),
                (
                    pl.col("author_kinds_ld")
                    if source == "authors_ld"
                    else pl.col(source).list.eval(pl.lit(None, pl.String))
                ).alias("kind"),
            )
            for rank, source in enumerate(AUTHOR_SOURCES)
        ]
    )
    pieces = (
        names.explode("name", "kind")
        .filter(pl.col("name").is_not_null())
        .with_columns(order=pl.int_range(pl.len()).over("doc_id", "rank"))
        .pipe(_without_site_segment, site_keys)
        .with_columns(names_web_address=pl.col("name").str.contains(WEB_ADDRESS_TAIL))
        .with_columns(name=pl.col("name").str.replace(TRAILING_HANDLE, "${1}"))
        # A label's colon ("Autor: Ana Gil") is judged once the byline prefix is gone.
        .filter(~pl.col("name").str.contains(NOT_A_NAME_BEFORE_PREFIX))
        .with_columns(
            # A byline cue ("文／", "作者：", "기자") makes a one-word name in an unspaced
            # script a name; without one such a word may be a label ("留言": comments).
            is_cued=pl.col("name").str.contains(AUTHOR_PREFIX)
            | pl.col("name").str.contains(AUTHOR_ROLE_TAIL),
            name=bylines.clean_byline(pl.col("name"))
            .str.replace(AUTHOR_HANDLE_TAIL, "")
            .str.replace_all(AUTHOR_SEPARATOR, SEGMENT_MARK)
            .str.split(SEGMENT_MARK),
        )
        .explode("name")
        .with_columns(
            name=pl.col("name")
            .str.replace(AUTHOR_PREFIX, "${1}")
            .str.replace(AUTHOR_HANDLE_TAIL, "")
            .str.strip_chars()
        )
        .with_columns(
            is_role=~pl.col("name").str.replace(AUTHOR_ROLE_TAIL, "").str.contains(r"\p{L}")
            & ~pl.col("name").str.contains(AUTHOR_ROLE_HEAD)
        )
        # A job title alone ("Staff Writer") beside the names of its source is no name.
        .filter(~pl.col("is_role") | (pl.len().over("doc_id", "rank") == 1))
        .with_columns(
            name=pl.when(pl.col("name").str.contains(AUTHOR_ROLE_HEAD))
            .then(pl.col("name").str.replace(AUTHOR_ROLE_HEAD, "${1}"))
            .when(pl.col("name").str.replace(AUTHOR_ROLE_TAIL, "").str.contains(r"\p{L}"))
            .then(pl.col("name").str.replace(AUTHOR_ROLE_TAIL, ""))
            .otherwise(pl.col("name"))
            .str.replace_all(EDGE_JUNK, "")
        )
        .drop("is_role")
        .filter(pl.col("name").str.contains(r"\p{L}") & ~pl.col("name").str.contains(NOT_A_NAME))
        .with_columns(key=_compact_key(pl.col("name")))
    )
    pieces = _printed_names(pieces, site_keys)
    # "Die FURCHE" is the site furche.at: a leading article is no part of the name.
    bare_key = _compact_key(
        pl.col("name").str.to_lowercase().str.replace(LEADING_ARTICLE + r"\s+", "")
    )
    # So is a name given with a web address: an organisation's, standing for the site.
    own_site = (
        pl.concat(
            [
                pl.concat([pieces, pieces.with_columns(key=bare_key)]).join(
                    site_keys.rename({"site_key": "key"}),
                    on=["doc_id", "key"],
                    how="semi",
                    maintain_order="left",
                ),
                pieces.filter(pl.col("names_web_address")),
            ]
        )
        .select("doc_id", "rank", "order", "name", is_site=pl.lit(True))
        .unique()
    )
    flagged = pieces.join(
        own_site, on=["doc_id", "rank", "order", "name"], how="left", maintain_order="left"
    )
    only_site = pl.col("is_site").fill_null(False).all().over("doc_id", "rank")
    # The site's name beside people is a label; a source naming only the site ranks last.
    ranked = flagged.filter(only_site | pl.col("is_site").is_null()).with_columns(
        rank=pl.col("rank") + only_site * len(AUTHOR_SOURCES)
    )
    best = _first_by_rank(ranked, pl.lit(True)).unique(
        ["doc_id", "key"], keep="first", maintain_order=True
    )
    return best.group_by("doc_id", maintain_order=True).agg(
        meta_authors=pl.col("name"),
        meta_author_kinds=pl.col("kind"),
        meta_authors_site_only=(pl.col("rank") >= len(AUTHOR_SOURCES)).all(),
    )


def _without_site_segment(names: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """Declared names of the form "Site - Person" or "Site | Tagline": the segment naming
    the site is a label; the persons beside it remain, and a name with none is the
    site's. Printed bylines are left to the byline rules.

    One row per candidate name in (``doc_id``, ``rank``, ``order``, ``name``), the same
    rows out with such names replaced by their person segments, or by the site segment.
    """
    segments = (
        names.with_columns(
            segment=pl.col("name")
            .str.replace_all(SITE_SEGMENT_SEPARATOR, SEGMENT_MARK)
            .str.split(SEGMENT_MARK)
        )
        .filter(
            (pl.col("segment").list.len() > 1)
            # A printed byline's pieces are judged as a byline ("Autor: Ana Gil | Site").
            & (pl.col("rank") != AUTHOR_SOURCES.index("authors_visible"))
        )
        .explode("segment")
        .with_columns(key=_compact_key(pl.col("segment")))
    )
    is_site = segments.join(
        site_keys.rename({"site_key": "key"}),
        on=["doc_id", "key"],
        how="semi",
        maintain_order="left",
    ).select("doc_id", "rank", "order", "segment", is_site=pl.lit(True))
    marked = (
        segments.join(
            is_site, on=["doc_id", "rank", "order", "segment"], how="left", maintain_order="left"
        )
        .with_columns(is_site=pl.col("is_site").fill_null(False))
        .filter(pl.col("is_site").any().over("doc_id", "rank", "order"))
    )
    if marked.is_empty():
        # No declared name has a site segment: the person-name test is skipped (Polars
        # compiles its patterns even for no rows).
        return names.sort("doc_id", "rank", "order", maintain_order=True)
    persons = marked.filter(~pl.col("is_site") & is_person_name(pl.col("segment")))
    sites = marked.filter(pl.col("is_site")).join(
        persons.select("doc_id", "rank", "order"),
        on=["doc_id", "rank", "order"],
        how="anti",
        maintain_order="left",
    )
    replaced = pl.concat([persons, sites]).select(
        *[pl.col("segment").alias(c) if c == "name" else pl.col(c) for c in names.columns]
    )
    kept = names.join(
        marked.select("doc_id", "rank", "order"),
        on=["doc_id", "rank", "order"],
        how="anti",
        maintain_order="left",
    )
    return pl.concat([kept, replaced]).sort("doc_id", "rank", "order", maintain_order=True)


def _printed_names(pieces: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """Names of printed bylines kept only when shaped like a person's, from the first byline.

    One row per page, source and name in, the same rows out less the printed names
    that are one word, not a name's shape, or start with a site name ("MDR THÜRINGEN");
    of a page's printed bylines only the first with a name remains.
    """
    is_printed = pl.col("rank") == AUTHOR_SOURCES.index("authors_visible")
    printed = pieces.filter(is_printed)
    site_named = (
        printed.select("doc_id", "order", "key")
        .join(
            site_keys.filter(pl.col("site_key").str.len_chars() >= MIN_SHARED_SITE_CHARS),
            on="doc_id",
            maintain_order="left",
        )
        .filter(pl.col("key").str.starts_with(pl.col("site_key")))
        .select("doc_id", "order", "key")
    )
    printed = (
        printed.join(site_named, on=["doc_id", "order", "key"], how="anti", maintain_order="left")
        .filter(
            is_person_name(pl.col("name"))
            & (
                (pl.col("name").str.count_matches(r"\S+") >= MIN_PRINTED_NAME_WORDS)
                # A name in a script without case and spaces is one word: "山田太郎".
                | pl.col("name").str.contains(bylines.UNCASED_NAME) & pl.col("is_cued")
            )
        )
        .filter(pl.col("order") == pl.col("order").min().over("doc_id"))
    )
    return pl.concat([pieces.filter(~is_printed), printed])


def _parsed_dates(frame: pl.DataFrame, source_sets: list[tuple[str, ...]]) -> list[pl.DataFrame]:
    """Every date candidate parsed: per set of sources, one row per page and source with
    a date. The sets are parsed in one batch: each parse has a fixed set-up cost."""
    candidates = pl.concat(
        [
            _long(frame, sources, "text").with_columns(
                pl.lit(i, pl.Int32).alias("source_set"),
                is_printed=pl.col("rank")
                == (sources.index(PRINTED_DATE_SOURCE) if PRINTED_DATE_SOURCE in sources else -1),
            )
            for i, sources in enumerate(source_sets)
        ]
    ).filter(pl.col("text").is_not_null())
    text = pl.col("text").str.strip_chars()
    # Epoch numbers become ISO text so that one parser reads every candidate.
    epoch = (
        pl.when(text.str.contains(EPOCH_MILLISECONDS))
        .then(pl.from_epoch(text.cast(pl.Int64, strict=False), time_unit="ms"))
        .when(text.str.contains(EPOCH_SECONDS))
        .then(pl.from_epoch(text.cast(pl.Int64, strict=False), time_unit="s"))
    )
    # Printed text (a <time> element's) is read in the page language's zone; declared
    # values without an offset are read as UTC.
    languages = frame.select(
        "doc_id",
        page_language=with_domain_region(
            _locale("language_html", "language_meta"), _absolute_url(frame)
        ),
    )
    candidates = candidates.join(
        languages, on="doc_id", how="left", maintain_order="left"
    ).with_columns(
        text=pl.coalesce(epoch.dt.strftime("%Y-%m-%dT%H:%M:%SZ"), text),
        language=pl.when(pl.col("is_printed")).then(pl.col("page_language")),
    )
    parsed = (
        parse_dates(candidates, text="text", language="language")
        .filter(pl.col("date_value").is_not_null())
        .drop("page_language", "language", "is_printed")
    )
    return [
        parsed.filter(pl.col("source_set") == i).drop("source_set") for i in range(len(source_sets))
    ]


def _url_date(url: pl.Expr) -> pl.Expr:
    """The date a URL's path states (``/2019/03/12/``, ``/20190312-slug``) as ``YYYY-MM-DD``
    text, null when none or impossible; one value per URL."""
    groups = url.str.replace(URL_ORIGIN, "").str.replace(URL_QUERY, "").str.extract_groups(URL_DATE)
    field = groups.struct.field
    month = pl.coalesce(field("month"), field("month8")).cast(pl.Int32, strict=False)
    day = pl.coalesce(field("day"), field("day8")).cast(pl.Int32, strict=False)
    text = pl.format("{}-{}-{}", field("year"), month, day)
    return text.str.to_date("%Y-%-m-%-d", strict=False).dt.strftime("%Y-%m-%d")


def _without_later_stamps(parsed: pl.DataFrame) -> pl.DataFrame:
    """The published candidates (``_parsed_dates``) without a <time datetime> stamp dated
    more than MAX_STAMP_DAYS_AFTER_URL days after the URL's date, which then ranks next."""
    url_dates = parsed.filter(pl.col("rank") == PUBLISHED_SOURCES.index("published_url")).select(
        "doc_id", url_date="date_value"
    )
    is_later_stamp = (pl.col("rank") == PUBLISHED_SOURCES.index("published_time")) & (
        (pl.col("date_value") - pl.col("url_date")).dt.total_days() > MAX_STAMP_DAYS_AFTER_URL
    )
    return (
        parsed.join(url_dates, on="doc_id", how="left", maintain_order="left")
        .filter(~is_later_stamp.fill_null(False))
        .drop("url_date")
    )


def _dates(parsed: pl.DataFrame, name: str) -> pl.DataFrame:
    """The best date of each page: ``<name>_at`` (UTC, with a time), ``<name>_date`` and
    ``<name>_offset_minutes`` (the written time less the instant), from its parsed
    candidates (``_parsed_dates``).

    The best-ranked candidate decides; when it has a time but no zone, a later
    candidate stating the same wall-clock time with an offset lends its instant.
    """
    best = parsed.filter(pl.col("rank") == pl.col("rank").min().over("doc_id"))
    best = best.unique("doc_id", keep="first", maintain_order=True)
    zoned = parsed.filter(pl.col("date_zone_assumed").not_()).select(
        "doc_id", "rank", zoned_instant="date_instant"
    )
    gap = (pl.col("date_instant") - pl.col("zoned_instant")).dt.total_seconds()
    step_error = (gap + SAME_INSTANT_SECONDS) % OFFSET_STEP_SECONDS
    restated = (
        best.filter(pl.col("date_zone_assumed"))
        .select("doc_id", "date_instant")
        .join(zoned, on="doc_id", maintain_order="left")
        .filter((gap.abs() <= MAX_OFFSET) & (step_error <= 2 * SAME_INSTANT_SECONDS))
        .sort("doc_id", "rank")
        .unique("doc_id", keep="first")
        .select("doc_id", "zoned_instant")
    )
    # A lent instant keeps the best candidate's written time: the offset takes the gap.
    lent_gap = (pl.col("date_instant") - pl.col("zoned_instant")).dt.total_minutes()
    return best.join(restated, on="doc_id", how="left", maintain_order="left").select(
        "doc_id",
        pl.coalesce("zoned_instant", "date_instant").alias(f"{name}_at"),
        pl.col("date_value").alias(f"{name}_date"),
        (pl.col("date_offset_minutes") + lent_gap.fill_null(0))
        .cast(pl.Int32)
        .alias(f"{name}_offset_minutes"),
    )


def _in_page_offset(published: pl.DataFrame, stamps: pl.DataFrame) -> pl.DataFrame:
    """The published instant written in the page's own UTC offset when it is stated in UTC.

    A page that states its publication instant in UTC ("...Z") but another stamp of its
    own with a non-zero offset ("...-03:00") keeps the instant and takes that offset, so
    its date is the outlet's local calendar day. Failing that, a stamp without a zone
    whose wall clock is the same moment a whole number of half hours away
    (``<time datetime="2023-11-08 23:30:59">`` beside "2023-11-09T05:30:59Z") states
    the offset as a printed time does (``printed_offset_minutes``).
    """
    first_utc = published.filter(pl.col("meta_published_offset_minutes") == 0).select(
        "doc_id", "meta_published_at", "meta_published_offset_minutes"
    )
    wall_clock_offset = printed_offset_minutes(
        pl.col("meta_published_at"),
        pl.col("meta_published_offset_minutes"),
        pl.col("date_instant"),
        pl.col("date_offset_minutes"),
    )
    zoned = stamps.filter(
        pl.col("date_zone_assumed").not_() & (pl.col("date_offset_minutes") != 0)
    ).select("doc_id", "rank", page_offset="date_offset_minutes", zone_stated=pl.lit(True))
    naive = (
        stamps.filter(pl.col("date_zone_assumed"))
        .join(first_utc, on="doc_id", maintain_order="left")
        .select("doc_id", "rank", page_offset=wall_clock_offset, zone_stated=pl.lit(False))
        .filter(pl.col("page_offset") != 0)
    )
    local = (
        pl.concat([zoned, naive])
        .sort("doc_id", "zone_stated", "rank", descending=[False, True, False])
        .unique("doc_id", keep="first")
        .select("doc_id", "page_offset")
    )
    in_utc = (
        (pl.col("meta_published_offset_minutes") == 0)
        & pl.col("meta_published_at").is_not_null()
        & pl.col("page_offset").is_not_null()
    )
    local_at = pl.col("meta_published_at") + pl.duration(minutes=pl.col("page_offset"))
    return (
        published.join(local, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            meta_published_date=pl.when(in_utc)
            .then(local_at.dt.date())
            .otherwise("meta_published_date"),
            meta_published_offset_minutes=pl.when(in_utc)
            .then(pl.col("page_offset"))
            .otherwise("meta_published_offset_minutes"),
        )
        .drop("page_offset")
    )


def printed_offset_minutes(
    declared_at: pl.Expr, declared_offset: pl.Expr, printed_at: pl.Expr, printed_offset: pl.Expr
) -> pl.Expr:
    """The page's UTC offset, in minutes, from the wall-clock time it prints for an
    instant it declares in UTC; null when the declared instant has another offset, the
    page prints no time, the two differ by no whole offset (another moment) or by twelve
    hours (``TWELVE_HOURS``).

    ``printed_at`` and ``printed_offset`` are a printed stamp's instant and offset, as
    ``parse_dates`` reads them (the wall clock is their sum, whatever zone was assumed).
    """
    wall_clock = printed_at + pl.duration(minutes=printed_offset)
    gap = (wall_clock - declared_at).dt.total_seconds()
    step_error = (gap + SAME_INSTANT_SECONDS) % PRINTED_OFFSET_STEP_SECONDS
    steps = (gap + SAME_INSTANT_SECONDS) // PRINTED_OFFSET_STEP_SECONDS
    return (
        pl.when(
            (declared_offset == 0)
            & (gap.abs() <= MAX_OFFSET)
            & (step_error <= 2 * SAME_INSTANT_SECONDS)
            & ((gap.abs() - TWELVE_HOURS).abs() > 2 * SAME_INSTANT_SECONDS)
        )
        .then(steps * (PRINTED_OFFSET_STEP_SECONDS // 60))
        .cast(pl.Int32)
    )


def _tags(frame: pl.DataFrame, site_keys: pl.DataFrame) -> pl.DataFrame:
    """Tags of each page from the best source: one row per page with tags (``meta_tags``).

    Strings are split on commas and semicolons. A source that gives one keyword
    string of many words without separators (a bag of words, split on white
    space) counts only when no other source has tags; a source made mostly of
    upper-case codes is dropped, and so are ids, labelled facets and the site's name.
    """
    is_printed = pl.col("rank") == TAG_SOURCES.index("tags_visible")
    entries = (
        _long(frame, TAG_SOURCES, "tag")
        .with_columns(n_entries=pl.col("tag").list.len())
        .explode("tag")
        .filter(pl.col("tag").is_not_null())
        .with_columns(
            is_bag=(pl.col("n_entries") == 1)
            & ~pl.col("tag").str.contains(TAG_SEPARATOR)
            & (pl.col("tag").str.count_matches(r"\S+") >= MIN_WORDS_OF_BAG)
            & ~is_printed
        )
        .with_columns(
            # A printed tag is one link's text: its commas belong to it.
            tag=pl.when(is_printed)
            .then(pl.col("tag"))
            .when(pl.col("is_bag"))
            .then(pl.col("tag").str.replace_all(WHITE_SPACE_RUN, SEGMENT_MARK))
            .otherwise(pl.col("tag").str.replace_all(TAG_SEPARATOR, SEGMENT_MARK))
            .str.split(SEGMENT_MARK)
        )
        .explode("tag")
        .with_columns(
            tag=pl.col("tag")
            .str.replace(TAG_PATH_PREFIX, "")
            .str.replace(TOPIC_FACET, "")
            .str.replace_all(WHITE_SPACE_RUN, " ")
            .str.strip_chars()
        )
        .filter(
            ~pl.col("tag").str.contains(NOT_A_TAG_WHOLE)
            & ~pl.col("tag").str.slice(0, NOT_A_TAG_START_CHARS).str.contains(NOT_A_TAG_START)
        )
        .with_columns(key=pl.col("tag").str.to_lowercase(), site_key=_compact_key(pl.col("tag")))
        .join(site_keys, on=["doc_id", "site_key"], how="anti", maintain_order="left")
        .filter(pl.col("key").str.len_chars() > 0)
    )
    source = ["doc_id", "rank"]
    is_code = pl.col("tag").str.contains(CODE_TAG)
    ranked = entries.filter(
        (pl.len().over(source) < MIN_CODE_SOURCE_TAGS)
        | (is_code.mean().over(source) < MAX_CODE_SHARE)
    ).with_columns(
        # Bags of words rank after every structured source.
        rank=pl.col("rank") + pl.col("is_bag").any().over(source) * len(TAG_SOURCES)
    )
    best = (
        ranked.join(_tag_sources(ranked), on="doc_id", maintain_order="left")
        .filter(pl.col("rank") == pl.col("source"))
        .unique(["doc_id", "key"], keep="first", maintain_order=True)
    )
    return best.group_by("doc_id", maintain_order=True).agg(meta_tags=pl.col("tag"))


def _tag_sources(ranked: pl.DataFrame) -> pl.DataFrame:
    """The source each page's tags come from: one row per page, source and tag in
    (``doc_id``, ``rank``, ``key``); one row per page out (``doc_id``, ``source``: a rank).

    The best-ranked source, unless another one agrees with it: a declared list that
    repeats at most half of it (the rest are CMS flags: "paywall exclude"), or a printed list
    that holds all of it and more (the declared list was a digest).
    """
    doc = "doc_id"
    is_printed = pl.col("rank") % len(TAG_SOURCES) == TAG_SOURCES.index("tags_visible")
    ranked = ranked.with_columns(best=pl.col("rank").min().over(doc))
    best_keys = (
        ranked.filter(pl.col("rank") == pl.col("best")).select(doc, "key").unique()
    ).with_columns(in_best=pl.lit(True))
    sources = (
        ranked.join(best_keys, on=[doc, "key"], how="left", maintain_order="left")
        .group_by(doc, "rank", "best")
        .agg(
            n=pl.col("key").n_unique(),
            n_in_best=pl.col("key").filter(pl.col("in_best").fill_null(False)).n_unique(),
        )
        .with_columns(best_n=pl.col("n").filter(pl.col("rank") == pl.col("best")).first().over(doc))
    )
    agrees = (pl.col("rank") != pl.col("best")) & (
        (
            ~is_printed
            & (pl.col("n_in_best") == pl.col("n"))
            & (pl.col("n") >= MIN_SUBSET_TAGS)
            & (pl.col("n") <= pl.col("best_n") * MAX_SUBSET_SHARE)
        )
        | (
            is_printed
            & (pl.col("n_in_best") == pl.col("best_n"))
            & (pl.col("n") > pl.col("best_n"))
        )
    )
    return sources.group_by(doc).agg(
        source=pl.coalesce(pl.col("rank").filter(agrees).min(), pl.col("best").first())
    )


def _absolute_url(frame: pl.DataFrame) -> pl.Expr:
    """The canonical URL made absolute with the host of another candidate when relative."""
    url = pl.coalesce(*(pl.col(c).str.strip_chars() for c in URL_SOURCES))
    origin = pl.coalesce(*(pl.col(c).str.extract(r"^(https?://[^/?#]+)", 1) for c in URL_SOURCES))
    return (
        pl.when(url.str.starts_with("//"))
        .then(pl.lit("https:") + url)
        .when(url.str.starts_with("/"))
        .then(origin + url)
        .otherwise(url)
    )


def _images(frame: pl.DataFrame) -> pl.DataFrame:
    """JSON-LD images then og:image, deduplicated by URL: one row per page with images."""
    images = pl.concat(
        [
            frame.select("doc_id", pl.lit(0).alias("rank"), pl.col("images_ld").alias("image")),
            frame.select(
                "doc_id",
                pl.lit(1).alias("rank"),
                pl.col("images_meta")
                .list.eval(pl.struct(url=pl.element(), caption=None, credit=None))
                .cast(pl.List(IMAGE_STRUCT))
                .alias("image"),
            ),
        ]
    )
    flat = (
        images.explode("image")
        .filter(pl.col("image").struct.field("url").is_not_null())
        .with_columns(order=pl.int_range(pl.len()).over("doc_id", "rank"))
        .sort("doc_id", "rank", "order")
        .unique(
            ["doc_id", pl.col("image").struct.field("url").alias("url")],
            keep="first",
            maintain_order=True,
        )
    )
    return flat.group_by("doc_id", maintain_order=True).agg(meta_images=pl.col("image"))


def _locale(*columns: str) -> pl.Expr:
    """The first of the language tags that names a language, lower case ("en-gb")."""
    return pl.coalesce(
        *(
            pl.when(_language(c).is_not_null()).then(pl.col(c).str.strip_chars().str.to_lowercase())
            for c in columns
        )
    )


def _language(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().str.extract(LANGUAGE_CODE, 1).str.to_lowercase()


def metadata_frame(records: list[dict], doc_ids: list[int]) -> pl.DataFrame:
    """One dict per page in (from ``extract_metadata``); one row per page out.

    Columns and dtypes as ``METADATA_SCHEMA``, null when unknown; the precedence
    of sources per field is the module docstring's.
    """
    frame = _records_frame(records, doc_ids)
    frame = frame.with_columns(published_url=_url_date(_absolute_url(frame)))
    site_keys = _site_keys(frame)
    # Polars lets go of the interpreter lock while it computes: the titles, the costliest
    # field, are chosen on a second thread while the other fields are read here.
    titles = stage_thread("titles").submit(_titles, frame, site_keys, _label_keys(frame, site_keys))
    return _joined_fields(frame, site_keys, titles)


def _joined_fields(
    frame: pl.DataFrame, site_keys: pl.DataFrame, titles: Future[pl.DataFrame]
) -> pl.DataFrame:
    """``metadata_frame``'s fields, read from the pages' records (``frame``) and joined."""
    scalars = frame.select(
        "doc_id",
        pl.coalesce("section_ld", "section_meta").alias("meta_section"),
        _absolute_url(frame).alias("meta_url"),
        pl.coalesce("outlet_ld", "outlet_meta").alias("meta_outlet"),
        pl.coalesce("description_ld", "description_meta").alias("meta_description"),
        pl.col("body_ld").alias("meta_body"),
        pl.coalesce(
            _language("language_html"), _language("language_meta"), _language("language_ld")
        ).alias("meta_language"),
        _locale("language_html", "language_meta", "language_ld").alias("meta_locale"),
    )
    published_dates, updated_dates = _parsed_dates(frame, [PUBLISHED_SOURCES, UPDATED_SOURCES])
    published = _dates(_without_later_stamps(published_dates), "meta_published").pipe(
        _in_page_offset, pl.concat([published_dates, updated_dates], how="diagonal_relaxed")
    )
    updated = _dates(updated_dates, "meta_updated").select("doc_id", "meta_updated_at")
    authors = _authors(
        frame, pl.concat([site_keys, _site_name_tail_keys(frame)]).unique(maintain_order=True)
    )
    tags, images = _tags(frame, site_keys), _images(frame)
    result = scalars
    for part in (titles.result(), authors, published, updated, tags, images):
        result = result.join(part, on="doc_id", how="left", maintain_order="left")
    return result.select([pl.col(name).cast(dtype) for name, dtype in METADATA_SCHEMA.items()])
