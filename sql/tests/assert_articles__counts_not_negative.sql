-- Counters on an article are never negative.
select article_id, word_count, stripped_link_gaps
from articles
where word_count < 0 or stripped_link_gaps < 0
