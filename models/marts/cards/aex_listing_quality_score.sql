-- The worklist behind aex_listing_quality_score: one row per listing current at as_of whose details are
-- loaded, with each quality component (0 to 1) and their mean weighted by the seed `listing_quality_weights`.
-- The card's value is the mean score of these listings.
{%- set target_images = var('listing_quality_target_images') %}
{%- set score_type = dbt.type_numeric() %}
with completeness as (
    select * from {{ ref('aex_required_attribute_completeness') }}
),

listing_details as (
    select * from {{ ref('stg_aliexpress__listing_details') }}
),

listing_skus as (
    select * from {{ ref('stg_aliexpress__listing_skus') }}
),

listing_quality_weights as (
    select * from {{ ref('listing_quality_weights') }}
),

details as (
    select
        store_key,
        product_id,
        image_count,
        description_html
    from listing_details
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

skus_per_listing as (
    select
        store_key,
        product_id,
        count(*) as sku_count,
        sum(case when nullif(trim(sku_code), '') is null then 1 else 0 end) as skus_without_code
    from listing_skus
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, product_id
),

-- One column per component, so that a component missing from the seed weighs 0.
weights as (
    select
        sum(case when component = 'required_attributes' then weight else 0 end) as required_attributes,
        sum(case when component = 'images' then weight else 0 end) as images,
        sum(case when component = 'title_length' then weight else 0 end) as title_length,
        sum(case when component = 'description' then weight else 0 end) as description,
        sum(case when component = 'sku_codes' then weight else 0 end) as sku_codes,
        sum(weight) as total
    from listing_quality_weights
),

-- The completeness worklist holds the same listings (current at as_of, details loaded) and counts their
-- required attributes.
components as (
    select
        completeness.store_key,
        completeness.product_id,
        completeness.listing_title,
        completeness.lifecycle_state,
        completeness.category_id,
        completeness.required_attribute_count,
        completeness.present_attribute_count,
        details.image_count,
        {{ dbt.length('trim(completeness.listing_title)') }} as title_length,
        nullif(trim(details.description_html), '') is not null as has_description,
        coalesce(skus_per_listing.sku_count, 0) as sku_count,
        coalesce(skus_per_listing.skus_without_code, 0) as skus_without_code
    from completeness
    inner join details
        on completeness.store_key = details.store_key and completeness.product_id = details.product_id
    left join skus_per_listing
        on
        completeness.store_key = skus_per_listing.store_key
        and completeness.product_id = skus_per_listing.product_id
),

scored as (
    select
        *,
        cast(case
            when required_attribute_count = 0 then 1
            else present_attribute_count * 1.0 / required_attribute_count
        end as {{ score_type }}) as required_attributes_score,
        cast(least(image_count, {{ target_images }}) * 1.0 / {{ target_images }} as {{ score_type }}) as images_score,
        cast(case
            when
                title_length between {{ var('listing_quality_title_min_chars') }}
                and {{ var('listing_quality_title_max_chars') }} then 1
            else 0
        end as {{ score_type }}) as title_length_score,
        cast(case when has_description then 1 else 0 end as {{ score_type }}) as description_score,
        cast(case when sku_count > 0 and skus_without_code = 0 then 1 else 0 end as {{ score_type }}) as sku_codes_score
    from components
)

select
    scored.*,
    cast(round(
        (
            scored.required_attributes_score * weights.required_attributes
            + scored.images_score * weights.images
            + scored.title_length_score * weights.title_length
            + scored.description_score * weights.description
            + scored.sku_codes_score * weights.sku_codes
        ) / nullif(weights.total, 0),
        6
    ) as {{ score_type }}) as quality_score
from scored
cross join weights
