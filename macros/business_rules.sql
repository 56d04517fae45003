{#- A SKU code as both platforms are matched on: trimmed, case-insensitive. -#}
{% macro normalize_sku(expression) -%}
    nullif(upper(trim({{ expression }})), '')
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

{#- Whether `moment` lies in a card window, (start, end]: open at its start, closed at its end. -#}
{% macro in_window(moment, window_start, window_end) -%}
    ({{ moment }} > {{ window_start }} and {{ moment }} <= {{ window_end }})
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
