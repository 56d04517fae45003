{{ config(tags=['reconciliation']) }}
-- An oversell is the extreme case of drift: every SKU counted by aex_xc_listed_but_oos_on_bc is also a row of
-- aex_xc_catalogue_drift_vs_bc. Returns the counted SKUs the drift worklist misses.
with counted as (
    select
        store_key,
        product_id,
        sku_id
    from {{ ref('aex_xc_listed_but_oos_on_bc') }}
    where is_counted
),

drift as (
    select
        store_key,
        product_id,
        sku_id
    from {{ ref('aex_xc_catalogue_drift_vs_bc') }}
)

select counted.*
from counted
left join drift
    on counted.store_key = drift.store_key
    and counted.product_id = drift.product_id
    and counted.sku_id = drift.sku_id
where drift.sku_id is null
