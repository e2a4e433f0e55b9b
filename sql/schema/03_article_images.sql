-- article_images: one row per image of an article. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
-- Key (article_id, position): kept unique by the loader and checked by a data test, not held by an
-- index, which cost about a quarter of a bulk load (the contract keys only articles).
CREATE TABLE IF NOT EXISTS article_images (
    article_id    VARCHAR NOT NULL,
    position      INTEGER NOT NULL,
    url           VARCHAR,
    caption       VARCHAR,
    caption_label VARCHAR,
    is_cover      BOOLEAN,
    credit_raw    VARCHAR
);

COMMENT ON TABLE article_images IS 'one row per image of an article';
COMMENT ON COLUMN article_images.article_id IS 'the article';
COMMENT ON COLUMN article_images.position IS '0-based page order of the image';
COMMENT ON COLUMN article_images.url IS 'image URL when known';
COMMENT ON COLUMN article_images.caption IS 'caption without the credit text';
COMMENT ON COLUMN article_images.caption_label IS 'leading label such as COMBO, FILES, ARCHIVO, else NULL';
COMMENT ON COLUMN article_images.is_cover IS 'true for the lead image';
COMMENT ON COLUMN article_images.credit_raw IS 'the credit as printed';
