-- grain: one row per outlet (NULL outlet is its own row).
-- Extraction problems per outlet. Rejected sources have no outlet: see ingest_health.
select
    outlet,
    count(*) as n_articles,
    count_if(
        nullif(trim(title), '') is null or list_contains(coalesce(quality_flags, []), 'no_title')
    ) as n_missing_title,
    count_if(published_date is null) as n_no_date,
    count_if(list_contains(coalesce(quality_flags, []), 'date_from_header'))
        as n_date_from_header_only,
    coalesce(sum(stripped_link_gaps), 0) as n_stripped_link_gaps,
    count_if(coalesce(stripped_link_gaps, 0) > 0) as n_articles_with_gaps,
    count_if(list_contains(coalesce(quality_flags, []), 'tags_stripped')) as n_empty_tag_blocks,
    count_if(coalesce(word_count, 0) = 0) as n_empty_body
from stg_articles
group by outlet
