-- grain: one row per outlet per published_date.
-- How many of an outlet's articles that day carry tags, how many tags and distinct tag
-- keys; tagged_share is of n_articles. Undated articles are left out
-- (data_quality_by_outlet counts empty tag blocks as n_empty_tag_blocks).
select
    articles.outlet,
    articles.published_date,
    count(distinct articles.article_id) as n_articles,
    count(distinct tags.article_id) as n_tagged_articles,
    count(distinct tags.article_id) / count(distinct articles.article_id) as tagged_share,
    count(tags.tag_position) as n_tags,
    count(distinct tags.tag_key) as n_distinct_tag_keys
from stg_articles as articles
left join stg_article_tags as tags using (article_id)
where articles.published_date is not null
group by articles.outlet, articles.published_date
