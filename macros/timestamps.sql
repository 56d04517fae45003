{#- Every model timestamp is a zone-less UTC wall-clock time. -#}

{#- A time-zone-aware value (dlt's validity columns, BigCommerce's ISO times) as UTC. -#}
{% macro to_utc(expression) -%}
    {{ return(adapter.dispatch('to_utc', 'listing_pulse')(expression)) }}
{%- endmacro %}

{% macro default__to_utc(expression) -%}
    cast(({{ expression }}) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__to_utc(expression) -%}
    to_utc_timestamp({{ expression }}, current_timezone())
{%- endmacro %}

{#- A zone-less wall-clock text in `source_tz` (AliExpress's GMT+8) as UTC; unparseable text gives null. -#}
{% macro local_text_to_utc(expression, source_tz) -%}
    {{ return(adapter.dispatch('local_text_to_utc', 'listing_pulse')(expression, source_tz)) }}
{%- endmacro %}

{% macro default__local_text_to_utc(expression, source_tz) -%}
    cast(({{ dbt.safe_cast(expression, dbt.type_timestamp()) }} at time zone '{{ source_tz }}') at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__local_text_to_utc(expression, source_tz) -%}
    to_utc_timestamp({{ dbt.safe_cast(expression, dbt.type_timestamp()) }}, '{{ source_tz }}')
{%- endmacro %}

{#- An ISO-8601 text with an offset (BigCommerce) as UTC; unparseable text gives null. -#}
{% macro offset_text_to_utc(expression) -%}
    {{ return(adapter.dispatch('offset_text_to_utc', 'listing_pulse')(expression)) }}
{%- endmacro %}

{% macro default__offset_text_to_utc(expression) -%}
    {{ to_utc(dbt.safe_cast(expression, 'timestamp with time zone')) }}
{%- endmacro %}

{% macro spark__offset_text_to_utc(expression) -%}
    {{ dbt.safe_cast(expression, 'timestamp') }}
{%- endmacro %}
