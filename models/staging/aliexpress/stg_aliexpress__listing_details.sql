-- AliExpress separates image URLs with ';' (a trailing one ends no URL).
{%- set urls = 'trim(image_u_r_ls)' %}
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

        -- content
        image_u_r_ls as image_urls,
        case
            when nullif({{ urls }}, '') is null then 0
            else
                {{ dbt.length(urls) }} - {{ dbt.length(dbt.replace(urls, "';'", "''")) }} + 1
                - case when {{ dbt.right(urls, 1) }} = ';' then 1 else 0 end
        end as image_count,
        detail as description_html,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
