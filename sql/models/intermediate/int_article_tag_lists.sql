-- grain: one row per article that has at least one tag.
-- Tags as published and their grouping keys, in published order.
select
    article_id,
    list(tag order by tag_position) as tags,
    list(tag_key order by tag_position) as tag_keys
from stg_article_tags
group by article_id
