{{ config(severity='warn', tags=['merchant_data']) }}
-- Two different records with one key in one sweep of a store's latest observation at or before as_of (a
-- record changed while the API was paged, or a drop holding two versions): the one read later landed, the
-- earlier one is in raw_*.quarantine with the reason 'superseded: ...'. A listing seen in two status passes
-- is not one of them (it is expected while statuses change). Re-save the pages if this repeats.
{{ quarantined_in_latest_observations(reason_like='superseded:%') }}
