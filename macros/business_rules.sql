{#- A SKU code as both platforms are matched on: without surrounding whitespace of any kind (tabs, line
    breaks, non-breaking and other Unicode spaces, zero-width spaces, byte-order marks), case-insensitive. -#}
{% macro normalize_sku(expression) -%}
    nullif(upper({{ trim_whitespace(expression) }}), '')
{%- endmacro %}

{% macro trim_whitespace(expression) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'listing_pulse')(expression)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    regexp_replace({{ expression }}, '^[\s\v\x{85}\p{Z}\x{200B}\x{FEFF}]+|[\s\v\x{85}\p{Z}\x{200B}\x{FEFF}]+$', '', 'g')
{%- endmacro %}

{% macro postgres__trim_whitespace(expression) -%}
    regexp_replace({{ expression }}, '^[\s\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+|[\s\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+$', '', 'g')
{%- endmacro %}

{% macro spark__trim_whitespace(expression) -%}
    regexp_replace({{ expression }}, '^[\\s\\x{0B}\\x{85}\\p{Z}\\x{200B}\\x{FEFF}]+|[\\s\\x{0B}\\x{85}\\p{Z}\\x{200B}\\x{FEFF}]+$', '')
{%- endmacro %}

{#- The median of an expression, as an aggregate. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'listing_pulse')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}

{#- Whether a row's version is the one valid at `as_of` (validity intervals are [from, to)). -#}
{% macro valid_at(valid_from, valid_to, moment) -%}
    ({{ valid_from }} <= {{ moment }} and ({{ valid_to }} is null or {{ valid_to }} > {{ moment }}))
{%- endmacro %}

{#- Per `key` of the versioned relation `history`: since when `level` has been at or below zero at as_of,
    i.e. the first out-of-stock version after the last in-stock one (null when in stock). -#}
{% macro out_of_stock_since(history, key, level) -%}
    select
        store_key,
        {{ key }},
        min(case when {{ level }} <= 0 then valid_from end) as oos_since
    from {{ history }} as version
    where valid_from <= {{ as_of() }}
        and valid_from > coalesce((
            select max(in_stock.valid_from) from {{ history }} as in_stock
            where in_stock.store_key = version.store_key
                and in_stock.{{ key }} = version.{{ key }}
                and in_stock.valid_from <= {{ as_of() }}
                and in_stock.{{ level }} > 0
        ), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
    group by store_key, {{ key }}
{%- endmacro %}
