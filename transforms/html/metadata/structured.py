"""What a page declares in structured form: JSON-LD and microdata.

``parse_json_ld`` decodes (and repairs) one ``<script type="application/ld+json">``;
``_json_ld_fields`` picks the article object (the one whose url matches the canonical
URL, else the one with headline and datePublished; same-story objects fill gaps) and
reads its fields; ``_microdata_fields`` reads the ``itemprop`` values collected by
``page.extract_metadata``. Python, once per page. The precedence between these and the
other sources is in ``precedence``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from dateline.transforms import lexicon

LEXICON: dict[str, Any] = lexicon.load("html_meta")

ARTICLE_TYPE_RANK: dict[str, int] = {t.lower(): i for i, t in enumerate(LEXICON["article_types"])}

FALLBACK_TYPE_RANK: dict[str, int] = {
    t.lower(): len(ARTICLE_TYPE_RANK) + i for i, t in enumerate(LEXICON["fallback_types"])
}

TYPE_RANK: dict[str, int] = {**FALLBACK_TYPE_RANK, **ARTICLE_TYPE_RANK}

PERSON_TYPES: frozenset[str] = frozenset(t.lower() for t in LEXICON["person_types"])

ORGANIZATION_TYPES: frozenset[str] = frozenset(t.lower() for t in LEXICON["organization_types"])

URL_SCHEMES: tuple[str, ...] = tuple(LEXICON["url_schemes"])

# Deepest JSON-LD nesting followed; real pages stay far below it.
MAX_JSON_DEPTH = 12

# A JSON-LD block larger than this is not metadata (embedded data dumps).
MAX_JSON_CHARS = 2_000_000

# JSON-LD repairs, tried in turn when a block does not decode.
HTML_COMMENT = re.compile(r"<!--|-->")

CDATA_MARK = re.compile(r"(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>")

TRAILING_COMMA = re.compile(r",\s*([}\]])")

# JS comments outside strings are rare; a whole line starting with // is one.
LINE_COMMENT = re.compile(r"^\s*//[^\n]*$", re.MULTILINE)

# Leading "var x = " or a trailing ";" around an object.
JS_WRAPPER = re.compile(r"^\s*[^{\[]*?=\s*|;\s*$")

# Invalid escapes such as \' or \/ in odd forms: drop the backslash.
BAD_ESCAPE = re.compile(r"\\([^\"\\/bfnrtu])")

SCHEME_RELATIVE = "//"

# Paragraph breaks inside a declared articleBody: a newline, or <br>/<p> left in the string.
BODY_PARAGRAPH_BREAK = re.compile(r"\s*(?:\n|<br\s*/?>|</?p[^>]*>)\s*", re.IGNORECASE)


def _decode_all(text: str) -> list[Any]:
    """Every JSON value in ``text`` (several may be concatenated); [] when none decodes."""
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    position, end = 0, len(text)
    while position < end:
        while position < end and text[position] in " \t\r\n;,":
            position += 1
        if position >= end:
            break
        try:
            value, position = decoder.raw_decode(text, position)
        # Nesting deeper than Python's recursion limit is as undecodable as bad syntax.
        except (ValueError, RecursionError):
            return values if values else []
        values.append(value)
    return values


def parse_json_ld(text: str) -> list[Any]:
    """The JSON values of one ld+json script, repaired when broken; [] when beyond repair."""
    if not text or len(text) > MAX_JSON_CHARS:
        return []
    text = text.strip()
    values = _decode_all(text)
    if values:
        return values
    repaired = CDATA_MARK.sub("", HTML_COMMENT.sub("", text))
    repaired = LINE_COMMENT.sub("", repaired)
    for step in (
        lambda t: t,
        lambda t: TRAILING_COMMA.sub(r"\1", t),
        lambda t: JS_WRAPPER.sub("", t),
        lambda t: BAD_ESCAPE.sub(r"\1", t),
    ):
        repaired = step(repaired).strip()
        values = _decode_all(repaired)
        if values:
            return values
    return []


def _walk(value: Any, depth: int = 0) -> Iterator[dict]:
    """Every object in a JSON value, outer before inner, in document order."""
    if depth > MAX_JSON_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            if isinstance(child, dict | list):
                yield from _walk(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, dict | list):
                yield from _walk(child, depth + 1)


def _types(obj: dict) -> list[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)]


def _body_text(value: Any) -> str | None:
    """articleBody as text: unescaped, blank-line paragraphs kept, white space collapsed in them."""
    if not isinstance(value, str):
        return _text(value)
    text = html.unescape(value) if "&" in value else value
    paragraphs = [" ".join(part.split()) for part in BODY_PARAGRAPH_BREAK.split(text)]
    return "\n\n".join(p for p in paragraphs if p) or None


def _text(value: Any) -> str | None:
    """A JSON scalar (or a list's first scalar, or an object's @value) as stripped text."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float | dict)), None)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        # JSON-LD strings are often HTML-escaped a second time (&quot;, &ouml;).
        text = " ".join((html.unescape(value) if "&" in value else value).split())
        return text or None
    return None


def _resolve(value: Any, index: dict[str, dict]) -> Any:
    """An ``{"@id": ...}`` reference replaced by the object it names, when known."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        ref = value.get("@id")
        if isinstance(ref, str) and ref in index:
            return index[ref]
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ld_url(value: Any, index: dict[str, dict]) -> str | None:
    value = _resolve(value, index)
    if isinstance(value, dict):
        return _text(value.get("url")) or _text(value.get("@id"))
    return _text(value)


def _ld_authors(value: Any, index: dict[str, dict]) -> tuple[list[str], list[str | None]]:
    """Names and kinds of a JSON-LD author value (string, object, list, nested name lists)."""
    names: list[str] = []
    kinds: list[str | None] = []
    for item in _as_list(value):
        item = _resolve(item, index)
        kind = None
        if isinstance(item, dict):
            types = set(_types(item))
            kind = (
                "person"
                if types & PERSON_TYPES
                else "organization"
                if types & ORGANIZATION_TYPES
                else None
            )
            item = item.get("name") if "name" in item else item.get("@value")
        for name in _as_list(item):
            if isinstance(name, dict):
                name = name.get("name") or name.get("@value")
            text = _text(name)
            if text:
                names.append(text)
                kinds.append(kind)
    return names, kinds


def _ld_images(value: Any, index: dict[str, dict]) -> list[dict[str, str | None]]:
    """URL, caption and credit of each JSON-LD image (URL string, ImageObject or list)."""
    images = []
    for item in _as_list(value):
        item = _resolve(item, index)
        if isinstance(item, dict):
            url = _text(item.get("url")) or _text(item.get("contentUrl"))
            credit_value = next(
                (
                    item[key]
                    for key in (
                        "creditText",
                        "copyrightNotice",
                        "copyrightHolder",
                        "author",
                        "creator",
                    )
                    if item.get(key)
                ),
                None,
            )
            credit_names, _ = _ld_authors(credit_value, index)
            credit = ", ".join(credit_names) if credit_names else None
            caption = _text(item.get("caption")) or _text(item.get("description"))
            if url:
                images.append({"url": url, "caption": caption, "credit": credit})
        else:
            url = _text(item)
            if url:
                images.append({"url": url, "caption": None, "credit": None})
    return images


def _keywords(value: Any) -> list[str]:
    """Keywords as given: a list's strings, or one string (split later)."""
    return [t for t in (_text(v) for v in _as_list(value)) if t]


def _article_rank(obj: dict, canonical: str | None, index: dict[str, dict]) -> tuple | None:
    """Sort key of a candidate article object (smaller is better); None if no article."""
    kind = obj.get("@type")
    if kind is None:
        return None
    # Most objects (images, breadcrumbs, people) have one type that ranks nowhere.
    if isinstance(kind, str) and kind.rsplit("/", 1)[-1].lower() not in TYPE_RANK:
        return None
    ranks = [TYPE_RANK[t] for t in _types(obj) if t in TYPE_RANK]
    if not ranks:
        return None
    type_rank = min(ranks)
    is_fallback = type_rank >= len(ARTICLE_TYPE_RANK)
    urls = {_ld_url(obj.get("url"), index), _ld_url(obj.get("mainEntityOfPage"), index)}
    matches = bool(canonical) and _same_url(canonical, urls)
    complete = bool(obj.get("headline")) and bool(obj.get("datePublished"))
    return (is_fallback, not matches, not complete, not obj.get("author"), type_rank)


def _url_key(url: str | None) -> str | None:
    if not url:
        return None
    key = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").lower()
    for scheme in ("https://", "http://", SCHEME_RELATIVE):
        key = key.removeprefix(scheme)
    return key.removeprefix("www.")


def _same_url(canonical: str, urls: set[str | None]) -> bool:
    key = _url_key(canonical)
    return any(_url_key(u) == key for u in urls if u)


def _json_ld_fields(values: list[Any], canonical: str | None) -> dict[str, Any]:
    """The article object's fields, from every JSON-LD value of a page."""
    objects = [obj for value in values for obj in _walk(value)]
    index = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str) and len(obj) > 2}
    ranked = [
        (rank, position, obj)
        for position, obj in enumerate(objects)
        if (rank := _article_rank(obj, canonical, index)) is not None
    ]
    fields: dict[str, Any] = {}
    if not ranked:
        publisher = next((o for o in objects if set(_types(o)) & ORGANIZATION_TYPES), None)
        if publisher:
            fields["outlet_ld"] = _text(publisher.get("name"))
        return fields
    ranked.sort(key=lambda r: r[:2])
    best_rank = ranked[0][0]
    # Other article objects about the same page (same URL match, not a fallback type) fill
    # the fields the best one lacks: sites often emit two descriptions of one story.
    same_story = [
        obj for rank, _, obj in ranked if rank[:2] == best_rank[:2] and not best_rank[0]
    ] or [ranked[0][2]]
    for article in same_story:
        for name, value in _article_fields(article, index).items():
            if value and not fields.get(name):
                fields[name] = value
    return fields


def _article_fields(article: dict, index: dict[str, dict]) -> dict[str, Any]:
    """The fields of one JSON-LD article object."""
    authors, kinds = _ld_authors(article.get("author") or article.get("creator"), index)
    publisher = _resolve(article.get("publisher"), index)
    if isinstance(publisher, list):
        publisher = _resolve(publisher[0], index) if publisher else None
    return {
        "title_ld": _text(article.get("headline")) or _text(article.get("name")),
        "authors_ld": authors,
        "author_kinds_ld": kinds,
        "published_ld": _text(article.get("datePublished")) or _text(article.get("dateCreated")),
        "updated_ld": _text(article.get("dateModified")),
        "tags_ld": _keywords(article.get("keywords")),
        "section_ld": _text(article.get("articleSection")),
        "url_ld": _ld_url(article.get("mainEntityOfPage"), index)
        or _ld_url(article.get("url"), index),
        "outlet_ld": (
            _text(publisher.get("name")) if isinstance(publisher, dict) else _text(publisher)
        ),
        "description_ld": _text(article.get("description")),
        "body_ld": _body_text(article.get("articleBody")),
        "language_ld": _text(article.get("inLanguage")),
        "images_ld": _ld_images(article.get("image"), index),
    }


def _itemprop_value(node: Any) -> str | None:
    """The value of a microdata property: content/datetime attribute, else its text."""
    attrs = node.attributes
    for attribute in ("content", "datetime"):
        value = attrs.get(attribute)
        if value:
            return " ".join(value.split()) or None
    if "itemscope" in attrs:
        name = node.css_first("[itemprop=name]")
        return _itemprop_value(name) if name is not None else None
    text = " ".join(node.text(deep=True).split())
    return text or None


def _is_url(text: str) -> bool:
    return text.lower().startswith(URL_SCHEMES)


def _microdata_fields(record: dict[str, Any], microdata: dict[str, list[str]]) -> None:
    def first(prop: str) -> str | None:
        return (microdata.get(prop) or [None])[0]

    record["title_microdata"] = first("headline")
    record["published_microdata"] = first("datepublished")
    record["updated_microdata"] = first("datemodified")
    record["authors_microdata"] = [v for v in microdata.get("author") or [] if not _is_url(v)]
    record["tags_microdata"] = microdata.get("keywords") or []
