"""Field scores of Dateline's extraction against a gold corpus (``dateline eval``).

Implements ``shared/corpus/METRICS.md`` exactly, so that a figure printed here
means the same as a figure in a note: token F1 for title and body, set
precision/recall for authors, topics and credit words, instant and calendar
date agreement for the publication date, thresholded caption matching, and
the article-extraction benchmark's word 4-gram shingle score for the body.

Plain Python: a corpus is a few hundred pages, and the rules (Counter
intersections, ``datetime.fromisoformat``) are clearer in Python than in
Polars. It lives in ``flows/`` because it reads gold files and the database.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dateline.flows.ingest import RunSummary
    from dateline.flows.settings import Settings

FIELDS: tuple[str, ...] = (
    "title",
    "authors",
    "published",
    "topics",
    "body",
    "body_shingles",
    "captions",
    "credits",
)

TOKEN_PATTERN = re.compile(r"\w+")
# Words of two or more letters: digits and underscore split words.
CREDIT_WORD_PATTERN = re.compile(r"[^\W\d_]{2,}")
GOLD_SUFFIX = ".gold.json"
MANIFEST_NAME = "manifest.csv"
UNKNOWN_LANGUAGE = "und"

# Kana voicing marks are combining marks, but dropping them changes the letter.
KANA_VOICING_MARKS = frozenset("\u3099\u309a")
CAPTION_MATCH_THRESHOLD = 0.8
# Words per shingle of body_shingles (the published benchmark's 4-grams).
SHINGLE_SIZE = 4
PUBLISHED_TOLERANCE = timedelta(seconds=60)

CREDIT_STOP: frozenset[str] = frozenset(
    """
    all alle and archiv archive archives archivio archivo arquivo bild bilder
    bildquelle by copyright credit crediti credito creditos credits da de dei del
    delle derechos des di diritti droits du el et file files fonte fontes foto
    fotograf fotografa fotografen fotografia fotografias fotografie fotografin
    fotografo fotos fuente fuentes il image imagem imagen imagenes imagens images
    immagine immagini la le mit par per photo photograph photographer photographs
    photography photos pic pics picture pictures por quelle quellen rechte
    reservados reserved rights riservati source sources the todos tous tutti und
    via von vorbehalten with
    """.split()
)

# METRICS.md's agency aliases: the contract asks for one canonical name per agency while
# gold keeps the printed form. An author name equal to an alias, or an alias phrase
# standing as whole words in a credit string, becomes the agency's key.
AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "ap": ("the associated press", "associated press", "ap photo", "ap"),
    "afp": ("agence france-presse", "agence france presse", "afp"),
    "dpa": ("deutsche presse-agentur", "deutsche presse agentur", "dpa"),
    "reuters": ("thomson reuters", "reuters"),
    "efe": ("agencia efe", "efe"),
    "ansa": ("agenzia ansa", "ansa"),
    "epa": ("european pressphoto agency", "epa"),
    "getty": ("getty images", "getty"),
    "istock": ("istockphoto", "istock"),
    "xinhua": ("xinhua news agency", "新华社", "xinhua"),
    "yonhap": ("yonhap news agency", "연합뉴스", "yonhap"),
    "kyodo": ("kyodo news", "共同通信", "kyodo"),
    "apa": ("austria presse agentur", "apa"),
    "sda": ("schweizerische depeschenagentur", "keystone-sda", "sda"),
    "anp": ("algemeen nederlands persbureau", "anp"),
    "ritzau": ("ritzau scanpix", "ritzau"),
    "tass": ("итар-тасс", "тасс", "tass"),
}


# --------------------------------------------------------------------------
# Predictions and gold


@dataclass
class ImagePrediction:
    caption: str | None
    credits: list[str] = field(default_factory=list)


@dataclass
class Prediction:
    """What Dateline extracted from one gold page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    # published_at as ISO with offset when known, else published_date as YYYY-MM-DD.
    published: str | None = None
    topics: list[str] = field(default_factory=list)
    # summary and body text together.
    body: str | None = None
    images: list[ImagePrediction] = field(default_factory=list)


class CorpusError(ValueError):
    """A corpus folder that cannot be scored, with the reason in one sentence."""


def load_gold(corpus_dir: Path) -> dict[str, dict]:
    """Read every ``<country>/<Publisher>_<date>.gold.json`` under ``corpus_dir``.

    One entry per gold file, keyed by its ``id``; each dict gains ``language``
    from ``manifest.csv`` (``und`` when the manifest or the row is missing).
    """
    corpus_dir = Path(corpus_dir)
    languages: dict[str, str] = {}
    manifest = corpus_dir / MANIFEST_NAME
    if manifest.is_file():
        with manifest.open(encoding="utf-8", newline="") as handle:
            languages = {row["id"]: row["language"] for row in csv.DictReader(handle)}
    gold: dict[str, dict] = {}
    for path in sorted(corpus_dir.glob(f"*/*{GOLD_SUFFIX}")):
        try:
            item = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CorpusError(f"{path} is not a JSON gold file: {error}") from error
        if not isinstance(item, dict):
            raise CorpusError(f"{path} is not a JSON gold file: it holds no object")
        item_id = item.get("id") or f"{path.parent.name}/{path.name[: -len(GOLD_SUFFIX)]}"
        item["id"] = item_id
        item["language"] = languages.get(item_id) or UNKNOWN_LANGUAGE
        gold[item_id] = item
    return gold


# Views of each gold page that are ingested and scored, by the suffix of their file.
VIEW_SUFFIXES: dict[str, str] = {"html": ".html.gz", "txt": ".txt"}


@dataclass(frozen=True)
class Corpus:
    """A gold corpus folder: its gold items and, per view, the page files to ingest."""

    name: str
    path: Path
    gold: dict[str, dict]
    # view -> {file path as the ingest records it in source_uri: gold id}
    files: dict[str, dict[str, str]]

    @property
    def sources(self) -> list[str]:
        return sorted(uri for files in self.files.values() for uri in files)


def load_corpus(corpus_dir: Path, views: Iterable[str] = tuple(VIEW_SUFFIXES)) -> Corpus:
    """The gold of ``corpus_dir`` and its page files of the given views (those present).

    Raises CorpusError for a folder without gold files or without any page file.
    """
    corpus_dir, views = Path(corpus_dir).resolve(), tuple(views)
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir} is not a folder")
    gold = load_gold(corpus_dir)
    if not gold:
        raise CorpusError(f"{corpus_dir} holds no gold files (<group>/<id>{GOLD_SUFFIX})")
    files = {
        view: {
            str(path.resolve()): gold_id
            for gold_id in gold
            if (path := corpus_dir / f"{gold_id}{VIEW_SUFFIXES[view]}").is_file()
        }
        for view in views
    }
    if not any(files.values()):
        suffixes = ", ".join(VIEW_SUFFIXES[view] for view in views)
        raise CorpusError(f"{corpus_dir} has no page files ({suffixes}) beside its gold")
    return Corpus(corpus_dir.name, corpus_dir, gold, files)


def load_corpora(corpus_dirs: Iterable[Path], views: Iterable[str]) -> list[Corpus]:
    """Each folder as a Corpus; their names (the folder names) key the scores, so they
    must differ."""
    corpora: list[Corpus] = []
    for corpus_dir in corpus_dirs:
        corpus = load_corpus(corpus_dir, views)
        if any(other.name == corpus.name for other in corpora):
            raise CorpusError(f"two corpora are named {corpus.name!r}: rename one folder")
        corpora.append(corpus)
    return corpora


def gold_body_text(item: dict) -> str:
    """Summary, subheadlines and paragraphs of a gold item joined with newlines."""
    parts = [*(item.get("summary") or []), *(item.get("subheadlines") or [])]
    parts += item.get("paragraphs") or []
    return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------
# Reading predictions from the database

_WANTED_ARTICLES = "SELECT article_id FROM articles WHERE source_uri IN (SELECT unnest($uris))"

PREDICTION_ARTICLES_SQL = """
SELECT
    source_uri,
    article_id,
    title,
    summary,
    body_text,
    CASE
        WHEN published_at IS NOT NULL
            THEN strftime(
                timezone('UTC', published_at)
                    + to_minutes(coalesce(published_offset_minutes, 0)::BIGINT),
                '%Y-%m-%dT%H:%M:%S.%f'
            ) || printf(
                '%s%02d:%02d',
                CASE WHEN coalesce(published_offset_minutes, 0) < 0 THEN '-' ELSE '+' END,
                abs(coalesce(published_offset_minutes, 0)) // 60,
                abs(coalesce(published_offset_minutes, 0)) % 60
            )
        WHEN published_date IS NOT NULL THEN strftime(published_date, '%Y-%m-%d')
    END AS published
FROM articles
WHERE source_uri IN (SELECT unnest($uris))
"""

PREDICTION_AUTHORS_SQL = f"""
SELECT article_id, list(name ORDER BY position) AS names
FROM article_authors
WHERE article_id IN ({_WANTED_ARTICLES}) AND name IS NOT NULL
GROUP BY article_id
"""

PREDICTION_TAGS_SQL = f"""
SELECT article_id, list(tag ORDER BY position) AS tags
FROM article_tags
WHERE article_id IN ({_WANTED_ARTICLES}) AND tag IS NOT NULL
GROUP BY article_id
"""

PREDICTION_IMAGES_SQL = f"""
WITH credits AS (
    SELECT article_id, image_position, list(name ORDER BY position) AS names
    FROM image_credits
    WHERE article_id IN ({_WANTED_ARTICLES}) AND name IS NOT NULL
    GROUP BY article_id, image_position
)
SELECT
    i.article_id,
    list(
        {{'caption': i.caption, 'credits': coalesce(c.names, [])}} ORDER BY i.position
    ) AS images
FROM article_images i
LEFT JOIN credits c ON c.article_id = i.article_id AND c.image_position = i.position
WHERE i.article_id IN ({_WANTED_ARTICLES})
GROUP BY i.article_id
"""


def predictions_from_db(con: Any, source_uri_to_id: dict[str, str]) -> dict[str, Prediction]:
    """Predictions for the articles whose ``source_uri`` is in the mapping.

    One Prediction per article found, keyed by the mapped gold id; gold items
    whose source produced no article are simply absent.
    """
    params = {"uris": list(source_uri_to_id)}
    if not params["uris"]:
        return {}
    authors = dict(con.execute(PREDICTION_AUTHORS_SQL, params).fetchall())
    tags = dict(con.execute(PREDICTION_TAGS_SQL, params).fetchall())
    images = dict(con.execute(PREDICTION_IMAGES_SQL, params).fetchall())
    predictions: dict[str, Prediction] = {}
    rows = con.execute(PREDICTION_ARTICLES_SQL, params).fetchall()
    for source_uri, article_id, title, summary, body_text, published in rows:
        body_parts = [part for part in (summary, body_text) if part is not None]
        predictions[source_uri_to_id[source_uri]] = Prediction(
            title=title,
            authors=list(authors.get(article_id) or []),
            published=published,
            topics=list(tags.get(article_id) or []),
            body="\n".join(body_parts) if body_parts else None,
            images=[
                ImagePrediction(caption=image["caption"], credits=list(image["credits"] or []))
                for image in images.get(article_id) or []
            ],
        )
    return predictions


def score_corpus(cons: Sequence[Any], corpus: Corpus) -> dict[str, Report]:
    """Per view with files, the corpus's gold against the articles the databases hold for
    them: each page's article from the first database that has one."""
    reports: dict[str, Report] = {}
    for view, files in corpus.files.items():
        if files:
            wanted = {gold_id: corpus.gold[gold_id] for gold_id in files.values()}
            predictions: dict[str, Prediction] = {}
            for con in cons:
                unseen = {
                    uri: gold_id for uri, gold_id in files.items() if gold_id not in predictions
                }
                predictions.update(predictions_from_db(con, unseen))
            reports[view] = score(wanted, predictions)
    return reports


# Ingest passes at most: each later one takes the pages of which an earlier one kept no article.
MAX_INGEST_PASSES = 4


def ingest_and_score(
    corpora: list[Corpus], settings: Settings, db_path: Path | None = None
) -> tuple[RunSummary, dict[str, dict[str, Report]]]:
    """Ingest every page file of the corpora in one ``run_ingest`` (no flow run, no Prefect
    server) into ``db_path``, a temporary database when None, and score each corpus and view.

    A warehouse holds one article per canonical URL, so of two gold pages naming the same
    URL (a page saved twice, in two splits of a set) the later replaces the earlier. Every
    gold page is scored on its own extraction: the pages left without an article are
    ingested again, apart, into further scratch databases (``db_path`` keeps the first).

    ``settings`` apply to the ingest except its database and export: the scored database
    is scratch and never replaces the configured export.
    """
    from dateline.flows import warehouse
    from dateline.flows.ingest import run_ingest

    sources = [uri for corpus in corpora for uri in corpus.sources]
    with tempfile.TemporaryDirectory(prefix="dateline-eval-") as scratch:
        paths = [db_path or Path(scratch) / "eval.duckdb"]
        summary = None
        cons: list[Any] = []
        try:
            while sources and len(paths) <= MAX_INGEST_PASSES:
                run_settings = dataclasses.replace(
                    settings.with_overrides(db_path=paths[-1]), export_dir=None
                )
                run = run_ingest(sources, run_settings, progress=None)
                summary = summary or run
                cons.append(warehouse.connect(paths[-1], read_only=True))
                kept = {uri for (uri,) in cons[-1].execute(ARTICLE_SOURCES_SQL).fetchall()}
                if not kept.intersection(sources):
                    break
                sources = [uri for uri in sources if uri not in kept]
                paths.append(Path(scratch) / f"eval-{len(paths) + 1}.duckdb")
            reports = {corpus.name: score_corpus(cons, corpus) for corpus in corpora}
        finally:
            for con in cons:
                con.close()
    return summary, reports


ARTICLE_SOURCES_SQL = "SELECT DISTINCT source_uri FROM articles"


# --------------------------------------------------------------------------
# Normalisations (METRICS.md, "Shared definitions" and per field)


def tokens(text: str | None) -> list[str]:
    """Unicode word runs of ``casefold(NFC(text))``."""
    if not text:
        return []
    return TOKEN_PATTERN.findall(unicodedata.normalize("NFC", text).casefold())


def token_f1(predicted: str | None, gold: str | None) -> tuple[float, float, float]:
    """(P, R, F1) of the multiset token overlap; both empty is a perfect 1."""
    predicted_tokens, gold_tokens = tokens(predicted), tokens(gold)
    if not predicted_tokens and not gold_tokens:
        return 1.0, 1.0, 1.0
    if not predicted_tokens or not gold_tokens:
        return 0.0, 0.0, 0.0
    overlap = sum((Counter(predicted_tokens) & Counter(gold_tokens)).values())
    if overlap == 0:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / len(predicted_tokens), overlap / len(gold_tokens)
    # 2o/(|pred|+|gold|) equals 2PR/(P+R) without the rounding that could miss a 0.8 threshold.
    return precision, recall, 2 * overlap / (len(predicted_tokens) + len(gold_tokens))


def collapse_ws(text: str) -> str:
    return " ".join(text.split())


def strip_accents(text: str) -> str:
    """NFKD, drop combining marks except kana voicing marks, recompose with NFC."""
    kept = (
        c
        for c in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(c) or c in KANA_VOICING_MARKS
    )
    return unicodedata.normalize("NFC", "".join(kept))


def _is_edge_junk(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def _strip_edges(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


def norm_name(name: str | None) -> str:
    """Author name key: accents stripped, casefolded, white space collapsed, edge P*/S* gone;
    a name that is an agency alias becomes the agency's key."""
    if not name:
        return ""
    key = _strip_edges(collapse_ws(strip_accents(name).casefold()))
    return AGENCY_KEYS.get(key, key)


def norm_tag(tag: str | None) -> str:
    """Tag key: NFC, casefolded, white space collapsed, edge P*/S* (e.g. '#') gone."""
    if not tag:
        return ""
    return _strip_edges(collapse_ws(unicodedata.normalize("NFC", tag).casefold()))


def norm_title(title: str) -> str:
    return collapse_ws(unicodedata.normalize("NFC", title)).casefold()


def _alias_keys() -> dict[str, str]:
    return {
        strip_accents(alias).casefold(): key
        for key, aliases in AGENCY_ALIASES.items()
        for alias in aliases
    }


# Alias (accents stripped, casefolded) -> agency key.
AGENCY_KEYS: dict[str, str] = _alias_keys()
# Any alias as whole words, longest first so that "associated press" wins over "ap";
# the words of a phrase may be separated by any white space.
AGENCY_ALIAS_PATTERN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        r"\s+".join(map(re.escape, alias.split()))
        for alias in sorted(AGENCY_KEYS, key=len, reverse=True)
    )
    + r")(?!\w)"
)


def agency_key(text: str) -> str:
    """``text`` (accents stripped, casefolded) with every agency alias replaced by its key."""
    return AGENCY_ALIAS_PATTERN.sub(lambda match: AGENCY_KEYS[collapse_ws(match[0])], text)


def credit_tokens(strings: Iterable[str | None]) -> set[str]:
    """Words of >= 2 letters in the credit strings, accents stripped, agency aliases
    replaced by their key, minus CREDIT_STOP."""
    words: set[str] = set()
    for text in strings:
        if text:
            words.update(CREDIT_WORD_PATTERN.findall(agency_key(strip_accents(text).casefold())))
    return words - CREDIT_STOP


# --------------------------------------------------------------------------
# Per-item scores


@dataclass(frozen=True)
class ItemScore:
    """One gold item's score on one field, for error analysis.

    For captions ``tp``/``fp`` count predicted captions matched / unmatched and
    ``recalled``/``fn`` count gold captions matched / unmatched (matching is not
    one-to-one). For body_shingles ``tp``/``fp``/``fn`` are shingle counts and
    ``f1`` is the item's own F1 (for sorting; the field's F1 is that of the mean
    P and R). Measures a field does not define stay None.
    """

    id: str
    language: str
    field: str
    gold: Any
    predicted: Any
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    exact: bool | None = None
    date: bool | None = None
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None
    recalled: int | None = None


def _score_title(gold: dict, pred: Prediction) -> dict | None:
    if gold.get("title") is None:
        return None
    if pred.title is None:
        return {"f1": 0.0, "exact": False, "gold": gold["title"], "predicted": None}
    return {
        "f1": token_f1(pred.title, gold["title"])[2],
        "exact": norm_title(pred.title) == norm_title(gold["title"]),
        "gold": gold["title"],
        "predicted": pred.title,
    }


def _set_counts(gold_set: set[str], predicted_set: set[str]) -> dict:
    return {
        "tp": len(gold_set & predicted_set),
        "fp": len(predicted_set - gold_set),
        "fn": len(gold_set - predicted_set),
    }


def _norm_set(values: Iterable[str | None], normalise: Callable[[str | None], str]) -> set[str]:
    return {key for key in map(normalise, values) if key}


def _score_authors(gold: dict, pred: Prediction) -> dict | None:
    if gold.get("authors") is None:
        return None
    gold_set = _norm_set(gold["authors"], norm_name)
    predicted_set = _norm_set(pred.authors, norm_name)
    return {
        **_set_counts(gold_set, predicted_set),
        "exact": gold_set == predicted_set,
        "gold": gold["authors"],
        "predicted": pred.authors,
    }


def _score_topics(gold: dict, pred: Prediction) -> dict | None:
    if gold.get("topics") is None:
        return None
    gold_set = _norm_set(gold["topics"], norm_tag)
    predicted_set = _norm_set(pred.topics, norm_tag)
    counts = _set_counts(gold_set, predicted_set)
    return {**counts, "gold": gold["topics"], "predicted": pred.topics}


def _parse_published(text: str | None) -> datetime | date | None:
    """A date for a bare ``YYYY-MM-DD``-style date, else a datetime; None if unparsable."""
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def published_matches(predicted: str | None, gold: str) -> tuple[bool, bool]:
    """(exact, date) agreement of a predicted publication date with the gold one."""
    gold_at = datetime.fromisoformat(gold)
    parsed = _parse_published(predicted)
    if parsed is None:
        return False, False
    gold_is_naive = gold_at.tzinfo is None
    if not isinstance(parsed, datetime):
        # A bare date carries no instant: exact only against fundus' bare-date form.
        exact = gold_is_naive and gold_at.time() == datetime.min.time() and gold_at.date() == parsed
        return exact, parsed == gold_at.date()
    if gold_is_naive:
        wall_clock = parsed.replace(tzinfo=None)
        return abs(wall_clock - gold_at) <= PUBLISHED_TOLERANCE, parsed.date() == gold_at.date()
    instant = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    exact = abs(instant - gold_at) <= PUBLISHED_TOLERANCE
    return exact, instant.astimezone(gold_at.tzinfo).date() == gold_at.date()


def _score_published(gold: dict, pred: Prediction) -> dict | None:
    if gold.get("published") is None:
        return None
    exact, same_date = published_matches(pred.published, gold["published"])
    return {
        "exact": exact,
        "date": same_date,
        "gold": gold["published"],
        "predicted": pred.published,
    }


def _score_body(gold: dict, pred: Prediction) -> dict | None:
    gold_text = gold_body_text(gold)
    if not tokens(gold_text):
        return None
    precision, recall, f1 = token_f1(pred.body, gold_text)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "gold": gold_text,
        "predicted": pred.body,
    }


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of word ``size``-grams of ``text`` (``\\w+`` runs, case kept).

    A text of fewer than ``size`` words gives one shingle of all its words; a
    text without words gives none.
    """
    words = TOKEN_PATTERN.findall(text or "")
    if len(words) < size:
        return Counter([tuple(words)] if words else [])
    # The i-th shingle zips words[i], words[i + 1], ...; the shorter slices end it.
    return Counter(zip(*(words[start:] for start in range(size)), strict=False))


def shingle_counts(predicted: str | None, gold: str | None) -> tuple[int, int, int]:
    """(tp, fp, fn): the shingle multisets' intersection, prediction - gold, gold - prediction."""
    predicted_shingles, gold_shingles = shingles(predicted), shingles(gold)
    tp = (predicted_shingles & gold_shingles).total()
    # For multisets |P - G| = |P| - |P & G|: one intersection gives all three counts.
    return tp, predicted_shingles.total() - tp, gold_shingles.total() - tp


def _score_body_shingles(gold: dict, pred: Prediction) -> dict | None:
    gold_text = gold_body_text(gold)
    if not tokens(gold_text):
        return None
    tp, fp, fn = shingle_counts(pred.body, gold_text)
    # METRICS.md divides tp, fp and fn by their sum so that every page weighs the same;
    # the per-item ratios below are unchanged by that division.
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": _harmonic_mean(precision, recall),
        "gold": gold_text,
        "predicted": pred.body,
    }


def _captions_match(caption: str, others: list[str]) -> bool:
    return any(token_f1(caption, other)[2] >= CAPTION_MATCH_THRESHOLD for other in others)


def _score_captions(gold: dict, pred: Prediction) -> dict | None:
    if not gold.get("images"):
        return None
    gold_captions = [i.get("caption") for i in gold["images"] if i.get("caption")]
    predicted_captions = [i.caption for i in pred.images if i.caption]
    correct = sum(_captions_match(c, gold_captions) for c in predicted_captions)
    recalled = sum(_captions_match(c, predicted_captions) for c in gold_captions)
    return {
        "tp": correct,
        "fp": len(predicted_captions) - correct,
        "recalled": recalled,
        "fn": len(gold_captions) - recalled,
        "gold": gold_captions,
        "predicted": predicted_captions,
    }


def _score_credits(gold: dict, pred: Prediction) -> dict | None:
    if gold.get("images") is None:
        return None
    gold_strings = [c for image in gold["images"] for c in image.get("credits") or []]
    gold_set = credit_tokens(gold_strings)
    if not gold_set:
        return None
    predicted_strings = [c for image in pred.images for c in image.credits]
    return {
        **_set_counts(gold_set, credit_tokens(predicted_strings)),
        "gold": sorted(gold_set),
        "predicted": sorted(credit_tokens(predicted_strings)),
    }


ITEM_SCORERS: dict[str, Callable[[dict, Prediction], dict | None]] = {
    "title": _score_title,
    "authors": _score_authors,
    "published": _score_published,
    "topics": _score_topics,
    "body": _score_body,
    "body_shingles": _score_body_shingles,
    "captions": _score_captions,
    "credits": _score_credits,
}


# --------------------------------------------------------------------------
# Aggregates


@dataclass(frozen=True)
class FieldScore:
    """One field's aggregate over n items; None where undefined or not defined."""

    field: str
    n: int
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    exact: float | None = None
    date: float | None = None


@dataclass
class Report:
    """Field scores overall and per manifest language, plus the per-item rows.

    Only the fields the gold annotates (at least one item) are scored, in
    ``FIELDS`` order; each language has the same fields, some with n = 0.
    """

    fields: dict[str, FieldScore]
    by_language: dict[str, dict[str, FieldScore]]
    items: list[ItemScore]
    n_pages: int = 0
    # Gold pages for which the extraction produced an article.
    n_articles: int = 0


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _mean(values: list[float | bool | None]) -> float | None:
    return _ratio(sum(float(v) for v in values if v is not None), len(values))


def _harmonic_mean(precision: float | None, recall: float | None) -> float | None:
    """2PR/(P+R): 0 when both are 0, undefined when either is."""
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _micro(rows: list[ItemScore]) -> tuple[float | None, float | None, float | None]:
    tp = sum(r.tp or 0 for r in rows)
    fp = sum(r.fp or 0 for r in rows)
    fn = sum(r.fn or 0 for r in rows)
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)


def _caption_micro(rows: list[ItemScore]) -> tuple[float | None, float | None, float | None]:
    correct = sum(r.tp or 0 for r in rows)
    recalled = sum(r.recalled or 0 for r in rows)
    precision = _ratio(correct, correct + sum(r.fp or 0 for r in rows))
    recall = _ratio(recalled, recalled + sum(r.fn or 0 for r in rows))
    return precision, recall, _harmonic_mean(precision, recall)


def _shingle_means(rows: list[ItemScore]) -> tuple[float | None, float | None, float | None]:
    """Mean P over items with a prediction, mean R over items with gold, F1 of the two means."""
    precision = _defined_mean([r.precision for r in rows])
    recall = _defined_mean([r.recall for r in rows])
    return precision, recall, _harmonic_mean(precision, recall)


def _defined_mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return _ratio(sum(defined), len(defined))


def _aggregate(field_name: str, rows: list[ItemScore]) -> FieldScore:
    n = len(rows)
    if field_name == "title":
        return FieldScore(
            field_name, n, f1=_mean([r.f1 for r in rows]), exact=_mean([r.exact for r in rows])
        )
    if field_name == "published":
        return FieldScore(
            field_name, n, exact=_mean([r.exact for r in rows]), date=_mean([r.date for r in rows])
        )
    if field_name == "body":
        return FieldScore(
            field_name,
            n,
            precision=_mean([r.precision for r in rows]),
            recall=_mean([r.recall for r in rows]),
            f1=_mean([r.f1 for r in rows]),
        )
    if field_name == "body_shingles":
        return FieldScore(field_name, n, *_shingle_means(rows))
    if field_name == "captions":
        return FieldScore(field_name, n, *_caption_micro(rows))
    precision, recall, f1 = _micro(rows)
    exact = _mean([r.exact for r in rows]) if field_name == "authors" else None
    return FieldScore(field_name, n, precision, recall, f1, exact=exact)


def score(gold: dict[str, dict], predictions: dict[str, Prediction]) -> Report:
    """Score every gold item on every field; a missing prediction is an empty one."""
    empty = Prediction()
    items: list[ItemScore] = []
    for item_id, gold_item in gold.items():
        pred = predictions.get(item_id, empty)
        language = gold_item.get("language") or UNKNOWN_LANGUAGE
        for field_name, scorer in ITEM_SCORERS.items():
            measures = scorer(gold_item, pred)
            if measures is not None:
                items.append(ItemScore(item_id, language, field_name, **measures))
    by_field: dict[str, list[ItemScore]] = defaultdict(list)
    by_language_field: dict[str, dict[str, list[ItemScore]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in items:
        by_field[row.field].append(row)
        by_language_field[row.language][row.field].append(row)
    annotated = [f for f in FIELDS if by_field[f]]
    return Report(
        fields={f: _aggregate(f, by_field[f]) for f in annotated},
        by_language={
            language: {f: _aggregate(f, rows[f]) for f in annotated}
            for language, rows in sorted(by_language_field.items())
        },
        items=items,
        n_pages=len(gold),
        n_articles=sum(item_id in predictions for item_id in gold),
    )


# --------------------------------------------------------------------------
# Output

NOT_DEFINED = ""
UNDEFINED = "-"
# Which measures METRICS.md defines per field; the rest print blank.
DEFINED_MEASURES: dict[str, tuple[str, ...]] = {
    "title": ("f1", "exact"),
    "authors": ("precision", "recall", "f1", "exact"),
    "published": ("exact", "date"),
    "topics": ("precision", "recall", "f1"),
    "body": ("precision", "recall", "f1"),
    "body_shingles": ("precision", "recall", "f1"),
    "captions": ("precision", "recall", "f1"),
    "credits": ("precision", "recall", "f1"),
}
MEASURE_HEADERS: tuple[tuple[str, str], ...] = (
    ("precision", "P"),
    ("recall", "R"),
    ("f1", "F1"),
    ("exact", "exact"),
    ("date", "date"),
)
MEASURE_NAMES = dict(MEASURE_HEADERS)
FIELD_WIDTH = max(map(len, FIELDS)) + 2
# The one measure per field the summary across corpora shows (the peers table's):
# published by calendar date, because some corpora give the date only.
HEADLINE_MEASURES: dict[str, str] = {
    "title": "f1",
    "authors": "f1",
    "published": "date",
    "topics": "f1",
    "body": "f1",
    "body_shingles": "f1",
    "captions": "f1",
    "credits": "f1",
}
# Per-language table: (field, measure or "n", header); body, authors and published.
LANGUAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("body", "n", "body n"),
    ("body", "f1", "body F1"),
    ("authors", "n", "auth n"),
    ("authors", "f1", "auth F1"),
    ("published", "n", "pub n"),
    ("published", "exact", "pub exact"),
    ("published", "date", "pub date"),
)


def format_ratio(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value:.3f}"


def _measure_cell(score_: FieldScore, measure: str) -> str:
    if measure not in DEFINED_MEASURES[score_.field]:
        return NOT_DEFINED
    return format_ratio(getattr(score_, measure))


def format_report(report: Report, *, label: str) -> str:
    """Fixed-width table of the annotated fields, then body/authors/published per language.

    The language table is left out when the gold has a single language (it would
    repeat the field table).
    """
    lines = [f"Field scores: {label}", ""]
    if not report.fields:
        return "\n".join([*lines, "no gold field to score"]) + "\n"
    header = f"{'field':<{FIELD_WIDTH}}{'n':>5}" + "".join(f"{h:>8}" for _, h in MEASURE_HEADERS)
    lines += [header, "-" * len(header)]
    for field_name, row in report.fields.items():
        cells = "".join(f"{_measure_cell(row, m):>8}" for m, _ in MEASURE_HEADERS)
        lines.append(f"{field_name:<{FIELD_WIDTH}}{row.n:>5}{cells}")
    if len(report.by_language) < 2:
        return "\n".join(lines) + "\n"

    columns = [
        (field_name, measure, header)
        for field_name, measure, header in LANGUAGE_COLUMNS
        if field_name in report.fields
    ]
    header = f"{'language':<10}" + "".join(f"{h:>10}" for _, _, h in columns)
    lines += ["", header, "-" * len(header)]
    most_items = {
        language: max(scores[f].n for f, _, _ in columns)
        for language, scores in report.by_language.items()
    }
    # Languages without an item in these columns (title-only pages, say) get no line.
    languages = sorted(
        (language for language, n in most_items.items() if n),
        key=lambda lang: (-most_items[lang], lang),
    )
    for language in languages:
        scores = report.by_language[language]
        cells = []
        for field_name, measure, _ in columns:
            value = scores[field_name]
            cells.append(str(value.n) if measure == "n" else format_ratio(getattr(value, measure)))
        lines.append(f"{language:<10}" + "".join(f"{c:>10}" for c in cells))
    return "\n".join(lines) + "\n"


def format_summary(reports: Mapping[str, Report], *, label: str) -> str:
    """One line per field any corpus annotates: its headline measure in each corpus and
    their mean over the corpora that annotate it (blank where a corpus does not)."""
    names = list(reports)
    widths = [max(len(name), 7) + 2 for name in names]
    header = (
        f"{'field':<{FIELD_WIDTH}}{'measure':<9}"
        + "".join(f"{name:>{width}}" for name, width in zip(names, widths, strict=True))
        + f"{'mean':>9}"
    )
    lines = [f"Summary across corpora: {label}", "", header, "-" * len(header)]
    for field_name, measure in HEADLINE_MEASURES.items():
        scores = [reports[name].fields.get(field_name) for name in names]
        if not any(scores):
            continue
        values = [getattr(s, measure) if s else None for s in scores]
        cells = [
            format_ratio(value) if s else NOT_DEFINED
            for s, value in zip(scores, values, strict=True)
        ]
        mean = _defined_mean([v for s, v in zip(scores, values, strict=True) if s])
        lines.append(
            f"{field_name:<{FIELD_WIDTH}}{MEASURE_NAMES[measure]:<9}"
            + "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
            + f"{format_ratio(mean):>9}"
        )
    return "\n".join(lines) + "\n"


def format_corpora(reports: Mapping[str, Mapping[str, Report]]) -> str:
    """Each corpus's table per view, then, with several corpora, one summary per view."""
    parts = [
        format_report(
            report,
            label=f"{name} {view} ({report.n_pages} pages, {report.n_articles} with an article)",
        )
        for name, views in reports.items()
        for view, report in views.items()
    ]
    if len(reports) > 1:
        for view in VIEW_SUFFIXES:
            in_view = {name: views[view] for name, views in reports.items() if view in views}
            if in_view:
                parts.append(format_summary(in_view, label=f"{view} (mean over the corpora)"))
    return "\n".join(parts)


def scores_json(reports: Mapping[str, Mapping[str, Report]]) -> dict:
    """Field scores keyed by corpus, then view, then field (the baseline file's shape)."""
    return {
        name: {
            view: {field_name: asdict(s) for field_name, s in report.fields.items()}
            for view, report in views.items()
        }
        for name, views in reports.items()
    }


def _item_rows(report: Report, **labels: str) -> Iterator[dict]:
    for row in report.items:
        yield {**labels, **asdict(row)}


def _write_jsonl(rows: Iterable[dict], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_corpus_details(reports: Mapping[str, Mapping[str, Report]], path: Path) -> None:
    """Per-item rows as JSON Lines: one row per corpus, view, gold item and scored field."""
    _write_jsonl(
        (
            row
            for name, views in reports.items()
            for view, report in views.items()
            for row in _item_rows(report, corpus=name, view=view)
        ),
        path,
    )


def write_details(reports: Mapping[str, Report], path: Path) -> None:
    """Per-item rows of one corpus as JSON Lines: one row per view, gold item and scored field."""
    _write_jsonl(
        (row for view, report in reports.items() for row in _item_rows(report, view=view)), path
    )
