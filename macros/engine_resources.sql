{#- DuckDB's memory limit and threads for a build, from LISTING_PULSE_DUCKDB_MEMORY_LIMIT and
    LISTING_PULSE_DUCKDB_THREADS (the loader reads the same variables). Unset, DuckDB's own defaults stand
    (80% of RAM, every core): a number in profiles.yml would be wrong on most machines. Global settings,
    so every dbt thread's cursor gets them. Server engines size themselves. -#}
{% macro set_engine_resources() -%}
    {{ return(adapter.dispatch('set_engine_resources', 'listing_pulse')()) }}
{%- endmacro %}

{% macro default__set_engine_resources() -%}
    select 1
{%- endmacro %}

{% macro duckdb__set_engine_resources() -%}
    {%- set memory_limit = env_var('LISTING_PULSE_DUCKDB_MEMORY_LIMIT', '') -%}
    {%- set threads = env_var('LISTING_PULSE_DUCKDB_THREADS', '') -%}
    {%- if memory_limit %}set global memory_limit = '{{ memory_limit | replace("'", "''") }}';{% endif %}
    {%- if threads %}set global threads = {{ threads | int }};{% endif %}
    select 1
{%- endmacro %}

{#- PostgreSQL plans from table statistics, and rows dlt has just landed have none until autovacuum gets to
    them: a build right after a load then nests loops over tables it thinks are empty (a reconciliation
    test ran for minutes). So every build starts by analysing. DuckDB keeps its statistics as it writes. -#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'listing_pulse')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
    select 1
{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    analyze
{%- endmacro %}
