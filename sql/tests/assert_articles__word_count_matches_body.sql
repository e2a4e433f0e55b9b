-- word_count is the number of whitespace-separated tokens in body_text (0 when empty).
-- The class matches Rust regex \S (Unicode White_Space): RE2's \s is ASCII-only, so the
-- Unicode separators (\pZ), vertical tab and NEL are added explicitly.
select
    article_id,
    word_count,
    len(regexp_extract_all(coalesce(body_text, ''), '[^\s\pZ\x0B\x{85}]+')) as words_in_body
from articles
where word_count is distinct from len(
    regexp_extract_all(coalesce(body_text, ''), '[^\s\pZ\x0B\x{85}]+')
)
