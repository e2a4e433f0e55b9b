"""End-to-end ingest throughput, memory and orchestration cost, against baselines in the same run.

Builds a scaled corpus of ``--docs`` documents in a scratch folder: distinct copies of the
fundus dev corpus pages (``.txt`` views, ``.html.gz`` pages decompressed) and of the seed
dump, dealt round-robin over the kinds of ``--mix``. Each copy is its own article: text
copies are separate files (a text dump's article id comes from its path) and HTML copies
get their canonical URL made unique. Then, in this process:

* the text documents (``txt`` and ``seed``) are ingested by ``flows.ingest.run_ingest``
  with Prefect's task wrappers taken off, into a fresh DuckDB file: documents/s, MB/s,
  peak RSS and time per stage (discover, read, segment, normalize, load, stories, models,
  export); for the story clusters, also what the update did and the resident memory
  while it ran (sampled, since the process's peak is usually set by an earlier stage);
* the same sources again, unchanged: the re-run's seconds;
* the same sources through the Prefect flow, into another fresh file, then once more
  without Prefect (``--prefect-repeats`` pairs, fastest of each): Prefect's share;
* baselines: a bare Polars read-and-split of the same text bytes, DuckDB inserting the
  first batch's tables directly (against Dateline's load step on the same batch, each into
  fresh warehouses, fastest of ``--load-repeats``), trafilatura on the HTML pages (when ``html`` is mixed
  in; HTML pages are ingested in a run of their own);
* peak RSS of a child process that ingests a tenth as many documents, for the ratio.

Every figure is printed with its target and PASS or MISS.

    python benchmarks/bench_ingest.py --docs 10000 [--mix txt,html,seed] [--workdir DIR]
    python benchmarks/bench_ingest.py --quick            # smoke test, well under a minute

Startup (imports, the language model, Prefect's temporary server) is excluded: a one-file
ingest warms the process up before anything is timed.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("DATELINE_SHARED_DIR", REPOSITORY.parent / "shared"))
CORPUS_DIR = Path(os.environ.get("DATELINE_CORPUS_DIR", SHARED_DIR / "corpus")) / "fundus"
SEED_PATH = SHARED_DIR / "seeds" / "000_87e5fbe07bd337ee.txt"
# Prefect reads these at import time; the harness imports flows lazily, after setting them.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

KINDS = ("txt", "html", "seed")
TEXT_KINDS = ("txt", "seed")
FILES_PER_FOLDER = 1000
# Corpus files are written this long before the run (an hour): see build_corpus.
CORPUS_AGE_NS = 3600 * 1_000_000_000
STAGES = ("discover", "read", "segment", "normalize", "load", "stories", "models", "export")
# The step of flows.ingest.IngestSteps behind each stage (RunSummary.stage_seconds uses the
# stage names).
STEP_STAGES = {
    "discover": "discover",
    "read": "read",
    "parse": "parse",
    "load_batch": "load",
    "cluster_stories": "stories",
    "models": "models",
    "export": "export",
}
QUICK_DOCS = 60
# Loads of the first batch into a fresh warehouse, per side (Dateline, DuckDB direct); the
# fastest of each is compared.
LOAD_REPEATS = 5
# A run of 10k documents takes about 15 s, and its wall time varies by a second or two
# from run to run: one flow run against one direct run can show that noise as Prefect's
# share. Small runs therefore repeat the pair (fastest of each); a 100k run does not need to.
SMALL_RUN_DOCS = 20_000
SMALL_RUN_PREFECT_REPEATS = 3
QUICK_TRAFILATURA_PAGES = 8
TRAFILATURA_PAGES = 300
# Resident memory is sampled this often while the story clusters are updated.
RSS_SAMPLE_SECONDS = 0.01
# The targets.
TARGET_DOCS_PER_SECOND = 2000
TARGET_BARE_POLARS_FACTOR = 5
TARGET_TRAFILATURA_FACTOR = 4
TARGET_LOAD_SHARE = 0.8
TARGET_RSS_GROWTH = 1.3
TARGET_RERUN_SECONDS_AT_100K = 10.0
TARGET_PREFECT_SHARE = 0.10
# --workers 2 on two cores, on the CPU-bound stages (read and parse).
TARGET_WORKER_SPEEDUP = 1.7
# A page's canonical URL: <link rel="canonical" href=...> or <meta property="og:url" content=...>.
CANONICAL_LINK = re.compile(
    r"""<link\b[^>]*\brel=["']?canonical["']?[^>]*\bhref=["']([^"']+)["']"""
    r"""|<link\b[^>]*\bhref=["']([^"']+)["'][^>]*\brel=["']?canonical["']?""",
    re.IGNORECASE,
)
OG_URL = re.compile(
    r"""<meta\b[^>]*\bproperty=["']og:url["'][^>]*\bcontent=["']([^"']+)["']""", re.IGNORECASE
)


# ---------------------------------------------------------------- corpus


@dataclass
class Corpus:
    root: Path
    paths: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    bytes_by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def files(self, kinds: tuple[str, ...]) -> list[Path]:
        return [p for k in kinds for p in self.paths.get(k, [])]

    def n_bytes(self, kinds: tuple[str, ...]) -> int:
        return sum(self.bytes_by_kind.get(k, 0) for k in kinds)


def _templates(kind: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of the pages a kind copies; HTML pages decompressed."""
    if kind == "seed":
        return [(SEED_PATH.stem, SEED_PATH.read_bytes())] if SEED_PATH.exists() else []
    if kind == "txt":
        return [(p.stem, p.read_bytes()) for p in sorted(CORPUS_DIR.glob("*/*.txt"))]
    return [
        (p.name.removesuffix(".html.gz"), gzip.decompress(p.read_bytes()))
        for p in sorted(CORPUS_DIR.glob("*/*.html.gz"))
    ]


def _unique_html(page: bytes, copy: int) -> bytes:
    """The page with its canonical URL (every place it is written) made unique to the copy."""
    text = page.decode("utf-8", errors="surrogateescape")
    found = CANONICAL_LINK.search(text) or OG_URL.search(text)
    marker = f"bench-copy-{copy}"
    if found:
        url = next(g for g in found.groups() if g)
        unique = f"{url}{'&' if '?' in url else '?'}{marker}"
        text = text.replace(url, unique)
    else:
        text = text.replace(
            "<head>", f'<head><link rel="canonical" href="https://bench.invalid/{marker}">', 1
        )
    return text.encode("utf-8", errors="surrogateescape")


def build_corpus(root: Path, n_docs: int, mix: tuple[str, ...]) -> Corpus:
    """``n_docs`` files under ``root``, dealt round-robin over the kinds of ``mix``."""
    templates = {kind: _templates(kind) for kind in mix}
    kinds = [k for k in mix if templates[k]]
    if not kinds:
        raise SystemExit(f"no source pages found for {mix} (corpus at {CORPUS_DIR})")
    corpus = Corpus(root)
    used = defaultdict(int)
    # Scraped files predate the run that loads them. A file written within the racy-stat
    # window before a run is hashed again on the next one (flows.parallel.RACY_MTIME_NS),
    # which would time a re-read, not an unchanged re-run.
    aged_ns = time.time_ns() - CORPUS_AGE_NS
    for number in range(n_docs):
        kind = kinds[number % len(kinds)]
        name, data = templates[kind][used[kind] % len(templates[kind])]
        used[kind] += 1
        folder = root / kind / f"{number // FILES_PER_FOLDER:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "html":
            data = _unique_html(data, number)
            path = folder / f"{number:07d}_{name}.html"
        else:
            path = folder / f"{number:07d}_{name}.txt"
        path.write_bytes(data)
        os.utime(path, ns=(aged_ns, aged_ns))
        corpus.paths[kind].append(path)
        corpus.bytes_by_kind[kind] += len(data)
    return corpus


# ---------------------------------------------------------------- running the ingest


@dataclass
class StageClock:
    """Seconds per stage of one ingest, and what the first batch gave (for the baselines)."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    first_records: object = None
    first_tables: object = None
    first_load_seconds: float | None = None
    # The first batch the load step committed (flows.parallel.ParsedBatch), for the load baseline.
    first_batch: object = None
    cpu_seconds: float = 0.0
    # What the story-cluster update did (flows.stories.StoryCounts) and the resident memory
    # (MB) when it began and at its highest while it ran.
    stories: object = None
    stories_rss_start_mb: float | None = None
    stories_rss_peak_mb: float | None = None
    stories_cpu_seconds: float = 0.0


def timed_steps(clock: StageClock):
    """The plain steps of an ingest (no Prefect), each timed into ``clock`` by stage."""
    from dateline.flows.ingest import PLAIN_STEPS, IngestSteps

    return IngestSteps(
        **{
            step: _timed(getattr(PLAIN_STEPS, step), stage, clock)
            for step, stage in STEP_STAGES.items()
        }
    )


def _timed(function, stage: str, clock: StageClock):
    def run(*args, **kwargs):
        if stage == "stories":
            return _sampled_stories(function, clock, *args, **kwargs)
        started = time.perf_counter()
        result = function(*args, **kwargs)
        elapsed = time.perf_counter() - started
        clock.seconds[stage] += elapsed
        if stage == "parse" and clock.first_tables is None:
            clock.first_records, clock.first_tables = (
                args[0] if args else kwargs.get("records"),
                result,
            )
        elif stage == "load" and clock.first_load_seconds is None:
            clock.first_load_seconds = elapsed
            clock.first_batch = args[1] if len(args) > 1 else kwargs.get("batch")
        return result

    return run


def _sampled_stories(function, clock: StageClock, *args, **kwargs):
    """The story-cluster update, timed, with this process's resident memory sampled every
    ``RSS_SAMPLE_SECONDS`` in a thread while it runs."""
    import threading

    start = rss_mb()
    peak = [start]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(RSS_SAMPLE_SECONDS):
            peak[0] = max(peak[0], rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        result = function(*args, **kwargs)
    finally:
        elapsed = time.perf_counter() - started
        clock.stories_cpu_seconds += time.process_time() - cpu
        done.set()
        sampler.join()
    clock.seconds["stories"] += elapsed
    clock.stories = result
    clock.stories_rss_start_mb = start
    clock.stories_rss_peak_mb = max(peak[0], rss_mb())
    return result


def _parallel_settings(workers: int) -> dict[str, int]:
    """``workers`` for Settings and the flow, where this version of flows/ has the option."""
    from dateline.flows.settings import Settings

    fields = getattr(Settings, "__dataclass_fields__", {})
    return {"workers": workers} if workers > 1 and "workers" in fields else {}


def run_direct(
    sources: list[str], db_path: Path, batch_size: int, export_dir: Path | None, workers: int = 1
):
    """One ingest through run_ingest, without Prefect; (summary, clock, wall seconds)."""
    from dateline.flows.ingest import run_ingest
    from dateline.flows.settings import Settings

    settings = Settings(
        db_path=db_path,
        batch_size=batch_size,
        export_dir=export_dir,
        **_parallel_settings(workers),
    )
    clock = StageClock()
    started, cpu = time.perf_counter(), time.process_time()
    summary = run_ingest(sources, settings, progress=None, steps=timed_steps(clock))
    wall = time.perf_counter() - started
    clock.cpu_seconds = time.process_time() - cpu
    return summary, clock, wall


def run_flow(
    sources: list[str], db_path: Path, batch_size: int, export_dir: Path | None, workers: int = 1
):
    """One ingest through the Prefect flow; (summary, wall seconds)."""
    from dateline.flows.orchestration import ingest_flow
    from dateline.flows.settings import Settings

    settings = Settings(
        db_path=db_path,
        batch_size=batch_size,
        export_dir=export_dir,
        **_parallel_settings(workers),
    )
    started = time.perf_counter()
    summary = ingest_flow(source_args=sources, settings=settings)
    return summary, time.perf_counter() - started


def warm_up(workdir: Path) -> None:
    """Imports, the language model and lexicons loaded by a one-file ingest (not timed)."""
    folder = workdir / "warm_up"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "seed.txt"
    source.write_bytes(SEED_PATH.read_bytes() if SEED_PATH.exists() else b"Title\n\nSome text.\n")
    # A fresh file each time: a reused --workdir would skip the unchanged seed unparsed.
    run_direct([str(source)], fresh_db(folder / "warm.duckdb"), 10, None)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    /proc's VmHWM where there is one: getrusage's ru_maxrss survives exec on Linux, so a
    child started by this process would report at least this process's peak.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return (
        int(found.group(1)) / 1024
        if found
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )


def rss_mb() -> float:
    """Resident set size of this process now, in MB (0 where /proc is missing)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def recorded_stages(summary, clock: StageClock) -> dict[str, float]:
    """Seconds per flow stage (discover, read, parse, load, stories, models, export):
    RunSummary.stage_seconds where the flow records it, else the harness's own clock."""
    recorded = getattr(summary, "stage_seconds", None) or {}
    return {s: float(recorded.get(s, clock.seconds.get(s, 0.0))) for s in STEP_STAGES.values()}


def stage_seconds(summary, clock: StageClock) -> dict[str, float | None]:
    """Seconds per reported stage; parse is split into segment and normalize by the share
    segmentation takes of the first batch's parse, timed again here (None for both when
    batches were parsed in worker processes, out of the harness's sight)."""
    seconds: dict[str, float | None] = dict(recorded_stages(summary, clock))
    parse = seconds.pop("parse")
    if clock.first_records is None:
        seconds["segment"] = seconds["normalize"] = None
        seconds["parse"] = parse
    else:
        share = _segment_share(clock.first_records)
        seconds["segment"], seconds["normalize"] = parse * share, parse * (1 - share)
    return seconds


def _segment_share(records) -> float:
    """Share of build_article_tables' time that segment_text takes, on one batch."""
    if records is None or records.height == 0:
        return 0.0
    from datetime import UTC, datetime

    import polars as pl

    from dateline.transforms.assembly.articles import build_article_tables
    from dateline.transforms.text import segment as segment_text

    docs = (
        records.filter(pl.col("text").is_not_null())
        .with_row_index("doc_id")
        .with_columns(pl.col("doc_id").cast(pl.Int64))
    )
    docs = segment_text.strip_header_date(docs, "text").select("doc_id", "text")
    # CPU time, best of SHARE_REPEATS: less sensitive to other processes than wall time.
    total = _best_cpu_seconds(
        lambda: build_article_tables(records, run_id="bench", ingested_at=datetime.now(UTC))
    )
    segment = _best_cpu_seconds(lambda: segment_text.segment_text(docs))
    return min(segment / total, 1.0) if total else 0.0


SHARE_REPEATS = 2


def _best_cpu_seconds(call) -> float:
    best = float("inf")
    for _ in range(SHARE_REPEATS):
        started = time.process_time()
        call()
        best = min(best, time.process_time() - started)
    return best


# ---------------------------------------------------------------- baselines


def bare_polars_seconds(paths: list[Path]) -> float:
    """Read the files' bytes, decode them and split every document into lines with Polars."""
    import polars as pl

    started = time.perf_counter()
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in paths]
    lines = pl.Series("text", texts).str.split("\n").explode().str.strip_chars()
    lines.filter(lines != "").len()
    return time.perf_counter() - started


def fresh_db(db_path: Path) -> Path:
    """``db_path`` with no warehouse left there: a reused --workdir must not turn a first
    ingest into a re-run."""
    for leftover in (db_path, db_path.with_name(db_path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return db_path


def _fresh_warehouse(db_path: Path):
    """A connection to a new, empty warehouse at ``db_path`` (schema applied, not timed)."""
    from dateline.flows import warehouse

    con = warehouse.connect(fresh_db(db_path))
    warehouse.apply_schema(con)
    return con


def duckdb_direct_seconds(tables, workdir: Path) -> tuple[float, int]:
    """DuckDB inserting the first batch's tables straight from Arrow into a fresh warehouse."""
    frames = {name: frame.to_arrow() for name, frame in tables.by_table().items()}
    con = _fresh_warehouse(workdir / "duckdb_direct.duckdb")
    try:
        started = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        for name, arrow in frames.items():
            con.register("direct_rows", arrow)
            con.execute(
                f"INSERT INTO {name} ({', '.join(arrow.column_names)}) SELECT * FROM direct_rows"
            )
            con.unregister("direct_rows")
        con.execute("COMMIT")
        elapsed = time.perf_counter() - started
    finally:
        con.close()
    return elapsed, sum(t.num_rows for t in frames.values())


def dateline_load_seconds(batch, workdir: Path) -> float:
    """Dateline's load step (``flows.ingest.load_parsed_batch``, without Prefect) committing
    ``batch`` into a fresh warehouse."""
    from dateline.flows.ingest import load_parsed_batch

    con = _fresh_warehouse(workdir / "dateline_load.duckdb")
    try:
        started = time.perf_counter()
        load_parsed_batch(con, batch, "bench-load")
        return time.perf_counter() - started
    finally:
        con.close()


def load_comparison(batch, workdir: Path, repeats: int) -> tuple[float, float, int]:
    """(Dateline's load seconds, DuckDB's direct insert seconds, rows) for the same batch,
    each the fastest of ``repeats`` runs, alternating: another process on the machine only
    ever slows a run down, so the minimum is the steadiest estimate of each."""
    ours, direct, rows = [], [], 0
    for _ in range(max(repeats, 1)):
        ours.append(dateline_load_seconds(batch, workdir))
        seconds, rows = duckdb_direct_seconds(batch.tables, workdir)
        direct.append(seconds)
    return min(ours), min(direct), rows


def trafilatura_seconds(paths: list[Path]) -> float | None:
    """trafilatura extracting text and metadata from each page; None when it is not installed
    (it comes with the ``bench`` extra: ``pip install -e ".[bench]"``)."""
    try:
        import trafilatura
    except ImportError:
        return None

    pages = [p.read_bytes().decode("utf-8", errors="replace") for p in paths]
    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page, output_format="json", with_metadata=True)
    return time.perf_counter() - started


def start_child(n_docs: int, mix: str, batch_size: int) -> subprocess.Popen:
    """A fresh process ingesting ``n_docs`` documents of the same mix, for its peak RSS."""
    command = [
        sys.executable, __file__, "--docs", str(n_docs), "--mix", mix,
        "--batch-size", str(batch_size), "--rss-only",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def child_peak_rss(child: subprocess.Popen) -> float | None:
    """The child's peak RSS (MB), once it has finished; None when it failed."""
    stdout, _ = child.communicate()
    found = re.search(r"peak_rss_mb=([\d.]+)", stdout)
    return float(found.group(1)) if found else None


# ---------------------------------------------------------------- report


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, figure: str, value: str, target: str = "-", ok: bool | None = None) -> None:
        verdict = "-" if ok is None else ("PASS" if ok else "MISS")
        self.rows.append((figure, value, target, verdict))

    def print(self) -> None:
        widths = [
            max(len(r[i]) for r in [("figure", "value", "target", "result"), *self.rows])
            for i in range(4)
        ]
        header = ("figure", "value", "target", "result")
        for row in [header, tuple("-" * w for w in widths), *self.rows]:
            print(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def benchmark(args: argparse.Namespace, workdir: Path) -> Report:
    mix = tuple(k.strip() for k in args.mix.split(",") if k.strip())
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise SystemExit(f"--mix: unknown kinds {sorted(unknown)}; use {', '.join(KINDS)}")
    report = Report()
    warm_up(workdir)
    started = time.perf_counter()
    corpus = build_corpus(workdir / "corpus", args.docs, mix)
    counts = ", ".join(f"{k} {len(corpus.paths[k])}" for k in mix)
    print(
        f"corpus: {args.docs} documents ({counts}) in {workdir}, built in {time.perf_counter() - started:.1f} s"
    )

    text_files = corpus.files(TEXT_KINDS)
    html_files = corpus.files(("html",))
    export_dir = None if args.no_export else workdir / "export"
    if text_files:
        _text_figures(args, workdir, corpus, text_files, export_dir, report)
    if "html" in mix:
        _html_figures(args, workdir, corpus, html_files, report)
    return report


def _text_figures(args, workdir, corpus, text_files, export_dir, report: Report) -> None:
    n_text, n_bytes = len(text_files), corpus.n_bytes(TEXT_KINDS)
    sources = [str(corpus.root / k) for k in TEXT_KINDS if corpus.paths.get(k)]
    small = max(n_text // 10, 1)
    text_mix = ",".join(k for k in args.mix.split(",") if k in TEXT_KINDS)
    # A smoke test runs the child alongside (timings do not matter there); otherwise it runs
    # alone, after the timed runs.
    child = (
        start_child(small, text_mix, args.batch_size)
        if args.quick and not args.no_rss_child
        else None
    )
    rss_before = peak_rss_mb()
    summary, clock, wall = run_direct(
        sources, fresh_db(workdir / "text.duckdb"), args.batch_size, export_dir, args.workers
    )
    rss = peak_rss_mb()
    print(
        f"text run: {summary.counts.new} new articles, {summary.rejects} rejects, status {summary.status}"
    )
    docs_per_second = _rate(n_text, wall)
    report.add("text: documents/s (end to end)", f"{docs_per_second:,.0f} docs/s ({n_text} in {wall:.2f} s, cpu {clock.cpu_seconds:.1f} s)",
               f">= {TARGET_DOCS_PER_SECOND:,}", docs_per_second >= TARGET_DOCS_PER_SECOND)  # fmt: skip
    report.add("text: MB/s", f"{n_bytes / 1e6 / wall:.2f} MB/s ({n_bytes / 1e6:.1f} MB)")
    stages = stage_seconds(summary, clock)
    for stage in STAGES:
        value = stages.get(stage)
        if value is None:
            parse = stages.get("parse") or 0.0
            report.add(f"stage: {stage}", f"n/a: parsed in workers (parse {parse:.2f} s in all)")
        else:
            report.add(f"stage: {stage}", f"{value:.2f} s ({value / wall:.0%})")
    _stories_figures(clock, report)

    bare = bare_polars_seconds(text_files)
    bare_rate = _rate(n_text, bare)
    report.add("baseline: bare Polars read-and-split", f"{bare_rate:,.0f} docs/s ({bare:.2f} s)")
    report.add("text: Dateline / bare Polars", f"1/{bare_rate / docs_per_second:.1f}",
               f">= 1/{TARGET_BARE_POLARS_FACTOR}", docs_per_second * TARGET_BARE_POLARS_FACTOR >= bare_rate)  # fmt: skip

    if clock.first_batch is not None:
        load_seconds, direct, rows = load_comparison(clock.first_batch, workdir, args.load_repeats)
        ours = _rate(rows, load_seconds)
        theirs = _rate(rows, direct)
        best_of = f"best of {max(args.load_repeats, 1)}"
        report.add(
            "baseline: DuckDB direct insert (batch 1)",
            f"{theirs:,.0f} rows/s ({rows} rows, {direct:.2f} s, {best_of})",
        )
        report.add(
            "load: Dateline rows/s (batch 1)",
            f"{ours:,.0f} rows/s ({load_seconds:.2f} s, {best_of}; in the run {clock.first_load_seconds:.2f} s)",
        )
        report.add("load: Dateline / DuckDB direct", f"{ours / theirs:.0%}", f">= {TARGET_LOAD_SHARE:.0%}",
                   ours >= TARGET_LOAD_SHARE * theirs)  # fmt: skip

    # The ingest alone: a Parquet export rewrites the whole warehouse (its time grows with
    # the articles, not with what changed), so it would not be fixed in the projection.
    rerun_summary, rerun_clock, rerun = run_direct(
        sources, workdir / "text.duckdb", args.batch_size, None, args.workers
    )
    # Discover and read grow with the sources; the rest (connect, schema, run rows) is fixed.
    rerun_stages = recorded_stages(rerun_summary, rerun_clock)
    per_source = sum(rerun_stages[s] for s in ("discover", "read", "parse", "load"))
    projected = rerun - per_source + per_source * 100_000 / n_text
    report.add(
        "unchanged re-run (ingest, no export)",
        f"{rerun:.2f} s ({rerun_summary.sources_skipped} skipped, {per_source:.2f} s per-source work)",
    )
    report.add("unchanged re-run, projected to 100k", f"{projected:.1f} s",
               f"<= {TARGET_RERUN_SECONDS_AT_100K:.0f} s", projected <= TARGET_RERUN_SECONDS_AT_100K)  # fmt: skip

    report.add("peak RSS", f"{rss:,.0f} MB (before the run {rss_before:,.0f} MB)")
    if not args.no_rss_child:
        child_rss = child_peak_rss(child or start_child(small, text_mix, args.batch_size))
        if child_rss:
            report.add(f"peak RSS {n_text} / {small} docs", f"{rss / child_rss:.2f}x ({rss:,.0f} / {child_rss:,.0f} MB)",
                       f"<= {TARGET_RSS_GROWTH}x", rss / child_rss <= TARGET_RSS_GROWTH)  # fmt: skip
        else:
            report.add(f"peak RSS {n_text} / {small} docs", "child run failed")

    if args.workers > 1:
        _worker_figures(args, text_files, report)
    if not args.no_prefect:
        _prefect_figures(args, workdir, sources, wall, export_dir, report)


def _stories_figures(clock: StageClock, report: Report) -> None:
    """What the story-cluster update of the timed run did, and its resident memory."""
    counts = clock.stories
    if counts is None:
        report.add("stories: update", "not run (nothing changed)")
        return
    per_article = clock.seconds["stories"] / max(counts.articles_signed, 1)
    report.add(
        "stories: update",
        f"{counts.articles_signed:,} articles signed ({per_article * 1000:.2f} ms each, "
        f"cpu {clock.stories_cpu_seconds:.1f} s), {counts.new_pairs:,} pairs, "
        f"{counts.clusters_rewritten:,} clusters",
    )
    start, peak = clock.stories_rss_start_mb, clock.stories_rss_peak_mb
    report.add(
        "stories: peak RSS during the update",
        f"{peak:,.0f} MB ({peak - start:+,.0f} MB over its start)",
    )


def _read_parse_job(number: int, paths: list[str]):
    from datetime import UTC, datetime

    from dateline.flows import parallel
    from dateline.flows.settings import Settings

    defaults = Settings()
    return parallel.BatchJob(
        number=number,
        sources=parallel.batch_sources(paths),
        run_id="bench",
        ingested_at=datetime.now(UTC),
        max_source_bytes=defaults.max_source_bytes,
        max_line_chars=defaults.max_line_chars,
    )


def _warm_worker(barrier, job) -> None:
    """Run in every pool worker before the timing: the barrier holds each worker to one
    warm-up job, so none starts the timed batches still importing or compiling."""
    from dateline.flows import parallel

    barrier.wait()
    parallel.read_and_parse(job)


def read_parse_seconds(
    paths: list[Path], batch_size: int, workers: int
) -> tuple[float, float | None, int]:
    """Wall seconds to read and parse ``paths`` (the CPU-bound stages; no warehouse) in
    the batches the flow cuts for ``workers``, in this process (``workers`` 1) or in a
    pool of warm worker processes (start-up excluded, as for every other figure); the
    CPU seconds of all this process's threads when it parsed alone (None for a pool);
    and the number of batches."""
    import multiprocessing

    from dateline.flows import parallel
    from dateline.flows.ingest import split_batches

    batches = split_batches([str(p) for p in paths], batch_size, workers)
    jobs = [_read_parse_job(number, batch) for number, batch in enumerate(batches, start=1)]
    warm = _read_parse_job(0, [str(paths[0])])
    if workers == 1:
        parallel.read_and_parse(warm)
        started, cpu_started = time.perf_counter(), time.process_time()
        for job in jobs:
            parallel.read_and_parse(job)
        return time.perf_counter() - started, time.process_time() - cpu_started, len(jobs)
    with multiprocessing.Manager() as manager, parallel.process_pool(workers) as pool:
        barrier = manager.Barrier(workers)
        list(pool.map(_warm_worker, [barrier] * workers, [warm] * workers))
        started = time.perf_counter()
        list(pool.map(parallel.read_and_parse, jobs))
        return time.perf_counter() - started, None, len(jobs)


def _worker_figures(args, text_files: list[Path], report: Report) -> None:
    """Read and parse alone, in one process and in ``--workers`` processes, each in the
    batches the flow cuts for that many workers."""
    from dateline.flows import parallel

    one, one_cpu, n_one = read_parse_seconds(text_files, args.batch_size, 1)
    many, _, n_many = read_parse_seconds(text_files, args.batch_size, args.workers)
    # One process already runs Polars' pool on every core, so it keeps more than one core
    # busy part of the time; N processes can at best keep min(N, cores) busy all the time.
    busy = one_cpu / one if one > 0 else 0.0
    cores = parallel.available_cores()
    ceiling = min(args.workers, cores) / busy if busy > 0 else float("inf")
    report.add(
        f"read + parse, 1 process ({n_one} batches)",
        f"{_rate(len(text_files), one):,.0f} docs/s ({one:.2f} s, cpu {one_cpu:.2f} s: "
        f"{busy:.2f} of {cores} cores busy)",
    )
    report.add(
        f"read + parse, {args.workers} processes ({n_many} batches)",
        f"{_rate(len(text_files), many):,.0f} docs/s ({many:.2f} s)",
    )
    report.add(f"--workers {args.workers}: speed-up on read + parse", f"{one / many:.2f}x",
               f">= {TARGET_WORKER_SPEEDUP}x", one / many >= TARGET_WORKER_SPEEDUP)  # fmt: skip
    report.add(
        f"--workers {args.workers}: ceiling on this machine",
        f"{ceiling:.2f}x (min({args.workers}, {cores} cores) / {busy:.2f} cores busy in 1 process)",
    )


def _prefect_figures(args, workdir, sources, direct_wall, export_dir, report: Report) -> None:
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm() -> int:
        return 0

    warm()  # starts Prefect's temporary server, which is startup, not orchestration
    # Each repeat is a flow run and, right after it, a direct run, both into fresh files;
    # the fastest of each counts (the first direct run among them).
    flow_walls, direct_walls = [], [direct_wall]
    for _ in range(max(args.prefect_repeats, 1)):
        flow_walls.append(
            run_flow(
                sources,
                fresh_db(workdir / "flow.duckdb"),
                args.batch_size,
                export_dir,
                args.workers,
            )[1]
        )
        direct_walls.append(
            run_direct(
                sources,
                fresh_db(workdir / "direct.duckdb"),
                args.batch_size,
                export_dir,
                args.workers,
            )[2]
        )
    flow_wall, direct_wall = min(flow_walls), min(direct_walls)
    share = max(flow_wall - direct_wall, 0.0) / flow_wall
    report.add(
        "Prefect flow wall time",
        f"{flow_wall:.2f} s (direct {direct_wall:.2f} s; best of {len(flow_walls)} and {len(direct_walls)})",
    )
    report.add("Prefect share of wall time", f"{share:.1%}", f"<= {TARGET_PREFECT_SHARE:.0%}",
               share <= TARGET_PREFECT_SHARE)  # fmt: skip


def _html_figures(args, workdir, corpus, html_files, report: Report) -> None:
    if not html_files:
        report.add("html: pages/s", "no HTML pages found")
        return
    summary, _, wall = run_direct(
        [str(corpus.root / "html")],
        fresh_db(workdir / "html.duckdb"),
        args.batch_size,
        None,
        args.workers,
    )
    unsupported = summary.reject_reasons.get("unsupported_format", 0)
    ours = _rate(len(html_files), wall)
    sample = html_files[: QUICK_TRAFILATURA_PAGES if args.quick else TRAFILATURA_PAGES]
    seconds = trafilatura_seconds(sample)
    theirs = _rate(len(sample), seconds) if seconds is not None else None
    report.add(
        "baseline: trafilatura pages/s",
        f"{theirs:,.1f} pages/s ({len(sample)} pages)"
        if theirs is not None
        else 'not installed (pip install -e ".[bench]")',
    )
    if unsupported >= len(html_files):
        report.add("html: pages/s", f"HTML not supported yet ({unsupported} rejected unsupported_format)",
                   f">= {TARGET_TRAFILATURA_FACTOR}x trafilatura", False)  # fmt: skip
        return
    report.add(
        "html: pages/s", f"{ours:,.1f} pages/s ({summary.counts.new} articles, {wall:.2f} s)"
    )
    if theirs is not None:
        report.add("html: Dateline / trafilatura", f"{ours / theirs:.1f}x",
                   f">= {TARGET_TRAFILATURA_FACTOR}x", ours >= TARGET_TRAFILATURA_FACTOR * theirs)  # fmt: skip


def rss_only(args: argparse.Namespace, workdir: Path) -> None:
    """Ingest the text documents once and print the peak RSS (run by the parent's RSS ratio)."""
    mix = tuple(k for k in args.mix.split(",") if k in TEXT_KINDS) or TEXT_KINDS
    warm_up(workdir)
    corpus = build_corpus(workdir / "corpus", args.docs, mix)
    sources = [str(corpus.root / k) for k in mix if corpus.paths.get(k)]
    run_direct(sources, fresh_db(workdir / "text.duckdb"), args.batch_size, None, args.workers)
    print(f"peak_rss_mb={peak_rss_mb():.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, help="documents in the scaled corpus")
    parser.add_argument(
        "--mix", default="txt,html,seed", help="kinds dealt round-robin: txt, html, seed"
    )
    parser.add_argument("--workdir", type=Path, help="scratch folder (a temporary one by default)")
    parser.add_argument("--batch-size", type=int, default=2000, help="sources per batch")
    parser.add_argument(
        "--workers", type=int, default=1, help="read and parse in N processes (flows' --workers)"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke test: {QUICK_DOCS} documents unless --docs"
    )
    parser.add_argument(
        "--load-repeats",
        type=int,
        default=LOAD_REPEATS,
        help="fresh-warehouse loads of batch 1 per side for the load baseline (the fastest counts)",
    )
    parser.add_argument(
        "--prefect-repeats",
        type=int,
        help="flow runs, each followed by a direct run, for Prefect's share (the fastest counts; "
        f"default {SMALL_RUN_PREFECT_REPEATS} up to {SMALL_RUN_DOCS:,} documents, else and with --quick 1)",
    )
    parser.add_argument("--no-prefect", action="store_true", help="skip the Prefect flow run")
    parser.add_argument("--no-export", action="store_true", help="skip the Parquet export stage")
    parser.add_argument(
        "--no-rss-child", action="store_true", help="skip the tenth-size run for the RSS ratio"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.docs is None:
        args.docs = QUICK_DOCS if args.quick else 1000
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    if args.prefect_repeats is None:
        small = args.docs <= SMALL_RUN_DOCS and not args.quick
        args.prefect_repeats = SMALL_RUN_PREFECT_REPEATS if small else 1
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if args.rss_only:
            rss_only(args, workdir)
            return 0
        report = benchmark(args, workdir)
        print()
        report.print()
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
