"""``dateline report``: one self-contained HTML page drawn from the warehouse's marts.

The page opens with no network access: every chart is an Altair (Vega-Lite) spec turned
into inline SVG by vl-convert, which runs Vega in an embedded JavaScript engine inside
this process (no browser, no server, no download), and the CSS is inline too. Beside each
chart sits a table of the same rows. Every query reads the marts of ``sql/models/marts``
on a read-only connection, with two exceptions: the story clusters come from the
``story_clusters`` table, and an outlet's distinct agencies over several months from
``int_article_agencies`` (distinct counts do not add up over the months of a mart). A
mart that an older warehouse lacks turns its section into one "not available" line.

``--since DATE`` keeps rows published (or rejected, or run) on or after DATE; marts by
month keep the months from DATE's month on. Every text from the data is escaped.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

# How many outlets, agencies, people and tags a chart shows by name (tables show the same).
TOP_OUTLETS = 10
TOP_AGENCIES = 15
TOP_PEOPLE = 15
TOP_TAGS = 12
TOP_STORIES = 15
# Outlets in the charts and tables of shares (agency dependence, syndication).
TOP_SHARE_OUTLETS = 25
RECENT_RUNS = 10
CHART_WIDTH = 560
# A count's legend shows about this many whole numbers.
LEGEND_STEPS = 4
NO_OUTLET = "(no outlet)"
OTHER_OUTLETS = "(other outlets)"
# The day-by-day chart buckets by week, then month, past these spans so its marks stay legible.
DAYS_FOR_WEEKLY = 400
DAYS_FOR_MONTHLY = 5 * 366
# period -> (Polars truncation, Vega-Lite time unit); UTC units: dates are UTC calendar days.
PERIODS = {
    "day": ("1d", "utcyearmonthdate"),
    "week": ("1w", "utcyearweek"),
    "month": ("1mo", "utcyearmonth"),
}
# An id or a reference to one inside vl-convert's SVG; prefixed per chart so that several
# inline SVGs in one page cannot point at each other's clip paths or gradients.
SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


class ReportError(RuntimeError):
    """The report cannot be written; the message is one sentence a person can act on."""


class MartMissing(Exception):
    """A section's mart is not in this warehouse (built by an older Dateline)."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(", ".join(names))
        self.names = list(names)


@dataclass(frozen=True)
class Window:
    """The days the report covers: everything, or from ``since`` on."""

    since: date | None = None

    @property
    def since_month(self) -> str | None:
        return self.since.strftime("%Y-%m") if self.since else None

    def describe(self) -> str:
        return f"from {self.since.isoformat()} on" if self.since else "all dates"


@dataclass
class Block:
    """One chart with the table of its rows, or a line of text, under a heading."""

    heading: str
    table: pl.DataFrame | None = None
    chart_svg: str | None = None
    note: str | None = None


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    # Set when the section could not be drawn: the one line shown instead.
    unavailable: str | None = None


@dataclass(frozen=True)
class ReportResult:
    path: Path
    n_bytes: int
    sections: list[Section]

    @property
    def unavailable(self) -> list[str]:
        return [section.title for section in self.sections if section.unavailable]


# --- reading the marts -------------------------------------------------------------------


class Marts:
    """The warehouse's views and tables by name, and queries over them as Polars frames."""

    def __init__(self, con: duckdb.DuckDBPyConnection, window: Window) -> None:
        self.con = con
        self.window = window
        rows = con.execute("select table_name from information_schema.tables").fetchall()
        self.names = {name for (name,) in rows}

    def require(self, *names: str) -> None:
        missing = [name for name in names if name not in self.names]
        if missing:
            raise MartMissing(missing)

    def frame(self, sql: str) -> pl.DataFrame:
        """Rows of ``sql``; ``$since`` (a DATE) and ``$since_month`` ('YYYY-MM') are bound."""
        params = {"since": self.window.since, "since_month": self.window.since_month}
        used = {name: value for name, value in params.items() if re.search(rf"\${name}\b", sql)}
        frame = self.con.sql(sql, params=used or None).pl()
        # DuckDB sums integers into HUGEINT (Polars: Decimal or Int128), which neither JSON
        # nor a chart spec takes; every count here fits in 64 bits.
        wide = [
            name
            for name, dtype in frame.schema.items()
            if dtype == pl.Int128 or (isinstance(dtype, pl.Decimal) and dtype.scale == 0)
        ]
        return frame.with_columns(pl.col(wide).cast(pl.Int64)) if wide else frame


def _outlet(column: str = "outlet") -> str:
    return f"coalesce({column}, '{NO_OUTLET}')"


# --- sections ----------------------------------------------------------------------------

ARTICLES_BY_OUTLET_SQL = f"""
    select {_outlet()} as outlet,
        sum(n_articles) as n_articles,
        count(distinct published_date) as n_days,
        sum(n_words) as n_words,
        min(published_date) as first_date,
        max(published_date) as last_date,
        string_agg(distinct language, ', ' order by language) as languages
    from daily_articles_by_outlet
    where $since::date is null or published_date >= $since::date
    group by all
    order by n_articles desc, outlet
"""

ARTICLES_BY_DAY_SQL = """
    select published_date, outlet, sum(n_articles) as n_articles
    from daily_articles_by_outlet
    where $since::date is null or published_date >= $since::date
    group by all
"""


def section_articles(marts: Marts) -> list[Block]:
    marts.require("daily_articles_by_outlet")
    by_outlet = marts.frame(ARTICLES_BY_OUTLET_SQL)
    if by_outlet.is_empty():
        return [Block("Articles", note=f"No dated article ({marts.window.describe()}).")]
    by_day = marts.frame(ARTICLES_BY_DAY_SQL).with_columns(pl.col("outlet").fill_null(NO_OUTLET))
    top = set(by_outlet["outlet"].head(TOP_OUTLETS))
    span = (by_day["published_date"].max() - by_day["published_date"].min()).days
    period = "day" if span <= DAYS_FOR_WEEKLY else "week" if span <= DAYS_FOR_MONTHLY else "month"
    every, unit = PERIODS[period]
    points = (
        by_day.with_columns(
            pl.when(pl.col("outlet").is_in(top))
            .then(pl.col("outlet"))
            .otherwise(pl.lit(OTHER_OUTLETS)),
            period_start=pl.col("published_date").dt.truncate(every),
        )
        .group_by("period_start", "outlet")
        .agg(pl.col("n_articles").sum())
        .sort("period_start", "outlet")
        .with_columns(pl.col("period_start").dt.strftime("%Y-%m-%d"))
    )
    return [
        Block(
            f"Articles per outlet and {period}",
            table=by_outlet,
            chart_svg=chart_articles_over_time(points, unit, period),
            note=f"Dated articles only; the {TOP_OUTLETS} largest outlets by name. "
            "Undated articles are counted under data quality.",
        )
    ]


# The marts by outlet and month hold counts beside their shares: over several months a share
# is the sum of its numerator over the sum of its denominator, never a mean of shares.
AGENCY_DEPENDENCE_SQL = f"""
    select {_outlet()} as outlet,
        sum(n_articles) as n_articles,
        sum(n_agency_byline_articles) as n_agency_byline_articles,
        sum(n_images) as n_images,
        sum(n_agency_images) as n_agency_images
    from agency_dependence_by_outlet_month
    where $since_month::varchar is null or published_month >= $since_month::varchar
    group by all
"""
# Distinct agencies and the top one do not add up over months (an agency named in two months
# is one agency), so the window's are counted from the articles' agencies, which the mart
# counts from too: dated articles, agencies in bylines or photo credits.
WINDOW_AGENCIES_SQL = f"""
    select {_outlet("articles.outlet")} as outlet, agencies.agency,
        count(distinct agencies.article_id) as n_articles
    from int_article_agencies as agencies
    inner join article_overview as articles using (article_id)
    where articles.published_date is not null
        and ($since_month::varchar is null
            or strftime(articles.published_date, '%Y-%m') >= $since_month::varchar)
    group by all
"""
SYNDICATION_SQL = f"""
    select {_outlet()} as outlet,
        sum(n_articles) as n_articles,
        sum(n_multi_outlet_articles) as n_multi_outlet_articles,
        sum(n_first_elsewhere_articles) as n_first_elsewhere_articles
    from syndication_by_outlet_month
    where $since_month::varchar is null or published_month >= $since_month::varchar
    group by all
"""


def section_agency_dependence(marts: Marts) -> list[Block]:
    marts.require("agency_dependence_by_outlet_month", "int_article_agencies", "article_overview")
    counts = marts.frame(AGENCY_DEPENDENCE_SQL)
    if counts.is_empty():
        return [Block("Agency dependence", note=f"No dated article ({marts.window.describe()}).")]
    agencies = (
        marts.frame(WINDOW_AGENCIES_SQL)
        .sort(["outlet", "n_articles", "agency"], descending=[False, True, False])
        .group_by("outlet", maintain_order=True)
        .agg(
            pl.len().alias("n_agencies"),
            pl.col("agency").first().alias("top_agency"),
            pl.col("n_articles").first().alias("n_top_agency_articles"),
        )
    )
    shares = _largest_outlets(counts).with_columns(
        agency_byline_share=pl.col("n_agency_byline_articles") / pl.col("n_articles"),
        # NULL, not 0, for outlets that ran no image
        agency_image_share=pl.col("n_agency_images")
        / pl.when(pl.col("n_images") > 0).then(pl.col("n_images")),
    )
    table = (
        shares.join(agencies, on="outlet", how="left", maintain_order="left")
        .with_columns(
            pl.col("n_agencies", "n_top_agency_articles").fill_null(0),
            _percent("agency_byline_share").alias("agency_byline_percent"),
            _percent("agency_image_share").alias("agency_image_percent"),
        )
        .select(
            "outlet",
            "n_articles",
            "agency_byline_percent",
            "n_images",
            "agency_image_percent",
            "n_agencies",
            "top_agency",
        )
    )
    measures = {
        "agency_byline_share": "articles bylined by an agency",
        "agency_image_share": "images credited to an agency",
    }
    return [
        Block(
            "Agency bylines and agency photos by outlet",
            table=table,
            chart_svg=chart_outlet_shares(
                _share_points(shares, measures), table["outlet"].to_list(), measures
            ),
            note=f"{_outlets_note(counts)} Percent of each outlet's dated articles whose "
            "byline names a news agency, and of its images whose credit names one (blank: "
            "no image); distinct agencies named in bylines or photo credits, and the one "
            "on the most articles (ties: alphabetical).",
        )
    ]


def section_syndication(marts: Marts) -> list[Block]:
    marts.require("syndication_by_outlet_month")
    counts = marts.frame(SYNDICATION_SQL)
    if counts.is_empty():
        return [Block("Syndication", note=f"No dated article ({marts.window.describe()}).")]
    shares = _largest_outlets(counts).with_columns(
        multi_outlet_share=pl.col("n_multi_outlet_articles") / pl.col("n_articles"),
        first_elsewhere_share=pl.col("n_first_elsewhere_articles") / pl.col("n_articles"),
    )
    table = shares.select(
        "outlet",
        "n_articles",
        "n_multi_outlet_articles",
        _percent("multi_outlet_share").alias("multi_outlet_percent"),
        "n_first_elsewhere_articles",
        _percent("first_elsewhere_share").alias("first_elsewhere_percent"),
    )
    measures = {
        "multi_outlet_share": "articles in a story several outlets ran",
        "first_elsewhere_share": "articles first published elsewhere",
    }
    return [
        Block(
            "Articles shared with other outlets",
            table=table,
            chart_svg=chart_outlet_shares(
                _share_points(shares, measures), table["outlet"].to_list(), measures
            ),
            note=f"{_outlets_note(counts)} Percent of each outlet's dated articles whose story "
            "(a cluster of near-duplicate bodies) was run by two or more outlets, and whose "
            "story's earliest article is another outlet's.",
        )
    ]


def _largest_outlets(counts: pl.DataFrame) -> pl.DataFrame:
    """The TOP_SHARE_OUTLETS rows with the most articles (one row per outlet)."""
    return counts.sort(["n_articles", "outlet"], descending=[True, False]).head(TOP_SHARE_OUTLETS)


def _outlets_note(counts: pl.DataFrame) -> str:
    if counts.height <= TOP_SHARE_OUTLETS:
        return "Every outlet with a dated article."
    return f"The {TOP_SHARE_OUTLETS} outlets with most dated articles (of {counts.height})."


def _percent(share: str) -> pl.Expr:
    return (pl.col(share) * 100).round(1)


def _share_points(shares: pl.DataFrame, measures: dict[str, str]) -> pl.DataFrame:
    """One row per outlet and measure with a share (NULL shares have no point)."""
    return (
        shares.unpivot(index="outlet", on=list(measures), variable_name="measure")
        .with_columns(pl.col("measure").replace_strict(measures))
        .rename({"value": "share"})
        .drop_nulls("share")
    )


PHOTO_AGENCIES_SQL = f"""
    select agency, {_outlet()} as outlet, sum(n_images) as n_images,
        sum(n_articles) as n_articles
    from monthly_photo_credits_by_agency
    where $since_month::varchar is null or published_month >= $since_month::varchar
    group by all
"""


def section_photo_agencies(marts: Marts) -> list[Block]:
    marts.require("monthly_photo_credits_by_agency")
    rows = marts.frame(PHOTO_AGENCIES_SQL)
    if rows.is_empty():
        return [Block("Photo credits by agency", note="No image credits an agency.")]
    table = (
        rows.group_by("agency")
        .agg(
            pl.col("n_images").sum(),
            pl.col("n_articles").sum(),
            pl.col("outlet").n_unique().alias("n_outlets"),
            pl.col("outlet").unique().sort().str.join(", ").alias("outlets"),
        )
        .sort(["n_images", "agency"], descending=[True, False])
        .head(TOP_AGENCIES)
    )
    top = rows.filter(pl.col("agency").is_in(table["agency"].implode()))
    return [
        Block(
            "Photo credits by agency",
            table=table,
            chart_svg=chart_agencies(top, order=table["agency"].to_list()),
            note="Images whose credit names an agency, by the outlet that ran them "
            "(by month of publication).",
        )
    ]


# story_clusters is the table the ingest keeps of near-duplicate bodies (flows/stories.py):
# one row per article of a cluster of two or more. Titles and outlets come from the mart.
STORIES_SQL = f"""
    with members as (
        select clusters.cluster_id, clusters.is_first, {_outlet("articles.outlet")} as outlet,
            articles.title, articles.published_date
        from story_clusters as clusters
        inner join article_overview as articles using (article_id)
        where $since::date is null or articles.published_date >= $since::date
    )
    select
        coalesce(
            nullif(trim(arg_min(title, not is_first)), ''), cluster_id
        ) as story,
        count(distinct outlet) as n_outlets,
        count(*) as n_articles,
        string_agg(distinct outlet, ', ' order by outlet) as outlets,
        min(published_date) as first_date,
        max(published_date) as last_date,
        cluster_id
    from members
    group by cluster_id
    having count(*) > 1
    order by n_outlets desc, n_articles desc, first_date, cluster_id
    limit {{limit}}
"""
# A story's title on a chart axis is cut to this many characters (the table has it whole).
STORY_LABEL_CHARS = 70


def section_stories(marts: Marts) -> list[Block]:
    marts.require("story_clusters", "article_overview")
    rows = marts.frame(STORIES_SQL.format(limit=TOP_STORIES))
    if rows.is_empty():
        return [
            Block(
                "Stories carried by several articles",
                note=f"No two articles share a story ({marts.window.describe()}).",
            )
        ]
    labelled = rows.with_columns(
        label=pl.when(pl.col("story").str.len_chars() > STORY_LABEL_CHARS)
        .then(pl.col("story").str.slice(0, STORY_LABEL_CHARS - 1) + "…")
        .otherwise(pl.col("story"))
    )
    return [
        Block(
            "Stories carried by the most outlets",
            table=rows,
            chart_svg=chart_stories(labelled),
            note=f"The {TOP_STORIES} clusters of near-duplicate articles spread over the most "
            "outlets; each is named by its earliest article's title.",
        )
    ]


PEOPLE_SQL = """
    select name, count(distinct article_id) as n_articles,
        string_agg(distinct coalesce(outlet, '(no outlet)'), ', ' order by 1) as outlets,
        min(published_date) as first_date, max(published_date) as last_date
    from (
        select article_id, outlet, published_date, unnest({column}) as name
        from article_overview
        where $since::date is null or published_date >= $since::date
    )
    where nullif(trim(name), '') is not null
    group by name
    order by n_articles desc, name
    limit {limit}
"""


def section_people(marts: Marts) -> list[Block]:
    marts.require("article_overview")
    blocks = []
    for heading, column, what in (
        ("Authors", "author_names", "articles whose byline names them (people, desks, agencies)"),
        ("Photographers", "photographers", "articles with an image credited to them"),
    ):
        rows = marts.frame(PEOPLE_SQL.format(column=column, limit=TOP_PEOPLE))
        if rows.is_empty():
            blocks.append(Block(heading, note=f"No {heading.lower()} named."))
            continue
        blocks.append(
            Block(
                f"{heading} by volume",
                table=rows,
                chart_svg=chart_people(rows, heading),
                note=f"The {TOP_PEOPLE} with most {what}.",
            )
        )
    return blocks


TAGS_SQL = """
    with window_rows as (
        select * from monthly_tag_counts
        where $since_month::varchar is null or published_month >= $since_month::varchar
    ),
    top_tags as (
        select tag_key, sum(n_articles) as n_articles, count(*) as n_months,
            min(published_month) as first_month, max(published_month) as last_month,
            -- the spelling of the tag's busiest month
            arg_max(tag, n_articles) as tag
        from window_rows
        group by tag_key
        order by n_articles desc, tag_key
        limit {limit}
    )
    select top_tags.tag, window_rows.published_month, window_rows.n_articles,
        top_tags.n_articles as n_articles_total, top_tags.n_months,
        top_tags.first_month, top_tags.last_month
    from window_rows inner join top_tags using (tag_key)
"""


def section_tags(marts: Marts) -> list[Block]:
    marts.require("monthly_tag_counts")
    rows = marts.frame(TAGS_SQL.format(limit=TOP_TAGS))
    if rows.is_empty():
        return [Block("Tags", note="No dated article carries a tag.")]
    table = (
        rows.select(
            "tag",
            pl.col("n_articles_total").alias("n_articles"),
            "n_months",
            "first_month",
            "last_month",
        )
        .unique()
        .sort(["n_articles", "tag"], descending=[True, False])
    )
    return [
        Block(
            "Tags over time",
            table=table,
            chart_svg=chart_tags(rows, order=table["tag"].to_list()),
            note=f"Articles per month carrying each of the {TOP_TAGS} most used tags.",
        )
    ]


QUALITY_SQL = f"""
    select {_outlet()} as outlet, * exclude (outlet)
    from data_quality_by_outlet
    order by n_articles desc, outlet
"""
# data_quality_by_outlet's problem counts, charted per outlet.
QUALITY_PROBLEMS = {
    "n_missing_title": "missing title",
    "n_no_date": "no date",
    "n_date_from_header_only": "date from scraper stamp only",
    "n_articles_with_gaps": "stripped link gaps",
    "n_empty_tag_blocks": "empty tag block",
    "n_empty_body": "empty body",
}
REJECTS_SQL = """
    select reject_reason, sum(n_rejects) as n_rejects, sum(n_sources) as n_sources,
        min(rejected_date) as first_date, max(rejected_date) as last_date
    from daily_rejects_by_reason
    where $since::date is null or rejected_date >= $since::date
    group by reject_reason
    order by n_rejects desc, reject_reason
"""
RUNS_SQL = f"""
    select run_id, started_at, run_status, round(duration_seconds, 1) as seconds,
        n_sources_seen, n_articles_new, n_articles_updated, n_articles_unchanged, n_rejects,
        reject_reasons
    from ingest_health
    where $since::date is null or cast(started_at as date) >= $since::date
    order by started_at desc
    limit {RECENT_RUNS}
"""


def section_quality(marts: Marts) -> list[Block]:
    return [
        _optional(marts, ["data_quality_by_outlet"], _quality_block),
        _optional(marts, ["daily_rejects_by_reason"], _rejects_block),
        _optional(marts, ["ingest_health"], _runs_block),
    ]


def _quality_block(marts: Marts) -> Block:
    table = marts.frame(QUALITY_SQL)
    if table.is_empty():
        return Block("Extraction problems by outlet", note="No article.")
    problems = (
        table.head(TOP_OUTLETS)
        .unpivot(index="outlet", on=list(QUALITY_PROBLEMS), variable_name="problem")
        .with_columns(pl.col("problem").replace_strict(QUALITY_PROBLEMS))
        .rename({"value": "n_articles"})
    )
    return Block(
        "Extraction problems by outlet",
        table=table,
        chart_svg=chart_quality(problems) if problems["n_articles"].sum() else None,
        note="All articles in the warehouse (this mart is not by date)."
        + ("" if problems["n_articles"].sum() else " No problem found."),
    )


def _rejects_block(marts: Marts) -> Block:
    table = marts.frame(REJECTS_SQL)
    if table.is_empty():
        return Block("Rejected sources", note=f"No source rejected ({marts.window.describe()}).")
    return Block(
        "Rejected sources by reason",
        table=table,
        chart_svg=chart_rejects(table),
        note="Sources the ingest runs rejected, by reason (a file rejected by two runs "
        "counts twice in n_rejects, once in n_sources per day).",
    )


def _runs_block(marts: Marts) -> Block:
    table = marts.frame(RUNS_SQL)
    if table.is_empty():
        return Block("Ingest runs", note=f"No ingest run ({marts.window.describe()}).")
    return Block(f"The last {RECENT_RUNS} ingest runs", table=table)


def _optional(marts: Marts, names: list[str], build: Callable[[Marts], Block]) -> Block:
    """One block of a section whose other blocks stand without it."""
    try:
        marts.require(*names)
    except MartMissing as missing:
        return Block(names[0], note=_not_available(missing))
    return build(marts)


def _not_available(missing: MartMissing) -> str:
    return (
        f"Not available: this warehouse has no {', '.join(missing.names)} "
        "(a mart of a newer Dateline; `dateline ingest` rebuilds the models)."
    )


SECTIONS: list[tuple[str, str, Callable[[Marts], list[Block]]]] = [
    ("articles", "Articles per outlet and day", section_articles),
    ("agencies", "Agency dependence", section_agency_dependence),
    ("photo-agencies", "Photo credits by agency", section_photo_agencies),
    ("syndication", "Syndication", section_syndication),
    ("stories", "Story clusters with the most outlets", section_stories),
    ("people", "Authors and photographers by volume", section_people),
    ("tags", "Tags over time", section_tags),
    ("quality", "Data quality and rejects", section_quality),
]


# --- charts ------------------------------------------------------------------------------


def _count_axis():
    """Axis of a count: whole-number ticks only."""
    import altair as alt

    return alt.Axis(format="d", tickMinStep=1)


def _count_legend(counts: pl.Series):
    """Legend of a count: a few whole numbers from the smallest count to the largest."""
    import altair as alt

    smallest, largest = int(counts.min()), int(counts.max())
    step = max(1, math.ceil((largest - smallest) / LEGEND_STEPS))
    values = sorted({*range(smallest, largest + 1, step), largest})
    return alt.Legend(format="d", values=values)


def chart_articles_over_time(points: pl.DataFrame, time_unit: str, period: str):
    import altair as alt

    return _svg(
        alt.Chart(points)
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("period_start:T", timeUnit=time_unit, title=f"published ({period})"),
            y=alt.Y("outlet:N", title=None),
            size=alt.Size(
                "n_articles:Q", title="articles", legend=_count_legend(points["n_articles"])
            ),
            color=alt.Color("outlet:N", legend=None),
        )
        .properties(width=CHART_WIDTH)
    )


def chart_agencies(rows: pl.DataFrame, order: list[str]):
    import altair as alt

    return _svg(
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("sum(n_images):Q", title="images credited", axis=_count_axis()),
            y=alt.Y("agency:N", sort=order, title=None),
            color=alt.Color("outlet:N", title="outlet"),
        )
        .properties(width=CHART_WIDTH)
    )


def chart_outlet_shares(points: pl.DataFrame, order: list[str], measures: dict[str, str]):
    """A dot per outlet and measure on one 0-100 % axis, outlets in the table's order and
    each measure on its own line within the outlet's row (equal shares do not hide)."""
    import altair as alt

    labels = list(measures.values())

    return _svg(
        alt.Chart(points)
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=alt.X(
                "share:Q",
                title="share",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y("outlet:N", sort=order, title=None),
            yOffset=alt.YOffset("measure:N", sort=labels),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=labels),
                legend=alt.Legend(orient="top"),
            ),
            shape=alt.Shape("measure:N", scale=alt.Scale(domain=labels), legend=None),
        )
        # with an offset the step is each measure's line: two lines per outlet
        .properties(width=CHART_WIDTH, height=alt.Step(11))
    )


def chart_stories(rows: pl.DataFrame):
    import altair as alt

    return _svg(
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("n_outlets:Q", title="outlets", axis=_count_axis()),
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=400)),
            color=alt.Color(
                "n_articles:Q", title="articles", legend=_count_legend(rows["n_articles"])
            ),
        )
        .properties(width=CHART_WIDTH)
    )


def chart_people(rows: pl.DataFrame, heading: str):
    import altair as alt

    return _svg(
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("n_articles:Q", title="articles", axis=_count_axis()),
            y=alt.Y("name:N", sort="-x", title=None),
        )
        .properties(width=CHART_WIDTH, title=heading)
    )


def chart_tags(rows: pl.DataFrame, order: list[str]):
    import altair as alt

    return _svg(
        alt.Chart(rows)
        .mark_rect()
        .encode(
            x=alt.X("published_month:O", title="month"),
            y=alt.Y("tag:N", sort=order, title=None),
            color=alt.Color(
                "n_articles:Q",
                title="articles",
                scale=alt.Scale(scheme="blues"),
                legend=_count_legend(rows["n_articles"]),
            ),
        )
    )


def chart_quality(problems: pl.DataFrame):
    import altair as alt

    return _svg(
        alt.Chart(problems)
        .mark_bar()
        .encode(
            x=alt.X("n_articles:Q", title="articles with the problem", axis=_count_axis()),
            y=alt.Y("outlet:N", title=None),
            color=alt.Color("problem:N", title="problem"),
        )
        .properties(width=CHART_WIDTH)
    )


def chart_rejects(rows: pl.DataFrame):
    import altair as alt

    return _svg(
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("n_rejects:Q", title="rejections", axis=_count_axis()),
            y=alt.Y("reject_reason:N", sort="-x", title=None),
        )
        .properties(width=CHART_WIDTH)
    )


def _svg(chart) -> str:
    """The chart as an SVG string, drawn in-process by vl-convert with external data
    requests forbidden (every chart carries its rows inline)."""
    import altair as alt
    import vl_convert

    # The tables beside the charts are bounded by the TOP_* limits, the day chart by its
    # buckets; Altair's 5000-row guard is for notebooks that embed raw data.
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_dict()
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def _prefix_ids(svg: str, prefix: str) -> str:
    return SVG_ID.sub(lambda match: f"{match.group(1)}{prefix}-{match.group(2)}", svg)


# --- the page ----------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1400px;
       padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
nav a { margin-right: 1rem; }
section { border-top: 1px solid #ddd; margin-top: 2rem; }
.block { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.chart svg { max-width: 100%; height: auto; }
.note { color: #555; font-size: 0.9rem; }
.unavailable { color: #8a4b00; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.2rem 0.5rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.table { max-height: 32rem; overflow: auto; }
"""


def render_page(sections: list[Section], *, db_name: str, window: Window, now: datetime) -> str:
    """The whole page; every value from the data passes through ``html.escape``."""
    esc = html.escape
    nav = " ".join(f'<a href="#{esc(s.anchor)}">{esc(s.title)}</a>' for s in sections)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Dateline report: {esc(db_name)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Dateline report</h1>",
        f'<p class="meta">Warehouse {esc(db_name)}, {esc(window.describe())}; '
        f"written {esc(now.strftime('%Y-%m-%d %H:%M UTC'))}.</p>",
        f"<nav>{nav}</nav>",
    ]
    chart_number = 0
    for section in sections:
        parts.append(f'<section id="{esc(section.anchor)}"><h2>{esc(section.title)}</h2>')
        if section.unavailable:
            parts.append(f'<p class="unavailable">{esc(section.unavailable)}</p>')
        for block in section.blocks:
            parts.append(f"<h3>{esc(block.heading)}</h3>")
            if block.note:
                parts.append(f'<p class="note">{esc(block.note)}</p>')
            inner = []
            if block.chart_svg:
                chart_number += 1
                svg = _prefix_ids(block.chart_svg, f"chart{chart_number}")
                inner.append(f'<div class="chart">{svg}</div>')
            if block.table is not None:
                inner.append(f'<div class="table">{render_table(block.table)}</div>')
            if inner:
                parts.append(f'<div class="block">{"".join(inner)}</div>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_table(frame: pl.DataFrame) -> str:
    numeric = {name for name, dtype in frame.schema.items() if dtype.is_numeric()}
    head = "".join(f"<th>{html.escape(name)}</th>" for name in frame.columns)
    rows = []
    for row in frame.iter_rows():
        cells = []
        for name, value in zip(frame.columns, row, strict=True):
            css = ' class="number"' if name in numeric else ""
            cells.append(f"<td{css}>{html.escape(_cell_text(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell_text(item) for item in value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


# --- entry point -------------------------------------------------------------------------


def build_sections(con: duckdb.DuckDBPyConnection, window: Window) -> list[Section]:
    """Every section, each from its marts; a missing mart gives its 'not available' line."""
    marts = Marts(con, window)
    _check_not_empty(marts)
    sections = []
    for anchor, title, build in SECTIONS:
        section = Section(anchor, title)
        try:
            section.blocks = build(marts)
        except MartMissing as missing:
            section.unavailable = _not_available(missing)
        except duckdb.Error as error:
            # A mart of another Dateline version whose columns differ from these queries'.
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            section.unavailable = f"Not available: its marts could not be read ({first_line})."
        sections.append(section)
    return sections


def _check_not_empty(marts: Marts) -> None:
    if "article_overview" not in marts.names and "daily_articles_by_outlet" not in marts.names:
        raise ReportError("the warehouse holds no models yet; run `dateline ingest` first.")
    if "article_overview" in marts.names:
        [(n_articles,)] = marts.con.execute("select count(*) from article_overview").fetchall()
        if n_articles == 0:
            raise ReportError("the warehouse holds no article yet; run `dateline ingest` first.")


def write_report(
    con: duckdb.DuckDBPyConnection, out_path: Path, *, db_name: str, window: Window
) -> ReportResult:
    """Write the page to ``out_path`` (through a temporary file, so a reader never sees
    half a page) and say how it went."""
    sections = build_sections(con, window)
    page = render_page(sections, db_name=db_name, window=window, now=datetime.now(UTC))
    out_path = Path(out_path)
    if out_path.parent and not out_path.parent.exists():
        raise ReportError(f"the folder {out_path.parent} does not exist.")
    partial = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(out_path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ReportError(f"cannot write {out_path}: {error.strerror or error}.") from error
    return ReportResult(out_path, out_path.stat().st_size, sections)
