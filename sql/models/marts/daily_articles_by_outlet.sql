-- grain: one row per outlet per language per published_date.
-- Undated articles are left out (data_quality_by_outlet counts them as n_no_date).
select
    outlet,
    language,
    published_date,
    count(*) as n_articles,
    coalesce(sum(word_count), 0) as n_words
from stg_articles
where published_date is not null
group by outlet, language, published_date
