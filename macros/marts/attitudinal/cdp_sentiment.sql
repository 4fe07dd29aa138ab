{#- A text's sentiment score in -1..1 from the sum of its matched lexicon weights (after negation and
    intensifiers): raw / sqrt(raw^2 + alpha), the normalisation VADER uses. It approaches +-1 as evidence piles
    up; alpha = var('cdp__sentiment_alpha') sets how fast (one weak term of weight 1 gives 1 / sqrt(1 + alpha)).
    NULL raw (no term matched) -> 0. -#}
{% macro cdp_sentiment_score(raw_score_expr) -%}
    coalesce(
        {{ raw_score_expr }}
        / sqrt({{ raw_score_expr }} * {{ raw_score_expr }} + {{ var('cdp__sentiment_alpha', 8) }}),
        0)
{%- endmacro %}


{#- positive / neutral / negative for a score in -1..1: neutral inside +- var('cdp__sentiment_neutral_threshold'). -#}
{% macro cdp_sentiment_label(score_expr) -%}
    {%- set threshold = var('cdp__sentiment_neutral_threshold', 0.35) -%}
    case
        when {{ score_expr }} >= {{ threshold }} then 'positive'
        when {{ score_expr }} <= -{{ threshold }} then 'negative'
        when {{ score_expr }} is not null then 'neutral'
    end
{%- endmacro %}


{#- The language codes written without spaces between words (var('cdp__feedback_unsegmented_languages')):
    their lexicon terms and keywords are matched as substrings whatever the seed says. A SQL list literal. -#}
{% macro cdp_unsegmented_languages() -%}
    ({%- for language in var('cdp__feedback_unsegmented_languages', ['zh', 'ja', 'th']) -%}
        '{{ language }}'{{ ', ' if not loop.last }}
    {%- endfor -%})
{%- endmacro %}
