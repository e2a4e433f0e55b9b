-- article_authors: one row per author of an article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
-- Key (article_id, position): kept unique by the loader and checked by a data test, not held by an
-- index, which cost about a quarter of a bulk load (the contract keys only articles).
CREATE TABLE IF NOT EXISTS article_authors (
    article_id   VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    name         VARCHAR,
    kind         VARCHAR,
    organization VARCHAR
);

COMMENT ON TABLE article_authors IS 'one row per author of an article';
COMMENT ON COLUMN article_authors.article_id IS 'the article';
COMMENT ON COLUMN article_authors.position IS '0-based byline order';
COMMENT ON COLUMN article_authors.name IS 'name in natural case';
COMMENT ON COLUMN article_authors.kind IS 'person, desk or agency';
COMMENT ON COLUMN article_authors.organization IS 'employer or outlet when stated';
