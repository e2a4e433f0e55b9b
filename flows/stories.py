"""Story clusters: articles whose bodies are near-duplicates, kept up to date run by run.

The clusters are a function of the set of stored articles alone: two articles are linked
when their MinHash signatures share an LSH band and agree on at least
``stories.SIMILARITY_THRESHOLD`` of their values (``transforms/stories.py``); a cluster is
a connected component of two or more articles; its id is the ``article_id`` of its
earliest member (by ``published_at``, else ``published_date``, undated last, then
``article_id``); each member's ``similarity`` is estimated against that member.

``update_story_clusters`` brings the clusters up to date after the loads of a run, in one
transaction, without recomputing what did not change:

1. articles new or changed since the last update (``content_hash`` differs from the one
   in ``story_articles``) and articles gone are found by two anti-joins;
2. only new and changed bodies are shingled and signed, each distinct body once, a chunk
   of bodies at a time;
3. signatures are stored once per distinct body (``story_signatures``, keyed by a hash of
   the signature), with their band keys (``story_bands``); a new signature's bands are
   looked up against the stored ones in DuckDB and the verified pairs kept
   (``story_pairs``). A signature no article holds any more goes with its bands and pairs;
4. the affected part of the graph (changed signatures, the other ends of new pairs, and
   every member of a cluster one of them was in) is re-split into components, and only
   those clusters are rewritten.

Memory stays bounded as the warehouse grows: band keys, signatures and pairs live in
DuckDB (under its memory limit, spilling to disk), Python holds one chunk of bodies, the
verified pairs being checked, and the edges of the affected components. Equal bodies
share one signature, so ten thousand copies of one text are one node, not 50 million pairs.
``rebuild_story_clusters`` drops the stored state and computes everything again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl

from dateline.transforms import stories

# Distinct bodies shingled and signed per chunk (a chunk of bodies and their shingles in memory).
CHUNK_ARTICLES = 2000
# Candidate pairs verified per chunk (two signatures of 512 bytes each per pair).
CHUNK_PAIRS = 50_000
STORY_TABLES = (
    "story_clusters",
    "story_pairs",
    "story_bands",
    "story_signatures",
    "story_articles",
)
CLUSTER_COLUMNS = ("cluster_id", "article_id", "similarity", "is_first", "first_outlet")


@dataclass
class StoryCounts:
    """What one update did: articles (re)signed and gone, pairs found, clusters rewritten."""

    articles_signed: int = 0
    articles_gone: int = 0
    new_pairs: int = 0
    clusters_rewritten: int = 0
    rebuilt: bool = False


def update_story_clusters(con: duckdb.DuckDBPyConnection) -> StoryCounts:
    """Bring ``story_clusters`` up to date with ``articles`` (one transaction)."""
    counts = StoryCounts()
    con.execute("BEGIN TRANSACTION")
    try:
        counts.rebuilt = _reset_if_parameters_changed(con)
        _find_changes(con, counts)
        _sign_changed_articles(con, counts)
        _drop_orphaned_signatures(con)
        counts.new_pairs = _pair_new_signatures(con)
        counts.clusters_rewritten = _rewrite_affected_clusters(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return counts


def rebuild_story_clusters(con: duckdb.DuckDBPyConnection) -> StoryCounts:
    """Drop every stored signature, pair and cluster, and compute them all again."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table in STORY_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute("DELETE FROM story_parameters")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return update_story_clusters(con)


_TEMP_TABLES = (
    "story_changed",
    "story_bodies",
    "story_body_keys",
    "story_gone",
    "story_new_keys",
    "story_candidates",
    "story_affected_keys",
    "story_affected_clusters",
    "story_members",
    "story_key_similarity",
)


def _reset_if_parameters_changed(con: duckdb.DuckDBPyConnection) -> bool:
    """Signatures made with other shingle, MinHash or band parameters cannot be compared
    with new ones: drop them all (the update then signs every article)."""
    stored = con.execute("SELECT parameters_key FROM story_parameters").fetchall()
    if stored == [(stories.PARAMETERS_KEY,)]:
        return False
    for table in STORY_TABLES:
        con.execute(f"DELETE FROM {table}")
    con.execute("DELETE FROM story_parameters")
    con.execute("INSERT INTO story_parameters VALUES (?)", [stories.PARAMETERS_KEY])
    return bool(stored)


def _find_changes(con: duckdb.DuckDBPyConnection, counts: StoryCounts) -> None:
    """``story_changed``: articles to sign (new or changed content), numbered for chunks;
    ``story_gone``: stored states no longer current (article changed or deleted)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_changed AS
        SELECT a.article_id, a.content_hash, a.rowid AS article_rowid,
               hash(a.body_text) AS body_key
        FROM articles AS a
        ANTI JOIN story_articles AS s
            ON s.article_id = a.article_id AND s.content_hash IS NOT DISTINCT FROM a.content_hash
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_gone AS
        SELECT s.article_id, s.signature_key
        FROM story_articles AS s
        ANTI JOIN articles AS a
            ON s.article_id = a.article_id AND s.content_hash IS NOT DISTINCT FROM a.content_hash
        """
    )
    [(counts.articles_gone,)] = con.execute(
        "SELECT count(*) FROM story_gone WHERE article_id NOT IN (SELECT article_id FROM story_changed)"
    ).fetchall()
    con.execute(
        "DELETE FROM story_articles WHERE article_id IN (SELECT article_id FROM story_gone)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE story_new_keys (signature_key UBIGINT PRIMARY KEY)")


def _sign_changed_articles(con: duckdb.DuckDBPyConnection, counts: StoryCounts) -> None:
    """Shingle and sign each distinct body of the changed articles once, a chunk of bodies
    at a time; store each article's signature key (NULL when too short to compare) and
    each signature not stored yet.

    Copies of one text (the same article under several URLs, agency copy run unedited)
    share the work as they share the signature. A chunk is read by a range of the
    articles' row ids, so each chunk reads its own rows, not the whole table again."""
    [(counts.articles_signed,)] = con.execute("SELECT count(*) FROM story_changed").fetchall()
    # One article per distinct body (the first stored), numbered in storage order.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_bodies AS
        SELECT row_number() OVER (ORDER BY article_rowid) AS n, body_key, article_rowid
        FROM (SELECT body_key, min(article_rowid) AS article_rowid FROM story_changed GROUP BY body_key)
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE story_body_keys (body_key UBIGINT, signature_key UBIGINT)"
    )
    [(n_bodies,)] = con.execute("SELECT count(*) FROM story_bodies").fetchall()
    for first in range(1, n_bodies + 1, CHUNK_ARTICLES):
        bounds = {"first": first, "last": first + CHUNK_ARTICLES - 1}
        [(low, high)] = con.execute(
            "SELECT min(article_rowid), max(article_rowid) FROM story_bodies "
            "WHERE n BETWEEN $first AND $last",
            bounds,
        ).fetchall()
        chunk = con.sql(
            """
            SELECT b.body_key, a.article_id, a.body_text
            FROM articles AS a JOIN story_bodies AS b ON b.article_rowid = a.rowid
            WHERE a.rowid BETWEEN $low AND $high AND b.n BETWEEN $first AND $last
            """,
            params={**bounds, "low": low, "high": high},
        ).pl()
        signed = stories.minhash_signatures(stories.shingle_sets(chunk))
        _register(
            con,
            "chunk_body_keys",
            chunk.select("article_id", "body_key").join(
                signed.select("article_id", "signature_key"), on="article_id", maintain_order="left"
            ),
        )
        con.execute(
            "INSERT INTO story_body_keys SELECT body_key, signature_key FROM chunk_body_keys"
        )
        _register(
            con,
            "chunk_signatures",
            signed.unique("signature_key", maintain_order=True).select(
                "signature_key", "signature"
            ),
        )
        # Bodies no stored article has: signed for the first time, with their bands.
        fresh = con.sql(
            """
            SELECT signature_key, signature FROM chunk_signatures
            ANTI JOIN story_signatures USING (signature_key)
            """
        ).pl()
        _register(con, "chunk_fresh", fresh)
        con.execute("INSERT INTO story_signatures SELECT * FROM chunk_fresh")
        con.execute("INSERT INTO story_new_keys SELECT signature_key FROM chunk_fresh")
        _register(con, "chunk_bands", stories.band_keys(fresh))
        con.execute("INSERT INTO story_bands SELECT band_key, signature_key FROM chunk_bands")
        for name in ("chunk_body_keys", "chunk_signatures", "chunk_fresh", "chunk_bands"):
            con.unregister(name)
    con.execute(
        """
        INSERT INTO story_articles (article_id, content_hash, signature_key)
        SELECT c.article_id, c.content_hash, k.signature_key
        FROM story_changed AS c LEFT JOIN story_body_keys AS k USING (body_key)
        """
    )


def _drop_orphaned_signatures(con: duckdb.DuckDBPyConnection) -> None:
    """Signatures of changed or deleted articles that no article holds any more go, with
    their bands and pairs."""
    orphans = """
        SELECT DISTINCT signature_key FROM story_gone
        WHERE signature_key IS NOT NULL
          AND signature_key NOT IN (
              SELECT signature_key FROM story_articles WHERE signature_key IS NOT NULL
          )
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE story_orphans AS {orphans}")
    con.execute(
        "DELETE FROM story_pairs WHERE signature_key IN (SELECT signature_key FROM story_orphans) "
        "OR other_signature_key IN (SELECT signature_key FROM story_orphans)"
    )
    for table in ("story_bands", "story_signatures"):
        con.execute(
            f"DELETE FROM {table} WHERE signature_key IN (SELECT signature_key FROM story_orphans)"
        )
    con.execute("DROP TABLE story_orphans")


def _pair_new_signatures(con: duckdb.DuckDBPyConnection) -> int:
    """Candidate pairs of each new signature (a shared band key with any stored one),
    verified on the full signatures; the kept ones go into ``story_pairs``."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_candidates AS
        SELECT row_number() OVER (ORDER BY signature_key, other_signature_key) AS n, *
        FROM (
            SELECT DISTINCT
                least(n.signature_key, o.signature_key) AS signature_key,
                greatest(n.signature_key, o.signature_key) AS other_signature_key
            FROM story_bands AS n
            JOIN story_bands AS o ON o.band_key = n.band_key AND o.signature_key <> n.signature_key
            WHERE n.signature_key IN (SELECT signature_key FROM story_new_keys)
        )
        """
    )
    kept = 0
    for chunk in _pair_similarities(con, "story_candidates", "other_signature_key"):
        verified = chunk.filter(pl.col("similarity") >= stories.SIMILARITY_THRESHOLD)
        if verified.height:
            _register(con, "chunk_pairs", verified)
            con.execute("INSERT INTO story_pairs SELECT * FROM chunk_pairs")
            con.unregister("chunk_pairs")
        kept += verified.height
    return kept


# Signatures whose component may have changed: those of changed or gone articles, the
# ends of pairs found in this update, then every signature of a cluster one of them was in.
AFFECTED_KEYS_SQL = """
    CREATE OR REPLACE TEMP TABLE story_affected_keys AS
    WITH touched AS (
        SELECT signature_key FROM story_gone WHERE signature_key IS NOT NULL
        UNION SELECT s.signature_key FROM story_articles AS s
            JOIN story_changed AS c USING (article_id) WHERE s.signature_key IS NOT NULL
        UNION SELECT p.signature_key FROM story_pairs AS p
            JOIN story_new_keys AS k ON k.signature_key IN (p.signature_key, p.other_signature_key)
        UNION SELECT p.other_signature_key FROM story_pairs AS p
            JOIN story_new_keys AS k ON k.signature_key IN (p.signature_key, p.other_signature_key)
    ),
    old_clusters AS (
        SELECT DISTINCT sc.cluster_id FROM story_clusters AS sc
        WHERE sc.article_id IN (SELECT article_id FROM story_gone)
           OR sc.article_id IN (
               SELECT article_id FROM story_articles WHERE signature_key IN (SELECT * FROM touched)
           )
    )
    SELECT signature_key FROM touched
    UNION
    SELECT s.signature_key FROM story_clusters AS sc
    JOIN story_articles AS s USING (article_id)
    WHERE sc.cluster_id IN (SELECT cluster_id FROM old_clusters) AND s.signature_key IS NOT NULL
"""

# The affected signatures' articles with their component and order; the earliest member
# of each component of two or more articles names the cluster.
MEMBERS_SQL = """
    CREATE OR REPLACE TEMP TABLE story_members AS
    WITH members AS (
        SELECT s.article_id, s.signature_key,
               coalesce(m.component_key, s.signature_key) AS component_key,
               a.outlet,
               coalesce(a.published_at, CAST(a.published_date AS TIMESTAMPTZ)) AS published
        FROM story_articles AS s
        JOIN articles AS a USING (article_id)
        LEFT JOIN story_components AS m USING (signature_key)
        WHERE s.signature_key IN (SELECT signature_key FROM story_affected_keys)
    ),
    ranked AS (
        SELECT *,
               count(*) OVER (PARTITION BY component_key) AS n_members,
               row_number() OVER (
                   PARTITION BY component_key ORDER BY published NULLS LAST, article_id
               ) AS rank
        FROM members
    ),
    firsts AS (
        SELECT component_key, article_id AS cluster_id, signature_key AS first_signature_key,
               outlet AS first_outlet
        FROM ranked WHERE rank = 1
    )
    SELECT r.article_id, r.signature_key, f.first_signature_key, f.cluster_id,
           r.rank = 1 AS is_first, f.first_outlet
    FROM ranked AS r JOIN firsts AS f USING (component_key)
    WHERE r.n_members >= 2
"""


def _rewrite_affected_clusters(con: duckdb.DuckDBPyConnection) -> int:
    """Split the affected signatures into components again and rewrite their clusters."""
    con.execute(AFFECTED_KEYS_SQL)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_affected_clusters AS
        SELECT DISTINCT cluster_id FROM story_clusters
        WHERE article_id IN (SELECT article_id FROM story_gone)
           OR article_id IN (
               SELECT article_id FROM story_articles
               WHERE signature_key IN (SELECT signature_key FROM story_affected_keys)
           )
        """
    )
    edges = con.execute(
        """
        SELECT p.signature_key, p.other_signature_key FROM story_pairs AS p
        WHERE p.signature_key IN (SELECT signature_key FROM story_affected_keys)
        """
    ).fetchall()
    _register(con, "story_components", connected_components(edges))
    con.execute(MEMBERS_SQL)
    con.unregister("story_components")
    con.execute(
        """
        DELETE FROM story_clusters
        WHERE cluster_id IN (SELECT cluster_id FROM story_affected_clusters)
           OR article_id IN (SELECT article_id FROM story_gone)
           OR article_id IN (SELECT article_id FROM story_members)
        """
    )
    _store_key_similarities(con)
    con.execute(
        f"""
        INSERT INTO story_clusters ({", ".join(CLUSTER_COLUMNS)})
        SELECT m.cluster_id, m.article_id,
               CASE WHEN m.signature_key = m.first_signature_key THEN 1.0 ELSE k.similarity END,
               m.is_first, m.first_outlet
        FROM story_members AS m
        LEFT JOIN story_key_similarity AS k USING (signature_key, first_signature_key)
        """
    )
    [(n_clusters,)] = con.execute("SELECT count(DISTINCT cluster_id) FROM story_members").fetchall()
    return n_clusters


def _store_key_similarities(con: duckdb.DuckDBPyConnection) -> None:
    """``story_key_similarity``: the estimated similarity of each member's signature to its
    cluster's first one (distinct pairs of signatures only)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_key_similarity (
            signature_key UBIGINT, first_signature_key UBIGINT, similarity DOUBLE
        )
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_key_pairs AS
        SELECT row_number() OVER (ORDER BY signature_key, first_signature_key) AS n, *
        FROM (
            SELECT DISTINCT signature_key, first_signature_key FROM story_members
            WHERE signature_key <> first_signature_key
        )
        """
    )
    for similarities in _pair_similarities(con, "story_key_pairs", "first_signature_key"):
        _register(con, "chunk_similarities", similarities)
        con.execute("INSERT INTO story_key_similarity SELECT * FROM chunk_similarities")
        con.unregister("chunk_similarities")
    con.execute("DROP TABLE story_key_pairs")


def _pair_similarities(
    con: duckdb.DuckDBPyConnection, pairs_table: str, other: str
) -> Iterator[pl.DataFrame]:
    """The estimated similarity of each pair of signatures in ``pairs_table`` (numbered
    by ``n``; keys ``signature_key`` and ``other``), ``CHUNK_PAIRS`` pairs at a time:
    frames of ``signature_key``, ``other``, ``similarity``."""
    [(n_pairs,)] = con.execute(f"SELECT count(*) FROM {pairs_table}").fetchall()
    for first in range(1, n_pairs + 1, CHUNK_PAIRS):
        pairs = con.sql(
            f"""
            SELECT p.signature_key, p.{other}, s.signature, o.signature AS other_signature
            FROM {pairs_table} AS p
            JOIN story_signatures AS s ON s.signature_key = p.signature_key
            JOIN story_signatures AS o ON o.signature_key = p.{other}
            WHERE p.n BETWEEN $first AND $last
            """,
            params={"first": first, "last": first + CHUNK_PAIRS - 1},
        ).pl()
        yield pairs.select(
            "signature_key",
            other,
            similarity=pl.Series(
                stories.estimated_similarity(pairs["signature"], pairs["other_signature"]),
                dtype=pl.Float64,
            ),
        )


def connected_components(edges: list[tuple[int, int]]) -> pl.DataFrame:
    """One row per node of ``edges``: ``signature_key`` and ``component_key`` (the smallest
    key of its connected component). Union-find with path halving."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in edges:
        left_root, right_root = root(left), root(right)
        if left_root != right_root:
            # The smaller key becomes the root, so a component's key is its smallest member.
            low, high = sorted((left_root, right_root))
            parent[high] = low
    nodes = list(parent)
    return pl.DataFrame(
        {"signature_key": nodes, "component_key": [root(node) for node in nodes]},
        schema={"signature_key": pl.UInt64, "component_key": pl.UInt64},
    )


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register(name, frame.to_arrow())
