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

{#- The distinct values of an expression, sorted and joined with ', ', as an aggregate: a worklist's list
    column reads the same on every engine. -#}
{% macro sorted_distinct_list(expression) -%}
    {{ return(adapter.dispatch('sorted_distinct_list', 'listing_pulse')(expression)) }}
{%- endmacro %}

{% macro default__sorted_distinct_list(expression) -%}
    {{ dbt.listagg('distinct ' ~ expression, "', '", 'order by ' ~ expression) }}
{%- endmacro %}

{#- dbt-spark's listagg drops the order by (collect_list keeps no order): sort the collected set instead. -#}
{% macro spark__sorted_distinct_list(expression) -%}
    array_join(array_sort(collect_set({{ expression }})), ', ')
{%- endmacro %}

{#- Whether `moment` lies in a card window, (start, end]: open at its start, closed at its end. -#}
{% macro in_window(moment, window_start, window_end) -%}
    ({{ moment }} > {{ window_start }} and {{ moment }} <= {{ window_end }})
{%- endmacro %}

{#- Whether a row's version is the one valid at `as_of` (validity intervals are [from, to)). -#}
{% macro valid_at(valid_from, valid_to, moment) -%}
    ({{ valid_from }} <= {{ moment }} and ({{ valid_to }} is null or {{ valid_to }} > {{ moment }}))
{%- endmacro %}
