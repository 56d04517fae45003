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

{#- An AliExpress time text as UTC. Text that says its own zone is honoured: an ISO time ending in `Z` or an
    offset (`+08:00`, `-0500`, `+08`) is converted from it, and 13 digits alone are epoch milliseconds (the
    gateway's `timestamp`). Only zone-less wall-clock text is read in `source_tz`. Unparseable text gives null. -#}
{% macro local_text_to_utc(expression, source_tz) -%}
    case
        when {{ text_matches('trim(' ~ expression ~ ')', '^[0-9]{13}$') }}
            then {{ epoch_milliseconds_to_utc(dbt.safe_cast('trim(' ~ expression ~ ')', dbt.type_bigint())) }}
        when {{ text_matches('trim(' ~ expression ~ ')', '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then {{ offset_text_to_utc(expression) }}
        else {{ zoneless_text_to_utc(expression, source_tz) }}
    end
{%- endmacro %}

{#- Epoch milliseconds as a UTC time; seconds and the rest added apart, as an interval of ~10^12 ms
    overflows some engines' interval arithmetic. -#}
{% macro epoch_milliseconds_to_utc(milliseconds) -%}
    {{ return(adapter.dispatch('epoch_milliseconds_to_utc', 'listing_pulse')(milliseconds)) }}
{%- endmacro %}

{% macro default__epoch_milliseconds_to_utc(milliseconds) -%}
    {%- set seconds = dbt.dateadd('second', 'cast(floor((' ~ milliseconds ~ ') / 1000) as ' ~ dbt.type_int() ~ ')', "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") -%}
    {{ dbt.dateadd('millisecond', 'cast(mod(' ~ milliseconds ~ ', 1000) as ' ~ dbt.type_int() ~ ')', seconds) }}
{%- endmacro %}

{#- Spark's dateadd has no millisecond part; timestamp_millis reads the epoch in the session zone (UTC). -#}
{% macro spark__epoch_milliseconds_to_utc(milliseconds) -%}
    timestamp_millis({{ milliseconds }})
{%- endmacro %}

{#- Whether a text matches a regular expression (partial match; anchor it with ^ and $). -#}
{% macro text_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('text_matches', 'listing_pulse')(expression, pattern)) }}
{%- endmacro %}

{% macro default__text_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__text_matches(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__text_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{#- A zone-less wall-clock text in `source_tz` (AliExpress's GMT+8) as UTC. -#}
{% macro zoneless_text_to_utc(expression, source_tz) -%}
    {{ return(adapter.dispatch('zoneless_text_to_utc', 'listing_pulse')(expression, source_tz)) }}
{%- endmacro %}

{% macro default__zoneless_text_to_utc(expression, source_tz) -%}
    cast(({{ dbt.safe_cast(expression, dbt.type_timestamp()) }} at time zone '{{ source_tz }}') at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__zoneless_text_to_utc(expression, source_tz) -%}
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
