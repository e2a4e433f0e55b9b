-- grain: one row per related-article link of an article.
select
    article_id,
    position as link_position,
    kind as link_kind,
    title as link_title,
    url as link_url
from related_links
