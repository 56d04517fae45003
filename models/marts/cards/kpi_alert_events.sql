{#- Like kpi_card_history: rebuilding an as_of replaces all its rows (delete+insert on as_of, or on Spark
    an overwrite of the as_of partition) and `dbt build --full-refresh` keeps the past. -#}
{{
    config(
        materialized='incremental',
        unique_key=['as_of'],
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        partition_by=(['as_of'] if target.type == 'spark' else none),
        full_refresh=false
    )
}}
-- One row per store, card and as_of where the card's alert changed since the previous build that saw the
-- store: it `started` or `stopped` alerting, `spiked`, or is `still_alerting` and its profile's
-- renotify_hours have passed again. Edge-triggered: a card that stays alerting adds nothing otherwise.
-- Computed from kpi_card_history alone (never from this table), so a rebuilt as_of gives the same events.
with cards as (
    select * from {{ ref('kpi_cards') }}
),

history as (
    select * from {{ ref('kpi_card_history') }}
),

registry as (
    select * from {{ ref('kpi_card_registry') }}
),

alert_profiles as (
    select * from {{ ref('alert_profiles') }}
),

-- Earlier builds that had a value: one that had not observed the store says nothing about its alert.
earlier as (
    select
        store_key,
        card_key,
        as_of,
        value,
        is_alerting,
        is_spike,
        row_number() over (partition by store_key, card_key order by as_of desc) as recency
    from history
    where as_of < {{ as_of() }} and value is not null
),

previous as (
    select * from earlier
    where recency = 1
),

last_cleared as (
    select
        store_key,
        card_key,
        max(as_of) as cleared_as_of
    from earlier
    where not is_alerting
    group by store_key, card_key
),

-- When the alert still running at the previous build started: its first alerting build since it last cleared.
alerting_since as (
    select
        earlier.store_key,
        earlier.card_key,
        min(earlier.as_of) as started_as_of
    from earlier
    left join last_cleared
        on earlier.store_key = last_cleared.store_key and earlier.card_key = last_cleared.card_key
    where earlier.is_alerting and (last_cleared.cleared_as_of is null or earlier.as_of > last_cleared.cleared_as_of)
    group by earlier.store_key, earlier.card_key
),

compared as (
    select
        cards.store_key,
        cards.card_key,
        cards.card_name,
        registry.worklist_model,
        cards.is_alerting,
        cards.is_spike,
        previous.is_alerting as was_alerting,
        coalesce(previous.is_spike, false) as was_spike,
        cards.value,
        previous.value as previous_value,
        coalesce(cards.distinct_listings, cards.value) as worklist_size,
        cards.as_of,
        previous.as_of as previous_as_of,
        alerting_since.started_as_of as alert_started_as_of,
        alert_profiles.renotify_hours
    from cards
    inner join registry on cards.card_key = registry.card_key
    left join previous on cards.store_key = previous.store_key and cards.card_key = previous.card_key
    left join alerting_since
        on cards.store_key = alerting_since.store_key and cards.card_key = alerting_since.card_key
    left join alert_profiles
        on cards.card_key = alert_profiles.card_key and alert_profiles.alert_profile = '{{ var("alert_profile") }}'
    where cards.value is not null
),

-- (noqa: LT05: dbt.datediff's DuckDB expansion is what runs long.)
alert_ages as (
    select
        *,
        {{ dbt.datediff('alert_started_as_of', 'as_of', 'hour') }} as hours_alerting,  -- noqa: LT05
        {{ dbt.datediff('alert_started_as_of', 'previous_as_of', 'hour') }} as hours_alerting_before  -- noqa: LT05
    from compared
),

events as (
    select
        *,
        case
            when is_spike and not was_spike then 'spiked'
            when is_alerting and not coalesce(was_alerting, false) then 'started'
            when was_alerting and not is_alerting then 'stopped'
            -- A reminder when a multiple of renotify_hours since the alert started falls after the previous build.
            when
                was_alerting and is_alerting
                and floor(hours_alerting / renotify_hours) > floor(hours_alerting_before / renotify_hours)
                then 'still_alerting'
        end as event  -- noqa: RF04
    from alert_ages
)

select
    {{ dbt.hash(dbt.concat([
        'store_key', "'|'", 'card_key', "'|'", 'cast(as_of as ' ~ dbt.type_string() ~ ')'
    ])) }} as event_id,
    store_key,
    card_key,
    card_name,
    event,  -- noqa: RF04
    coalesce(was_alerting, false) as from_alerting,
    is_alerting as to_alerting,
    is_spike,
    value,
    previous_value,
    worklist_size,
    worklist_model,
    '{{ var("alert_profile") }}' as alert_profile,
    as_of,
    previous_as_of
from events
where event is not null
