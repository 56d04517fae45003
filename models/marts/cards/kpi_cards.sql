-- One row per store and card at as_of: the value (null, with `null_reason`, when a source the card reads
-- has not observed the store at as_of), its window, whether it alerts under the `alert_profile` var, and
-- the data it was computed from.
with card_values as (
    select * from {{ ref('kpi_card_values') }}
),

registry as (
    select * from {{ ref('kpi_card_registry') }}
),

alert_profiles as (
    select * from {{ ref('alert_profiles') }}
),

alert_thresholds as (
    select * from alert_profiles
    where alert_profile = '{{ var("alert_profile") }}'
),

cards as (
    select
        card_values.store_key,
        registry.card_key,
        registry.card_name,
        card_values.value,
        card_values.distinct_listings,
        registry.unit,
        registry.time_window,
        registry.window_hours,
        registry.alert_trigger,
        registry.sentiment_key,
        registry.roles,
        card_values.data_as_of,
        card_values.null_reason,
        card_values.spike_baseline_median
    from card_values
    inner join registry on card_values.card_key = registry.card_key
)

select
    cards.store_key,
    cards.card_key,
    cards.card_name,
    cards.value,
    cards.distinct_listings,
    cards.unit,
    cards.time_window,
    case
        when cards.window_hours is not null
            then {{ dbt.dateadd('hour', '-1 * cards.window_hours', as_of()) }}
    end as window_start,
    {{ as_of() }} as window_end,
    cards.alert_trigger,
    alert_thresholds.operator as alert_operator,
    alert_thresholds.threshold as alert_threshold,
    coalesce(case alert_thresholds.operator
        when '>' then cards.value > alert_thresholds.threshold
        when '>=' then cards.value >= alert_thresholds.threshold
        when '<' then cards.value < alert_thresholds.threshold
        when '<=' then cards.value <= alert_thresholds.threshold
        when '=' then cards.value = alert_thresholds.threshold
    end, false) as is_alerting,
    case
        when cards.card_key = 'aex_rejected_listings_24h' and cards.value is not null then
            cards.value >= {{ var('spike_min_count') }}
            and cards.value > {{ var('spike_factor') }} * coalesce(cards.spike_baseline_median, 0)
    end as is_spike,
    cards.spike_baseline_median,
    cards.sentiment_key,
    cards.roles,
    cards.data_as_of,
    cards.null_reason,
    {{ as_of() }} as as_of,
    {{ dbt.current_timestamp() }} as computed_at
from cards
left join alert_thresholds on cards.card_key = alert_thresholds.card_key
