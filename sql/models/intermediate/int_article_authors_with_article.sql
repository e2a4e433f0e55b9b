-- grain: one row per author of an article.
-- Each author with the article's outlet and publication date, for author_activity.
select
    authors.article_id,
    authors.author_position,
    authors.author_name,
    authors.author_kind,
    authors.author_organization,
    articles.outlet,
    articles.published_date
from stg_article_authors as authors
inner join stg_articles as articles using (article_id)
