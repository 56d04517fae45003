-- The worklist behind aex_required_attribute_completeness: one row per listing current at as_of whose
-- details are loaded, with the required attributes (seed `required_attributes`) it lacks. The card's value is
-- the share of those listings that lack none.
with listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
),

listing_details as (
    select * from {{ ref('stg_aliexpress__listing_details') }}
),

listing_attributes as (
    select * from {{ ref('stg_aliexpress__listing_attributes') }}
),

required as (
    select * from {{ ref('required_attributes') }}
),

details as (
    select
        store_key,
        product_id,
        category_id
    from listing_details
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

filled as (
    select distinct
        store_key,
        product_id,
        attribute_id
    from listing_attributes
    where
        {{ valid_at('valid_from', 'valid_to', as_of()) }}
        and nullif(trim(attribute_value), '') is not null
),

missing as (
    select
        details.store_key,
        details.product_id,
        required.attribute_name
    from details
    inner join required
        on details.category_id = required.category_id or required.category_id = '*'
    left join filled
        on details.store_key = filled.store_key
        and details.product_id = filled.product_id
        and required.attribute_id = filled.attribute_id
    where filled.attribute_id is null
),

missing_per_listing as (
    select
        store_key,
        product_id,
        count(distinct attribute_name) as missing_attribute_count,
        {{ dbt.listagg('distinct attribute_name', "', '", 'order by attribute_name') }} as missing_attributes
    from missing
    group by store_key, product_id
)

select
    listings.store_key,
    listings.product_id,
    listings.listing_title,
    listings.lifecycle_state,
    details.category_id,
    coalesce(missing_per_listing.missing_attribute_count, 0) as missing_attribute_count,
    missing_per_listing.missing_attributes,
    missing_per_listing.product_id is null as is_complete
from listings
inner join details
    on listings.store_key = details.store_key and listings.product_id = details.product_id
left join missing_per_listing
    on listings.store_key = missing_per_listing.store_key
    and listings.product_id = missing_per_listing.product_id
