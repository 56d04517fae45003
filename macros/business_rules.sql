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
