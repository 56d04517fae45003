-- The worklist behind aex_xc_listed_but_oos_on_bc: one row per AliExpress SKU active and buyable on
-- AliExpress whose BigCommerce SKU is out of stock. `oversell_status` says whether it counts
-- (`counted`), is whitelisted (`excluded`, with `exclusion_reason`) or is younger than the grace (`pending`).
with skus_vs_bigcommerce as (
    select * from {{ ref('fct_aliexpress_skus_vs_bigcommerce') }}
)

select
    store_key,
    product_id,
    sku_id,
    sku_code,
    bc_sku,
    bc_variant_id,
    bc_product_id,
    aliexpress_stock,
    bc_inventory_tracking,
    bc_stock_source,
    bc_stock,
    is_bc_deleted,
    bc_oos_since,
    oversell_status,
    exclusion_reason,
    oversell_status = 'counted' as is_counted,
    count(*) over (partition by store_key, bc_variant_id) as aliexpress_skus_on_bc_sku
from skus_vs_bigcommerce
where oversell_status is not null
