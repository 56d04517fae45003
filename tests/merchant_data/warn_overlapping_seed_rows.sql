{{ config(severity='warn', tags=['merchant_data']) }}
-- SKUs that more than one row of sku_map_overrides or oos_whitelist applies to in one store: a store's row and a
-- `*` row, or repeated rows. The join keeps one (the store's own row, then the smallest value); name the overlap
-- so the merchant can remove the row that does not apply.
with overrides as (
    select
        'sku_map_overrides' as seed_name,
        store_key,
        {{ normalize_sku('aliexpress_sku_code') }} as sku_key,
        bigcommerce_sku as seed_value
    from {{ ref('sku_map_overrides') }}
),

whitelist as (
    select
        'oos_whitelist' as seed_name,
        store_key,
        {{ normalize_sku('sku_code') }} as sku_key,
        exclusion_reason as seed_value
    from {{ ref('oos_whitelist') }}
),

seed_rows as (
    select * from overrides
    union all
    select * from whitelist
),

rows_per_scope as (
    select
        seed_name,
        store_key,
        sku_key,
        count(*) as scope_rows
    from seed_rows
    group by seed_name, store_key, sku_key
),

-- A store's rows for a SKU apply together with the `*` rows for it.
applicable as (
    select
        scope.seed_name,
        scope.store_key,
        scope.sku_key,
        scope.scope_rows + coalesce(every_store.scope_rows, 0) as applicable_rows
    from rows_per_scope as scope
    left join rows_per_scope as every_store
        on scope.seed_name = every_store.seed_name
        and scope.sku_key = every_store.sku_key
        and every_store.store_key = '*'
        and scope.store_key <> '*'
)

select
    seed_name,
    store_key,
    sku_key,
    applicable_rows
from applicable
where applicable_rows > 1
