-- grain: one row per article that has at least one author.
-- Author names and kinds in byline order.
select
    article_id,
    list(author_name order by author_position) as author_names,
    list(author_kind order by author_position) as author_kinds
from stg_article_authors
group by article_id
