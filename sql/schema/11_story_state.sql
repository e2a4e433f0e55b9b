-- Internal state of the story clusters (flows/stories.py), not part of the contract (not
-- exported): what lets each run update the clusters without recomputing them.

-- The shingle, MinHash and band parameters the stored signatures were made with; other
-- parameters make the next run sign every article again.
CREATE TABLE IF NOT EXISTS story_parameters (
    parameters_key VARCHAR
);
COMMENT ON TABLE story_parameters IS 'internal, not part of the contract: the parameters of the stored story signatures (one row)';
COMMENT ON COLUMN story_parameters.parameters_key IS 'transforms.stories.PARAMETERS_KEY when the signatures were made';

-- One row per article as last signed.
CREATE TABLE IF NOT EXISTS story_articles (
    article_id    VARCHAR,
    content_hash  VARCHAR,
    signature_key UBIGINT,
    PRIMARY KEY (article_id)
);
COMMENT ON TABLE story_articles IS 'internal, not part of the contract: one row per article signed for story clusters';
COMMENT ON COLUMN story_articles.article_id IS 'the article';
COMMENT ON COLUMN story_articles.content_hash IS 'articles.content_hash when it was signed: a different one signs it again';
COMMENT ON COLUMN story_articles.signature_key IS 'its body''s signature (story_signatures); null when the body is too short to compare';

-- One row per distinct body signature: equal bodies share one.
CREATE TABLE IF NOT EXISTS story_signatures (
    signature_key UBIGINT,
    signature     BLOB,
    PRIMARY KEY (signature_key)
);
COMMENT ON TABLE story_signatures IS 'internal, not part of the contract: one row per distinct MinHash signature of a body';
COMMENT ON COLUMN story_signatures.signature_key IS '64-bit hash of the signature';
COMMENT ON COLUMN story_signatures.signature IS 'MinHash values, little-endian uint32 each';

-- One row per signature and LSH band.
CREATE TABLE IF NOT EXISTS story_bands (
    band_key      UBIGINT,
    signature_key UBIGINT
);
COMMENT ON TABLE story_bands IS 'internal, not part of the contract: one row per signature and LSH band';
COMMENT ON COLUMN story_bands.band_key IS 'hash of the band''s number and values: signatures sharing one are compared';
COMMENT ON COLUMN story_bands.signature_key IS 'the signature';

-- One row per pair of signatures verified similar (signature_key < other_signature_key).
CREATE TABLE IF NOT EXISTS story_pairs (
    signature_key       UBIGINT,
    other_signature_key UBIGINT,
    similarity          DOUBLE
);
COMMENT ON TABLE story_pairs IS 'internal, not part of the contract: one row per pair of signatures at or above the similarity threshold';
COMMENT ON COLUMN story_pairs.signature_key IS 'the smaller signature key of the pair';
COMMENT ON COLUMN story_pairs.other_signature_key IS 'the larger signature key of the pair';
COMMENT ON COLUMN story_pairs.similarity IS 'estimated Jaccard similarity of the two bodies'' shingles';
