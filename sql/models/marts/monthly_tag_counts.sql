-- grain: one row per tag_key per published_month ('YYYY-MM').
-- Articles carrying the tag; `tag` is its most used spelling that month (ties: the
-- alphabetically first). Undated articles and blank keys are left out.
with
spellings as (
    select
        tag_key,
        published_month,
        tag,
        count(distinct article_id) as n_articles_spelled
    from int_article_tags_with_article
    where published_month is not null and nullif(trim(tag_key), '') is not null
    group by tag_key, published_month, tag
),

ranked as (
    select
        *,
        row_number() over (
            partition by tag_key, published_month
            order by n_articles_spelled desc, tag
        ) as spelling_rank
    from spellings
),

articles_per_key as (
    select
        tag_key,
        published_month,
        count(distinct article_id) as n_articles
    from int_article_tags_with_article
    where published_month is not null and nullif(trim(tag_key), '') is not null
    group by tag_key, published_month
)

select
    articles_per_key.tag_key,
    articles_per_key.published_month,
    articles_per_key.n_articles,
    ranked.tag
from articles_per_key
inner join ranked using (tag_key, published_month)
where ranked.spelling_rank = 1
