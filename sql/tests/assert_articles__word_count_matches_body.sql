-- word_count is the number of whitespace-separated tokens in body_text (0 when empty).
-- Whitespace is Rust regex \s (Unicode White_Space). RE2's \s is ASCII-only, so the exact
-- count adds the Unicode separators (\pZ), vertical tab and NEL to it. That regex count is
-- slow on long bodies (about 2.5 s for 10k articles), so a body whose only white space is
-- spaces and newlines, nearly all of them, is split on spaces instead: the same count.
with counted as (
    select
        article_id,
        word_count,
        case
            when regexp_matches(
                body,
                '[\t\x0B\x0C\r\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]'
            )
                then len(regexp_extract_all(body, '[^\s\pZ\x0B\x{85}]+'))
            else len(list_filter(string_split(replace(body, chr(10), ' '), ' '), lambda w: w <> ''))
        end as words_in_body
    from (select article_id, word_count, coalesce(body_text, '') as body from articles)
)
select article_id, word_count, words_in_body
from counted
where word_count is distinct from words_in_body
