with source as (
    select * from {{ source_or_empty('bigcommerce', 'variants', [
        'store_key', 'id', 'product_id', 'sku', 'inventory_level', 'purchasing_disabled', '_dlt_valid_from',
        '_dlt_valid_to'
    ]) }}
),

renamed as (
    select
        -- ids
        store_key,
        id as bc_variant_id,
        product_id as bc_product_id,
        sku as variant_sku,

        -- stock
        {{ dbt.safe_cast('inventory_level', dbt.type_bigint()) }} as variant_inventory_level,
        {{ dbt.safe_cast('purchasing_disabled', dbt.type_boolean()) }} as is_purchasing_disabled,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
