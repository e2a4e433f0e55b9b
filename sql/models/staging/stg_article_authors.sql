-- grain: one row per author of an article.
select
    article_id,
    position as author_position,
    name as author_name,
    kind as author_kind,
    organization as author_organization
from article_authors
