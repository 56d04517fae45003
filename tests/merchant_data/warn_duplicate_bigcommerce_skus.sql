{{ config(severity='warn', tags=['merchant_data']) }}
-- BigCommerce SKUs carried by more than one current variant of a store (after trimming and case folding):
-- AliExpress SKUs matching them are `ambiguous_bc_sku` and never counted. Make the SKUs unique on BC.
select
    store_key,
    sku_key,
    count(*) as variants
from {{ ref('int_bigcommerce__variant_stock') }}
where not is_deleted and sku_key is not null
group by store_key, sku_key
having count(*) > 1
