-- grain: one row per article.
-- The article with its authors, tags, credited agencies and photographers as lists
-- (empty when none) and counts of its paragraphs, images and related links.
select
    articles.article_id,
    articles.outlet,
    articles.language,
    articles.section,
    articles.published_date,
    articles.published_at,
    articles.title,
    articles.article_url,
    articles.word_count,
    coalesce(authors.author_names, []::varchar[]) as author_names,
    coalesce(tags.tags, []::varchar[]) as tags,
    coalesce(credits.agencies, []::varchar[]) as agencies,
    coalesce(credits.photographers, []::varchar[]) as photographers,
    counts.n_images,
    counts.n_paragraphs,
    counts.n_related_links,
    coalesce(articles.quality_flags, []::varchar[]) as quality_flags,
    articles.run_id
from stg_articles as articles
inner join int_article_child_counts as counts using (article_id)
left join int_article_author_lists as authors using (article_id)
left join int_article_tag_lists as tags using (article_id)
left join int_article_credit_lists as credits using (article_id)
