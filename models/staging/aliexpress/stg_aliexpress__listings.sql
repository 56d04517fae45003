with source as (
    select * from {{ source('aliexpress', 'listings') }}
),

renamed as (
    select
        -- ids
        store_key,
        product_id,
        cast(group_id as {{ dbt.type_string() }}) as group_id,

        -- states
        product_status_type,
        ws_display,

        -- descriptions
        subject as listing_title,
        currency_code,

        -- amounts
        {{ dbt.safe_cast('product_min_price', dbt.type_numeric()) }} as min_price,
        {{ dbt.safe_cast('product_max_price', dbt.type_numeric()) }} as max_price,

        -- timestamps (AliExpress wall-clock text -> UTC)
        {{ local_text_to_utc('gmt_create', var('aliexpress_source_tz')) }} as created_at,
        {{ local_text_to_utc('gmt_modified', var('aliexpress_source_tz')) }} as modified_at,
        {{ local_text_to_utc('ws_offline_date', var('aliexpress_source_tz')) }} as offline_at,
        gmt_modified as modified_at_raw,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
