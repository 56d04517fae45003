with source as (
    select * from {{ source('aliexpress', 'listing_skus') }}
),

renamed as (
    select
        -- ids
        store_key,
        product_id,
        id as sku_id,
        sku_code,

        -- quantities
        {{ dbt.safe_cast('ipm_sku_stock', dbt.type_bigint()) }} as sku_stock,
        ipm_sku_stock as sku_stock_raw,
        {{ dbt.safe_cast('sku_stock', dbt.type_boolean()) }} as has_stock_flag,

        -- amounts
        {{ dbt.safe_cast('sku_price', dbt.type_numeric()) }} as sku_price,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
