{{ config(severity='warn', tags=['merchant_data']) }}
-- Records quarantined in each store's latest observation at or before as_of (see raw_*.quarantine for the
-- payloads): they could not be parsed or lacked their key.
{{ quarantined_in_latest_observations() }}
