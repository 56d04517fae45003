with source as (
    select * from {{ source('aliexpress', 'listing_details') }}
),

renamed as (
    select
        -- ids
        store_key,
        product_id,
        category_id,

        -- states
        product_status_type as info_status_type,

        -- attributes (JSON text as received)
        aeop_ae_product_propertys as attributes_json,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
)

select * from renamed
