-- grain: one row per summary, subheadline or paragraph of an article.
select
    article_id,
    position as paragraph_position,
    kind as paragraph_kind,
    text as paragraph_text
from article_paragraphs
