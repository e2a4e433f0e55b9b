"""Regular-expression pieces that several transforms share, and the one way to turn a
list of lexicon words into a pattern.

Patterns are written for Polars (the Rust regex engine: no look-arounds, no
back-references); those here are valid for Python's ``re`` as well, which the HTML
walk uses.

Polars compiles a pattern on the thread that runs it and keeps the last 32 there. Work
handed to a second thread therefore goes to a thread of the process kept for that stage
(``stage_thread``): a thread made afresh for each batch would compile every pattern of
the stage again, each batch.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import polars as pl

# Invisible characters that scrapers leave in text: zero-width space, non-joiner and
# joiner, word joiner, byte-order mark, soft hyphen.
INVISIBLE_CHARACTERS = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
# A run of white space.
WHITE_SPACE_RUN = r"\s+"
# A word as white space delimits it.
WHITE_SPACE_WORD = r"\S+"
# A letter of any script.
LETTER_PATTERN = r"\p{L}"
# A digit.
DIGIT_PATTERN = r"\d"
# A character no text holds: pieces joined by it are split apart again.
SEGMENT_MARK = "\x1f"
# The host of an absolute URL, lower case, without a leading "www." ("www2." too).
URL_HOST_NAME = r"^[a-z][a-z0-9+.\-]*://(?:[^/?#@]*@)?(?:www\d?\.)?([^/:?#]+)"
# A class name stating what an element holds or lacks ("has-sidebar", "with-ads",
# "no-comments"): a state of the element, not its role. Matched on lower-cased classes.
STATE_CLASS_PATTERN = r"(?:^|\s)(?:has|with|without|no)[-_]\S*"


def literal_alternation(words: Iterable[str], *, any_white_space: bool = False) -> str:
    """A regex alternation matching any of ``words`` as written: each distinct non-empty
    word once, longest first (ties in alphabetical order) so that no word cuts a longer
    one short, escaped with ``pl.escape_regex``. With ``any_white_space``, a space in a
    word matches any run of white space.

    Wrap the result in a group before adding anything around it: ``rf"^(?:{...})"``.
    """
    ordered = sorted({word for word in words if word}, key=lambda word: (-len(word), word))
    escaped = [pl.escape_regex(word) for word in ordered]
    if any_white_space:
        escaped = [word.replace(" ", WHITE_SPACE_RUN) for word in escaped]
    return "|".join(escaped)


_stage_threads: dict[tuple[int, str], ThreadPoolExecutor] = {}
_stage_threads_lock = threading.Lock()


def stage_thread(name: str) -> ThreadPoolExecutor:
    """The one thread of this process that runs the stage ``name`` beside the caller's
    (module doc): made on first use, kept for the life of the process.

    Work waits behind the stage's earlier work, so a stage's work must not wait for work
    submitted after it to the same stage. Keyed by process as well: a process forked
    from this one makes its own.
    """
    key = (os.getpid(), name)
    with _stage_threads_lock:
        thread = _stage_threads.get(key)
        if thread is None:
            thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"dateline-{name}")
            _stage_threads[key] = thread
        return thread
