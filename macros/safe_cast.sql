{#- Raw keeps values as received; staging turns what cannot be cast into null, for the merchant-data warn
    tests to name. dbt's default `safe_cast` is a plain cast, so one malformed value ("yesterday" as a time,
    "n/a" as a stock) would fail the whole build. dbt dispatches `safe_cast` to the root project first, so
    these branches are what `dbt.safe_cast` means here. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- PostgreSQL has no try_cast: `listing_pulse_try_cast` (created by `create_udfs` at the start of every
    run) casts through an exception handler. It also refuses non-text values that do not start like a number,
    a date or a boolean, because PostgreSQL reads words such as 'yesterday', 'now' or 'NaN' as valid values. -#}
{% macro postgres__safe_cast(field, type) -%}
    {{ target.schema }}.listing_pulse_try_cast(cast({{ field }} as text), null::{{ type }})
{%- endmacro %}

{% macro create_udfs() -%}
    {{ return(adapter.dispatch('create_udfs', 'listing_pulse')()) }}
{%- endmacro %}

{% macro default__create_udfs() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_udfs() -%}
    create schema if not exists {{ target.schema }};
    create or replace function {{ target.schema }}.listing_pulse_try_cast(value text, type_sample anyelement)
    returns anyelement language plpgsql immutable as $body$
    begin
        if value is null then
            return null;
        end if;
        if pg_typeof(type_sample) not in ('text'::regtype, 'character varying'::regtype, 'character'::regtype)
            and btrim(value) !~* '^([+-]?[0-9.]|true$|false$)' then
            return null;
        end if;
        execute format('select cast(%L as %s)', value, pg_typeof(type_sample)) into type_sample;
        return type_sample;
    exception when others then
        return null;
    end
    $body$
{%- endmacro %}
