-- The worklist behind aex_required_attribute_completeness: one row per listing current at as_of whose
-- details are loaded, with how many attributes the seed `required_attributes` requires of it, how many of
-- those it carries and which it lacks. The card's value is the share of those listings that lack none;
-- aex_listing_quality_score reads the counts for its required-attributes component.
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

-- Each required attribute of each listing, and whether the listing carries a value for it.
required_per_listing as (
    select
        details.store_key,
        details.product_id,
        required.attribute_id,
        required.attribute_name,
        filled.attribute_id is not null as is_present
    from details
    inner join required
        on details.category_id = required.category_id or required.category_id = '*'
    left join filled
        on details.store_key = filled.store_key
        and details.product_id = filled.product_id
        and required.attribute_id = filled.attribute_id
),

counts_per_listing as (
    select
        store_key,
        product_id,
        count(distinct attribute_id) as required_attribute_count,
        count(distinct case when is_present then attribute_id end) as present_attribute_count
    from required_per_listing
    group by store_key, product_id
),

missing_per_listing as (
    select
        store_key,
        product_id,
        count(distinct attribute_name) as missing_attribute_count,
        {{ sorted_distinct_list('attribute_name') }} as missing_attributes
    from required_per_listing
    where not is_present
    group by store_key, product_id
)

select
    listings.store_key,
    listings.product_id,
    listings.listing_title,
    listings.lifecycle_state,
    details.category_id,
    coalesce(counts_per_listing.required_attribute_count, 0) as required_attribute_count,
    coalesce(counts_per_listing.present_attribute_count, 0) as present_attribute_count,
    coalesce(missing_per_listing.missing_attribute_count, 0) as missing_attribute_count,
    missing_per_listing.missing_attributes,
    missing_per_listing.product_id is null as is_complete
from listings
inner join details
    on listings.store_key = details.store_key and listings.product_id = details.product_id
left join counts_per_listing
    on listings.store_key = counts_per_listing.store_key
    and listings.product_id = counts_per_listing.product_id
left join missing_per_listing
    on listings.store_key = missing_per_listing.store_key
    and listings.product_id = missing_per_listing.product_id
