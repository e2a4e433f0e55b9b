-- grain: one row per tag of an article.
select
    article_id,
    position as tag_position,
    tag,
    tag_key
from article_tags
