-- story_clusters: one row per article in a cluster of near-duplicate bodies. Mirrors
-- transforms/schema.py and CONTRACT.md; do not reorder. Written by flows/stories.py after
-- each run's loads (thresholds in transforms/stories.py).
CREATE TABLE IF NOT EXISTS story_clusters (
    cluster_id   VARCHAR,
    article_id   VARCHAR,
    similarity   DOUBLE,
    is_first     BOOLEAN,
    first_outlet VARCHAR,
    PRIMARY KEY (article_id)
);

COMMENT ON TABLE story_clusters IS 'one row per article in a cluster of near-duplicate bodies';
COMMENT ON COLUMN story_clusters.cluster_id IS 'article_id of the cluster''s earliest member (by published_at, else published_date, then article_id)';
COMMENT ON COLUMN story_clusters.article_id IS 'the article';
COMMENT ON COLUMN story_clusters.similarity IS 'estimated Jaccard similarity of the body''s word shingles to the earliest member''s';
COMMENT ON COLUMN story_clusters.is_first IS 'true for the earliest published member';
COMMENT ON COLUMN story_clusters.first_outlet IS 'outlet of the earliest member';
