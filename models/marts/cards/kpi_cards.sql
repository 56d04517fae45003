-- One row per store and card at as_of: the value (null, with `null_reason`, when a source the card reads
-- has not observed the store at as_of), its window, whether it alerts under the `alert_profile` var, and the data it was computed from.
with registry as (
    select * from {{ ref('kpi_card_registry') }}
),

stores as (
    select * from {{ ref('int_store_observations') }}
),

alert_thresholds as (
    select * from {{ ref('alert_profiles') }}
    where alert_profile = '{{ var("alert_profile") }}'
),

windows as (
    select * from {{ ref('int_aliexpress__rejection_windows') }}
),

spike_baseline as (
    select store_key, {{ median('transition_count') }} as baseline_median
    from windows
    where windows_before between 1 and 7
    group by store_key
),

card_values as (
    select store_key, 'aex_total_listings' as card_key,
        count(*) as value, count(*) as distinct_listings
    from {{ ref('aex_total_listings') }}
    group by store_key

    union all

    select store_key, 'aex_rejected_auditing_listings' as card_key,
        count(*) as value, count(*) as distinct_listings
    from {{ ref('aex_rejected_auditing_listings') }}
    group by store_key

    union all

    select store_key, 'aex_rejected_listings_24h' as card_key,
        sum(transition_count) as value, count(*) as distinct_listings
    from {{ ref('aex_rejected_listings_24h') }}
    group by store_key

    union all

    select store_key, 'aex_xc_listed_but_oos_on_bc' as card_key,
        sum(case when is_counted then 1 else 0 end) as value,
        count(distinct case when is_counted then product_id end) as distinct_listings
    from {{ ref('aex_xc_listed_but_oos_on_bc') }}
    group by store_key

    union all

    select store_key, 'aex_active_listings' as card_key, count(*) as value, count(*) as distinct_listings
    from {{ ref('aex_active_listings') }}
    group by store_key

    union all

    select store_key, 'aex_oos_listings' as card_key, count(*) as value, count(*) as distinct_listings
    from {{ ref('aex_oos_listings') }}
    group by store_key

    union all

    select store_key, 'aex_listings_expiring_soon' as card_key, count(*) as value, count(*) as distinct_listings
    from {{ ref('aex_listings_expiring_soon') }}
    group by store_key

    union all

    select store_key, 'aex_xc_catalogue_drift_vs_bc' as card_key,
        count(*) as value, count(distinct product_id) as distinct_listings
    from {{ ref('aex_xc_catalogue_drift_vs_bc') }}
    group by store_key

    union all

    select store_key, 'aex_required_attribute_completeness' as card_key,
        sum(case when is_complete then 1 else 0 end) * 1.0 / count(*) as value,
        sum(case when is_complete then 0 else 1 end) as distinct_listings
    from {{ ref('aex_required_attribute_completeness') }}
    group by store_key

    union all

    select store_key, 'aex_listing_rejection_rate' as card_key,
        sum(case when lifecycle_state = 'rejected' then 1 else 0 end) * 1.0 / count(*) as value,
        sum(case when lifecycle_state = 'rejected' then 1 else 0 end) as distinct_listings
    from {{ ref('aex_total_listings') }}
    group by store_key
),

cards as (
    select
        stores.store_key,
        registry.card_key,
        registry.card_name,
        case when registry.reads_bigcommerce
            then case when stores.aliexpress_observed_at is null or stores.bigcommerce_observed_at is null then null
                 else least(stores.aliexpress_observed_at, stores.bigcommerce_observed_at) end
            else stores.aliexpress_observed_at
        end as data_as_of,
        registry.unit,
        registry.time_window,
        registry.window_hours,
        registry.alert_trigger,
        registry.sentiment_key,
        registry.roles,
        case
            when stores.aliexpress_observed_at is null and registry.reads_bigcommerce and stores.bigcommerce_observed_at is null
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
        on card_values.store_key = stores.store_key and card_values.card_key = registry.card_key
),

valued as (
    select
        cards.*,
        case when data_as_of is not null then cast(coalesce(computed_value, 0) as {{ dbt.type_numeric() }}) end as value,
        case when data_as_of is not null then cast(coalesce(computed_distinct_listings, 0) as {{ dbt.type_bigint() }}) end as distinct_listings
    from cards
)

select
    valued.store_key,
    valued.card_key,
    valued.card_name,
    valued.value,
    valued.distinct_listings,
    valued.unit,
    valued.time_window,
    case when valued.window_hours is not null
        then {{ dbt.dateadd('hour', '-1 * valued.window_hours', as_of()) }}
    end as window_start,
    {{ as_of() }} as window_end,
    valued.alert_trigger,
    alert_thresholds.operator as alert_operator,
    alert_thresholds.threshold as alert_threshold,
    coalesce(case alert_thresholds.operator
        when '>' then valued.value > alert_thresholds.threshold
        when '>=' then valued.value >= alert_thresholds.threshold
        when '<' then valued.value < alert_thresholds.threshold
        when '<=' then valued.value <= alert_thresholds.threshold
        when '=' then valued.value = alert_thresholds.threshold
    end, false) as is_alerting,
    case when valued.card_key = 'aex_rejected_listings_24h' and valued.value is not null then
        valued.value >= {{ var('spike_min_count') }}
        and valued.value > {{ var('spike_factor') }} * coalesce(spike_baseline.baseline_median, 0)
    end as is_spike,
    spike_baseline.baseline_median as spike_baseline_median,
    valued.sentiment_key,
    valued.roles,
    valued.data_as_of,
    valued.null_reason,
    {{ as_of() }} as as_of,
    {{ dbt.current_timestamp() }} as computed_at
from valued
left join alert_thresholds on alert_thresholds.card_key = valued.card_key
left join spike_baseline
    on spike_baseline.store_key = valued.store_key and valued.card_key = 'aex_rejected_listings_24h'
