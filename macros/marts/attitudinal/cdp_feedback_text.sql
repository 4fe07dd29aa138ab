{#- Text matching for the attitudinal marts: the feedback text and every lexicon term, topic keyword and
    purchase criterion go through the same normalisation, so a term matches however its writer typed it. -#}

{#- Characters read as word separators: ASCII and CJK / Arabic-script punctuation, dashes and symbols. The
    apostrophe is kept (don't, isn't). Written without backslashes, so the pattern is the same on both engines. -#}
{% macro cdp_feedback_punctuation_pattern() -%}
    {{- return('[.,!?;:()"“”„«»‹›…、。，！？；：（）【】《》「」،؛؟/|*+=<>~_@#$%^&{}—–-]') -}}
{%- endmacro %}


{#- Lower case; Persian zero-width non-joiner (U+200C) -> space and zero-width joiner (U+200D) removed, so
    "می‌خرم" and "می خرم" are one spelling; Arabic yeh / alef maksura / kaf -> the Persian letters; typographic
    apostrophe -> '; punctuation -> space; runs of spaces -> one; trimmed. NULL stays NULL. Unicode normal form
    is not changed (neither engine has a portable NFC): text is expected in NFC, as typed on every keyboard. -#}
{% macro cdp_feedback_normalise(expr) -%}
    {%- set replaced = "lower(" ~ expr ~ ")" -%}
    {%- for old, new in [(cdp_unicode_char(8204), "' '"), (cdp_unicode_char(8205), "''"), ("'ي'", "'ی'"),
                         ("'ى'", "'ی'"), ("'ك'", "'ک'"), ("'’'", "''''")] -%}
        {%- set replaced = dbt.replace(replaced, old, new) -%}
    {%- endfor -%}
    trim({{ cdp_regexp_replace_all(cdp_regexp_replace_all(replaced, cdp_feedback_punctuation_pattern(), ' '),
        '[ ]+', ' ') }})
{%- endmacro %}


{#- A normalised text ready for matching: every space doubled and one space added at both ends, so each word
    carries its own spaces (" good  good ") and back-to-back occurrences of a word all count. -#}
{% macro cdp_feedback_padded(normalised_expr) -%}
    ' ' || replace({{ normalised_expr }}, ' ', '  ') || ' '
{%- endmacro %}


{#- The string searched for in a padded text (cdp_feedback_padded) for a normalised term:
    `word`: the whole word or phrase (" not  good "); `prefix`: a word or phrase starting so (" disappoint"
    matches disappointed, disappointing); `substring`: anywhere, for languages written without spaces between
    words (Chinese), where whole-word matching is impossible. -#}
{% macro cdp_feedback_term_pattern(normalised_term, match_type) -%}
    case {{ match_type }}
        when 'word' then {{ cdp_feedback_padded(normalised_term) }}
        when 'prefix' then ' ' || replace({{ normalised_term }}, ' ', '  ')
        else {{ normalised_term }}
    end
{%- endmacro %}


{#- How many times `needle` occurs in `haystack` (non-overlapping), as an integer; 0 when either is empty. -#}
{% macro cdp_count_occurrences(haystack, needle) -%}
    coalesce(cast(
        (length({{ haystack }}) - length(replace({{ haystack }}, {{ needle }}, '')))
        / nullif(length({{ needle }}), 0) as integer), 0)
{%- endmacro %}


{#- A language code guessed from the text itself, for sources that record no locale (support tickets, social
    comments): by script first (Han -> zh, Arabic script -> fa), then by letters only one of our languages uses
    (Vietnamese, Polish, German), then by frequent function words; 'en' otherwise. Takes a padded text
    (cdp_feedback_padded). Arabic script is read as Persian, the only such language the lexicons cover. -#}
{% macro cdp_detect_text_language(padded_expr) -%}
    {%- set german_words = ['und', 'der', 'die', 'das', 'ist', 'nicht', 'nichts', 'ich', 'sehr', 'mit', 'wie', 'ein',
                            'eine', 'mein', 'meine', 'auch', 'oder', 'noch', 'bitte', 'danke'] -%}
    {%- set polish_words = ['nie', 'jest', 'się', 'czy', 'jak', 'ale', 'za', 'tak', 'nic', 'mój', 'moje', 'jestem',
                            'dla', 'przez', 'już', 'proszę'] -%}
    case
        when {{ cdp_regexp_matches(padded_expr, '[一-鿿]') }} then 'zh'
        when {{ cdp_regexp_matches(padded_expr, '[؀-ۿ]') }} then 'fa'
        when {{ cdp_regexp_matches(padded_expr, '[ăđơưạ-ỹ]') }} then 'vi'
        when {{ cdp_regexp_matches(padded_expr, '[ąćęłńśźż]') }} then 'pl'
        when {{ cdp_regexp_matches(padded_expr, '[äöüß]') }} then 'de'
        when {{ cdp_regexp_matches(padded_expr, ' (' ~ german_words | join('|') ~ ') ') }} then 'de'
        when {{ cdp_regexp_matches(padded_expr, ' (' ~ polish_words | join('|') ~ ') ') }} then 'pl'
        else 'en'
    end
{%- endmacro %}


{#- A string literal holding the one character of Unicode code point `code_point` (zero-width characters have
    no visible spelling in SQL source). -#}
{% macro cdp_unicode_char(code_point) -%}
    {{ return(adapter.dispatch('cdp_unicode_char', 'cdp')(code_point)) }}
{%- endmacro %}

{% macro default__cdp_unicode_char(code_point) -%}
    chr({{ code_point }})
{%- endmacro %}

{% macro spark__cdp_unicode_char(code_point) -%}
    {#- Spark's chr() wraps at 256; its string literals read \uXXXX escapes. -#}
    '\u{{ '%04x' % code_point }}'
{%- endmacro %}
