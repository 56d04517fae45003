-- One row per store and window of aex_rejected_listings_24h's length (`window_hours` in the seed
-- kpi_card_registry) ending k windows before as_of (k = 0..`spike_baseline_windows`): the rejection
-- transitions in (as_of - (k+1) x length, as_of - k x length]. k = 0 is the card's window; the rest are the
-- spike baseline.
with transitions as (
    select * from {{ ref('int_aliexpress__rejection_transitions') }}
),

stores as (
    select * from {{ ref('int_store_observations') }}
),

registry as (
    select * from {{ ref('kpi_card_registry') }}
),

card_window as (
    select window_hours from registry
    where card_key = 'aex_rejected_listings_24h'
),

windows as (
    {% for k in range(var('spike_baseline_windows') + 1) %}
        select {{ k }} as windows_before
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

store_windows as (
    select
        stores.store_key,
        windows.windows_before,
        {{ dbt.dateadd('hour', '-1 * card_window.window_hours * (windows.windows_before + 1)', as_of()) }}
            as window_start,
        {{ dbt.dateadd('hour', '-1 * card_window.window_hours * windows.windows_before', as_of()) }} as window_end
    from stores
    cross join windows
    cross join card_window
)

select
    store_windows.store_key,
    store_windows.windows_before,
    store_windows.window_start,
    store_windows.window_end,
    count(transitions.event_id) as transition_count
from store_windows
left join transitions
    on store_windows.store_key = transitions.store_key
    and {{ in_window('transitions.rejected_at', 'store_windows.window_start', 'store_windows.window_end') }}
group by store_windows.store_key, store_windows.windows_before, store_windows.window_start, store_windows.window_end
