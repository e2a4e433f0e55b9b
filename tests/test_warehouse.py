"""flows/warehouse.py and sql/: the schema mirrors transforms/schema.py, the models build
idempotently and hold what their grain says, and every data test catches what it names."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.flows import warehouse
from dateline.transforms.schema import CONTRACT_TABLES, UTC_TIMESTAMP, Table

# The transforms' definition of a word; the SQL data test must count the same way.
from dateline.transforms.text.blocks import UNSPACED_SCRIPT_CHARACTER, count_words
from tests.conftest_warehouse import load_frames, loaded_warehouse, synthetic_frames

# information_schema.columns.data_type for each Polars dtype used by the contract.
DUCKDB_TYPES: dict[pl.DataType, str] = {
    pl.String(): "VARCHAR",
    pl.Date(): "DATE",
    UTC_TIMESTAMP: "TIMESTAMP WITH TIME ZONE",
    pl.Int32(): "INTEGER",
    pl.Boolean(): "BOOLEAN",
    pl.List(pl.String()): "VARCHAR[]",
    pl.Float64(): "DOUBLE",
}
PRIMARY_KEYS = {
    "articles": ["article_id"],
    "ingest_runs": ["run_id"],
    "ingest_sources": ["source_path"],
}
# Child tables keep their key unique by the loader, checked by data tests (BAD_DATA), with
# no index to maintain on every insert; the key's columns stay NOT NULL.
CHILD_KEYS = {
    "article_paragraphs": ["article_id", "position"],
    "article_authors": ["article_id", "position"],
    "article_images": ["article_id", "position"],
    "image_credits": ["article_id", "image_position", "position"],
    "article_tags": ["article_id", "position"],
    "related_links": ["article_id", "position"],
}
MARTS = [
    "article_overview",
    "daily_articles_by_outlet",
    "monthly_photo_credits_by_agency",
    "photographer_activity",
    "author_activity",
    "monthly_tag_counts",
    "data_quality_by_outlet",
    "ingest_health",
    "syndication_by_outlet_month",
    "agency_dependence_by_outlet_month",
    "tag_coverage_by_outlet_day",
    "publication_hours_by_outlet",
    "update_lag_by_outlet",
    "dim_outlet",
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """A loaded warehouse shared by the module: tests that change rows open their own."""
    connection = loaded_warehouse()
    yield connection
    connection.close()


# --- schema ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", CONTRACT_TABLES, ids=lambda t: t.name)
def test_table_matches_contract_columns_order_and_types(
    con: duckdb.DuckDBPyConnection, table: Table
) -> None:
    actual = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = ? order by ordinal_position",
        [table.name],
    ).fetchall()
    expected = [(c.name, DUCKDB_TYPES[c.dtype]) for c in table.columns]
    assert actual == expected


@pytest.mark.parametrize("table", CONTRACT_TABLES, ids=lambda t: t.name)
def test_every_contract_column_carries_its_meaning_as_comment(
    con: duckdb.DuckDBPyConnection, table: Table
) -> None:
    comments = dict(
        con.execute(
            "select column_name, comment from duckdb_columns() where table_name = ?",
            [table.name],
        ).fetchall()
    )
    assert comments == {c.name: c.meaning for c in table.columns}
    [(table_comment,)] = con.execute(
        "select comment from duckdb_tables() where table_name = ?", [table.name]
    ).fetchall()
    assert table_comment == table.grain


def test_ingest_sources_is_commented_as_internal(con: duckdb.DuckDBPyConnection) -> None:
    [(table_comment,)] = con.execute(
        "select comment from duckdb_tables() where table_name = 'ingest_sources'"
    ).fetchall()
    column_comments = con.execute(
        "select column_name, comment from duckdb_columns() where table_name = 'ingest_sources'"
    ).fetchall()
    assert table_comment.startswith("internal")
    assert [name for name, _ in column_comments] == [
        "source_path",
        "file_hash",
        "n_records",
        "article_ids",
        "last_run_id",
        "loaded_at",
    ]
    assert all(comment for _, comment in column_comments)


@pytest.mark.parametrize(("table", "key"), PRIMARY_KEYS.items())
def test_primary_keys(con: duckdb.DuckDBPyConnection, table: str, key: list[str]) -> None:
    [(constraint_columns,)] = con.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where table_name = ? and constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchall()
    assert constraint_columns == key


@pytest.mark.parametrize("table", CHILD_KEYS)
def test_child_tables_have_no_index(con: duckdb.DuckDBPyConnection, table: str) -> None:
    assert (
        con.execute(
            "select constraint_type from duckdb_constraints() "
            "where table_name = ? and constraint_type in ('PRIMARY KEY', 'UNIQUE')",
            [table],
        ).fetchall()
        == []
    )


@pytest.mark.parametrize(("table", "key"), CHILD_KEYS.items())
def test_child_table_keys_are_not_null(
    con: duckdb.DuckDBPyConnection, table: str, key: list[str]
) -> None:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_name = ? and is_nullable = 'NO' order by ordinal_position",
        [table],
    ).fetchall()
    assert [name for (name,) in rows] == key


def test_primary_key_rejects_a_duplicate_article(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into articles select * from articles limit 1")


@pytest.mark.parametrize(
    ("table", "column"), [("articles", "body_text"), ("article_paragraphs", "text")]
)
def test_long_text_columns_are_stored_with_zstd(tmp_path: Path, table: str, column: str) -> None:
    # Only a file database compresses what it writes, at a checkpoint.
    con = warehouse.connect(tmp_path / "warehouse.duckdb")
    warehouse.apply_schema(con)
    key = "article_id" if table == "articles" else "article_id, position"
    con.execute(
        f"insert into {table} ({key}, {column}) select 'a' || i, "
        + ("" if table == "articles" else "0, ")
        + "repeat('Una frase del cuerpo. ', 50) || i from range(3000) r(i)"
    )
    con.execute("checkpoint")
    compressions = con.execute(
        "select distinct compression from pragma_storage_info(?) "
        "where column_name = ? and segment_type = 'VARCHAR'",
        [table, column],
    ).fetchall()
    assert compressions == [("ZSTD",)]


def test_apply_schema_twice_keeps_rows(con: duckdb.DuckDBPyConnection) -> None:
    before = con.execute("select count(*) from articles").fetchall()
    warehouse.apply_schema(con)
    assert con.execute("select count(*) from articles").fetchall() == before == [(4,)]


def test_replacing_an_article_in_one_transaction_keeps_keys_valid() -> None:
    # The loader deletes an article's rows and inserts the new version in one transaction.
    con = loaded_warehouse()
    con.execute("begin transaction")
    con.execute("delete from article_paragraphs where article_id = 'en-1'")
    con.execute("insert into article_paragraphs values ('en-1', 0, 'paragraph', 'Nuevo.')")
    con.execute("commit")
    rows = con.execute(
        "select position, text from article_paragraphs where article_id = 'en-1'"
    ).fetchall()
    assert rows == [(0, "Nuevo.")]


def test_connect_creates_the_parent_folder_and_reopens_read_only(tmp_path) -> None:
    db_path = tmp_path / "nested" / "dir" / "dateline.duckdb"
    writer = loaded_warehouse(str(db_path))
    writer.close()
    reader = warehouse.connect(db_path, read_only=True)
    assert reader.execute("select count(*) from article_overview").fetchall() == [(4,)]
    with pytest.raises(duckdb.Error):
        reader.execute("delete from articles")
    reader.close()


def test_contract_table_names_follow_the_contract() -> None:
    assert warehouse.contract_table_names() == [
        "articles",
        "article_paragraphs",
        "article_authors",
        "article_images",
        "image_credits",
        "article_tags",
        "related_links",
        "ingest_runs",
        "ingest_rejects",
        "story_clusters",
    ]


# --- models ----------------------------------------------------------------------------


def test_build_models_is_idempotent_and_layered(con: duckdb.DuckDBPyConnection) -> None:
    first = warehouse.build_models(con)
    second = warehouse.build_models(con)
    assert first == second == warehouse.model_names()
    layers = [0 if n.startswith("stg_") else 1 if n.startswith("int_") else 2 for n in first]
    assert layers == sorted(layers)
    assert set(MARTS) <= set(first)


def test_every_model_is_queryable_and_commented(con: duckdb.DuckDBPyConnection) -> None:
    views = dict(
        con.execute("select view_name, comment from duckdb_views() where not internal").fetchall()
    )
    for name in warehouse.model_names():
        con.execute(f"select * from {name}").fetchall()
        assert views[name].startswith("one row per"), name


def test_every_model_builds_on_an_empty_warehouse() -> None:
    con = warehouse.connect(":memory:")
    warehouse.apply_schema(con)
    warehouse.build_models(con)
    for name in warehouse.model_names():
        assert con.execute(f"select count(*) from {name}").fetchall() == [(0,)], name
    assert warehouse.run_data_tests(con) == []


def _models_from(monkeypatch, files: list[Path]) -> None:
    monkeypatch.setattr(warehouse, "_model_files", lambda: files)


def test_build_models_retries_a_mart_that_reads_a_later_mart(tmp_path, monkeypatch) -> None:
    (tmp_path / "a_mart.sql").write_text("-- grain: one row.\nselect n + 1 as n from b_mart\n")
    (tmp_path / "b_mart.sql").write_text("-- grain: one row.\nselect n from stg_one;\n")
    (tmp_path / "stg_one.sql").write_text("-- grain: one row.\nselect 1 as n -- trailing\n")
    _models_from(monkeypatch, [tmp_path / n for n in ("stg_one.sql", "a_mart.sql", "b_mart.sql")])
    con = warehouse.connect(":memory:")
    assert warehouse.build_models(con) == ["stg_one", "b_mart", "a_mart"]
    assert con.execute("select n from a_mart").fetchall() == [(2,)]


def test_build_models_names_a_model_that_never_binds(tmp_path, monkeypatch) -> None:
    (tmp_path / "orphan.sql").write_text("select * from no_such_table\n")
    _models_from(monkeypatch, [tmp_path / "orphan.sql"])
    with pytest.raises(warehouse.ModelBuildError, match="orphan"):
        warehouse.build_models(warehouse.connect(":memory:"))


MART_CASES = [
    (
        "authors, tags, agencies and photographers in page order",
        "select author_names, tags, agencies, photographers, n_images, n_paragraphs, "
        "n_related_links from article_overview where article_id = 'es-1'",
        [
            (
                ["Brendan Smialowski", "Redacción Gestión"],
                ["Unión Europea", "China"],
                ["AFP", "EFE"],
                ["Vincent Thian", "Brendan Smialowski"],
                2,
                4,
                2,
            )
        ],
    ),
    (
        "an article without children has empty lists and zero counts",
        "select author_names, tags, agencies, photographers, n_images, n_paragraphs, "
        "n_related_links from article_overview where article_id = 'fr-1'",
        [([], [], [], [], 0, 0, 0)],
    ),
    (
        "daily counts per outlet and language leave undated articles out",
        "select outlet, language, published_date, n_articles, n_words "
        "from daily_articles_by_outlet order by all",
        [
            ("Der Standard", "de", date(2024, 6, 10), 1, 5),
            ("Gestión", "en", date(2024, 5, 3), 1, 6),
            ("Gestión", "es", date(2024, 5, 3), 1, 13),
        ],
    ),
    (
        "agency credits per outlet and month count images and articles",
        "select * from monthly_photo_credits_by_agency order by all",
        [
            ("Der Standard", "2024-06", "dpa", 1, 1),
            ("Gestión", "2024-05", "AFP", 2, 2),
            ("Gestión", "2024-05", "EFE", 1, 1),
        ],
    ),
    (
        "a photographer across articles, with the agencies on the same images",
        "select * from photographer_activity where photographer = 'Vincent Thian'",
        [("Vincent Thian", 2, 2, date(2024, 5, 3), date(2024, 5, 3), ["AFP"], ["Gestión"])],
    ),
    (
        "an author name per kind, with outlets and dates",
        "select author_name, author_kind, n_articles, outlets, first_published_date "
        "from author_activity order by all",
        [
            ("Brendan Smialowski", "person", 2, ["Gestión"], date(2024, 5, 3)),
            ("Redacción Gestión", "desk", 1, ["Gestión"], date(2024, 5, 3)),
            ("dpa", "agency", 1, ["Der Standard"], date(2024, 6, 10)),
        ],
    ),
    (
        "tag keys per month with a representative spelling",
        "select * from monthly_tag_counts order by all",
        [
            ("china", "2024-05", 2, "China"),
            ("europaische-union", "2024-06", 1, "Europäische Union"),
            ("mercados", "2024-05", 1, "Mercados"),
            ("union-europea", "2024-05", 1, "Unión Europea"),
        ],
    ),
    (
        "quality problems per outlet",
        "select outlet, n_articles, n_missing_title, n_no_date, n_date_from_header_only, "
        "n_stripped_link_gaps, n_articles_with_gaps, n_empty_tag_blocks "
        "from data_quality_by_outlet order by all",
        [
            ("Der Standard", 1, 0, 0, 1, 1, 1, 0),
            ("Gestión", 2, 0, 0, 0, 0, 0, 0),
            ("Le Monde", 1, 1, 1, 0, 0, 0, 1),
        ],
    ),
    (
        "one row per run with its recorded rejects",
        "select run_id, run_status, duration_seconds, n_rejects, n_rejects_recorded, "
        "reject_reasons, n_articles_current from ingest_health",
        [("run-0001", "completed", 30.0, 1, 1, ["empty"], 4)],
    ),
]


@pytest.mark.parametrize(
    ("query", "expected"), [c[1:] for c in MART_CASES], ids=[c[0] for c in MART_CASES]
)
def test_marts_hold_what_their_grain_says(
    con: duckdb.DuckDBPyConnection, query: str, expected: list[tuple]
) -> None:
    assert con.execute(query).fetchall() == expected


def test_published_month_is_text_year_month(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select article_id, published_month from stg_articles order by article_id"
    ).fetchall()
    assert rows == [("de-1", "2024-06"), ("en-1", "2024-05"), ("es-1", "2024-05"), ("fr-1", None)]


# --- data tests --------------------------------------------------------------------------

Frames = dict[str, pl.DataFrame]


def _append(table: str, **changes: object) -> Callable[[Frames], Frames]:
    """A mutation that appends a copy of the table's first row with ``changes`` applied."""

    def mutate(frames: Frames) -> Frames:
        frame = frames[table]
        bad = frame.head(1).with_columns(
            pl.lit(value, dtype=frame.schema[column]).alias(column)
            for column, value in changes.items()
        )
        return {**frames, table: pl.concat([frame, bad])}

    return mutate


def _set(table: str, **changes: object) -> Callable[[Frames], Frames]:
    """A mutation that overwrites ``changes`` on the table's first row."""

    def mutate(frames: Frames) -> Frames:
        frame = frames[table]
        first = pl.int_range(pl.len()) == 0
        return {
            **frames,
            table: frame.with_columns(
                pl.when(first)
                .then(pl.lit(value, dtype=frame.schema[column]))
                .otherwise(pl.col(column))
                .alias(column)
                for column, value in changes.items()
            ),
        }

    return mutate


BAD_DATA = {
    "assert_article_paragraphs__have_article": _append("article_paragraphs", article_id="ghost"),
    "assert_article_authors__have_article": _append("article_authors", article_id="ghost"),
    "assert_article_images__have_article": _append("article_images", article_id="ghost"),
    "assert_image_credits__have_article": _append("image_credits", article_id="ghost"),
    "assert_article_tags__have_article": _append("article_tags", article_id="ghost"),
    "assert_related_links__have_article": _append("related_links", article_id="ghost"),
    "assert_image_credits__have_image": _append("image_credits", image_position=7),
    "assert_article_paragraphs__positions_contiguous": _append("article_paragraphs", position=9),
    "assert_article_authors__one_row_per_key": _append("article_authors"),
    "assert_article_images__one_row_per_key": _append("article_images"),
    "assert_image_credits__one_row_per_key": _append("image_credits"),
    "assert_article_tags__one_row_per_key": _append("article_tags"),
    "assert_related_links__one_row_per_key": _append("related_links"),
    "assert_articles__word_count_matches_body": _set("articles", word_count=99),
    "assert_articles__counts_not_negative": _set("articles", stripped_link_gaps=-1),
    "assert_article_paragraphs__kind_allowed": _set("article_paragraphs", kind="párrafo"),
    "assert_article_authors__kind_allowed": _set("article_authors", kind=None),
    "assert_image_credits__role_allowed": _set("image_credits", role="Fotógrafo"),
    "assert_related_links__kind_allowed": _set("related_links", kind="lesen_sie_auch"),
    "assert_ingest_runs__status_allowed": _set("ingest_runs", status="terminé"),
    "assert_article_tags__tag_key_present": _set("article_tags", tag_key="  "),
    "assert_story_clusters__have_article": _append("story_clusters", article_id="ghost"),
    "assert_story_clusters__one_first_per_cluster": _set("story_clusters", is_first=False),
}


# Grain tests of marts: a GROUP BY view cannot repeat its key from any data, but an edit
# of its SQL can (a join that fans out). Each is shown to fail on the mart with one of its
# rows repeated, built over the synthetic warehouse.
FAULTY_MARTS = {
    "assert_syndication_by_outlet_month__one_row_per_outlet_month": "syndication_by_outlet_month",
    "assert_agency_dependence_by_outlet_month__one_row_per_outlet_month": (
        "agency_dependence_by_outlet_month"
    ),
    "assert_tag_coverage_by_outlet_day__one_row_per_outlet_day": "tag_coverage_by_outlet_day",
    "assert_publication_hours_by_outlet__one_row_per_outlet_hour": "publication_hours_by_outlet",
    "assert_update_lag_by_outlet__one_row_per_outlet": "update_lag_by_outlet",
    "assert_dim_outlet__one_row_per_outlet": "dim_outlet",
}


def test_every_data_test_has_a_bad_data_case() -> None:
    files = {file.name.removesuffix(".sql") for file in warehouse.sql_files("tests")}
    assert not set(BAD_DATA) & set(FAULTY_MARTS)
    assert files == set(BAD_DATA) | set(FAULTY_MARTS)


def test_data_tests_pass_on_good_data(con: duckdb.DuckDBPyConnection) -> None:
    assert warehouse.run_data_tests(con) == []


@pytest.mark.parametrize(("test_name", "mutate"), BAD_DATA.items(), ids=list(BAD_DATA))
def test_a_planted_bad_row_fails_its_data_test(
    test_name: str, mutate: Callable[[Frames], Frames]
) -> None:
    # Plain tables (no primary keys) so duplicate keys can be planted too.
    con = warehouse.connect(":memory:")
    load_frames(con, mutate(synthetic_frames()), constrained=False)
    warehouse.build_models(con)
    failures = {failure.name: failure for failure in warehouse.run_data_tests(con)}
    assert test_name in failures
    assert failures[test_name].n_rows >= 1
    assert 1 <= len(failures[test_name].sample) <= 5


def _mart_sql(name: str) -> str:
    [file] = [f for f in warehouse.sql_files("models/marts") if f.name == f"{name}.sql"]
    return file.read_text(encoding="utf-8").strip().rstrip(";")


@pytest.mark.parametrize(("test_name", "mart"), FAULTY_MARTS.items(), ids=list(FAULTY_MARTS))
def test_a_mart_that_repeats_a_row_fails_its_grain_test(test_name: str, mart: str) -> None:
    con = loaded_warehouse()
    assert warehouse.run_data_tests(con) == []
    [(n_rows,)] = con.execute(f"select count(*) from {mart}").fetchall()
    assert n_rows >= 1, f"{mart} is empty over the synthetic warehouse: nothing to repeat"
    # The mart's own SQL with its first row (in key order) repeated.
    original = _mart_sql(mart)
    con.execute(
        f"create or replace view {mart} as\nselect * from (\n{original}\n)\nunion all\n"
        f"select * from (select * from (\n{original}\n) order by all limit 1)"
    )
    failures = {failure.name: failure for failure in warehouse.run_data_tests(con)}
    assert set(failures) == {test_name}
    assert failures[test_name].n_rows == 1


def test_a_failure_samples_at_most_five_rows() -> None:
    con = warehouse.connect(":memory:")
    frames = synthetic_frames()
    frames["article_tags"] = frames["article_tags"].with_columns(tag_key=pl.lit(""))
    load_frames(con, frames, constrained=False)
    warehouse.build_models(con)
    [failure] = warehouse.run_data_tests(con)
    assert (failure.name, failure.n_rows, len(failure.sample)) == (
        "assert_article_tags__tag_key_present",
        5,
        5,
    )


@pytest.fixture(scope="module")
def scratch() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def _sql_word_count_failures(
    scratch: duckdb.DuckDBPyConnection, text: str, word_count: int | None = None
) -> list:
    """The word-count data test's rows for one article whose word_count Polars computed
    (or is ``word_count`` when given)."""
    frame = pl.DataFrame({"body_text": [text]}, schema={"body_text": pl.String})
    expected = frame.select(count_words(pl.col("body_text"))).item()
    if word_count is not None:
        expected = word_count
    [sql] = [
        file.read_text()
        for file in warehouse.sql_files("tests")
        if file.name == "assert_articles__word_count_matches_body.sql"
    ]
    scratch.execute(
        "create or replace table articles as select 'a' as article_id, "
        "?::varchar as body_text, ?::integer as word_count",
        [text, expected],
    )
    return scratch.execute(sql).fetchall()


# No deadline: the machine is shared and DuckDB's first queries are slow to plan.
@settings(deadline=None)
@given(text=st.text())
def test_sql_word_count_agrees_with_polars_on_any_unicode(
    scratch: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert _sql_word_count_failures(scratch, text) == []


# Every white-space character of Unicode beside a few letters: each body takes either the
# split-on-spaces path (spaces and newlines only) or the regex path of the SQL test.
WHITE_SPACE_HEAVY = st.text(
    alphabet=st.sampled_from(
        list(" \n\t\x0b\x0c\r\x1c\x85\xa0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000ab")
    )
)


@settings(deadline=None)
@given(text=WHITE_SPACE_HEAVY)
def test_sql_word_count_agrees_with_polars_on_white_space(
    scratch: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert _sql_word_count_failures(scratch, text) == []


# Characters of the scripts written without spaces (two make a word) among spaces and
# letters, the edges of their Unicode blocks and CJK Extension I (Unicode 15.1) included.
UNSPACED_HEAVY = st.text(
    alphabet=st.sampled_from(
        list(
            " \nab日本語のカタ々〆ヶ\u3041\u3096\u30a1\u30fa\u4e00\u9fff\U0002ebf0\U0002ee5d\u3000"
        )
    )
)


@settings(deadline=None)
@given(text=UNSPACED_HEAVY)
def test_sql_word_count_agrees_with_polars_on_scripts_without_spaces(
    scratch: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert _sql_word_count_failures(scratch, text) == []


def test_sql_word_count_agrees_with_polars_on_every_character(
    scratch: duckdb.DuckDBPyConnection,
) -> None:
    """One body holding every code point (but NUL and surrogates): both word definitions
    (white space, scripts without spaces) agree with the transforms' on all of Unicode."""
    text = "".join(chr(c) for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    unspaced = pl.select(pl.lit(text).str.count_matches(UNSPACED_SCRIPT_CHARACTER)).item()
    assert unspaced > 90_000
    assert _sql_word_count_failures(scratch, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "日本語の記事は空白なしで書かれている。",
        "Der Bundestag 投票 heute",
        "中文\u3000报道",
        "\U0002ebf0\U0002ebf1",
    ],
)
def test_sql_word_count_flags_a_count_of_white_space_tokens_alone(
    scratch: duckdb.DuckDBPyConnection, text: str
) -> None:
    tokens = len(text.split())
    assert pl.select(count_words(pl.lit(text))).item() > tokens
    assert len(_sql_word_count_failures(scratch, text, word_count=tokens)) == 1
    assert _sql_word_count_failures(scratch, text) == []


def test_map_on_cursors_runs_two_at_a_time_in_order_with_the_time_zone(tmp_path) -> None:
    con = warehouse.connect(tmp_path / "w.duckdb")
    con.execute("SET threads = 2")
    con.execute("create table numbers as select range as n from range(20)")
    seen_cursors: set[int] = set()
    # The first two items meet here: each waits for the other, so they run at once.
    first_two = threading.Barrier(2, timeout=30)

    def square(cursor: duckdb.DuckDBPyConnection, n: int) -> tuple[int, str]:
        seen_cursors.add(id(cursor))
        if n < 2:
            first_two.wait()
        [(value, zone)] = cursor.execute(
            "select n * n, current_setting('TimeZone') from numbers where n = ?", [n]
        ).fetchall()
        return value, zone

    results = warehouse.map_on_cursors(con, square, list(range(20)))
    assert [value for value, _ in results] == [n * n for n in range(20)]
    assert {zone for _, zone in results} == {"UTC"}
    assert len(seen_cursors) == 2


def test_map_on_cursors_raises_the_first_error_and_stops() -> None:
    con = warehouse.connect(":memory:")
    con.execute("SET threads = 2")
    done: list[int] = []

    def fail_on_three(cursor: duckdb.DuckDBPyConnection, n: int) -> int:
        if n == 3:
            raise ValueError("three")
        done.append(n)
        return n

    with pytest.raises(ValueError, match="three"):
        warehouse.map_on_cursors(con, fail_on_three, list(range(100)))
    assert len(done) < 99
