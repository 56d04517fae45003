{{ config(tags=['reconciliation']) }}
-- Every counted oversell row satisfies the rule when recomputed from staging: its listing is active at
-- as_of, its AliExpress stock is > 0, and exactly one BC variant with the same trimmed, case-insensitive SKU
-- is out of stock by its product's tracking mode (or was deleted). Returns the rows that do not.
with counted as (
    select * from {{ ref('aex_xc_listed_but_oos_on_bc') }}
    where is_counted
),

listing_now as (
    select distinct
        store_key,
        product_id,
        product_status_type
    from {{ ref('stg_aliexpress__listings') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

sku_now as (
    select
        store_key,
        product_id,
        sku_id,
        sku_code,
        sku_stock
    from {{ ref('stg_aliexpress__listing_skus') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

bc_now as (
    {{ recount_bc_variants() }}
),

checked as (
    select
        counted.store_key,
        counted.product_id,
        counted.sku_id,
        listing_now.product_status_type,
        sku_now.sku_stock,
        (
            select count(*) from bc_now
            where bc_now.store_key = counted.store_key and bc_now.bc_key = {{ normalize_sku('counted.bc_sku') }}
        ) as bc_variants,
        (
            select max(case when bc_now.is_out_of_stock then 1 else 0 end) from bc_now
            where bc_now.store_key = counted.store_key and bc_now.bc_key = {{ normalize_sku('counted.bc_sku') }}
        ) as bc_out_of_stock,
        counted.is_bc_deleted
    from counted
    left join listing_now
        on counted.store_key = listing_now.store_key and counted.product_id = listing_now.product_id
    left join sku_now
        on counted.store_key = sku_now.store_key and counted.product_id = sku_now.product_id
        and counted.sku_id = sku_now.sku_id
)

select *
from checked
where
    product_status_type is distinct from 'onSelling'
    or coalesce(sku_stock, 0) <= 0
    or not (
        (bc_variants = 1 and bc_out_of_stock = 1)
        or (bc_variants = 0 and is_bc_deleted)
    )
