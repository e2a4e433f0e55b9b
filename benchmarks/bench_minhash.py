"""MinHash and LSH for story clusters: rensa, datasketch and DuckDB SQL on the same articles.

Bodies are the plain-text views of the gold corpora (``*.txt``, header line dropped),
plus edited copies until there are ``--docs``: each copy drops the last paragraph, adds
a local sentence and changes one word, as a republished agency story is edited. The
shingles (``transforms.stories.shingle_sets``) are made once; each way then runs in a
child process of its own, so its peak memory is its own:

* build: MinHash signatures of every body (``NUM_PERM`` values, the same seed);
* query: LSH candidate pairs for every body, with ``BANDS`` x ``ROWS_PER_BAND`` bands
  (rensa's ``RMinHashLSH``, datasketch's ``MinHashLSH``, or a DuckDB self-join on band
  keys as ``flows/stories.py`` does), each candidate verified against the threshold;
* peak RSS of the child above the same child's RSS once the shingles are loaded.

Agreement: the verified pairs of each way against the exact Jaccard similarity of the
shingle sets, over the union of every way's candidates and the known copies (precision
and recall at ``SIMILARITY_THRESHOLD``), and the mean absolute error of the estimates.

    python benchmarks/bench_minhash.py --docs 10000 [--corpus DIR ...] [--ways rensa,datasketch,duckdb]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPOSITORY = Path(__file__).resolve().parents[1]
CORPUS_ROOT = Path(os.environ.get("DATELINE_CORPUS_DIR", REPOSITORY.parent / "shared" / "corpus"))
WAYS = ("rensa", "datasketch", "duckdb")
LOCAL_SENTENCE = "Local officials said they would follow the matter closely this week."


def base_bodies(corpus_dirs: list[Path]) -> list[str]:
    """The text views of the corpora, without their ``date`` header line, long ones only."""
    bodies = []
    for corpus in corpus_dirs:
        for path in sorted(corpus.rglob("*.txt")):
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            if lines and lines[0].startswith("date "):
                lines = lines[1:]
            text = "\n".join(line for line in lines if line.strip())
            if len(text.split()) >= 60:
                bodies.append(text)
    return bodies


def edited_copy(body: str, copy: int) -> str:
    """A republished copy: last paragraph cut, a local sentence added, one word changed."""
    paragraphs = body.split("\n")
    kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    words = kept[0].split()
    if words:
        words[len(words) // 2] = f"edited{copy}"
    return "\n".join([" ".join(words), *kept[1:], f"{LOCAL_SENTENCE} ({copy})"])


def build_articles(
    corpus_dirs: list[Path], n_docs: int
) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """``n_docs`` bodies (article_id 0..n-1) and the known (original, copy) pairs."""
    bases = base_bodies(corpus_dirs)
    bodies = bases[:n_docs]
    known = []
    copy = 0
    while len(bodies) < n_docs:
        origin = copy % len(bases)
        known.append((origin, len(bodies)))
        bodies.append(edited_copy(bases[origin], copy))
        copy += 1
    frame = pl.DataFrame({"article_id": [str(i) for i in range(len(bodies))], "body_text": bodies})
    return frame, known


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> None:
    """Start the peak (VmHWM) afresh at the current RSS (Linux: clear_refs 5)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_way(way: str, shingles_path: Path) -> dict:
    """In a child: build signatures, query LSH, verify; times, memory and verified pairs."""
    from dateline.transforms import stories

    shingled = pl.read_parquet(shingles_path)
    ids = [int(i) for i in shingled["article_id"]]
    lists = shingled["shingles"].to_list()
    del shingled
    reset_peak_rss()
    base_rss = rss_mb()
    started = time.perf_counter()
    if way == "rensa":
        import rensa

        matrix = rensa.RMinHash.digest_matrix_from_token_sets(
            lists, stories.NUM_PERM, stories.MINHASH_SEED
        )
        signatures = np.asarray(matrix.to_rows(), dtype=np.uint32)
        build = time.perf_counter() - started
        started = time.perf_counter()
        index = rensa.RMinHashLSH(stories.SIMILARITY_THRESHOLD, stories.NUM_PERM, stories.BANDS)
        index.insert_matrix(matrix, 0)
        candidates = set()
        for row, minhash in enumerate(
            rensa.RMinHash.from_token_sets(lists, stories.NUM_PERM, stories.MINHASH_SEED)
        ):
            candidates.update((min(row, o), max(row, o)) for o in index.query(minhash) if o != row)
    elif way == "datasketch":
        from datasketch import MinHash, MinHashLSH

        encoded = ([s.encode("utf-8") for s in shingles] for shingles in lists)
        minhashes = MinHash.bulk(encoded, num_perm=stories.NUM_PERM, seed=stories.MINHASH_SEED)
        signatures = np.stack([m.hashvalues.astype(np.uint32) for m in minhashes])
        build = time.perf_counter() - started
        started = time.perf_counter()
        index = MinHashLSH(num_perm=stories.NUM_PERM, params=(stories.BANDS, stories.ROWS_PER_BAND))
        for row, minhash in enumerate(minhashes):
            index.insert(row, minhash)
        candidates = set()
        for row, minhash in enumerate(minhashes):
            candidates.update((min(row, o), max(row, o)) for o in index.query(minhash) if o != row)
    else:
        import duckdb

        con = duckdb.connect()
        con.execute("SET memory_limit = '300MB'")
        frame = pl.DataFrame({"doc": list(range(len(lists))), "shingle": lists}).explode("shingle")
        con.register("shingles", frame.to_arrow())
        # One hash per shingle and permutation; the minimum per body and permutation.
        rows = con.execute(
            f"""
            SELECT doc, list(v ORDER BY p) FROM (
                SELECT doc, p, min(hash(shingle, p + {stories.MINHASH_SEED}) >> 32) AS v
                FROM shingles, range({stories.NUM_PERM}) AS t(p) GROUP BY doc, p
            ) GROUP BY doc ORDER BY doc
            """
        ).fetchall()
        signatures = np.asarray([r[1] for r in rows], dtype=np.uint32)
        build = time.perf_counter() - started
        started = time.perf_counter()
        sig_frame = pl.DataFrame(
            {
                "article_id": [str(i) for i in range(len(lists))],
                "signature_key": np.arange(len(lists), dtype=np.uint64),
                "signature": [row.astype("<u4").tobytes() for row in signatures],
            }
        )
        con.register("bands", stories.band_keys(sig_frame).to_arrow())
        pairs = con.execute(
            """
            SELECT DISTINCT a.signature_key, b.signature_key FROM bands a
            JOIN bands b ON a.band_key = b.band_key AND a.signature_key < b.signature_key
            """
        ).fetchall()
        candidates = {(int(a), int(b)) for a, b in pairs}
    candidate_array = np.asarray(sorted(candidates), dtype=np.int64).reshape(-1, 2)
    estimate = (
        (signatures[candidate_array[:, 0]] == signatures[candidate_array[:, 1]]).mean(axis=1)
        if len(candidate_array)
        else np.zeros(0)
    )
    query = time.perf_counter() - started
    verified = candidate_array[estimate >= stories.SIMILARITY_THRESHOLD]
    return {
        "way": way,
        "build_seconds": build,
        "query_seconds": query,
        "memory_mb": peak_rss_mb() - base_rss,
        "candidates": [[ids[a], ids[b]] for a, b in candidate_array.tolist()],
        "estimates": estimate.tolist(),
        "verified": [[ids[a], ids[b]] for a, b in verified.tolist()],
    }


def exact_jaccard(
    shingled: pl.DataFrame, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], float]:
    sets = {
        int(i): set(s)
        for i, s in zip(shingled["article_id"], shingled["shingles"].to_list(), strict=True)
    }
    result = {}
    for a, b in pairs:
        if a in sets and b in sets:
            union = len(sets[a] | sets[b])
            result[(a, b)] = len(sets[a] & sets[b]) / union if union else 0.0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, nargs="*", default=None)
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--child", nargs=2, metavar=("WAY", "SHINGLES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = run_way(args.child[0], Path(args.child[1]))
        sys.stdout.buffer.write(pickle.dumps(result))
        return 0

    from dateline.transforms import stories

    corpus_dirs = args.corpus or sorted(p for p in CORPUS_ROOT.iterdir() if p.is_dir())
    articles, known = build_articles(corpus_dirs, args.docs)
    started = time.perf_counter()
    shingled = stories.shingle_sets(articles)
    shingle_seconds = time.perf_counter() - started
    print(
        f"{articles.height} bodies ({len(known)} edited copies), {shingled.height} with at least "
        f"{stories.MIN_SHINGLES} shingles; shingling {shingle_seconds:.2f} s"
    )
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "shingles.parquet"
        shingled.write_parquet(path)
        for way in args.ways.split(","):
            child = subprocess.run(
                [sys.executable, __file__, "--child", way, str(path)],
                capture_output=True,
                check=True,
            )
            results.append(pickle.loads(child.stdout))
    every_pair = {tuple(p) for r in results for p in r["candidates"]} | set(known)
    exact = exact_jaccard(shingled, every_pair)
    truth = {p for p, j in exact.items() if j >= stories.SIMILARITY_THRESHOLD}
    print(
        f"pairs of exact Jaccard >= {stories.SIMILARITY_THRESHOLD} among all candidates and known copies: {len(truth)}"
    )
    print(
        f"{'way':<11} {'build s':>8} {'query s':>8} {'memory MB':>10} {'candidates':>11} "
        f"{'verified':>9} {'precision':>10} {'recall':>7} {'MAE':>6}"
    )
    for r in results:
        verified = {tuple(p) for p in r["verified"]}
        errors = [
            abs(e - exact[tuple(p)])
            for p, e in zip(r["candidates"], r["estimates"], strict=True)
            if tuple(p) in exact
        ]
        hits = len(verified & truth)
        print(
            f"{r['way']:<11} {r['build_seconds']:>8.2f} {r['query_seconds']:>8.2f} "
            f"{r['memory_mb']:>10.0f} {len(r['candidates']):>11} {len(verified):>9} "
            f"{hits / max(len(verified), 1):>10.3f} {hits / max(len(truth), 1):>7.3f} "
            f"{(sum(errors) / max(len(errors), 1)):>6.3f}"
        )
    verified_sets = {r["way"]: {tuple(p) for p in r["verified"]} for r in results}
    names = list(verified_sets)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            union = verified_sets[a] | verified_sets[b]
            same = len(verified_sets[a] & verified_sets[b]) / max(len(union), 1)
            print(f"agreement {a} / {b}: {same:.3f} of verified pairs in common")
    print(
        json.dumps(
            {
                r["way"]: {k: r[k] for k in ("build_seconds", "query_seconds", "memory_mb")}
                for r in results
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
