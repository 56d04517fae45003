{{ config(tags=['reconciliation']) }}
-- aex_xc_listed_but_oos_on_bc recounted from staging and the seeds, SKU by SKU, without the join mart: an
-- onSelling listing's SKU with AliExpress stock > 0 whose code (or its override; a store's row before `*`)
-- is carried by exactly one current BC variant out of stock by its tracking mode, multi-location stock
-- when loaded, or only by deleted variants; not whitelisted. Cases inside the grace period are the
-- worklist's `pending` rows, so recounted = counted + pending. Returns the stores where that fails.
with listing_now as (
    select distinct
        store_key,
        product_id
    from {{ ref('stg_aliexpress__listings') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }} and product_status_type = 'onSelling'
),

sku_now as (
    select
        skus.store_key,
        skus.product_id,
        skus.sku_id,
        {{ normalize_sku('skus.sku_code') }} as code_key
    from {{ ref('stg_aliexpress__listing_skus') }} as skus
    inner join listing_now on skus.store_key = listing_now.store_key and skus.product_id = listing_now.product_id
    where {{ valid_at('skus.valid_from', 'skus.valid_to', as_of()) }} and skus.sku_stock > 0
),

overrides as (
    select
        store_key,
        {{ normalize_sku('aliexpress_sku_code') }} as code_key,
        {{ normalize_sku('bigcommerce_sku') }} as bc_key
    from {{ ref('sku_map_overrides') }}
),

own_overrides as (
    select
        store_key,
        code_key,
        min(bc_key) as bc_key
    from overrides
    where store_key <> '*'
    group by store_key, code_key
),

every_store_overrides as (
    select
        code_key,
        min(bc_key) as bc_key
    from overrides
    where store_key = '*'
    group by code_key
),

keyed as (
    select
        sku_now.*,
        coalesce(own.bc_key, every_store.bc_key, sku_now.code_key) as bc_key
    from sku_now
    left join own_overrides as own on sku_now.store_key = own.store_key and sku_now.code_key = own.code_key
    left join every_store_overrides as every_store on sku_now.code_key = every_store.code_key
),

bc_now as (
    {{ recount_bc_variants() }}
),

deleted_keys as (
    select distinct
        gone.store_key,
        {{ normalize_sku('gone.variant_sku') }} as bc_key
    from {{ ref('stg_bigcommerce__variants') }} as gone
    where
        gone.valid_to <= {{ as_of() }}
        and not exists (
            select 1 from bc_now
            where bc_now.store_key = gone.store_key and bc_now.bc_variant_id = gone.bc_variant_id
        )
),

whitelisted as (
    select distinct
        store_key,
        {{ normalize_sku('sku_code') }} as bc_key
    from {{ ref('oos_whitelist') }}
),

-- per BC key: how many current variants carry it, and whether any of them is out of stock
bc_keys as (
    select
        store_key,
        bc_key,
        count(*) as variants,
        max(case when is_out_of_stock then 1 else 0 end) as any_out_of_stock
    from bc_now
    group by store_key, bc_key
),

oversold as (
    select
        keyed.store_key,
        keyed.product_id,
        keyed.sku_id
    from keyed
    left join bc_keys on keyed.store_key = bc_keys.store_key and keyed.bc_key = bc_keys.bc_key
    left join deleted_keys on keyed.store_key = deleted_keys.store_key and keyed.bc_key = deleted_keys.bc_key
    where
        keyed.bc_key is not null
        and not exists (
            select 1 from whitelisted
            where
                (whitelisted.store_key = keyed.store_key or whitelisted.store_key = '*')
                and whitelisted.bc_key = keyed.bc_key
        )
        and (
            (bc_keys.variants = 1 and bc_keys.any_out_of_stock = 1)
            or (bc_keys.variants is null and deleted_keys.bc_key is not null)
        )
),

recounted as (
    select
        store_key,
        count(*) as skus
    from oversold
    group by store_key
),

pending as (
    select
        store_key,
        count(*) as skus
    from {{ ref('aex_xc_listed_but_oos_on_bc') }}
    where oversell_status = 'pending'
    group by store_key
)

select
    cards.store_key,
    cards.value,
    recounted.skus as recounted,
    pending.skus as pending
from {{ ref('kpi_cards') }} as cards
left join recounted on cards.store_key = recounted.store_key
left join pending on cards.store_key = pending.store_key
where
    cards.card_key = 'aex_xc_listed_but_oos_on_bc'
    and cards.value is not null
    and cards.value + coalesce(pending.skus, 0) <> coalesce(recounted.skus, 0)
