-- articles: one row per article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
CREATE TABLE IF NOT EXISTS articles (
    article_id         VARCHAR,
    source_uri         VARCHAR,
    source_format      VARCHAR,
    url                VARCHAR,
    outlet             VARCHAR,
    language           VARCHAR,
    title              VARCHAR,
    summary            VARCHAR,
    section            VARCHAR,
    published_date     DATE,
    published_at       TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ,
    byline_raw         VARCHAR,
    -- zstd: DuckDB's default string compression stored bodies of kilobytes uncompressed;
    -- with zstd a 66k-article load wrote a third of the bytes and took a quarter less CPU.
    body_text          VARCHAR USING COMPRESSION zstd,
    word_count         INTEGER,
    stripped_link_gaps INTEGER,
    quality_flags      VARCHAR[],
    content_hash       VARCHAR,
    ingested_at        TIMESTAMPTZ,
    run_id             VARCHAR,
    rights_holder      VARCHAR,
    PRIMARY KEY (article_id)
);

COMMENT ON TABLE articles IS 'one row per article';
COMMENT ON COLUMN articles.article_id IS 'stable id: from the canonical URL when known, else from source_uri';
COMMENT ON COLUMN articles.source_uri IS 'absolute path of the source file, plus #N for the N-th record';
COMMENT ON COLUMN articles.source_format IS 'text, html, jsonl, ...';
COMMENT ON COLUMN articles.url IS 'canonical URL when known';
COMMENT ON COLUMN articles.outlet IS 'publication name, e.g. Gestión';
COMMENT ON COLUMN articles.language IS 'ISO 639-1 code of the body';
COMMENT ON COLUMN articles.title IS 'headline';
COMMENT ON COLUMN articles.summary IS 'standfirst / lead when separate from the body';
COMMENT ON COLUMN articles.section IS 'section or desk when stated';
COMMENT ON COLUMN articles.published_date IS 'publication date as stated (the outlet''s local calendar date)';
COMMENT ON COLUMN articles.published_at IS 'publication instant, only when a time of day is known';
COMMENT ON COLUMN articles.updated_at IS 'last update instant, when stated';
COMMENT ON COLUMN articles.byline_raw IS 'the byline as printed';
COMMENT ON COLUMN articles.body_text IS 'subheadlines and paragraphs in order, joined by a blank line';
COMMENT ON COLUMN articles.word_count IS 'words in body_text';
COMMENT ON COLUMN articles.stripped_link_gaps IS 'places where the scraper dropped a link''s text';
COMMENT ON COLUMN articles.quality_flags IS 'e.g. no_title, date_from_header, tags_stripped';
COMMENT ON COLUMN articles.content_hash IS 'hash of the normalized article, for change detection';
COMMENT ON COLUMN articles.ingested_at IS 'when this version was loaded';
COMMENT ON COLUMN articles.run_id IS 'the ingest run that loaded it';
COMMENT ON COLUMN articles.rights_holder IS 'holder of the rights named in a copyright or reproduction notice';

-- 0.4.0: where outlet came from. Added, not created with the table, so a warehouse of 0.3.0
-- or before gains the column too (null for its articles until they are loaded again).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS outlet_source VARCHAR;
COMMENT ON COLUMN articles.outlet_source IS 'where outlet came from: declared, printed, url_host, record or folder';

-- 0.4.0: the UTC offset published_at was stated in, so the local time as printed can be
-- told (published_at + offset); added the same way.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS published_offset_minutes INTEGER;
COMMENT ON COLUMN articles.published_offset_minutes IS 'UTC offset of published_at as the page states it (or its zone implies), in minutes';
