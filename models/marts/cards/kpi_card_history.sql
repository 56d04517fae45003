{{ config(**kept_per_as_of()) }}
-- One row per store, card and as_of ever built: the cards' trend. It survives `dbt build --full-refresh`;
-- rebuilding an as_of replaces that as_of's rows (macros/history.sql).
with kpi_cards as (
    select * from {{ ref('kpi_cards') }}
)

select * from kpi_cards
