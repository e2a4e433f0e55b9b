-- related_links: one row per related-article link of an article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
-- Key (article_id, position): kept unique by the loader and checked by a data test, not held by an
-- index, which cost about a quarter of a bulk load (the contract keys only articles).
CREATE TABLE IF NOT EXISTS related_links (
    article_id VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    kind       VARCHAR,
    title      VARCHAR,
    url        VARCHAR
);

COMMENT ON TABLE related_links IS 'one row per related-article link of an article';
COMMENT ON COLUMN related_links.article_id IS 'the article';
COMMENT ON COLUMN related_links.position IS '0-based page order';
COMMENT ON COLUMN related_links.kind IS 'read_also, recommended or other';
COMMENT ON COLUMN related_links.title IS 'the linked article''s title';
COMMENT ON COLUMN related_links.url IS 'the link target when known';
