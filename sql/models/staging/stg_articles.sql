-- grain: one row per article.
-- Staging: the articles table with the publication month derived once, as 'YYYY-MM'
-- text (NULL when undated), so every mart groups months the same way as the export.
select
    article_id,
    source_uri,
    source_format,
    url as article_url,
    outlet,
    language,
    title,
    summary,
    section,
    published_date,
    strftime(published_date, '%Y-%m') as published_month,
    published_at,
    updated_at,
    byline_raw,
    body_text,
    word_count,
    stripped_link_gaps,
    quality_flags,
    content_hash,
    ingested_at,
    run_id
from articles
