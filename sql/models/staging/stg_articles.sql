-- grain: one row per article.
-- Staging: the articles table with the publication month derived once, as 'YYYY-MM'
-- text (NULL when undated), so every mart groups months the same way as the export, and
-- the URL's host (lower case, without "www."), as transforms/assembly/articles.py reads it
-- for outlet_source 'url_host'.
select
    article_id,
    source_uri,
    source_format,
    url as article_url,
    nullif(
        regexp_extract(lower(url), '^[a-z][a-z0-9+.\-]*://(?:[^/?#@]*@)?(?:www\d?\.)?([^/:?#]+)', 1),
        ''
    ) as url_host,
    outlet,
    outlet_source,
    language,
    title,
    summary,
    section,
    published_date,
    strftime(published_date, '%Y-%m') as published_month,
    published_at,
    published_offset_minutes,
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
