-- grain: one row per author name per author kind (person, desk, agency).
-- How many articles carry the name, in which outlets, over which dates.
select
    author_name,
    author_kind,
    count(distinct article_id) as n_articles,
    coalesce(
        list(distinct outlet order by outlet) filter (where outlet is not null),
        []::varchar[]
    ) as outlets,
    coalesce(
        list(distinct author_organization order by author_organization)
            filter (where author_organization is not null),
        []::varchar[]
    ) as organizations,
    min(published_date) as first_published_date,
    max(published_date) as last_published_date
from int_article_authors_with_article
where author_name is not null
group by author_name, author_kind
