{#- dbt's safe_cast is a plain cast on DuckDB, so one malformed value ("yesterday" as a time, "n/a" as a
    stock) would fail the whole build. Raw keeps values as received; staging must turn what cannot be cast
    into null, for the merchant-data warn tests to name. dbt dispatches `safe_cast` to the root project
    first, so this override is what `dbt.safe_cast` means here. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
