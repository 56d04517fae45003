{#- Rebuilding an as_of replaces that as_of's rows: delete+insert on its key, or on Spark (no delete on
    plain parquet tables) an overwrite of the as_of partition. -#}
{{
    config(
        materialized='incremental',
        unique_key=['store_key', 'card_key', 'as_of'],
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        partition_by=(['as_of'] if target.type == 'spark' else none),
        full_refresh=false
    )
}}
-- One row per store, card and as_of ever built: the cards' trend. `full_refresh: false` keeps it
-- through `dbt build --full-refresh`; rebuilding an as_of replaces that as_of's rows.
with kpi_cards as (
    select * from {{ ref('kpi_cards') }}
)

select * from kpi_cards
