{#- The config of the tables that keep one row per store, card and as_of across builds (kpi_card_history,
    kpi_alert_events): rebuilding an as_of replaces all of that as_of's rows (delete+insert on as_of, or on
    Spark, which has no delete on plain parquet tables, an overwrite of the as_of partition). All, not only
    those of the stores rebuilt: the rebuild without a withheld store also drops what the failed build gave
    it. `dbt build --full-refresh` keeps the past. Use as `{{ config(**kept_per_as_of()) }}`. -#}
{% macro kept_per_as_of() -%}
    {{ return({
        'materialized': 'incremental',
        'unique_key': ['as_of'],
        'incremental_strategy': 'insert_overwrite' if target.type == 'spark' else 'delete+insert',
        'partition_by': ['as_of'] if target.type == 'spark' else none,
        'full_refresh': false,
    }) }}
{%- endmacro %}
