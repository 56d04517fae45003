with source as (
    select * from {{ source('aliexpress', 'audit_events') }}
),

renamed as (
    select
        -- ids
        store_key,
        event_id,
        product_id,

        -- states
        status as outcome_status,
        reason_code,
        reason_message,

        -- timestamps (AliExpress wall-clock text -> UTC)
        {{ local_text_to_utc('time_stamp', var('aliexpress_source_tz')) }} as outcome_at,
        time_stamp as outcome_at_raw

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
