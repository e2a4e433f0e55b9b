-- (article_id, position) identifies one article_authors row.
select article_id, position, count(*) as n_rows
from article_authors
group by article_id, position
having count(*) > 1 or bool_or(article_id is null or position is null)
