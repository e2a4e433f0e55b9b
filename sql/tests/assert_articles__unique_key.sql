-- (article_id) identifies one articles row.
select article_id, count(*) as n_rows
from articles
group by article_id
having count(*) > 1 or bool_or(article_id is null)
