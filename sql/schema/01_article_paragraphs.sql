-- article_paragraphs: one row per summary, subheadline or paragraph of an article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
CREATE TABLE IF NOT EXISTS article_paragraphs (
    article_id VARCHAR,
    position   INTEGER,
    kind       VARCHAR,
    text       VARCHAR,
    PRIMARY KEY (article_id, position)
);

COMMENT ON TABLE article_paragraphs IS 'one row per summary, subheadline or paragraph of an article';
COMMENT ON COLUMN article_paragraphs.article_id IS 'the article';
COMMENT ON COLUMN article_paragraphs.position IS '0-based page order within the article';
COMMENT ON COLUMN article_paragraphs.kind IS 'summary, subheadline or paragraph';
COMMENT ON COLUMN article_paragraphs.text IS 'the block''s text';
