-- grain: one row per article in a cluster of near-duplicate bodies.
select
    cluster_id,
    article_id,
    similarity as cluster_similarity,
    is_first as is_first_in_cluster,
    first_outlet as cluster_first_outlet
from story_clusters
