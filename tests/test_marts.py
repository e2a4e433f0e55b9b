"""The outlet marts from the user's side: a small set of records ingested with the command
line, each mart queried, and every figure compared with one worked out by hand below.

The records are the syndication fixture of test_stories.py (an agency story republished by
four outlets, one Metro Post article under two URLs, four unrelated stories; March 2024)
and, in April, pages that carry what the other marts count: an agency byline, agency photo
credits, tags, update instants, a Spanish article, an outlet named only by its URL host or
by its declared site name, and a second host of one outlet. A second ingest adds another
outlet's copy of the agency story and a third URL of the Metro Post article.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
from datetime import date
from pathlib import Path

import pytest

from dateline.flows.cli import main
from tests.conftest import query_db
from tests.test_stories import (
    first_ingest_records,
    paragraphs,
    second_ingest_records,
    write_jsonl,
)

SPANISH_BODY = [
    "El puerto de la ciudad volvió a abrir el martes después de tres semanas de obras, "
    "según informaron las autoridades locales en una rueda de prensa.",
    "Los barcos de pesca regresaron por la mañana y los comerciantes del mercado celebraron "
    "la noticia con música y comida para todos los vecinos del barrio.",
    "El alcalde dijo que la reforma costó más de lo previsto, pero que permitirá recibir "
    "buques más grandes durante el verano y mejorar el empleo en la zona.",
]


def page(
    title: str,
    body: list[str],
    *,
    byline: str | None = None,
    tags: tuple[str, ...] = (),
    credit: str | None = None,
    modified: str | None = None,
    site_name: str | None = None,
) -> str:
    """An article page with what the marts count: printed byline, article:tag and
    article:modified_time meta, og:site_name, a figure whose caption ends in a credit."""
    head = f"<title>{title}</title>"
    if modified:
        head += f'<meta property="article:modified_time" content="{modified}">'
    head += "".join(f'<meta property="article:tag" content="{tag}">' for tag in tags)
    if site_name:
        head += f'<meta property="og:site_name" content="{site_name}">'
    article = f"<h1>{title}</h1>"
    if byline:
        article += f'<p class="byline">{byline}</p>'
    article += "".join(f"<p>{text}</p>" for text in body)
    if credit:
        article += (
            f'<figure><img src="https://img.example/{len(title)}.jpg">'
            f"<figcaption>Ships in the harbour. {credit}</figcaption></figure>"
        )
    return f"<html><head>{head}</head><body><article>{article}</article></body></html>"


def april_records() -> list[dict]:
    rng = random.Random(5)
    return [
        {
            "url": "https://dailynorth.example/news/harbour",
            "source": "Daily North",
            "date": "2024-04-02T09:15:00Z",
            "html": page(
                "Harbour reopens",
                paragraphs(rng),
                byline="By AFP",
                tags=("Harbour", "Ships"),
                credit="Photo: Reuters",
                modified="2024-04-02T11:15:00Z",
            ),
        },
        {
            "url": "https://dailynorth.example/news/harbour-busy",
            "source": "Daily North",
            "date": "2024-04-05T22:40:00Z",
            "html": page(
                "Harbour busy",
                paragraphs(rng),
                byline="By Jane Smith",
                tags=("harbour",),
                credit="(AFP)",
                modified="2024-04-05T22:40:00Z",
            ),
        },
        {
            "url": "https://dailynorth.example/news/harbour-fees",
            "source": "Daily North",
            "date": "2024-04-07T10:00:00Z",
            "html": page("Harbour fees", paragraphs(rng), modified="2024-04-08T10:00:00Z"),
        },
        {
            "url": "https://dailynorth.example/es/puerto",
            "source": "Daily North",
            "date": "2024-04-06T08:00:00Z",
            "html": page("El puerto reabre", SPANISH_BODY),
        },
        {
            "url": "https://m.metropost.example/news/market",
            "source": "Metro Post",
            "date": "2024-04-01T12:00:00Z",
            "html": page("Market day", paragraphs(rng)),
        },
        # No outlet in the record or the page: the URL's host names it.
        {
            "url": "https://www.harbourgazette.example/2024/04/ships",
            "date": "2024-04-03T06:05:00+02:00",
            "html": page("Ships", paragraphs(rng)),
        },
        # The outlet is the page's declared site name; a date without a time of day.
        {
            "url": "https://tidings.example/a/1",
            "date": "2024-04-04",
            "html": page("Tide tables", paragraphs(rng), site_name="The Tidings"),
        },
    ]


GAZETTE = "harbourgazette.example"
SYNDICATED_COPIES = ("Daily North", "Coast Courier", "Valley Times")
UNRELATED = tuple(f"Outlet {n}" for n in range(4))


def ingest(sources: Path, db: Path) -> None:
    """``dateline ingest SOURCES --db DB``; the run completes and its data tests pass."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["ingest", str(sources), "--db", str(db), "--quiet"])
    assert code == 0, out.getvalue()
    assert "data tests: all passed" in out.getvalue(), out.getvalue()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> tuple[Path, Path]:
    """The warehouse after the first ingest, and a copy of it after the second one."""
    root = tmp_path_factory.mktemp("marts")
    sources, first = root / "sources", root / "first.duckdb"
    write_jsonl(sources / "march.jsonl", first_ingest_records())
    write_jsonl(sources / "april.jsonl", april_records())
    ingest(sources, first)
    second = root / "second.duckdb"
    shutil.copy(first, second)
    write_jsonl(sources / "more.jsonl", second_ingest_records())
    ingest(sources, second)
    return first, second


def rows_by_key(db: Path, mart: str, key: tuple[str, ...]) -> dict[tuple, tuple]:
    columns = query_db(db, f"select column_name from (describe {mart})")
    names = [name for (name,) in columns]
    others = [name for name in names if name not in key]
    rows = query_db(db, f"select {', '.join(key)}, {', '.join(others)} from {mart}")
    return {row[: len(key)]: row[len(key) :] for row in rows}


def test_syndication_by_outlet_month(warehouses) -> None:
    first, second = warehouses
    # (n_articles, n_stories, n_multi_outlet_articles, multi_outlet_share,
    #  n_first_elsewhere_articles, first_elsewhere_share)
    expected = {
        ("Wire Agency", "2024-03"): (1, 1, 1, 1.0, 0, 0.0),
        **{(outlet, "2024-03"): (1, 1, 1, 1.0, 1, 1.0) for outlet in SYNDICATED_COPIES},
        # floods-4 (the agency story, first at Wire Agency) and the bridge story under two
        # URLs (one outlet: neither multi-outlet nor first elsewhere).
        ("Metro Post", "2024-03"): (3, 2, 1, 1 / 3, 1, 1 / 3),
        ("Metro Post", "2024-04"): (1, 1, 0, 0.0, 0, 0.0),
        **{(outlet, "2024-03"): (1, 1, 0, 0.0, 0, 0.0) for outlet in UNRELATED},
        ("Daily North", "2024-04"): (4, 4, 0, 0.0, 0, 0.0),
        (GAZETTE, "2024-04"): (1, 1, 0, 0.0, 0, 0.0),
        ("The Tidings", "2024-04"): (1, 1, 0, 0.0, 0, 0.0),
    }
    assert rows_by_key(first, "syndication_by_outlet_month", ("outlet", "published_month")) == {
        key: pytest.approx(value) for key, value in expected.items()
    }
    # Island News' copy joins the agency story; a third URL joins the bridge story.
    expected[("Island News", "2024-03")] = (1, 1, 1, 1.0, 1, 1.0)
    expected[("Metro Post", "2024-03")] = (4, 2, 1, 1 / 4, 1, 1 / 4)
    assert rows_by_key(second, "syndication_by_outlet_month", ("outlet", "published_month")) == {
        key: pytest.approx(value) for key, value in expected.items()
    }


def test_agency_dependence_by_outlet_month(warehouses) -> None:
    first, _ = warehouses
    rows = rows_by_key(first, "agency_dependence_by_outlet_month", ("outlet", "published_month"))
    # (n_articles, n_agency_byline_articles, agency_byline_share, n_images, n_agency_images,
    #  agency_image_share, n_agencies, top_agency, n_top_agency_articles)
    # April at Daily North: "By AFP" with a Reuters photo, a staff byline with an AFP photo,
    # and two articles with neither: AFP on two articles, Reuters on one.
    assert rows.pop(("Daily North", "2024-04")) == pytest.approx(
        (4, 1, 0.25, 2, 2, 1.0, 2, "AFP", 2)
    )
    no_agency = (0, 0.0, 0, 0, None, 0, None, 0)
    expected = {
        ("Metro Post", "2024-03"): (3, *no_agency),
        **{key: (1, *no_agency) for key in rows if key != ("Metro Post", "2024-03")},
    }
    assert rows == expected
    # Nine outlets in March, four in April (Daily North's taken out above).
    assert len(rows) == 12


def test_tag_coverage_by_outlet_day(warehouses) -> None:
    first, _ = warehouses
    rows = rows_by_key(first, "tag_coverage_by_outlet_day", ("outlet", "published_date"))
    # (n_articles, n_tagged_articles, tagged_share, n_tags, n_distinct_tag_keys)
    assert {key: value for key, value in rows.items() if key[0] == "Daily North"} == {
        ("Daily North", date(2024, 3, 1)): (1, 0, 0.0, 0, 0),
        ("Daily North", date(2024, 4, 2)): (1, 1, 1.0, 2, 2),
        ("Daily North", date(2024, 4, 5)): (1, 1, 1.0, 1, 1),
        ("Daily North", date(2024, 4, 6)): (1, 0, 0.0, 0, 0),
        ("Daily North", date(2024, 4, 7)): (1, 0, 0.0, 0, 0),
    }
    # The bridge story's two URLs on 2 March are two articles of one day.
    assert rows[("Metro Post", date(2024, 3, 2))] == (2, 0, 0.0, 0, 0)
    # Every dated article counted once, on its day: 18 articles, 17 outlet-days.
    assert len(rows) == 17
    assert sum(value[0] for value in rows.values()) == 18


def test_publication_hours_by_outlet(warehouses) -> None:
    first, _ = warehouses
    rows = rows_by_key(first, "publication_hours_by_outlet", ("outlet", "published_hour"))
    timed_outlets = {"Wire Agency", *SYNDICATED_COPIES, "Metro Post", *UNRELATED, GAZETTE}
    # Every hour of every outlet with a timed article; The Tidings gave a date only.
    assert set(rows) == {(outlet, hour) for outlet in timed_outlets for hour in range(24)}
    published = {key: value for key, value in rows.items() if value[0] > 0}
    # (n_articles, share). The gazette's 06:05 at +02:00 counts at 6, the hour it printed.
    assert published == {
        key: pytest.approx(value)
        for key, value in {
            ("Wire Agency", 8): (1, 1.0),
            ("Daily North", 8): (1, 0.2),
            ("Daily North", 9): (1, 0.2),
            ("Daily North", 10): (2, 0.4),
            ("Daily North", 22): (1, 0.2),
            ("Coast Courier", 11): (1, 1.0),
            ("Valley Times", 12): (1, 1.0),
            ("Metro Post", 7): (2, 0.5),
            ("Metro Post", 12): (1, 0.25),
            ("Metro Post", 13): (1, 0.25),
            **{(outlet, 10): (1, 1.0) for outlet in UNRELATED},
            (GAZETTE, 6): (1, 1.0),
        }.items()
    }


def test_update_lag_by_outlet(warehouses) -> None:
    first, _ = warehouses
    rows = rows_by_key(first, "update_lag_by_outlet", ("outlet",))
    # (n_articles, n_with_both_instants, n_updated_later, n_updated_at_publication,
    #  n_updated_before_publication, median, p90 and max lag in hours)
    # Daily North: updated 2 h and 24 h after publication, and once at the very instant.
    assert rows.pop(("Daily North",)) == pytest.approx((5, 3, 2, 1, 0, 13.0, 21.8, 24.0))
    never_updated = (0, 0, 0, 0, None, None, None)
    assert rows == {
        ("Metro Post",): (4, *never_updated),
        **{key: (1, *never_updated) for key in rows if key != ("Metro Post",)},
    }
    assert len(rows) == 10


def test_dim_outlet(warehouses) -> None:
    first, _ = warehouses
    rows = rows_by_key(first, "dim_outlet", ("outlet",))
    # (outlet_host, hosts, languages, outlet_sources, n_articles, first and last dates)
    march_1 = date(2024, 3, 1)
    assert rows.pop(("Daily North",)) == (
        "dailynorth.example",
        ["dailynorth.example"],
        ["en", "es"],
        ["record"],
        5,
        march_1,
        date(2024, 4, 7),
    )
    # Three articles on the main host, one on the mobile one.
    assert rows.pop(("Metro Post",)) == (
        "metropost.example",
        ["m.metropost.example", "metropost.example"],
        ["en"],
        ["record"],
        4,
        march_1,
        date(2024, 4, 1),
    )
    april_3, april_4 = date(2024, 4, 3), date(2024, 4, 4)
    assert rows.pop((GAZETTE,)) == (GAZETTE, [GAZETTE], ["en"], ["url_host"], 1, april_3, april_3)
    assert rows.pop(("The Tidings",)) == (
        "tidings.example",
        ["tidings.example"],
        ["en"],
        ["declared"],
        1,
        april_4,
        april_4,
    )
    assert rows.pop(("Wire Agency",))[:2] == ("wire.example", ["wire.example"])
    assert set(rows) == {(outlet,) for outlet in (*SYNDICATED_COPIES[1:], *UNRELATED)}
    assert all(row[2:5] == (["en"], ["record"], 1) for row in rows.values())


def test_stg_articles_exposes_outlet_source_and_url_host(warehouses) -> None:
    first, _ = warehouses
    rows = query_db(
        first,
        "select outlet_source, count(*), count(url_host) from stg_articles group by all order by all",
    )
    assert rows == [("declared", 1, 1), ("record", 16, 16), ("url_host", 1, 1)]
