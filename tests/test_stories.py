"""Story clusters from the user's side: syndicated copies in, ``story_clusters`` out.

An agency story republished by four outlets (headlines edited, last paragraph trimmed,
a local sentence added), one article under two URLs of one outlet, and unrelated stories
on the same topic are ingested with the command line; the clusters must be exactly the
expected ones. A second ingest adds copies and must extend the clusters to what a full
recomputation gives. Larger random sets check incremental updates (new, changed and
deleted articles, in any order) against a full recomputation and against a brute-force
oracle written here from the definition.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.flows import stories as story_flow
from dateline.flows import warehouse
from dateline.flows.cli import main
from dateline.transforms import schema, stories
from tests.conftest import examples, query_db

VOCABULARY = (
    "government minister parliament vote budget city council river bridge school teacher "
    "hospital doctor nurse farmer harvest market price trade port ship storm flood rescue "
    "police court judge trial museum painting concert theatre festival team coach match "
    "season goal stadium station train road traffic energy solar wind plant factory worker "
    "union strike wage company profit bank loan rate inflation currency export import "
    "election campaign candidate poll survey report study scientist research university "
    "student village mountain forest fire summer winter morning evening officials said "
    "announced warned expected agreed rejected approved delayed opened closed rose fell "
    "new old large small early late local national regional foreign public private"
).split()
TOPIC_WORDS = "central bank interest rates inflation economists governor decision".split()


def sentence(rng: random.Random, words: int = 14, topic: bool = False) -> str:
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    if topic:
        # Unrelated stories on one topic share its vocabulary, not its sentences.
        for position in rng.sample(range(words), 4):
            chosen[position] = rng.choice(TOPIC_WORDS)
    return " ".join(chosen).capitalize() + "."


def paragraphs(rng: random.Random, n: int = 8, topic: bool = False) -> list[str]:
    return [" ".join(sentence(rng, topic=topic) for _ in range(3)) for _ in range(n)]


def html_page(title: str, body: list[str]) -> str:
    paras = "".join(f"<p>{text}</p>" for text in body)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paras}</article></body></html>"
    )


def record(url: str, outlet: str, published: str, title: str, body: list[str]) -> dict:
    return {
        "url": url,
        "source": outlet,
        "date": published,
        "title": title,
        "html": html_page(title, body),
    }


def republished(story: list[str], rng: random.Random, outlet: str) -> list[str]:
    """An outlet's copy: last paragraph trimmed, a local sentence added after the lead."""
    local = (
        f"In {outlet} the news was {rng.choice(VOCABULARY)} by {rng.choice(VOCABULARY)} readers."
    )
    return [story[0], local, *story[1:-1]]


AGENCY_URL = "https://wire.example/world/2024/03/01/floods"
OUTLETS = ("Daily North", "Coast Courier", "Valley Times", "Metro Post")


def first_ingest_records() -> list[dict]:
    rng = random.Random(7)
    story = paragraphs(rng)
    records = [
        record(
            AGENCY_URL, "Wire Agency", "2024-03-01T08:00:00Z", "Floods hit the river towns", story
        )
    ]
    for number, outlet in enumerate(OUTLETS, start=1):
        records.append(
            record(
                f"https://{outlet.lower().replace(' ', '')}.example/news/floods-{number}",
                outlet,
                f"2024-03-01T{9 + number:02d}:30:00Z",
                f"{outlet}: river towns flooded, rescue under way ({number})",
                republished(story, rng, outlet),
            )
        )
    # One article under two URLs of the same outlet.
    twice = bridge_story()
    for url in (
        "https://metropost.example/a/123",
        "https://metropost.example/story/bridge-reopens",
    ):
        records.append(record(url, "Metro Post", "2024-03-02T07:00:00Z", "Bridge reopens", twice))
    # Unrelated stories on the same topic.
    for number in range(4):
        records.append(
            record(
                f"https://outlet{number}.example/economy/rates-{number}",
                f"Outlet {number}",
                "2024-03-03T10:00:00Z",
                f"Central bank decision {number}",
                paragraphs(rng, topic=True),
            )
        )
    return records


def second_ingest_records() -> list[dict]:
    rng = random.Random(99)
    story = paragraphs(random.Random(7))
    return [
        record(
            "https://islandnews.example/floods",
            "Island News",
            "2024-03-02T06:00:00Z",
            "Flood waters rise",
            republished(story, rng, "Island News"),
        ),
        record(
            "https://metropost.example/amp/bridge-reopens",
            "Metro Post",
            "2024-03-02T07:00:00Z",
            "Bridge reopens",
            bridge_story(),
        ),
    ]


def bridge_story() -> list[str]:
    return paragraphs(random.Random(11))


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def ingest(capsys, sources: Path, db: Path) -> None:
    code = main(["ingest", str(sources), "--db", str(db), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "data tests: all passed" in out, out


def clusters_by_url(db: Path) -> set[frozenset[str]]:
    rows = query_db(
        db,
        "SELECT c.cluster_id, a.url FROM story_clusters c JOIN articles a USING (article_id)",
    )
    groups: dict[str, set[str]] = {}
    for cluster_id, url in rows:
        groups.setdefault(cluster_id, set()).add(url)
    return {frozenset(urls) for urls in groups.values()}


def cluster_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT cluster_id, article_id, round(similarity, 9), is_first, first_outlet "
        "FROM story_clusters ORDER BY article_id"
    ).fetchall()


def rebuilt_rows(db: Path, tmp_path: Path) -> list[tuple]:
    """The clusters a full recomputation gives, on a copy of the warehouse."""
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copy(db, copy)
    con = warehouse.connect(copy)
    try:
        counts = story_flow.rebuild_story_clusters(con)
        assert (
            counts.articles_signed == con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        )
        return cluster_rows(con)
    finally:
        con.close()


def test_syndicated_copies_form_exactly_the_expected_clusters(capsys, tmp_path: Path) -> None:
    sources, db = tmp_path / "sources", tmp_path / "warehouse.duckdb"
    first = first_ingest_records()
    write_jsonl(sources / "day1.jsonl", first)
    ingest(capsys, sources, db)

    syndicated = frozenset(r["url"] for r in first[:5])
    same_outlet = frozenset(r["url"] for r in first[5:7])
    assert clusters_by_url(db) == {syndicated, same_outlet}
    agency = query_db(
        db,
        "SELECT c.cluster_id = c.article_id, c.is_first, c.first_outlet, c.similarity "
        f"FROM story_clusters c JOIN articles a USING (article_id) WHERE a.url = '{AGENCY_URL}'",
    )
    assert agency == [(True, True, "Wire Agency", 1.0)]
    copies = query_db(
        db,
        "SELECT min(c.similarity), max(c.similarity), bool_or(c.is_first), count(DISTINCT c.first_outlet) "
        "FROM story_clusters c JOIN articles a USING (article_id) "
        f"WHERE a.url <> '{AGENCY_URL}' AND c.cluster_id = (SELECT cluster_id FROM story_clusters "
        f"JOIN articles USING (article_id) WHERE url = '{AGENCY_URL}')",
    )
    [(low, high, any_first, n_first_outlets)] = copies
    assert stories.SIMILARITY_THRESHOLD <= low <= high < 1.0
    assert not any_first and n_first_outlets == 1
    [(same_similarity,)] = query_db(
        db,
        "SELECT min(similarity) FROM story_clusters c JOIN articles a USING (article_id) "
        "WHERE a.url LIKE 'https://metropost.example/%' AND a.title = 'Bridge reopens'",
    )
    assert same_similarity == 1.0

    # Second ingest: another outlet's copy (published before two of the others) and a
    # third URL of the same article. The clusters grow; nothing else moves.
    second = second_ingest_records()
    write_jsonl(sources / "day2.jsonl", second)
    ingest(capsys, sources, db)
    assert clusters_by_url(db) == {
        syndicated | {second[0]["url"]},
        same_outlet | {second[1]["url"]},
    }
    con = warehouse.connect(db, read_only=True)
    incremental = cluster_rows(con)
    con.close()
    assert incremental == rebuilt_rows(db, tmp_path)
    assert incremental == oracle_rows(db)


def test_changed_and_deleted_articles_keep_clusters_consistent(capsys, tmp_path: Path) -> None:
    sources, db = tmp_path / "sources", tmp_path / "warehouse.duckdb"
    first = first_ingest_records()
    write_jsonl(sources / "day1.jsonl", first)
    ingest(capsys, sources, db)
    # The agency's record is dropped (its article is deleted) and one outlet's copy is
    # replaced with an unrelated text: the cluster keeps three outlets, named by the
    # earliest of them.
    changed = [dict(r) for r in first[1:]]
    changed[0]["html"] = html_page("Other news", paragraphs(random.Random(1234)))
    write_jsonl(sources / "day1.jsonl", changed)
    ingest(capsys, sources, db)
    remaining = frozenset(r["url"] for r in first[2:5])
    assert clusters_by_url(db) == {remaining, frozenset(r["url"] for r in first[5:7])}
    [(first_outlet,)] = query_db(
        db,
        "SELECT DISTINCT first_outlet FROM story_clusters WHERE first_outlet <> 'Metro Post' OR first_outlet IS NULL",
    )
    assert first_outlet == OUTLETS[1]
    con = warehouse.connect(db, read_only=True)
    incremental = cluster_rows(con)
    con.close()
    assert incremental == rebuilt_rows(db, tmp_path) == oracle_rows(db)


# --- incremental equals full recomputation, on larger random sets --------------------------


def oracle_rows(db: Path | duckdb.DuckDBPyConnection) -> list[tuple]:
    """The clusters by definition, brute force: every pair of articles sharing an LSH band
    and at or above the threshold is linked; components of two or more are clusters."""
    con = (
        db if isinstance(db, duckdb.DuckDBPyConnection) else duckdb.connect(str(db), read_only=True)
    )
    articles = con.sql(
        "SELECT article_id, body_text, outlet, "
        "coalesce(published_at, CAST(published_date AS TIMESTAMPTZ)) AS published FROM articles"
    ).pl()
    if con is not db:
        con.close()
    signed = stories.minhash_signatures(stories.shingle_sets(articles))
    matrix = stories.signature_array(signed["signature"])
    ids = signed["article_id"].to_list()
    bands = stories.band_keys(
        signed.with_columns(signature_key=pl.int_range(pl.len(), dtype=pl.UInt64))
    )
    band_sets = [set() for _ in ids]
    for key, band in bands.iter_rows():
        band_sets[key].add(band)
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(ids)), 2):
        if (
            band_sets[i] & band_sets[j]
            and (matrix[i] == matrix[j]).mean() >= stories.SIMILARITY_THRESHOLD
        ):
            parent[root(j)] = root(i)
    info = {row[0]: row for row in articles.iter_rows()}
    far_future = datetime(9999, 1, 1, tzinfo=UTC)
    groups: dict[int, list[int]] = {}
    for i in range(len(ids)):
        groups.setdefault(root(i), []).append(i)
    rows = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first = min(members, key=lambda i: (info[ids[i]][3] or far_future, ids[i]))
        for i in members:
            similarity = float((matrix[i] == matrix[first]).mean())
            rows.append((ids[first], ids[i], round(similarity, 9), i == first, info[ids[first]][2]))
    return sorted(rows, key=lambda row: row[1])


def random_articles(rng: random.Random, n: int) -> list[dict]:
    """``n`` articles: a few stories, each with edited copies, dates (some missing) and
    outlets, and unrelated ones; some bodies identical, some too short to compare."""
    bases = [paragraphs(rng, n=rng.randint(3, 8)) for _ in range(max(2, n // 6))]
    rows = []
    for number in range(n):
        base = rng.choice(bases)
        kind = rng.random()
        if kind < 0.15:
            body = [sentence(rng, words=6)]
        elif kind < 0.3:
            body = paragraphs(rng, n=4)
        elif kind < 0.45:
            body = list(base)
        else:
            body = republished(base, rng, f"town{number}")
            if rng.random() < 0.3:
                body = body[: max(1, len(body) - 2)]
        published = (
            None
            if rng.random() < 0.2
            else datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 200))
        )
        rows.append(
            {
                "article_id": f"a{number:04d}",
                "outlet": rng.choice(["North", "South", None]),
                "published_at": published if published and rng.random() < 0.7 else None,
                "published_date": published.date() if published else None,
                "body_text": "\n\n".join(body),
            }
        )
    return rows


def warehouse_with(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = warehouse.connect(":memory:")
    warehouse.apply_schema(con)
    put_articles(con, rows)
    return con


def put_articles(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Insert or replace articles (a changed body gets a new content_hash)."""
    frame = pl.DataFrame(rows).with_columns(
        content_hash=pl.concat_str(
            pl.col("body_text"),
            pl.col("outlet").fill_null(""),
            pl.col("published_at").cast(pl.String).fill_null(""),
            pl.col("published_date").cast(pl.String).fill_null(""),
        )
        .hash()
        .cast(pl.String)
    )
    full = pl.DataFrame(schema=schema.ARTICLES.polars_schema).vstack(
        frame.select(
            pl.col(c.name).cast(c.dtype)
            if c.name in frame.columns
            else pl.lit(None, c.dtype).alias(c.name)
            for c in schema.ARTICLES.columns
        )
    )
    con.register("new_rows", full.to_arrow())
    con.execute("DELETE FROM articles WHERE article_id IN (SELECT article_id FROM new_rows)")
    con.execute(f"INSERT INTO articles ({', '.join(schema.ARTICLES.names)}) SELECT * FROM new_rows")
    con.unregister("new_rows")


def full_recomputation(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    story_flow.rebuild_story_clusters(con)
    return cluster_rows(con)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(4, 60), steps=st.integers(1, 4))
def test_incremental_updates_equal_a_full_recomputation(seed: int, n: int, steps: int) -> None:
    rng = random.Random(seed)
    rows = random_articles(rng, n)
    rng.shuffle(rows)
    cut = sorted(rng.sample(range(1, n), min(steps, n - 1)))
    con = warehouse_with(rows[: cut[0]])
    story_flow.update_story_clusters(con)
    loaded = list(rows[: cut[0]])
    for start, end in zip(cut, [*cut[1:], n], strict=True):
        put_articles(con, rows[start:end])
        loaded += rows[start:end]
        # Some stored articles change body or date, some are deleted.
        for row in rng.sample(loaded, min(3, len(loaded))):
            action = rng.random()
            if action < 0.4:
                row["body_text"] = rng.choice(loaded)["body_text"]
                put_articles(con, [row])
            elif action < 0.7:
                row["published_at"] = None
                put_articles(con, [row])
            else:
                con.execute("DELETE FROM articles WHERE article_id = ?", [row["article_id"]])
                loaded.remove(row)
        story_flow.update_story_clusters(con)
    incremental = cluster_rows(con)
    assert incremental == oracle_rows(con)
    assert incremental == full_recomputation(con)
    con.close()


def test_a_larger_set_in_batches_equals_a_full_recomputation() -> None:
    rng = random.Random(2024)
    rows = random_articles(rng, 600)
    con = warehouse_with(rows[:200])
    story_flow.update_story_clusters(con)
    for start in (200, 400):
        put_articles(con, rows[start : start + 200])
        story_flow.update_story_clusters(con)
    incremental = cluster_rows(con)
    assert len({row[0] for row in incremental}) > 10
    assert incremental == full_recomputation(con)
    assert incremental == oracle_rows(con)
    con.close()


def test_bodies_signed_in_small_chunks_equal_the_definition(monkeypatch) -> None:
    """Distinct bodies are signed a chunk at a time, each chunk read by a range of row ids:
    chunks of a few bodies, over row ids with gaps left by deletes and with copies of one
    body stored far apart (in other chunks), give the clusters of the definition."""
    rng = random.Random(7)
    rows = random_articles(rng, 120)
    con = warehouse_with(rows)
    for row in rng.sample(rows, 15):
        con.execute("DELETE FROM articles WHERE article_id = ?", [row["article_id"]])
    put_articles(con, [{**row, "article_id": f"{row['article_id']}-copy"} for row in rows[::6]])
    monkeypatch.setattr(story_flow, "CHUNK_ARTICLES", 7)
    counts = story_flow.update_story_clusters(con)
    assert counts.articles_signed == 120 - 15 + 20
    clusters = cluster_rows(con)
    assert len({row[0] for row in clusters}) > 5
    assert clusters == oracle_rows(con)
    con.close()


def test_an_update_with_nothing_new_signs_nothing() -> None:
    con = warehouse_with(random_articles(random.Random(5), 30))
    first = story_flow.update_story_clusters(con)
    assert first.articles_signed == 30
    before = cluster_rows(con)
    again = story_flow.update_story_clusters(con)
    assert (again.articles_signed, again.articles_gone, again.new_pairs) == (0, 0, 0)
    assert cluster_rows(con) == before
    con.close()


@pytest.mark.parametrize(
    ("left", "right", "similar"),
    [
        (" ".join(f"w{i}" for i in range(60)), " ".join(f"w{i}" for i in range(60)), True),
        (" ".join(f"w{i}" for i in range(200)), " ".join(f"w{i}" for i in range(20, 220)), True),
        (" ".join(f"w{i}" for i in range(200)), " ".join(f"v{i}" for i in range(200)), False),
        (
            "日本語の記事の本文はスペースなしで書かれています。" * 3,
            "日本語の記事の本文はスペースなしで書かれています。" * 3,
            True,
        ),
    ],
)
def test_signatures_estimate_shingle_similarity(left: str, right: str, similar: bool) -> None:
    frame = pl.DataFrame({"article_id": ["l", "r"], "body_text": [left, right]})
    signed = stories.minhash_signatures(stories.shingle_sets(frame))
    assert signed.height == 2
    similarity = stories.estimated_similarity(signed["signature"][:1], signed["signature"][1:])[0]
    assert bool(similarity >= stories.SIMILARITY_THRESHOLD) == similar


@pytest.mark.parametrize(
    "body", ["Only a few words here.", "the quick brown fox jumps over the lazy dog " * 6, "", None]
)
def test_short_bodies_are_not_compared(body: str | None) -> None:
    frame = pl.DataFrame(
        {"article_id": ["a"], "body_text": [body]},
        schema={"article_id": pl.String, "body_text": pl.String},
    )
    assert stories.shingle_sets(frame).height == 0
