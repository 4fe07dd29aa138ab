{#- A person's name for display: cleaned (see cdp_clean_text), original case and diacritics kept. -#}
{% macro cdp_normalise_name(expr) -%}
    {{ cdp_clean_text(expr) }}
{%- endmacro %}


{#- A name folded for matching: lower case, diacritics removed (Nguyễn -> nguyen, Łukasz -> lukasz),
    Arabic-script letter variants unified (ي -> ی, ك -> ک), punctuation dropped, zero-width joiners removed.
    Non-Latin scripts are kept as they are (no transliteration). -#}
{% macro cdp_fold_name(expr) -%}
    {%- set lowered = "lower(" ~ cdp_clean_text(expr) ~ ")" -%}
    {%- set folded = "translate(" ~ lowered ~ ", '" ~ cdp_fold_map()[0] ~ "', '" ~ cdp_fold_map()[1] ~ "')" -%}
    {%- set unpunctuated = cdp_regexp_replace_all("replace(" ~ folded ~ ", chr(39), '')", '[.,`"()]', '') -%}
    nullif(trim({{ cdp_regexp_replace_all(unpunctuated, '[ -]+', ' ') }}), '')
{%- endmacro %}


{#- The character map behind cdp_fold_name: (from, to). Characters of `from` past the length of `to` are
    deleted. Mirrored by cdp.normalise.FOLD_FROM / FOLD_TO in Python. -#}
{% macro cdp_fold_map() -%}
    {{ return((
        'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕẖẗẘẙạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđłøħıŧƀɨƶيك‌‍',
        'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooyabbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttuuuuuvvwwwwwxxyzzzhtwyaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyydlohitbizیک'
    )) }}
{%- endmacro %}
