"""HTML pages into blocks: the same one-row-per-block frame the text path segments.

Grain in: one parsed page per document. Grain out: one row per visible text
block (the text a block element owns, split at ``<br>``), with markup features
the content rules read (tag, landmarks, class and id hints, link share,
figure membership), and one row per ``<img>``.

The tree walk is Python by necessity (lexbor hands nodes one at a time); it
touches each node once and does no per-block work beyond list appends. Every
rule that decides what a block *is* runs afterwards, vectorized, in
``transforms.html_content``.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

import numpy as np
import polars as pl
from selectolax.lexbor import LexborHTMLParser

from dateline.transforms.lexicon import load
from dateline.transforms.patterns import INVISIBLE_CHARACTERS, literal_alternation

HTML_LEXICON = load("html")
# Elements whose content is never rendered as text, or is interface, not prose.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "head",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "canvas",
        "video",
        "audio",
        "math",
        "map",
        "dialog",
    }
)
# Elements that start a new block, as a browser starts a new line.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "picture",
    }
)
# ARIA roles that stand for the landmark elements.
ROLE_LANDMARKS = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "aside",
    "main": "main",
    "article": "article",
    "figure": "figure",
    "form": "form",
    "search": "form",
    "menu": "nav",
    "menubar": "nav",
    "dialog": "form",
    "alertdialog": "form",
}
# Landmarks counted on the way down; a block records which ones enclose it.
LANDMARKS = (
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "form",
    "figure",
    "figcaption",
    "li",
    "blockquote",
    "table",
    "a",
    # Not an element: set inside an inline element whose class says caption.
    "caption_inline",
)
LANDMARK_BITS = {name: 1 << i for i, name in enumerate(LANDMARKS)}
_LANDMARK_BIT = LANDMARK_BITS
# Subtrees that never hold article text: menus, dialogs (as <dialog> is skipped, so is
# any element that declares itself one: sign-up and error pop-overs) and hidden elements.
# aria-hidden text is still on screen (photo credits often carry it), so it stays; so do
# React's streamed segments (`<div hidden id="S:0">`), which a script moves into place on load.
NEVER_CONTENT_SELECTOR = (
    "nav, [role=navigation], [role=menu], [role=menubar], [role=dialog], [role=alertdialog], "
    '[hidden]:not([id^="S:"])'
)
FIGURE_BUTTON_SELECTOR = "button:has(figure, figcaption)"
# How many enclosing block elements an image row names (its caption sits in one of them).
IMAGE_BOXES = 3
HEADING_LEVEL = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Inline elements inside a caption that carry the credit get their own block.
CREDIT_HINT = re.compile(literal_alternation(HTML_LEXICON["credit_words"]), re.I)
# Inline elements whose class says caption (matched anywhere in the class, as above).
INLINE_CAPTION_HINT = re.compile(literal_alternation(HTML_LEXICON["caption_words"]), re.I)


def _ascii_words(words: list[str]) -> tuple[str, ...] | None:
    """The words lower-cased for a substring test, or None when one is not ASCII."""
    return tuple(w.lower() for w in words) if all(w.isascii() for w in words) else None


CREDIT_WORDS = _ascii_words(HTML_LEXICON["credit_words"])
INLINE_CAPTION_WORDS = _ascii_words(HTML_LEXICON["caption_words"])


def _mentions(marks: str, words: tuple[str, ...] | None, pattern: re.Pattern) -> bool:
    """True when ``marks`` holds one of the words, case aside (``pattern`` is their regex)."""
    # On ASCII marks a lower-cased substring test is the case-insensitive search, 10x faster.
    if words is not None and marks.isascii():
        lowered = marks.lower()
        return any(word in lowered for word in words)
    return pattern.search(marks) is not None


# Distinct class/id strings whose caption and credit tests a process keeps: pages repeat
# their class names (every teaser card, every paragraph of a story), and sites each other's.
MARKS_CACHE_SIZE = 1 << 14


@functools.lru_cache(maxsize=MARKS_CACHE_SIZE)
def _says_credit(marks: str) -> bool:
    """True when an inline element's class, id and itemprop (``marks``) name a credit."""
    return _mentions(marks, CREDIT_WORDS, CREDIT_HINT)


@functools.lru_cache(maxsize=MARKS_CACHE_SIZE)
def _says_caption(marks: str) -> bool:
    """True when an inline element's class, id and itemprop (``marks``) name a caption."""
    return _mentions(marks, INLINE_CAPTION_WORDS, INLINE_CAPTION_HINT)


HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# How many enclosing class/id strings a block keeps as hints (nearest first).
HINT_DEPTH = 6
MAX_HINT_CHARS = 400
# Invisible characters the text view drops (zero-width spaces, soft hyphen).
INVISIBLE = re.compile(INVISIBLE_CHARACTERS)
IMAGE_SOURCE_ATTRIBUTES = (
    "src",
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-srcset",
    "srcset",
)


def _image_url(attributes: dict) -> str | None:
    for name in IMAGE_SOURCE_ATTRIBUTES:
        value = attributes.get(name)
        if value and not value.startswith("data:"):
            # srcset: "url 640w, url 1280w" -> the first url.
            return (
                value.strip().split(",")[0].split()[0]
                if " " in value.strip() or "," in value
                else value.strip()
            )
    return None


# Tracking pixels declare a width or height of a pixel or two: they are no pictures.
PIXEL_SIZES = ("0", "1", "2")


def _is_pixel(attributes: dict) -> bool:
    return any((attributes.get(side) or "").strip() in PIXEL_SIZES for side in ("width", "height"))


def _is_hidden(attributes: dict) -> bool:
    style = attributes.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


# Past this nesting depth the rest of a subtree is read as one block's text:
# keeps the recursive walk far from Python's recursion limit on hostile pages.
MAX_DEPTH = 300


# ARIA roles of never-content subtrees (NEVER_CONTENT_SELECTOR, read from attributes in the walk).
NEVER_CONTENT_ROLES = frozenset({"navigation", "menu", "menubar", "dialog", "alertdialog"})
# React's streamed segments keep their hidden attribute until a script moves them in place.
STREAMED_SEGMENT_ID = "S:"


def _is_never_content(tag: str, attributes: dict) -> bool:
    """True for an element ``NEVER_CONTENT_SELECTOR`` matches, read from its tag and
    attributes (the walk skips it, as the selector's pass removed it)."""
    if tag == "nav":
        return True
    if not attributes:
        return False
    if attributes.get("role") in NEVER_CONTENT_ROLES:
        return True
    return "hidden" in attributes and not (attributes.get("id") or "").startswith(
        STREAMED_SEGMENT_ID
    )


def _drop_never_rendered(node) -> None:
    """Remove from ``node``'s subtree what the walk skips: never-rendered elements and
    never-content subtrees; a button around a figure gives way to its content."""
    for button in node.css(FIGURE_BUTTON_SELECTOR):
        button.unwrap()
    node.strip_tags(list(SKIP_TAGS))
    for element in node.css(NEVER_CONTENT_SELECTOR):
        element.decompose()


# An element's frame in the walk, a tuple (its fields by position):
# parent frame, tag, serial, is_block, hint, itemprop, landmark bits, figure id, href,
# then what a block read below it needs, kept per frame so that closing a block walks no
# chain: the nearest block element's tag, the ids of the enclosing block elements
# (outermost first), the nearest HINT_DEPTH class/id hints (nearest first), the nearest
# itemprop.
PARENT, TAG, SERIAL, IS_BLOCK, HINT, ITEMPROP, BITS, FIGURE, HREF = range(9)
OWNER, CHAIN, HINTS, NEAREST_ITEMPROP = range(9, 13)


class _Page:
    """Collects one page's blocks and images while its tree is walked."""

    __slots__ = (
        "blocks",
        "images",
        "containers",
        "buffer",
        "link_chars",
        "link_href",
        "serial",
        "opening_images",
    )

    def __init__(self) -> None:
        self.blocks: list[tuple] = []
        self.containers: list[tuple] = []
        self.images: list[tuple] = []
        self.buffer: list[str] = []
        self.link_chars = 0
        # The first link inside the open block: where a "read also" item points.
        self.link_href: str | None = None
        self.serial = 0
        # Images that open a line of running text (``<p><img>Text...</p>``), by index:
        # when the text goes on after them on the same line, they are set in it.
        self.opening_images: list[int] = []

    def flush(self, ctx: tuple, role: str | None = None) -> None:
        """Close the open block: its text belongs to the innermost block element of ``ctx``."""
        if not self.buffer:
            self.link_href = None
            return
        # A caption or credit span printed with the picture is the picture's own text: the
        # line of running text it opens is the one after them (``<p><img><span
        # class=caption>...</span> Text...</p>``).
        opening = []
        if role is None:
            opening, self.opening_images = self.opening_images, []
        joined = "".join(self.buffer)
        if INVISIBLE.search(joined):
            joined = INVISIBLE.sub("", joined)
        # str.split/join beats a regular expression on these short strings.
        text = " ".join(joined.split())
        href, self.link_href = self.link_href, None
        self.buffer.clear()
        link_chars = self.link_chars
        self.link_chars = 0
        if not text:
            return
        owner = ctx[OWNER]
        containers = ctx[CHAIN]
        for index in opening:
            image = self.images[index]
            # The text shares the picture's paragraph: a picture set in it, not captioned.
            if containers and image[IMAGE_BOX_FIELD] == containers[-1]:
                self.images[index] = (*image[:INLINE_FIELD], True, *image[INLINE_FIELD + 1 :])
        self.blocks.append(
            (
                text,
                owner,
                HEADING_LEVEL.get(owner, 0),
                ctx[BITS],
                " ".join(ctx[HINTS])[:MAX_HINT_CHARS],
                ctx[NEAREST_ITEMPROP],
                ctx[CHAIN],
                ctx[FIGURE],
                link_chars,
                href,
                role,
            )
        )

    def visit(self, child, ctx: tuple, depth: int) -> None:
        """Walk ``child`` and its next siblings, the children of an element whose frame is
        ``ctx`` (see ``OWNER``).

        Skipped as if removed from the tree: never-rendered elements (``SKIP_TAGS``) and
        never-content subtrees (``NEVER_CONTENT_SELECTOR``); a button around a figure
        opens a lightbox, so the figure is the page's and the button is not."""
        parent_bits = ctx[BITS]
        in_link = parent_bits & LINK_BIT
        buffer = self.buffer
        # A caption made of sibling spans only (caption, credit) is read span by span.
        in_caption_box = ctx[TAG] == "figcaption"
        loose_text = False
        while child is not None:
            tag = child.tag
            if tag == "-text":
                value = child.text_content
                if value:
                    if value.isspace():
                        # Source formatting between elements: a space at most, never a block.
                        if buffer:
                            buffer.append(" ")
                    else:
                        loose_text = True
                        buffer.append(value)
                        if in_link:
                            # Counted as the block's text is: runs of white space as one.
                            self.link_chars += len(" ".join(value.split()))
            elif tag == "br":
                self.opening_images.clear()
                self.flush(ctx)
            elif not tag or tag[0] == "-":
                pass
            elif tag in SKIP_TAGS:
                if tag == "button" and child.css_matches(FIGURE_BUTTON_SELECTOR):
                    self.visit(child.first_child, ctx, depth)
            else:
                attributes = child.attributes
                if tag == "nav" or (
                    attributes
                    and (
                        attributes.get("role") in NEVER_CONTENT_ROLES
                        or ("hidden" in attributes and _is_never_content(tag, attributes))
                    )
                ):
                    pass
                elif tag == "img":
                    url = _image_url(attributes)
                    # In a figure, an <img> without a usable URL (a lazy-loading
                    # placeholder) still shows that the figure holds a picture.
                    if not _is_pixel(attributes) and (url or ctx[FIGURE] >= 0):
                        inline = _in_running_text(ctx, buffer)
                        if not inline and ctx[FIGURE] < 0 and ctx[OWNER] in RUNNING_TEXT_TAGS:
                            self.opening_images.append(len(self.images))
                        self.images.append(
                            (
                                ctx[FIGURE],
                                len(self.blocks),
                                url,
                                attributes.get("alt"),
                                attributes.get("title"),
                                inline,
                                *_boxes(ctx),
                            )
                        )
                elif not (attributes and "style" in attributes and _is_hidden(attributes)):
                    self.serial += 1
                    serial = self.serial
                    is_block = tag in BLOCK_TAGS
                    hint = ""
                    itemprop = None
                    bits = parent_bits | _LANDMARK_BIT.get(tag, 0)
                    figure = serial if tag == "figure" else ctx[FIGURE]
                    href = ctx[HREF]
                    if attributes:
                        hint = (
                            f"{attributes.get('class') or ''} {attributes.get('id') or ''}".strip()
                        )
                        itemprop = attributes.get("itemprop")
                        role = ROLE_LANDMARKS.get(attributes.get("role", ""))
                        if role:
                            bits |= _LANDMARK_BIT.get(role, 0)
                            if role == "figure":
                                figure = serial
                        if tag == "a":
                            href = attributes.get("href")
                            if self.link_href is None:
                                self.link_href = href
                            # A heading that links to its own place in the page (an
                            # anchor to copy) is the story's subheading, not a teaser's.
                            if (
                                href
                                and len(href) > 1
                                and href[0] == "#"
                                and ctx[OWNER] in HEADING_LEVEL
                            ):
                                bits &= ~LINK_BIT | (parent_bits & LINK_BIT)
                    # A credit span inside a caption, or an inline caption element: its own
                    # block, so caption, credit and the text around them part cleanly.
                    role = None
                    if not is_block and (hint or itemprop):
                        marks = f"{hint} {itemprop or ''}"
                        if bits & CAPTION_BITS and _says_credit(marks):
                            role = "credit"
                        elif _says_caption(marks):
                            role = "caption"
                            bits |= CAPTION_INLINE_BIT
                    if is_block or role or (in_caption_box and tag == "span" and not loose_text):
                        self.flush(ctx)
                    hints = ctx[HINTS]
                    if hint:
                        hints = (hint, *hints[: HINT_DEPTH - 1])
                    frame = (
                        ctx,
                        tag,
                        serial,
                        is_block,
                        hint,
                        itemprop,
                        bits,
                        figure,
                        href,
                        tag if is_block else ctx[OWNER],
                        (*ctx[CHAIN], serial) if is_block else ctx[CHAIN],
                        hints,
                        itemprop or ctx[NEAREST_ITEMPROP],
                    )
                    if is_block:
                        self.containers.append((serial, tag, hint, itemprop, bits))
                    if depth >= MAX_DEPTH:
                        _drop_never_rendered(child)
                        buffer.append(child.text(deep=True, separator=" "))
                    else:
                        first = child.first_child
                        if first is not None:
                            self.visit(first, frame, depth + 1)
                    if is_block:
                        if buffer:
                            self.flush(frame)
                        else:
                            self.link_href = None
                    elif role:
                        self.flush(frame, role)
            child = child.next


# Block elements that hold running text: an image with text before it on its line there
# is set in the text like a word.
RUNNING_TEXT_TAGS = frozenset({"p", "li", "dd", "dt", "td", "th", "blockquote"})


def _in_running_text(ctx: tuple, buffer: list[str]) -> bool:
    """True when an image follows text on its line inside a paragraph-like element."""
    if not any(not piece.isspace() for piece in buffer):
        return False
    return ctx[OWNER] in RUNNING_TEXT_TAGS


def _boxes(ctx: tuple) -> list[int]:
    """The ids of the block elements nearest around an image, nearest first (-1 pads)."""
    boxes = list(ctx[CHAIN][-1 : -IMAGE_BOXES - 1 : -1])
    return boxes + [-1] * (IMAGE_BOXES - len(boxes))


# Positions in an image tuple: whether it is set in a line of text, its nearest block element.
INLINE_FIELD = 5
IMAGE_BOX_FIELD = 6
LINK_BIT = _LANDMARK_BIT["a"]
CAPTION_INLINE_BIT = _LANDMARK_BIT["caption_inline"]
CAPTION_BITS = _LANDMARK_BIT["figcaption"] | _LANDMARK_BIT["figure"] | CAPTION_INLINE_BIT
BODY_FRAME = (None, "body", 0, True, "", None, 0, -1, None, "body", (0,), (), None)


def walk_page(tree: LexborHTMLParser) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """One parsed page in; its blocks and images out, as tuples in page order.

    Block tuple: (text, tag, heading_level, landmarks bitmask, hints, itemprop,
    container ids (outermost first), figure id, link_chars, first link's href, inline_role).
    Image tuple: (figure id, block index it precedes, url, alt, title, whether text
    precedes it on its line, nearest block element ids).
    Container tuple: (id, tag, hint, itemprop, landmarks bitmask), one per block element.
    Never-rendered elements and never-content subtrees are skipped in the walk, which
    reads each node once (a pass of lexbor per tag to remove them first cost more).
    """
    page = _Page()
    body = tree.body
    if body is None or _is_never_content("body", body.attributes):
        return [], [], []
    page.containers.append((0, "body", "", None, 0))
    page.visit(body.first_child, BODY_FRAME, 0)
    page.flush(BODY_FRAME)
    return page.blocks, page.images, page.containers


BLOCK_COLUMNS = {
    "doc_id": pl.Int64,
    "block_no": pl.Int32,
    "text": pl.String,
    "tag": pl.String,
    "heading_level": pl.Int8,
    "landmarks": pl.Int32,
    "hints": pl.String,
    "itemprop": pl.String,
    "figure_id": pl.Int32,
    "link_chars": pl.Int32,
    "href": pl.String,
    # "credit" or "caption" when an inline element's class or itemprop says so.
    "inline_role": pl.String,
}
CONTAINER_COLUMNS = {
    "doc_id": pl.Int64,
    "container": pl.Int32,
    "container_tag": pl.String,
    "container_hint": pl.String,
    "container_itemprop": pl.String,
    "container_landmarks": pl.Int32,
}
# One row per (block, enclosing block element): flat columns build far faster than a list column.
CHAIN_COLUMNS = {
    "doc_id": pl.Int64,
    "block_no": pl.Int32,
    "container": pl.Int32,
    "level": pl.Int32,
}
IMAGE_COLUMNS = {
    "doc_id": pl.Int64,
    "figure_id": pl.Int32,
    "before_block": pl.Int32,
    "url": pl.String,
    "alt": pl.String,
    # The tooltip text: some pages print the caption there with the credit after a bar.
    "title": pl.String,
    # The image is set in a line of a paragraph: text before it (a formula, an emoji, an
    # icon), or text going on after it on its line (a picture floated beside the text).
    "is_inline": pl.Boolean,
    # The block elements nearest around the image, nearest first (-1 where there is none).
    "box_1": pl.Int32,
    "box_2": pl.Int32,
    "box_3": pl.Int32,
}


def landmark(name: str) -> pl.Expr:
    """True where the block lies inside the named landmark (see ``LANDMARKS``)."""
    return (pl.col("landmarks") & _LANDMARK_BIT[name]) != 0


@dataclass(frozen=True)
class PageFrames:
    blocks: pl.DataFrame
    images: pl.DataFrame
    containers: pl.DataFrame
    # Each block's enclosing block elements, outermost (body, level 0) first.
    chain: pl.DataFrame


# Position of the enclosing-elements list in a block tuple from ``walk_page``, and the
# tuple's length.
CONTAINERS_FIELD = 6
BLOCK_FIELDS = 11


def _rows(columns: dict) -> dict[str, list]:
    return {name: [] for name in columns}


def pages_frames(pages) -> PageFrames:
    """Parsed pages (doc_id, tree) in; one row per block, image, block element and
    (block, enclosing element) pair out."""
    blocks_out, images_out, containers_out = (
        _rows(BLOCK_COLUMNS),
        _rows(IMAGE_COLUMNS),
        _rows(CONTAINER_COLUMNS),
    )
    block_names = [name for name in BLOCK_COLUMNS if name not in ("doc_id", "block_no")]
    # Per block, how many elements enclose it; and those elements, block after block.
    chain_sizes: list[int] = []
    chain_containers: list[int] = []
    for doc_id, tree in pages:
        blocks, images, containers = walk_page(tree)
        block_fields = _fields(blocks, BLOCK_FIELDS)
        enclosing = block_fields.pop(CONTAINERS_FIELD)
        chain_sizes.extend(map(len, enclosing))
        chain_containers.extend(itertools.chain.from_iterable(enclosing))
        for out, fields, names, numbered in (
            (blocks_out, block_fields, block_names, True),
            (images_out, _fields(images, len(IMAGE_COLUMNS) - 1), list(IMAGE_COLUMNS)[1:], False),
            (
                containers_out,
                _fields(containers, len(CONTAINER_COLUMNS) - 1),
                list(CONTAINER_COLUMNS)[1:],
                False,
            ),
        ):
            rows = len(fields[0])
            out["doc_id"].extend([doc_id] * rows)
            if numbered:
                out["block_no"].extend(range(rows))
            for name, values in zip(names, fields, strict=True):
                out[name].extend(values)
    blocks = pl.DataFrame(blocks_out, schema=BLOCK_COLUMNS)
    # The chain's rows repeat their block's keys, one row per enclosing element, numbered
    # from the outermost (level 0) in.
    sizes = np.array(chain_sizes, dtype=np.int64)
    firsts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    chain = pl.DataFrame(
        {
            "doc_id": np.repeat(blocks.get_column("doc_id").to_numpy(), sizes),
            "block_no": np.repeat(blocks.get_column("block_no").to_numpy(), sizes),
            "container": chain_containers,
            "level": np.arange(len(firsts), dtype=np.int64) - firsts,
        },
        schema=CHAIN_COLUMNS,
    )
    return PageFrames(
        blocks=blocks,
        images=pl.DataFrame(images_out, schema=IMAGE_COLUMNS),
        containers=pl.DataFrame(containers_out, schema=CONTAINER_COLUMNS),
        chain=chain,
    )


def _fields(rows: list[tuple], width: int) -> list[tuple]:
    """Rows of ``width`` fields in; their fields (columns) out, ``width`` empty ones for no rows."""
    return list(zip(*rows, strict=True)) if rows else [()] * width
