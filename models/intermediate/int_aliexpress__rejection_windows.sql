-- One row per store and 24h window ending k days before as_of (k = 0..7): the rejection transitions in
-- (as_of - (k+1) x 24h, as_of - k x 24h]. k = 0 is the card's window; 1..7 are the spike baseline.
with transitions as (
    select * from {{ ref('int_aliexpress__rejection_transitions') }}
),

stores as (
    select store_key from {{ ref('int_store_observations') }}
),

windows as (
    {% for k in range(8) %}
    select {{ k }} as windows_before
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

store_windows as (
    select
        stores.store_key,
        windows.windows_before,
        {{ dbt.dateadd('hour', '-24 * (windows.windows_before + 1)', as_of()) }} as window_start,
        {{ dbt.dateadd('hour', '-24 * windows.windows_before', as_of()) }} as window_end
    from stores
    cross join windows
)

select
    store_windows.store_key,
    store_windows.windows_before,
    store_windows.window_start,
    store_windows.window_end,
    count(transitions.event_id) as transition_count
from store_windows
left join transitions
    on transitions.store_key = store_windows.store_key
    and transitions.rejected_at > store_windows.window_start
    and transitions.rejected_at <= store_windows.window_end
group by store_windows.store_key, store_windows.windows_before, store_windows.window_start, store_windows.window_end
