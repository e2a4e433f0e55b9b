-- Every tag has a grouping key that is not blank.
select *
from article_tags
where nullif(trim(tag_key), '') is null
