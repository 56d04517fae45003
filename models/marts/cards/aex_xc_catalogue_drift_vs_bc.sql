-- The worklist behind aex_xc_catalogue_drift_vs_bc: one row per AliExpress SKU of an active listing whose
-- stock differs from its BigCommerce variant's by more than `stock_drift_tolerance` units. Only SKUs whose
-- BC stock is per variant (tracking `variant`, or multi-location) are compared: product-level stock has no
-- per-SKU figure to compare with.
select
    store_key,
    product_id,
    sku_id,
    sku_code,
    bc_sku,
    bc_variant_id,
    aliexpress_stock,
    bc_stock,
    aliexpress_stock - bc_stock as stock_difference,
    is_bc_oos
from {{ ref('fct_aliexpress_skus_vs_bigcommerce') }}
where is_listing_active
    and match_status = 'matched'
    and bc_stock_source in ('variant', 'locations')
    and abs(coalesce(aliexpress_stock, 0) - bc_stock) > {{ var('stock_drift_tolerance') }}
