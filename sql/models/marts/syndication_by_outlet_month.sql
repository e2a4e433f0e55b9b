-- grain: one row per outlet per published_month ('YYYY-MM').
-- How much of an outlet's month is shared with other outlets. A story is a cluster of
-- near-duplicate bodies (story_clusters) or an article in none. Multi-outlet articles
-- belong to a cluster whose members come from two or more outlets (any month);
-- first-elsewhere articles belong to a cluster whose earliest member's outlet is known
-- and is not theirs. Shares are of n_articles. Undated articles are left out.
with
flagged_articles as (
    select
        outlet,
        published_month,
        story_id,
        n_story_outlets >= 2 as is_multi_outlet,
        coalesce(not is_first_in_story and story_first_outlet <> outlet, false)
            as is_first_elsewhere
    from int_article_stories
    where published_month is not null
)

select
    outlet,
    published_month,
    count(*) as n_articles,
    count(distinct story_id) as n_stories,
    count(*) filter (where is_multi_outlet) as n_multi_outlet_articles,
    count(*) filter (where is_multi_outlet) / count(*) as multi_outlet_share,
    count(*) filter (where is_first_elsewhere) as n_first_elsewhere_articles,
    count(*) filter (where is_first_elsewhere) / count(*) as first_elsewhere_share
from flagged_articles
group by outlet, published_month
