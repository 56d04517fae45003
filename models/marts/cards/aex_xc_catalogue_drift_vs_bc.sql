-- The worklist behind aex_xc_catalogue_drift_vs_bc: one row per AliExpress SKU of an active listing whose
-- stock differs from the BigCommerce stock that counts for it (the rules of aex_xc_listed_but_oos_on_bc:
-- the variant's level or its multi-location stock when loaded, a deleted variant as 0; tracking `none` has
-- no stock to compare) by more than `stock_drift_tolerance` units. Under `product` tracking the variants share
-- the product's pool, so a SKU drifts when AliExpress offers more than the pool holds. A SKU out of stock on
-- BC while AliExpress sells it is always drift, whatever the tolerance: the oversell card is its extreme.
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
    bc_stock_source,
    aliexpress_stock,
    bc_stock,
    aliexpress_stock - bc_stock as stock_difference,
    is_bc_oos
from skus_vs_bigcommerce
where
    is_listing_active
    and match_status = 'matched'
    and bc_stock_source <> 'untracked'
    and (
        (is_bc_oos and coalesce(aliexpress_stock, 0) > 0)
        or (
            bc_stock_source = 'product'
            and coalesce(aliexpress_stock, 0) - bc_stock > {{ var('stock_drift_tolerance') }}
        )
        or (
            bc_stock_source <> 'product'
            and abs(coalesce(aliexpress_stock, 0) - bc_stock) > {{ var('stock_drift_tolerance') }}
        )
    )
