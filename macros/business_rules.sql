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

{#- Whether a row's version is the one valid at `as_of` (validity intervals are [from, to)). -#}
{% macro valid_at(valid_from, valid_to, moment) -%}
    ({{ valid_from }} <= {{ moment }} and ({{ valid_to }} is null or {{ valid_to }} > {{ moment }}))
{%- endmacro %}
