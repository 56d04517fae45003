{{ config(tags=['reconciliation']) }}
-- kpi_cards holds exactly one row for every card of the registry and every store ever observed.
with expected as (
    select
        stores.store_key,
        registry.card_key
    from (
        select store_key from {{ ref('stg_aliexpress__observations') }}
        union
        select store_key from {{ ref('stg_bigcommerce__observations') }}
    ) as stores
    cross join {{ ref('kpi_card_registry') }} as registry
),

actual as (
    select
        store_key,
        card_key,
        count(*) as card_rows
    from {{ ref('kpi_cards') }}
    group by store_key, card_key
)

select
    coalesce(expected.store_key, actual.store_key) as store_key,
    coalesce(expected.card_key, actual.card_key) as card_key,
    coalesce(actual.card_rows, 0) as card_rows
from expected
full outer join actual
    on expected.store_key = actual.store_key and expected.card_key = actual.card_key
where expected.card_key is null or actual.card_rows is null or actual.card_rows <> 1
