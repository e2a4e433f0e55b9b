-- article_paragraphs: one row per summary, subheadline or paragraph of an article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
-- Key (article_id, position): kept unique by the loader and checked by a data test, not held by an
-- index, which cost about a quarter of a bulk load (the contract keys only articles).
CREATE TABLE IF NOT EXISTS article_paragraphs (
    article_id VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    kind       VARCHAR,
    -- zstd, as articles.body_text: the same text, a paragraph at a time.
    text       VARCHAR USING COMPRESSION zstd
);

COMMENT ON TABLE article_paragraphs IS 'one row per summary, subheadline or paragraph of an article';
COMMENT ON COLUMN article_paragraphs.article_id IS 'the article';
COMMENT ON COLUMN article_paragraphs.position IS '0-based page order within the article';
COMMENT ON COLUMN article_paragraphs.kind IS 'summary, subheadline or paragraph';
COMMENT ON COLUMN article_paragraphs.text IS 'the block''s text';
