-- A cluster has two or more members, exactly one of them first: the one its id names, with
-- similarity 1 and the cluster's first_outlet as its own outlet.
select cluster_id, count(*) as n_members, count(*) filter (where is_first) as n_first
from story_clusters
left join articles using (article_id)
group by cluster_id
having count(*) < 2
    or count(*) filter (where is_first) <> 1
    or count(*) filter (where is_first and (article_id <> cluster_id or similarity <> 1)) > 0
    or count(*) filter (where is_first and first_outlet is distinct from outlet) > 0
    or count(distinct coalesce(first_outlet, '')) > 1
