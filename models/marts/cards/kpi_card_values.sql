{{ config(materialized='view') }}
-- One row per store and registered card at as_of: the value and distinct_listings its worklist gives (null,
-- with `null_reason`, for a store a source the card reads has not observed at as_of), the data it was
-- computed from and, for aex_rejected_listings_24h, the spike baseline. kpi_cards' helper: it reads the card
-- worklists, which are marts, so it lives here; a view, so publishing (which copies tables) leaves it out.
with aex_total_listings as (
    select * from {{ ref('aex_total_listings') }}
),

aex_rejected_auditing_listings as (
    select * from {{ ref('aex_rejected_auditing_listings') }}
),

aex_rejected_listings_24h as (
    select * from {{ ref('aex_rejected_listings_24h') }}
),

aex_xc_listed_but_oos_on_bc as (
    select * from {{ ref('aex_xc_listed_but_oos_on_bc') }}
),

aex_active_listings as (
    select * from {{ ref('aex_active_listings') }}
),

aex_oos_listings as (
    select * from {{ ref('aex_oos_listings') }}
),

aex_listings_expiring_soon as (
    select * from {{ ref('aex_listings_expiring_soon') }}
),

aex_xc_catalogue_drift_vs_bc as (
    select * from {{ ref('aex_xc_catalogue_drift_vs_bc') }}
),

aex_required_attribute_completeness as (
    select * from {{ ref('aex_required_attribute_completeness') }}
),

aex_listing_quality_score as (
    select * from {{ ref('aex_listing_quality_score') }}
),

registry as (
    select * from {{ ref('kpi_card_registry') }}
),

stores as (
    select * from {{ ref('int_store_observations') }}
),

windows as (
    select * from {{ ref('int_aliexpress__rejection_windows') }}
),

spike_baseline as (
    select
        store_key,
        {{ median('transition_count') }} as baseline_median
    from windows
    where windows_before between 1 and {{ var('spike_baseline_windows') }}
    group by store_key
),

card_values as (
    select
        store_key,
        'aex_total_listings' as card_key,
        count(*) as value,
        count(*) as distinct_listings
    from aex_total_listings
    group by store_key

    union all

    select
        store_key,
        'aex_rejected_auditing_listings' as card_key,
        count(*) as value,
        count(*) as distinct_listings
    from aex_rejected_auditing_listings
    group by store_key

    union all

    select
        store_key,
        'aex_rejected_listings_24h' as card_key,
        sum(transition_count) as value,
        count(*) as distinct_listings
    from aex_rejected_listings_24h
    group by store_key

    union all

    select
        store_key,
        'aex_xc_listed_but_oos_on_bc' as card_key,
        sum(case when is_counted then 1 else 0 end) as value,
        count(distinct case when is_counted then product_id end) as distinct_listings
    from aex_xc_listed_but_oos_on_bc
    group by store_key

    union all

    select
        store_key,
        'aex_active_listings' as card_key,
        count(*) as value,
        count(*) as distinct_listings
    from aex_active_listings
    group by store_key

    union all

    select
        store_key,
        'aex_oos_listings' as card_key,
        count(*) as value,
        count(*) as distinct_listings
    from aex_oos_listings
    group by store_key

    union all

    select
        store_key,
        'aex_listings_expiring_soon' as card_key,
        count(*) as value,
        count(*) as distinct_listings
    from aex_listings_expiring_soon
    group by store_key

    union all

    select
        store_key,
        'aex_xc_catalogue_drift_vs_bc' as card_key,
        count(*) as value,
        count(distinct product_id) as distinct_listings
    from aex_xc_catalogue_drift_vs_bc
    group by store_key

    union all

    select
        store_key,
        'aex_required_attribute_completeness' as card_key,
        sum(case when is_complete then 1 else 0 end) * 1.0 / count(*) as value,
        sum(case when is_complete then 0 else 1 end) as distinct_listings
    from aex_required_attribute_completeness
    group by store_key

    union all

    select
        store_key,
        'aex_listing_quality_score' as card_key,
        avg(quality_score) as value,
        sum(case when quality_score < 1 then 1 else 0 end) as distinct_listings
    from aex_listing_quality_score
    group by store_key

    union all

    select
        store_key,
        'aex_listing_rejection_rate' as card_key,
        sum(case when lifecycle_state = 'rejected' then 1 else 0 end) * 1.0 / count(*) as value,
        sum(case when lifecycle_state = 'rejected' then 1 else 0 end) as distinct_listings
    from aex_total_listings
    group by store_key
),

cards as (
    select
        stores.store_key,
        registry.card_key,
        case
            when registry.reads_bigcommerce
                then case
                    when stores.aliexpress_observed_at is null or stores.bigcommerce_observed_at is null then null
                    else least(stores.aliexpress_observed_at, stores.bigcommerce_observed_at)
                end
            else stores.aliexpress_observed_at
        end as data_as_of,
        case
            when
                stores.aliexpress_observed_at is null
                and registry.reads_bigcommerce
                and stores.bigcommerce_observed_at is null
                then 'no AliExpress or BigCommerce observation of this store at or before as_of'
            when stores.aliexpress_observed_at is null
                then 'no AliExpress observation of this store at or before as_of'
            when registry.reads_bigcommerce and stores.bigcommerce_observed_at is null
                then 'no BigCommerce observation of this store at or before as_of: its stock is unknown'
        end as null_reason,
        card_values.value as computed_value,
        card_values.distinct_listings as computed_distinct_listings
    from stores
    cross join registry
    left join card_values
        on stores.store_key = card_values.store_key and registry.card_key = card_values.card_key
)

select
    cards.store_key,
    cards.card_key,
    case when cards.data_as_of is not null then cast(coalesce(cards.computed_value, 0) as {{ dbt.type_numeric() }}) end
        as value,
    case
        when
            cards.data_as_of is not null
            then cast(coalesce(cards.computed_distinct_listings, 0) as {{ dbt.type_bigint() }})
    end
        as distinct_listings,
    cards.data_as_of,
    cards.null_reason,
    spike_baseline.baseline_median as spike_baseline_median
from cards
left join spike_baseline
    on cards.store_key = spike_baseline.store_key and cards.card_key = 'aex_rejected_listings_24h'
