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

variant_now as (
    select * from {{ ref('stg_bigcommerce__variants') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

product_now as (
    select * from {{ ref('stg_bigcommerce__products') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

located_now as (
    select
        store_key,
        bc_variant_id,
        sum(case when is_location_enabled then available_to_sell else 0 end) as available
    from {{ ref('stg_bigcommerce__inventory_items') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, bc_variant_id
),

bc_now as (
    select
        variant_now.store_key,
        variant_now.bc_variant_id,
        upper(trim(variant_now.variant_sku)) as sku,
        case
            when product_now.inventory_tracking = 'none' then false
            when located_now.bc_variant_id is not null then located_now.available <= 0
            when product_now.inventory_tracking = 'product' then product_now.product_inventory_level <= 0
            else variant_now.variant_inventory_level <= 0
        end as is_out_of_stock
    from variant_now
    left join product_now
        on variant_now.store_key = product_now.store_key and variant_now.bc_product_id = product_now.bc_product_id
    left join located_now
        on variant_now.store_key = located_now.store_key and variant_now.bc_variant_id = located_now.bc_variant_id
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
            where bc_now.store_key = counted.store_key and bc_now.sku = upper(trim(counted.bc_sku))
        ) as bc_variants,
        (
            select max(case when bc_now.is_out_of_stock then 1 else 0 end) from bc_now
            where bc_now.store_key = counted.store_key and bc_now.sku = upper(trim(counted.bc_sku))
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
