-- article_paragraphs.kind is one of the contract's values: 'summary', 'subheadline', 'paragraph'.
select *
from article_paragraphs
where kind is null or kind not in ('summary', 'subheadline', 'paragraph')
