{{ config(tags=['reconciliation']) }}
-- An oversell is the extreme case of drift: every SKU counted by aex_xc_listed_but_oos_on_bc is also a row of
-- aex_xc_catalogue_drift_vs_bc. Returns the counted SKUs the drift worklist misses.
with counted as (
    select store_key, product_id, sku_id
    from {{ ref('aex_xc_listed_but_oos_on_bc') }}
    where is_counted
),

drift as (
    select store_key, product_id, sku_id
    from {{ ref('aex_xc_catalogue_drift_vs_bc') }}
)

select counted.*
from counted
left join drift
    on drift.store_key = counted.store_key
    and drift.product_id = counted.product_id
    and drift.sku_id = counted.sku_id
where drift.sku_id is null
