-- One row per (article_id, position): the table's key, which the loader keeps unique (no index holds it).
select article_id, position, count(*) as n_rows
from related_links
group by article_id, position
having count(*) > 1
