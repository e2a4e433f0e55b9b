-- article_authors.kind is one of the contract's values: 'person', 'desk', 'agency'.
select *
from article_authors
where kind is null or kind not in ('person', 'desk', 'agency')
