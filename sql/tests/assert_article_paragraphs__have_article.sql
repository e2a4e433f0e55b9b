-- Every article_paragraphs row belongs to an article (a batch lands whole or not at all).
select child.*
from article_paragraphs as child
anti join articles using (article_id)
