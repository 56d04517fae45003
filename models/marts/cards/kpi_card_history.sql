{#- Rebuilding an as_of replaces all of that as_of's rows: delete+insert on as_of, or on Spark (no delete
    on plain parquet tables) an overwrite of the as_of partition. All, not those of the stores rebuilt: the
    rebuild without a withheld store also drops the rows the failed build gave that store. -#}
{{
    config(
        materialized='incremental',
        unique_key=['as_of'],
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
