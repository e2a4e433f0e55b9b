-- image_credits: one row per credited party of an image. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
-- Key (article_id, image_position, position): kept unique by the loader and checked by a data test, not held by an
-- index, which cost about a quarter of a bulk load (the contract keys only articles).
CREATE TABLE IF NOT EXISTS image_credits (
    article_id     VARCHAR NOT NULL,
    image_position INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    role           VARCHAR,
    name           VARCHAR
);

COMMENT ON TABLE image_credits IS 'one row per credited party of an image';
COMMENT ON COLUMN image_credits.article_id IS 'the article';
COMMENT ON COLUMN image_credits.image_position IS 'position of the image in article_images';
COMMENT ON COLUMN image_credits.position IS '0-based order within the credit';
COMMENT ON COLUMN image_credits.role IS 'photographer, agency, pool, source or other';
COMMENT ON COLUMN image_credits.name IS 'canonical agency name or person in natural case';
