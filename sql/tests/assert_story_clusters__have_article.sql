-- Every story_clusters row names a stored article, and every cluster names one of its members.
select story_clusters.cluster_id, story_clusters.article_id
from story_clusters
where story_clusters.article_id not in (select article_id from articles)
   or story_clusters.cluster_id not in (select article_id from story_clusters)
