-- Paragraph positions of each article run 0, 1, ..., n-1 with no gap or repeat.
select
    article_id,
    count(*) as n_rows,
    count(distinct position) as n_positions,
    min(position) as min_position,
    max(position) as max_position
from article_paragraphs
group by article_id
having min(position) <> 0
    or max(position) <> count(*) - 1
    or count(distinct position) <> count(*)
    or count(position) <> count(*)
