"""What a page states outside structured data: ``<meta>`` tags, ``<title>``, ``<h1>``,
``<time>``, ``rel=author`` links, and printed tag lists and bylines.

``extract_metadata`` makes one CSS pass over a parsed page and returns the raw
candidates of every source (this module's and ``structured``'s), one key per field
and source (``RECORD_SCHEMA``). Python, once per page; ``precedence`` turns the
candidates of many pages into one row each.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from dateline.transforms.fields import bylines
from dateline.transforms.fields.tags import MAX_TAG_WORDS
from dateline.transforms.html.metadata.structured import (
    LEXICON,
    _is_url,
    _itemprop_value,
    _json_ld_fields,
    _microdata_fields,
    _url_key,
    parse_json_ld,
)
from dateline.transforms.lexicon import load
from dateline.transforms.patterns import STATE_CLASS_PATTERN

META_KEYS: dict[str, list[str]] = LEXICON["meta_keys"]

VISIBLE_TAGS: dict[str, Any] = LEXICON["visible_tags"]

VISIBLE_BYLINES: dict[str, Any] = LEXICON["visible_bylines"]

SITE_CHROME: frozenset[str] = frozenset(LEXICON["site_chrome"])

CONTENT_ROOTS: frozenset[str] = frozenset(LEXICON["content_roots"])

# One pass over the document finds every element metadata can come from.
METADATA_SELECTOR = (
    'script[type="application/ld+json"], meta, link[rel], time, [itemprop], '
    "title, h1, [rel~=author]"
)

# A <time> element's text longer than this is prose, not a stamp.
MAX_TIME_TEXT_CHARS = 80

# The microdata properties read (lower case); others are never evaluated.
MICRODATA_PROPERTIES = frozenset(
    {"headline", "author", "datepublished", "datemodified", "keywords"}
)


def _hint_selector(hints: dict) -> str:
    """CSS for the elements whose hint attributes contain a hint substring (any case)."""
    return ", ".join(
        [
            f"[{attribute}*={substring} i]"
            for attribute, substrings in hints["substrings_by_attribute"].items()
            for substring in substrings
        ]
        + hints.get("elements", [])
    )


# Printed tag lists and bylines, looked for only when metadata has none (one CSS pass each).
VISIBLE_TAG_SELECTOR = _hint_selector(VISIBLE_TAGS)

VISIBLE_BYLINE_SELECTOR = _hint_selector(VISIBLE_BYLINES)

VISIBLE_TAG_WORDS = frozenset(VISIBLE_TAGS["words"])

VISIBLE_BYLINE_WORDS = frozenset(VISIBLE_BYLINES["words"])

TEASER_CONTAINER_WORDS = frozenset(VISIBLE_BYLINES["teaser_container_words"])

# Co-authors' links share an element this short (a byline: "Ana Gil und Luis Paz"); links
# whose nearest shared element with the first holds more text sit apart, in other stories
# or an author box's "all posts by" link. Chosen by leave-one-site-out over the dev sets
# with and without their metadata (25..1600 and no limit tried; 50 chosen for every site).
MAX_BYLINE_REGION_CHARS = 50

# An hCard's formatted name (class "fn" in or on a "vcard"): a name the markup declares.
CARD_NAME_SELECTOR = ".vcard .fn, .vcard.fn"

# A link to an author's page ("/author/heiko/", "/redaktion/ulrike"): its text names the
# author as the markup declares it.
AUTHOR_PAGE_SEGMENTS = frozenset(VISIBLE_BYLINES["author_page_segments"])
URL_PATH_SEGMENT = re.compile(r"[/?#=&,.]+")

# A class stating what an element holds or lacks: "has-recommendations", "no-comments".
STATE_CLASS = re.compile(STATE_CLASS_PATTERN, re.IGNORECASE)

# Words of an attribute value: "articleTags tags__list" -> article, tags, tags, list.
CAMEL_CASE = re.compile(r"([a-z])([A-Z])")

NOT_LETTERS = re.compile(r"[\W\d_]+")

# A container with more links is a menu or a list of stories, not an article's tags.
MAX_VISIBLE_TAGS = 30

# Links the markup declares as the page's tags (the rel-tag microformat), whatever the
# classes say; rel="category tag" marks a blog's categories, sections rather than topics.
REL_TAG_SELECTOR = 'a[rel~="tag" i]'

# A link to a page of one tag ("/tag/195971-imigranci", "/keyword/189619/"); a site's
# topic pages ("/themen/", "/topics/") are its sections, which menus list ("Alle Themen").
TAG_PAGE_SEGMENTS = frozenset(VISIBLE_TAGS["tag_page_segments"])

# A printed byline is short; a longer text is an author's biography or a teaser.
MAX_VISIBLE_BYLINE_WORDS = 12

# Between the text pieces of a byline element ("<span>A</span><span>B</span>").
BYLINE_PIECE_MARK = " | "

# A lone byline prefix piece ("von", "By") belongs to the name after it.
BYLINE_PREFIX_PIECE = re.compile(
    r"^(?:" + bylines.PREFIX_WORDS + "|" + bylines.COLON_PREFIX_WORDS + r")\s*:?$", re.IGNORECASE
)

# A label of one to three words before a name in a printed byline ("Autor: Ana Gil",
# "Tác giả: Trần Thị Bình", "作者：张伟").
BYLINE_LABEL = re.compile(r"^[^\W\d_]{1,20}(?: [^\W\d_]{1,20}){0,2}\s*[:：]\s*")

# Labels that are byline cues: kept for the authors' precedence to strip.
BYLINE_CUE_LABELS = frozenset(
    word.lower()
    for key in ("prefixes", "colon_prefixes", "sign_off_prefixes")
    for word in bylines.BYLINE_WORDS[key]
)

# Elements whose text never belongs to a byline or tag list.
NON_TEXT_TAGS = frozenset({"script", "style", "meta", "link", "html", "body", "head", "title"})

# A name is the site's own when its compact key and a site key share this many characters.
MIN_SHARED_SITE_CHARS = 3

# Printed bylines kept per page: the first that holds a name wins.
MAX_BYLINE_CANDIDATES = 3

# A piece of a printed byline that is a date, a time or a bare label ("Stand:").
BYLINE_JUNK_PIECE = re.compile(r"\d|^[^\W\d_]{2,20}\s*:$|^\W*$")

# A web address in brackets after a declared name: an organisation's ("Deutsche Welle
# (www.dw.com)"), standing for the site. Python's and Polars' regex syntax alike.
WEB_ADDRESS_TAIL = (
    r"(?i)[(\[]\s*(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}/?\s*[)\]]\s*$"
)
WEB_ADDRESS_TAIL_RE = re.compile(WEB_ADDRESS_TAIL)

# A date stamp closing a byline piece: "Ana Gil, 01.12.2021", "Ana Gil | 3.5.2024 12:00".
TRAILING_STAMP = re.compile(r"\s*[,;|·•–-]\s*[\d./:\s-]*\d[\d./:\s-]*$")

# Embedded markup whose <title> element labels a drawing or formula, not the page.
GRAPHIC_TAGS = frozenset({"svg", "math"})

# A quotation's stamp dates the quoted post (an embedded social post), not the article.
QUOTE_TAGS = frozenset({"blockquote"})

# <h1> elements read per page: the article's own headline comes first on nearly every page
# (an <h1> inside <article> or <main> is tried before the others).
MAX_H1_CANDIDATES = 5

# Elements that may print a headline on a page without <h1> (old markup).
PRINTED_TITLE_SELECTOR = (
    "h2, h3, [class*=headline i], [class*=title i], [id*=headline i], [id*=title i]"
)

MAX_PRINTED_TITLES = 20

# An <h1> whose whole text links to the site's home page is its logo, the site's name.
URL_HOST_PART = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:)?//[^/]*", re.IGNORECASE)

INDEX_FILE = re.compile(r"(?:^|/)(?:index|default|home)\.\w+$", re.IGNORECASE)

MAX_PRINTED_TITLE_WORDS = 30

# What a heading holds that a reader does not see as its text: code, an icon's <title>,
# the readings of a ruby annotation, labels for screen readers only.
HIDDEN_CLASSES = frozenset(load("html")["hidden_classes"])

UNSEEN_IN_HEADING = ", ".join(
    ["style", "script", "title", "rt", "rp", "[hidden]"]
    + [f".{name}" for name in sorted(HIDDEN_CLASSES)]
)

# Between a headline and a site name in <title> and og:title; a match of the group is kept.
TITLE_SEPARATOR = r"\s+[|\-–—·•»«›‹/:]+\s+|\s*[|｜：ㅣ]\s*|\s+[–—-]\s*|\s*[–—]\s+"

TITLE_SEPARATOR_RE = re.compile(TITLE_SEPARATOR)

# Tags in one string: commas, semicolons, CJK commas.
TAG_SEPARATOR = r"\s*[,;，、；]\s*"

# A page printing fewer paragraphs than this may carry its text in a script, as a JSON
# string of HTML (a long one: short strings are labels).
MIN_PRINTED_PARAGRAPHS = 3

SCRIPT_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.){200,}"')

HTML_PARAGRAPH = re.compile(r"<p[\s>]", re.IGNORECASE)

# A declared list this short may be a digest of the printed tag list, which is then read.
SHORT_DECLARED_TAGS = 2

TAG_SEPARATOR_RE = re.compile(TAG_SEPARATOR)


def extract_metadata(tree: LexborHTMLParser) -> dict:
    """One parsed page in; one dict of raw metadata candidates out (Python, once per page).

    Keys are ``<field>_<source>`` (see ``RECORD_SCHEMA``): strings, lists of
    strings, and ``images_ld`` as a list of ``{url, caption, credit}``. Absent
    candidates are missing or None. Never raises on odd markup.
    """
    record: dict[str, Any] = {}
    meta: dict[str, list[str]] = {}
    microdata: dict[str, list[str]] = {}
    json_ld: list[Any] = []
    rel_authors: list[str] = []
    # (text, node) of each <a rel="author"> outside teasers.
    author_links: list[tuple[str, Any]] = []
    # (outside <article>/<main>, page order, text) of the first <h1> elements.
    headings: list[tuple[bool, int, str]] = []
    # (text, href) of those <h1> whose whole text is one link.
    logo_links: list[tuple[str, str | None]] = []
    # Whether a printed <h1> came before in the page, and which <time> sources hold a stamp
    # placed in the article (inside <article>/<main> or after the headline).
    after_headline = False
    placed_stamps: set[str] = set()
    try:
        nodes = tree.css(METADATA_SELECTOR)
    except Exception:  # a parser without a document (empty input) has nothing to select
        nodes = []
    root = tree.root
    if root is not None and root.tag == "html":
        attrs = root.attributes
        record["language_html"] = (attrs.get("lang") or attrs.get("xml:lang") or "").strip() or None
    for node in nodes:
        tag = node.tag
        attrs = node.attributes
        itemprop = attrs.get("itemprop")
        if itemprop:
            props = [p for p in itemprop.lower().split() if p in MICRODATA_PROPERTIES]
            value = _itemprop_value(node) if props else None
            if value:
                for prop in props:
                    microdata.setdefault(prop, []).append(value)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("http-equiv")
            content = attrs.get("content")
            if key and content and content.strip():
                meta.setdefault(key.strip().lower(), []).append(" ".join(content.split()))
        elif tag == "script":
            json_ld.extend(parse_json_ld(node.text(deep=True)))
        elif tag == "link":
            rel = (attrs.get("rel") or "").lower().split()
            if "canonical" in rel and "url_canonical" not in record:
                record["url_canonical"] = (attrs.get("href") or "").strip() or None
            if "author" in rel and "href" in attrs and node.text(deep=True).strip():
                rel_authors.append(" ".join(node.text(deep=True).split()))
        elif tag == "a":
            # A teaser's author link names another story's author.
            if "author" in (attrs.get("rel") or "").lower().split() and not _in_teaser(node):
                text = _undoubled(" ".join(node.text(deep=True).split()))
                if text:
                    author_links.append((text, node))
        elif (
            tag == "time"
            and (key := _stamp_source(attrs)) not in placed_stamps
            and not _in_teaser(node)
            and not _inside(node, QUOTE_TAGS)
        ):
            # A teaser's or a sidebar list's stamp dates another story. The first stamp
            # placed in the article wins over one before it outside the article and above
            # the headline (the site's clock in its top bar, a teaser strip).
            stamp = (attrs.get("datetime") or "").strip()
            # <time>12 March 2024</time>: the printed stamp, when no attribute states it.
            text = "" if stamp else " ".join(node.text(deep=True).split())
            value = stamp or (text if len(text) <= MAX_TIME_TEXT_CHARS else "")
            if value:
                placed = after_headline or _inside(node, CONTENT_ROOTS)
                if placed or key not in record:
                    record[key] = value
                if placed:
                    placed_stamps.add(key)
        elif tag == "title" and "title_tag" not in record:
            text = " ".join(node.text(deep=True).split()) or None
            parent = node.parent
            if parent is not None and parent.tag == "head":
                record["title_tag"] = text
            elif "title_tag_stray" not in record and not _inside(node, GRAPHIC_TAGS):
                # Output printed before <html> (a server warning, a stray tag) moves the head's
                # elements into <body>, <title> among them.
                record["title_tag_stray"] = text
        elif (
            tag == "h1"
            and len(headings) < MAX_H1_CANDIDATES
            # An <h1> for screen readers only is no printed headline.
            and not _for_screen_readers(node)
        ):
            text = _heading_text(node)
            after_headline = after_headline or bool(text)
            if text:
                headings.append((not _inside(node, CONTENT_ROOTS), len(headings), text))
                logo_links.append((text, _heading_link(node, text)))

    stray_title = record.pop("title_tag_stray", None)
    if "title_tag" not in record:
        record["title_tag"] = stray_title
    record["title_h1s"] = [text for _, _, text in sorted(headings)]
    record["title_h1"] = record["title_h1s"][0] if headings else None
    record.update(_json_ld_fields(json_ld, record.get("url_canonical")))
    _meta_fields(record, meta)
    _microdata_fields(record, microdata)
    record["authors_rel"] = rel_authors + _first_byline_links(author_links)
    page_url = record.get("url_canonical") or record.get("url_meta")
    record["title_logos"] = [text for text, href in logo_links if _links_home(href, page_url)]
    record["title_linked"] = [text for text, href in logo_links if href]
    record["site_names"] = [
        name
        for name in [record.get("outlet_ld"), *(meta.get("og:site_name") or [])]
        + (meta.get("application-name") or [])
        if name
    ]
    # Printed lists are read only when metadata declares nothing: declared lists are the
    # article's own, printed ones may be a menu.
    declared = [
        tag for tag in (record.get("tags_ld"), record["tags_meta"], record["tags_microdata"]) if tag
    ]
    if (
        sum(len(TAG_SEPARATOR_RE.split(tag)) for tags in declared for tag in tags)
        <= SHORT_DECLARED_TAGS
    ):
        record["tags_visible"] = _visible_tags(tree)
    if _names_only_site(record):
        record["authors_card"] = _card_bylines(tree)
        # One CSS pass finds the byline elements both readings go through.
        bylines = _byline_elements(tree)
        record["authors_linked"] = _author_page_links(bylines)
        record["authors_visible"] = _visible_bylines(bylines)
    # A page declaring no title but <title> (old pages) may print its headline in another
    # element than <h1>: those texts can show which segments of <title> are the headline.
    if record.get("title_tag") and _declares_no_more_than_title_tag(record):
        record["title_printed"] = _printed_titles(tree)
    return record


def script_body(tree: LexborHTMLParser) -> str | None:
    """The article's HTML as a script carries it, for a page that prints (almost) no
    paragraphs itself: the longest JSON string in a script that holds several ``<p>``.

    Script-rendered pages (a React payload, a state object) ship their text that way.
    One parsed page in, an HTML fragment or None out (Python, once per page).
    """
    if len(tree.css("p")) >= MIN_PRINTED_PARAGRAPHS:
        return None
    best: str | None = None
    for node in tree.css("script"):
        text = node.text(deep=True)
        if "<p" not in text and "u003cp" not in text:
            continue
        for match in SCRIPT_JSON_STRING.finditer(text):
            try:
                value = json.loads(match.group(0))
            except ValueError:
                continue
            if len(HTML_PARAGRAPH.findall(value)) >= MIN_PRINTED_PARAGRAPHS and len(value) > len(
                best or ""
            ):
                best = value
    return best


def _printed_titles(tree: LexborHTMLParser) -> list[str]:
    """Short texts of <h2>/<h3> and of elements whose class or id names a title or headline,
    outside navigation, in page order (at most ``MAX_PRINTED_TITLES``)."""
    try:
        nodes = tree.css(PRINTED_TITLE_SELECTOR)
    except Exception:  # a parser without a document (empty input) has nothing to select
        return []
    texts: list[str] = []
    for node in nodes:
        if node.tag in NON_TEXT_TAGS or _in_site_chrome(node):
            continue
        text = _heading_text(node)
        if text and len(text.split()) <= MAX_PRINTED_TITLE_WORDS and text not in texts:
            texts.append(text)
            if len(texts) == MAX_PRINTED_TITLES:
                break
    return texts


def _heading_link(node: Any, text: str) -> str | None:
    """The href of the link that holds a heading's whole text, inside it or around it."""
    links = node.css("a[href]")
    if len(links) == 1 and " ".join(links[0].text(deep=True).split()) == text:
        return links[0].attributes.get("href")
    parent = node.parent
    if not links and parent is not None and parent.tag == "a":
        return parent.attributes.get("href")
    return None


def _url_path(url: str) -> str:
    """A URL's path without host, query, anchor, index file and trailing slash."""
    path = URL_HOST_PART.sub("", url.split("#", 1)[0].split("?", 1)[0].strip())
    return INDEX_FILE.sub("", path).rstrip("/")


def _declares_no_more_than_title_tag(record: dict[str, Any]) -> bool:
    """True when the page declares no title of its own: none at all, or only its <title>
    again, or only the shorter end of it ("Ed Brill" for "Ed Brill - New IBM study"),
    which names the site."""
    title_tag = _folded(record["title_tag"])
    segments = TITLE_SEPARATOR_RE.split(title_tag)
    site_ends = (
        {end for end in (segments[0], segments[-1]) if len(end) < len(title_tag) / 2}
        if len(segments) > 1
        else set()
    )
    return all(
        _folded(declared) in site_ends or _folded(declared) == title_tag
        for key in ("title_ld", "title_microdata", "title_meta")
        if (declared := record.get(key)) and declared.strip()
    )


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _links_home(href: str | None, page_url: str | None) -> bool:
    """True when a link leads to the site's home page: its root, or a folder above the
    page's own URL (a blog's front page, "/blog/")."""
    if not href or not href.strip() or href.strip().startswith("#"):
        return False
    path = _url_path(href)
    return path == "" or (page_url is not None and _url_path(page_url).startswith(path + "/"))


def _for_screen_readers(node: Any) -> bool:
    """True for an element hidden from view: its ``hidden`` attribute or a hiding class."""
    attributes = node.attributes
    return "hidden" in attributes or not HIDDEN_CLASSES.isdisjoint(
        (attributes.get("class") or "").split()
    )


def _seen_text(node: Any, separator: str = "") -> str:
    """The text of ``node`` as a reader sees it: without what its <style> or <script>
    children hold, the readings of a ruby annotation (<rt>) or a label only screen
    readers get ("<span class=visually-hidden>Headline:</span>"); text nodes joined
    by ``separator``."""
    if node.css_first(UNSEEN_IN_HEADING) is None:
        return node.text(deep=True, separator=separator)
    unseen = {inner.mem_id for inner in node.css(UNSEEN_IN_HEADING)}
    pieces = []
    for child in node.traverse(include_text=True):
        if child.tag != "-text":
            continue
        ancestor = child.parent
        while ancestor is not None and ancestor.mem_id not in unseen and ancestor != node:
            ancestor = ancestor.parent
        if ancestor is None or ancestor == node:
            pieces.append(child.text(deep=False))
    return separator.join(pieces)


def _heading_text(node: Any) -> str | None:
    """The text of a heading as a reader sees it (``_seen_text``), whitespace collapsed."""
    return " ".join(_seen_text(node).split()) or None


def _in_teaser(node: Any) -> bool:
    """True inside a container whose class or id names teasers, related stories or comments."""
    node = node.parent
    # Above the article's own root a class is page layout ("with-sidebar"), not a teaser.
    while node is not None and node.tag not in ("body", "html") and node.tag not in CONTENT_ROOTS:
        if _is_hinted(node, ("class", "id"), TEASER_CONTAINER_WORDS):
            return True
        node = node.parent
    return False


def _stamp_source(attrs: dict) -> str:
    """The published source a <time> element fills: its datetime attribute, else its text."""
    return "published_time" if (attrs.get("datetime") or "").strip() else "published_time_text"


def _inside(node: Any, tags: Collection[str]) -> bool:
    """True when an ancestor of ``node`` is one of ``tags``: ``CONTENT_ROOTS`` (<article>,
    <main>), or ``GRAPHIC_TAGS`` (<svg>, <math>, whose <title> names a drawing)."""
    node = node.parent
    while node is not None:
        if node.tag in tags:
            return True
        node = node.parent
    return False


def _is_hinted(node: Any, attributes: Iterable[str], words: frozenset[str]) -> bool:
    """True when a word of one of the node's hint attributes is a hint word. A class that
    states what an element holds or lacks ("has-recommendations", "no-comments") names no
    role of its own."""
    attrs = node.attributes
    for attribute in attributes:
        value = attrs.get(attribute)
        if value and not words.isdisjoint(_hint_words(value)):
            return True
    return False


# Distinct class and id strings whose words a process keeps: pages repeat their class names.
HINT_WORDS_CACHE_SIZE = 1 << 14


@functools.lru_cache(maxsize=HINT_WORDS_CACHE_SIZE)
def _hint_words(value: str) -> frozenset[str]:
    """The words of a class or id string, lower case, split at camel case, without state
    classes ("has-recommendations"): none when nothing is left of it."""
    value = STATE_CLASS.sub(" ", value)
    if not value:
        return frozenset()
    return frozenset(NOT_LETTERS.split(CAMEL_CASE.sub(r"\1 \2", value).lower()))


def _in_site_chrome(node: Any) -> bool:
    """True inside navigation, a page header, footer or sidebar not nested in the article."""
    while node is not None:
        tag = node.tag
        if tag in CONTENT_ROOTS:
            return False
        if tag in SITE_CHROME:
            return True
        node = node.parent
    return False


def _hinted_nodes(tree: LexborHTMLParser, selector: str, hints: dict, words: frozenset[str]):
    """Elements a hint names, outside site navigation, in document order."""
    try:
        nodes = tree.css(selector)
    except Exception:  # a parser without a document (empty input) has nothing to select
        return
    elements = frozenset(hints.get("elements", []))
    for node in nodes:
        tag = node.tag
        if tag in NON_TEXT_TAGS or tag in CONTENT_ROOTS:
            continue
        if (tag in elements or _is_hinted(node, hints["substrings_by_attribute"], words)) and not (
            _in_site_chrome(node)
        ):
            yield node


def _visible_tags(tree: LexborHTMLParser) -> list[str]:
    """Link texts of the first printed tag list: a container a hint names, or hinted links,
    else the links marked ``rel="tag"``.

    Hinted links ("<a class=tag>") form one list wherever they stand; a container
    counts when it has one to ``MAX_VISIBLE_TAGS`` short link texts.
    """
    lists: list[list[Any]] = []
    hinted_links: list[Any] = []
    for node in _hinted_nodes(tree, VISIBLE_TAG_SELECTOR, VISIBLE_TAGS, VISIBLE_TAG_WORDS):
        if node.tag == "a":
            if not hinted_links:
                lists.append(hinted_links)
            hinted_links.append(node)
        else:
            lists.append(node.css("a"))
    for links in lists:
        if tags := _link_tags(links):
            return tags
    # Without a hint in the page's classes, the links the markup itself declares as tags,
    # else the links to the site's tag pages ("/tag/195971-imigranci", "/keyword/189619/").
    return _link_tags(
        [
            link
            for link in tree.css(REL_TAG_SELECTOR)
            if "category" not in (link.attributes.get("rel") or "").lower().split()
            and not _in_site_chrome(link)
        ]
    ) or _link_tags(
        [
            link
            for link in tree.css("a[href]")
            if _first_path_segment(link.attributes.get("href") or "") in TAG_PAGE_SEGMENTS
            and not _in_site_chrome(link)
        ]
    )


def _first_path_segment(href: str) -> str:
    """The first segment of a link's path, lower case: "tag" for "https://x.org/tag/a"."""
    return next((part for part in URL_HOST_PART.sub("", href).lower().split("/") if part), "")


def _link_tags(links: list[Any]) -> list[str]:
    """The distinct short texts of a list's links; none for more than ``MAX_VISIBLE_TAGS``."""
    tags: list[str] = []
    for link in links:
        text = " ".join(link.text(deep=True).split())
        if text and len(text.split()) <= MAX_TAG_WORDS and text not in tags:
            tags.append(text)
    return tags if len(tags) <= MAX_VISIBLE_TAGS else []


def _byline_elements(tree: LexborHTMLParser) -> list[Any]:
    """Elements a byline hint names, outside site navigation and teasers (a teaser's
    byline names another story's author), in document order."""
    return [
        node
        for node in _hinted_nodes(
            tree, VISIBLE_BYLINE_SELECTOR, VISIBLE_BYLINES, VISIBLE_BYLINE_WORDS
        )
        if not _in_teaser(node)
    ]


def _visible_bylines(bylines: list[Any]) -> list[str]:
    """Texts of the first printed bylines: elements a hint names, with a short text.

    Text pieces of separate elements are kept apart (" | "), a lone prefix piece
    ("von") joins the name after it, dates and bare labels ("Stand:") go, and so
    does a leading label ("Autor:"). At most ``MAX_BYLINE_CANDIDATES``: those inside
    <article>/<main> first, then in page order; none inside a teaser, a related list or
    comments.
    """
    texts: list[str] = []
    # The article's own bylines (inside <article>/<main>) first; teasers' never.
    nodes = sorted(
        ((not _inside(node, CONTENT_ROOTS), order, node) for order, node in enumerate(bylines)),
        key=lambda item: item[:2],
    )
    for _, _, node in nodes:
        # As a reader sees it: a label for screen readers ("Author") is no part of it.
        pieces = [" ".join(p.split()) for p in _seen_text(node, "\n").split("\n")]
        pieces = [p for p in pieces if p]
        if not pieces or sum(len(p.split()) for p in pieces) > MAX_VISIBLE_BYLINE_WORDS:
            continue
        joined: list[str] = []
        for piece in pieces:
            if joined and BYLINE_PREFIX_PIECE.match(joined[-1]):
                joined[-1] = f"{joined[-1]} {piece}"
            else:
                joined.append(piece)
        joined = [TRAILING_STAMP.sub("", piece) for piece in joined]
        text = BYLINE_PIECE_MARK.join(
            _without_label(p) for p in joined if not BYLINE_JUNK_PIECE.search(p)
        )
        if text and text not in texts:
            texts.append(text)
            if len(texts) == MAX_BYLINE_CANDIDATES:
                break
    return texts


def _first_byline_links(links: list[tuple[str, Any]]) -> list[str]:
    """The texts of the author links of the page's first byline: the first link and those
    that share with it an element of at most MAX_BYLINE_REGION_CHARS of text (co-authors'
    cards side by side). Author links elsewhere on the page sign other stories."""
    if not links:
        return []
    first_ancestors: dict[int, Any] = {}
    node = links[0][1].parent
    while node is not None:
        first_ancestors[node.mem_id] = node
        node = node.parent
    region_chars: dict[int, int] = {}
    kept: list[str] = []
    for text, link in links:
        common = link.parent
        while common is not None and common.mem_id not in first_ancestors:
            common = common.parent
        if common is None:
            continue
        if common.mem_id not in region_chars:
            region_chars[common.mem_id] = len(" ".join(common.text(deep=True).split()))
        if region_chars[common.mem_id] <= MAX_BYLINE_REGION_CHARS:
            kept.append(text)
    return kept


def _undoubled(text: str) -> str:
    """A name printed twice in one element (once for screens, once for readers: "Ana Gil
    Ana Gil") once."""
    words = text.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


def _card_bylines(tree: LexborHTMLParser) -> list[str]:
    """Names an hCard declares in a byline: the text of an ``fn`` in or on a ``vcard``
    that is, or sits in, an element a byline hint names ("author vcard"); none inside a
    teaser, a related list or comments. At most ``MAX_BYLINE_CANDIDATES``.

    Blogs sign with a first name or a handle ("Heiko", "tlow"): the markup, not the
    shape of the name, says it is the author's.
    """
    names: list[str] = []
    for node in tree.css(CARD_NAME_SELECTOR):
        if _in_teaser(node) or not _in_byline(node):
            continue
        text = _undoubled(" ".join(node.text(deep=True).split()))
        if text and len(text.split()) <= MAX_VISIBLE_BYLINE_WORDS and text not in names:
            names.append(text)
            if len(names) == MAX_BYLINE_CANDIDATES:
                break
    return names


def _ascii_key(text: str) -> str:
    """Letters and digits only, accents folded, lower case: "Cañete-Gil" -> "canetegil"."""
    return _compact(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())


def _author_page_links(bylines: list[Any]) -> list[str]:
    """Names a byline links to their author's page: the texts of links whose path has an
    author segment and spells the name ("/author/cortyn/", "/redaktion/ulrike"), inside
    the first printed byline element that holds one (outside teasers, related lists and
    comments).

    Like an hCard, the link says the text is an author's, whatever the name's shape; it
    is read after the printed byline, which keeps a full list of names.
    """
    for node in bylines:
        names: list[str] = []
        for link in node.css("a[href]"):
            path = URL_HOST_PART.sub("", link.attributes.get("href") or "").lower()
            text = _undoubled(" ".join(link.text(deep=True).split()))
            key = _ascii_key(text)
            if (
                key
                and not AUTHOR_PAGE_SEGMENTS.isdisjoint(URL_PATH_SEGMENT.split(path))
                # The page is the named author's: its path spells the name ("/author/
                # alex-heath/"), unlike a link to a search or to all authors ("Autoren").
                and key in _ascii_key(path)
                and key not in AUTHOR_PAGE_SEGMENTS
                and len(text.split()) <= MAX_VISIBLE_BYLINE_WORDS
                and text not in names
            ):
                names.append(text)
        if names:
            return names[:MAX_BYLINE_CANDIDATES]
    return []


def _in_byline(node: Any) -> bool:
    """True when the node or an ancestor below <body> is an element a byline hint names."""
    while node is not None and node.tag not in ("body", "html"):
        if _is_hinted(node, ("class", "id"), VISIBLE_BYLINE_WORDS):
            return True
        node = node.parent
    return False


def _without_label(piece: str) -> str:
    """A printed byline piece without its leading label ("Stand: ..."), unless the label is
    a byline cue ("Autor:", "作者："), which the authors' precedence strips and heeds."""
    label = BYLINE_LABEL.match(piece)
    if label is None or label.group(0).rstrip(" :：").lower() in BYLINE_CUE_LABELS:
        return piece
    return piece[label.end() :]


def _compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _names_only_site(record: dict[str, Any]) -> bool:
    """True when no metadata author source names anyone but the site (or none names anyone).

    A name is the site's when it shares its start with a site name or the host, or
    carries the host or another web address ("Deutsche Welle (www.dw.com)").
    """
    names = [
        name
        for source in ("authors_ld", "authors_meta", "authors_microdata", "authors_rel")
        for name in record.get(source) or []
    ]
    if not names:
        return True
    host = _url_key(record.get("url_canonical") or record.get("url_meta")) or ""
    host = host.split("/", 1)[0]
    sites = [_compact(name) for name in record.get("site_names") or []]
    sites += [_compact(host), _compact(host.split(".", 1)[0])]
    sites = [key[:MIN_SHARED_SITE_CHARS] for key in sites if len(key) >= MIN_SHARED_SITE_CHARS]
    return all(
        (host and host in name.lower())
        or _compact(name)[:MIN_SHARED_SITE_CHARS] in sites
        or WEB_ADDRESS_TAIL_RE.search(name)
        for name in names
    )


def _first_meta(meta: dict[str, list[str]], field: str) -> str | None:
    for key in META_KEYS[field]:
        for value in meta.get(key) or []:
            if value:
                return value
    return None


def _meta_fields(record: dict[str, Any], meta: dict[str, list[str]]) -> None:
    """Meta candidates, one per field, in the lexicon's key order."""
    for field in ("title", "published", "updated", "section", "outlet", "description", "language"):
        record[f"{field}_meta"] = _first_meta(meta, field)
    record["url_meta"] = next(
        (v for k in META_KEYS["url"] for v in meta.get(k) or [] if _is_url(v)), None
    )
    record["authors_meta"] = next(
        (
            values
            for key in META_KEYS["authors"]
            if (values := [v for v in meta.get(key) or [] if not _is_url(v)])
        ),
        [],
    )
    # All tags of the first meta key that has any (repeated article:tag counts as one key).
    record["tags_meta"] = next(
        (meta[key] for key in META_KEYS["tags"] if meta.get(key)),
        [],
    )
    record["images_meta"] = [v for k in META_KEYS["image"] for v in meta.get(k) or []]
