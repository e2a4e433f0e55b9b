-- grain: one row per article.
-- The story each article tells: its cluster's id when its body is a near-duplicate of
-- others (story_clusters), else its own id; with how many articles and outlets the
-- cluster holds, across all dates (outlets: distinct known ones), and whose outlet
-- published it first. An article in no cluster is a story of its own.
with
cluster_reach as (
    select
        clusters.cluster_id,
        count(*) as n_cluster_articles,
        count(distinct articles.outlet) as n_cluster_outlets
    from stg_story_clusters as clusters
    inner join stg_articles as articles using (article_id)
    group by clusters.cluster_id
)

select
    articles.article_id,
    articles.outlet,
    articles.published_date,
    articles.published_month,
    coalesce(clusters.cluster_id, articles.article_id) as story_id,
    clusters.cluster_id is not null as is_clustered,
    coalesce(reach.n_cluster_articles, 1) as n_story_articles,
    coalesce(reach.n_cluster_outlets, if(articles.outlet is null, 0, 1)) as n_story_outlets,
    coalesce(clusters.is_first_in_cluster, true) as is_first_in_story,
    case
        when clusters.cluster_id is null then articles.outlet
        else clusters.cluster_first_outlet
    end as story_first_outlet
from stg_articles as articles
left join stg_story_clusters as clusters using (article_id)
left join cluster_reach as reach using (cluster_id)
