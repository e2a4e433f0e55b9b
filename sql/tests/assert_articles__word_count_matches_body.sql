-- word_count counts the words of body_text as the transforms count block sizes
-- (count_words in transforms/text/blocks.py): runs of characters between white space,
-- plus one word per two characters of the scripts written without spaces (Han, Hiragana,
-- Katakana); 0 when there is no body. One row per article whose word_count differs.
-- White space is Rust regex \s (Unicode White_Space). RE2's \s is ASCII-only, so the exact
-- count adds the Unicode separators (\pZ), vertical tab and NEL to it. That regex count is
-- slow on long bodies (about 2.5 s for 10k articles), so a body whose only white space is
-- spaces and newlines, nearly all of them, is split on spaces instead: the same count.
-- One scan for any other white space or any of those scripts tells nearly every body that
-- it needs neither the regex count nor the count of those scripts' characters.
-- Such a body's words are counted without splitting it when, its paragraph breaks (two
-- newlines) and newlines read as spaces, no two spaces meet and none begins or ends it:
-- then each space ends one word (the count of spaces plus one). Nearly every body is so.
-- RE2's script tables predate Unicode 15.1, whose CJK Extension I (U+2EBF0-U+2EE5D) Rust
-- counts as Han: it is named here by its range.
with counted as (
    select
        article_id,
        word_count,
        case
            when not regexp_matches(
                body,
                '[\t\x0B\x0C\r\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\p{Han}\p{Hiragana}\p{Katakana}\x{2EBF0}-\x{2EE5D}]'
            )
                then case
                    when spaced <> '' and not contains(spaced, '  ')
                        and not starts_with(spaced, ' ') and not ends_with(spaced, ' ')
                        then strlen(spaced) - strlen(replace(spaced, ' ', '')) + 1
                    else len(list_filter(string_split(spaced, ' '), lambda w: w <> ''))
                end
            else
                case
                    when regexp_matches(
                        body,
                        '[\t\x0B\x0C\r\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]'
                    )
                        then len(regexp_extract_all(body, '[^\s\pZ\x0B\x{85}]+'))
                    else len(list_filter(string_split(spaced, ' '), lambda w: w <> ''))
                end
                + case
                    when regexp_matches(body, '[\p{Han}\p{Hiragana}\p{Katakana}\x{2EBF0}-\x{2EE5D}]')
                        then (
                            length(body)
                            - length(
                                regexp_replace(
                                    body, '[\p{Han}\p{Hiragana}\p{Katakana}\x{2EBF0}-\x{2EE5D}]', '', 'g'
                                )
                            )
                        ) // 2
                    else 0
                end
        end as words_in_body
    from (
        select article_id, word_count, body, replace(replace(body, chr(10) || chr(10), ' '), chr(10), ' ') as spaced
        from (select article_id, word_count, coalesce(body_text, '') as body from articles)
    )
)
select article_id, word_count, words_in_body
from counted
where word_count is distinct from words_in_body
