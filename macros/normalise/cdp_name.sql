{#- A person's name for display: cleaned (see cdp_clean_text), original case and diacritics kept. -#}
{% macro cdp_normalise_name(expr) -%}
    {{ cdp_clean_text(expr) }}
{%- endmacro %}


{#- A name folded for matching: lower case, diacritics removed (Nguyễn -> nguyen, Łukasz -> lukasz),
    Arabic-script letter variants unified (ي -> ی, ك -> ک), punctuation dropped, zero-width joiners removed.
    Non-Latin scripts are kept as they are (no transliteration). -#}
{% macro cdp_fold_name(expr) -%}
    {%- set lowered = "lower(" ~ cdp_clean_text(expr) ~ ")" -%}
    {#- translate() walks the whole map for every character (DuckDB: 17 s for 1.5 million names), so only the
        names holding a mapped character (a character class: one compiled pattern) are translated -#}
    {%- set folded = "case when " ~ cdp_regexp_matches(lowered, "[" ~ cdp_fold_map()[0] ~ "]")
        ~ " then translate(" ~ lowered ~ ", '" ~ cdp_fold_map()[0] ~ "', '" ~ cdp_fold_map()[1] ~ "')"
        ~ " else " ~ lowered ~ " end" -%}
    {%- set unpunctuated = cdp_regexp_replace_all("replace(" ~ folded ~ ", chr(39), '')", '[.,`"()]', '') -%}
    nullif(trim({{ cdp_regexp_replace_all(unpunctuated, '[ -]+', ' ') }}), '')
{%- endmacro %}


{#- The character map behind cdp_fold_name: (from, to). Characters of `from` past the length of `to` are
    deleted. -#}
{% macro cdp_fold_map() -%}
    {{ return((
        'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕẖẗẘẙạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđłøħıŧƀɨƶيك‌‍',
        'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooyabbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttuuuuuvvwwwwwxxyzzzhtwyaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyydlohitbizیک'
    )) }}
{%- endmacro %}
