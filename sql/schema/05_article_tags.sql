-- article_tags: one row per tag of an article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
-- Key (article_id, position): kept unique by the loader and checked by a data test, not held by an
-- index, which cost about a quarter of a bulk load (the contract keys only articles).
CREATE TABLE IF NOT EXISTS article_tags (
    article_id VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    tag        VARCHAR,
    tag_key    VARCHAR
);

COMMENT ON TABLE article_tags IS 'one row per tag of an article';
COMMENT ON COLUMN article_tags.article_id IS 'the article';
COMMENT ON COLUMN article_tags.position IS '0-based order as published';
COMMENT ON COLUMN article_tags.tag IS 'tag as published';
COMMENT ON COLUMN article_tags.tag_key IS 'grouping key: lower case, accents and punctuation folded';
