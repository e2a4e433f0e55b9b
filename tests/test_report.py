"""`dateline report` and `dateline ingest --report`: one self-contained HTML page from the
marts of a warehouse built by ingesting the bundled samples, plus a record whose outlet
and byline carry markup and a file that is rejected. The agency-dependence and
syndication sections are checked against hand-worked figures on a second warehouse: the
records of tests/test_marts.py and three more months of agency bylines and photo credits.

The browser test opens the page in the system's headless Chromium with networking cut
off, and checks that nothing was requested but the file, nothing was logged to the
console, and every chart drew data marks that show on a screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from dateline.flows.cli import main
from tests.conftest import SAMPLES_DIR, query_db
from tests.test_marts import april_records, page
from tests.test_stories import first_ingest_records, paragraphs, write_jsonl

SECTIONS = [
    "articles",
    "agencies",
    "photo-agencies",
    "syndication",
    "stories",
    "people",
    "tags",
    "quality",
]
# Outlets that run a copy of the first sample record's story: with its own outlet, a
# cluster of three articles over three outlets.
SYNDICATING_OUTLETS = ["Otro Diario", "Tercer <i>Diario</i>"]
HOSTILE_OUTLET = "<b>Bold & Co</b>"
HOSTILE_AUTHOR = "Eve <img src=x onerror=alert(1)> Hacker"
HOSTILE_RECORD = {
    "url": "https://example.org/2025/07/hostile",
    "date": "2025-07-01",
    "title": "<script>alert('title')</script> Harbour strike ends",
    "source": HOSTILE_OUTLET,
    "text": "Harbour strike ends\n"
    f"By {HOSTILE_AUTHOR}\n"
    "July 1, 2025\n"
    "Dock workers returned to work on Tuesday after a week-long strike over pay.\n\n"
    "The union said the agreement raises wages by four percent over two years.",
}
SINCE = "2025-06-01"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium calls home at start-up, and the closed network refuses it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A chart has drawn when its mark groups hold shapes with a real extent on the page.
DRAWN_MARKS_JS = """
() => [...document.querySelectorAll('.chart svg')].map(svg => {
    const shapes = [...svg.querySelectorAll('g.role-mark > path, g.role-mark > rect, '
        + 'g.role-mark > circle, g.role-mark > line')];
    const drawn = shapes.filter(s => {
        const box = s.getBBox();
        return box.width > 0 || box.height > 0;
    });
    return {section: svg.closest('section').id, marks: shapes.length, drawn: drawn.length};
})
"""
# Share of non-white pixels and distinct colours of a PNG, decoded by the browser itself.
INK_JS = """
async (png) => {
    const blob = await (await fetch('data:image/png;base64,' + png)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let ink = 0;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235) ink++;
        colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    }
    return {ink: ink / (pixels.length / 4), colours: colours.size,
            width: bitmap.width, height: bitmap.height};
}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The samples plus the hostile record and a rejected file, ingested with --report."""
    root = tmp_path_factory.mktemp("report")
    sources = root / "sources"
    shutil.copytree(SAMPLES_DIR, sources)
    (sources / "hostile.jsonl").write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
    (sources / "junk.bin").write_bytes(bytes(range(256)) * 8)
    first = json.loads((SAMPLES_DIR / "records.jsonl").read_text(encoding="utf-8").splitlines()[0])
    copies = [
        dict(first, source=outlet, url=f"{first['url']}-{n}")
        for n, outlet in enumerate(SYNDICATING_OUTLETS)
    ]
    (sources / "syndicated.jsonl").write_text(
        "".join(json.dumps(copy) + "\n" for copy in copies), encoding="utf-8"
    )
    db, page = root / "w.duckdb", root / "after-ingest.html"
    code = main(["ingest", str(sources), "--db", str(db), "--quiet", "--report", str(page)])
    assert code == 0
    return {"root": root, "db": db, "page": page}


def _report(db: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dateline.flows.cli", "report", "--db", str(db), "--out", str(out)]
        + list(extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tables(page: Path) -> dict[str, list[dict[str, str]]]:
    """Each section's first table as rows of column -> cell text."""
    tree = HTMLParser(page.read_text(encoding="utf-8"))
    tables = {}
    for section in tree.css("section"):
        table = section.css_first("table")
        if table is None:
            continue
        head = [th.text() for th in table.css("thead th")]
        tables[section.id] = [
            dict(zip(head, (td.text() for td in tr.css("td")), strict=True))
            for tr in table.css("tbody tr")
        ]
    return tables


def _has_story_clusters(db: Path) -> bool:
    """Whether the ingest keeps story clusters (a warehouse of an older Dateline does not)."""
    return bool(
        query_db(db, "select 1 from information_schema.tables where table_name = 'story_clusters'")
    )


def _charted_sections(db: Path) -> list[str]:
    return [s for s in SECTIONS if s != "stories" or _has_story_clusters(db)]


def test_ingest_report_writes_every_section_with_a_chart_and_a_table(built) -> None:
    tree = HTMLParser(built["page"].read_text(encoding="utf-8"))
    sections = {section.id: section for section in tree.css("section")}
    assert list(sections) == SECTIONS
    if not _has_story_clusters(built["db"]):
        assert "Not available: this warehouse has no story_clusters" in sections["stories"].text()
    for name in _charted_sections(built["db"]):
        assert sections[name].css("div.chart svg"), name
        assert sections[name].css("table"), name
        assert "Not available" not in sections[name].text(), name


def test_tables_hold_the_marts_figures(built) -> None:
    tables = _tables(built["page"])
    articles = sum(int(row["n_articles"]) for row in tables["articles"])
    [(expected,)] = query_db(built["db"], "select sum(n_articles) from daily_articles_by_outlet")
    assert articles == expected
    [(agencies,)] = query_db(
        built["db"], "select count(distinct agency) from monthly_photo_credits_by_agency"
    )
    assert len(tables["photo-agencies"]) == agencies
    for section, mart in (
        ("agencies", "agency_dependence_by_outlet_month"),
        ("syndication", "syndication_by_outlet_month"),
    ):
        [(outlets, dated)] = query_db(
            built["db"], f"select count(distinct coalesce(outlet, '')), sum(n_articles) from {mart}"
        )
        assert len(tables[section]) == outlets, section
        assert sum(int(row["n_articles"]) for row in tables[section]) == dated, section
    quality = {row["outlet"]: row for row in tables["quality"]}
    assert set(quality) >= {HOSTILE_OUTLET, "(no outlet)"}


def test_story_carried_by_three_outlets_comes_first(built) -> None:
    if not _has_story_clusters(built["db"]):
        pytest.skip("this Dateline keeps no story clusters yet")
    stories = _tables(built["page"])["stories"]
    first = json.loads((SAMPLES_DIR / "records.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert stories[0]["story"] == first["title"]
    assert (stories[0]["n_outlets"], stories[0]["n_articles"]) == ("3", "3")
    assert stories[0]["outlets"] == ", ".join(sorted([first["source"], *SYNDICATING_OUTLETS]))


def test_rejects_show_by_reason(built) -> None:
    [(reason, n_rejects)] = query_db(
        built["db"], "select reject_reason, n_rejects from daily_rejects_by_reason"
    )
    assert n_rejects == 1
    tree = HTMLParser(built["page"].read_text(encoding="utf-8"))
    rejects = [
        table
        for table in tree.css("#quality table")
        if "reject_reason" in [th.text() for th in table.css("th")]
    ]
    assert len(rejects) == 1
    assert [td.text() for td in rejects[0].css("tbody tr td")][:3] == [reason, "1", "1"]


def test_text_from_the_data_is_escaped_and_nothing_is_fetched(built) -> None:
    text = built["page"].read_text(encoding="utf-8")
    tree = HTMLParser(text)
    assert tree.css("script") == [] and tree.css("img") == [] and tree.css("b") == []
    assert "<script>alert" not in text and HOSTILE_OUTLET not in text
    assert "&lt;b&gt;Bold &amp; Co&lt;/b&gt;" in text
    # Shown as text, in tables and in chart labels.
    assert HOSTILE_OUTLET in tree.css_first("#articles table").text()
    assert HOSTILE_OUTLET in tree.css_first("#articles svg").text()
    for node in tree.css("[src], [href], link, iframe, object, embed"):
        assert node.attributes.get("href", "#").startswith("#"), node.html
    assert "@import" not in text and "url(http" not in text


def test_since_keeps_later_rows(built) -> None:
    out = built["root"] / "since.html"
    result = _report(built["db"], out, "--since", SINCE)
    assert result.returncode == 0, result.stderr
    assert f"from {SINCE} on" in out.read_text(encoding="utf-8")
    tables = _tables(out)
    since = date.fromisoformat(SINCE)
    assert tables["articles"]
    assert all(date.fromisoformat(row["first_date"]) >= since for row in tables["articles"])
    [(expected,)] = query_db(
        built["db"],
        f"select sum(n_articles) from daily_articles_by_outlet where published_date >= '{SINCE}'",
    )
    assert sum(int(row["n_articles"]) for row in tables["articles"]) == expected
    [(all_dates,)] = query_db(built["db"], "select sum(n_articles) from daily_articles_by_outlet")
    assert expected < all_dates
    assert all(row["first_month"] >= SINCE[:7] for row in tables["tags"])


def test_missing_mart_is_a_line_not_a_traceback(built, tmp_path: Path) -> None:
    db = tmp_path / "older.duckdb"
    shutil.copy(built["db"], db)
    con = duckdb.connect(str(db))
    con.execute("drop view monthly_tag_counts")
    con.execute("drop view daily_rejects_by_reason")
    con.execute("drop table if exists story_clusters")
    con.execute("drop view agency_dependence_by_outlet_month")
    con.execute("drop view syndication_by_outlet_month")
    con.close()
    out = tmp_path / "older.html"
    result = _report(db, out)
    assert result.returncode == 0, result.stderr
    assert "Tags over time" in result.stdout
    tree = HTMLParser(out.read_text(encoding="utf-8"))
    tags = tree.css_first("#tags")
    assert "Not available: this warehouse has no monthly_tag_counts" in tags.text()
    assert tags.css("svg") == []
    quality = tree.css_first("#quality").text()
    assert "no daily_rejects_by_reason" in quality
    assert "no story_clusters" in tree.css_first("#stories").text()
    for section, mart in (
        ("agencies", "agency_dependence_by_outlet_month"),
        ("syndication", "syndication_by_outlet_month"),
    ):
        node = tree.css_first(f"#{section}")
        assert f"Not available: this warehouse has no {mart}" in node.text(), section
        assert node.css("svg") == [] and node.css("table") == [], section
    # The other parts of the page stand, photo credits by agency among them.
    assert tree.css("#quality svg") and tree.css("#articles svg")
    assert tree.css("#photo-agencies svg") and tree.css("#photo-agencies table")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: None, "no database at"),
        (lambda path: duckdb.connect(str(path)).close(), "holds no models yet"),
        (lambda path: path.write_bytes(b"not a database"), "cannot open"),
    ],
    ids=["missing", "empty", "not-duckdb"],
)
def test_unusable_warehouse_is_one_sentence(tmp_path: Path, make, message: str) -> None:
    db, out = tmp_path / "w.duckdb", tmp_path / "r.html"
    make(db)
    result = _report(db, out)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_warehouse_without_articles_is_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    from dateline.flows import warehouse

    con = warehouse.connect(db)
    warehouse.apply_schema(con)
    warehouse.build_models(con)
    con.close()
    result = _report(db, tmp_path / "r.html")
    assert result.returncode == 1
    assert "holds no article yet" in result.stderr and "Traceback" not in result.stderr


def may_records() -> list[dict]:
    """Daily North in May 2024: an agency byline under another agency's photo, a staff
    byline under an agency photo, and a photographer's photo."""
    rng = random.Random(505)  # a seed of no other story in the fixture records
    pages = [
        ("ferry", "Ferry strike", "By Reuters", "Photo: dpa"),
        ("ferry-ends", "Ferry strike ends", "By Jane Smith", "Photo: Reuters"),
        ("ferry-fares", "Ferry fares", None, "Photo: John Doe"),
    ]
    return [
        {
            "url": f"https://dailynorth.example/news/{slug}",
            "source": "Daily North",
            "date": f"2024-05-{day:02d}T09:00:00Z",
            "html": page(title, paragraphs(rng), byline=byline, credit=credit),
        }
        for day, (slug, title, byline, credit) in enumerate(pages, start=3)
    ]


@pytest.fixture(scope="module")
def outlet_pages(tmp_path_factory) -> dict[str, Path]:
    """The outlet marts' records (tests/test_marts.py: an agency story republished by four
    outlets in March 2024, agency bylines and photos at Daily North in April) and
    may_records(), ingested; the report over all dates and from May 2024 on."""
    root = tmp_path_factory.mktemp("outlet-report")
    sources, db = root / "sources", root / "w.duckdb"
    write_jsonl(sources / "march.jsonl", first_ingest_records())
    write_jsonl(sources / "april.jsonl", april_records())
    write_jsonl(sources / "may.jsonl", may_records())
    assert main(["ingest", str(sources), "--db", str(db), "--quiet"]) == 0
    pages = {}
    for window, extra in (("all", []), ("may", ["--since", "2024-05-01"])):
        pages[window] = root / f"{window}.html"
        result = _report(db, pages[window], *extra)
        assert result.returncode == 0, result.stderr
    return pages


# Worked by hand. Daily North: March, its copy of the agency story (no byline, no image);
# April, "By AFP" with a Reuters photo, a staff byline with an AFP photo, two with neither;
# May, may_records(). All dates: 8 articles, 2 agency bylines (25.0 %; the mean of the
# monthly shares would be 19.4), 4 of 5 images credited to an agency (80.0 %; mean 83.3),
# AFP, Reuters and dpa named, Reuters on 3 articles and AFP on 2 (April's top is AFP).
# Metro Post: 4 articles, no agency, no image (a blank share).
# (n_articles, agency_byline_percent, n_images, agency_image_percent, n_agencies, top_agency)
AGENCY_DEPENDENCE = {
    "all": {
        "Daily North": ("8", "25.0", "5", "80.0", "3", "Reuters"),
        "Metro Post": ("4", "0.0", "0", "", "0", ""),
        "Wire Agency": ("1", "0.0", "0", "", "0", ""),
    },
    "may": {"Daily North": ("3", "33.3", "3", "66.7", "2", "Reuters")},
}
# Daily North's March copy is in a story four outlets ran, first at Wire Agency: 1 of 8.
# Metro Post: its copy of it and the bridge story under two URLs in March, one in April:
# 1 of 4 (the mean of its monthly shares would be 16.7).
# (n_articles, n_multi_outlet_articles, multi_outlet_percent, n_first_elsewhere_articles,
#  first_elsewhere_percent)
SYNDICATION = {
    "all": {
        "Daily North": ("8", "1", "12.5", "1", "12.5"),
        "Metro Post": ("4", "1", "25.0", "1", "25.0"),
        "Wire Agency": ("1", "1", "100.0", "0", "0.0"),
        "Outlet 0": ("1", "0", "0.0", "0", "0.0"),
    },
    "may": {"Daily North": ("3", "0", "0.0", "0", "0.0")},
}
# March: Wire Agency, four copies, Outlet 0-3; April adds a host-named outlet and The Tidings.
OUTLETS_ALL_DATES = 11


def _chart_marks(page: Path, section: str) -> int:
    """How many data marks (dots, bars) the section's chart holds."""
    svg = HTMLParser(page.read_text(encoding="utf-8")).css_first(f"#{section} .chart svg")
    assert svg is not None, section
    return len(svg.css("g.role-mark > path, g.role-mark > rect"))


@pytest.mark.parametrize("window", ["all", "may"])
def test_agency_dependence_by_outlet(outlet_pages, window: str) -> None:
    rows = {row["outlet"]: row for row in _tables(outlet_pages[window])["agencies"]}
    columns = (
        "n_articles",
        "agency_byline_percent",
        "n_images",
        "agency_image_percent",
        "n_agencies",
        "top_agency",
    )
    for outlet, expected in AGENCY_DEPENDENCE[window].items():
        assert tuple(rows[outlet][column] for column in columns) == expected, outlet
    if window == "may":
        assert list(rows) == ["Daily North"]
    else:
        assert len(rows) == OUTLETS_ALL_DATES and next(iter(rows)) == "Daily North"
    # A dot per share: two per outlet, none for a share of no image.
    shares = [
        row[column]
        for row in rows.values()
        for column in ("agency_byline_percent", "agency_image_percent")
    ]
    assert _chart_marks(outlet_pages[window], "agencies") == sum(1 for s in shares if s)


@pytest.mark.parametrize("window", ["all", "may"])
def test_syndication_by_outlet(outlet_pages, window: str) -> None:
    rows = {row["outlet"]: row for row in _tables(outlet_pages[window])["syndication"]}
    columns = (
        "n_articles",
        "n_multi_outlet_articles",
        "multi_outlet_percent",
        "n_first_elsewhere_articles",
        "first_elsewhere_percent",
    )
    for outlet, expected in SYNDICATION[window].items():
        assert tuple(rows[outlet][column] for column in columns) == expected, outlet
    assert len(rows) == (1 if window == "may" else OUTLETS_ALL_DATES)
    assert _chart_marks(outlet_pages[window], "syndication") == 2 * len(rows)
    svg_text = HTMLParser(outlet_pages[window].read_text(encoding="utf-8")).css_first(
        "#syndication svg"
    )
    assert "Daily North" in svg_text.text()


def _chromium() -> str:
    path = os.environ.get("DATELINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip(f"no Chromium at {path} (apt-get install chromium, or set DATELINE_CHROMIUM)")
    return path


@pytest.mark.slow
def test_page_renders_offline_in_chromium_with_drawn_charts(built) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    page_url = built["page"].resolve().as_uri()
    requests, failed, console, errors = [], [], [], []
    with (
        playwright.sync_playwright() as driver,
        tempfile.TemporaryDirectory() as profile,
    ):
        browser = driver.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on("console", lambda message: console.append((message.type, message.text)))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_url, wait_until="load")
            charts = page.evaluate(DRAWN_MARKS_JS)
            screenshot = built["root"] / "report.png"
            page.screenshot(path=str(screenshot), full_page=True)
            chart_shots = [
                base64.b64encode(svg.screenshot()).decode()
                for svg in page.query_selector_all(".chart svg")
            ]
            # Decoded on a blank page, after the report's own requests were recorded.
            checker = browser.new_page()
            whole = checker.evaluate(INK_JS, base64.b64encode(screenshot.read_bytes()).decode())
            inks = [checker.evaluate(INK_JS, shot) for shot in chart_shots]
        finally:
            browser.close()
    assert requests == [page_url]
    assert failed == [] and errors == []
    assert [entry for entry in console if entry[0] in ("error", "warning")] == []
    assert {chart["section"] for chart in charts} == set(_charted_sections(built["db"]))
    for chart in charts:
        assert chart["drawn"] > 0, chart
    # Not blank: the page has ink and colour, and so has every chart on its own.
    assert whole["height"] > 900 and whole["ink"] > 0.02 and whole["colours"] > 50, whole
    for ink in inks:
        assert ink["ink"] > 0.01 and ink["colours"] > 5, ink
