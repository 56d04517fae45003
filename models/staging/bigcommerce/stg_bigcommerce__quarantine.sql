{{ staging_quarantine(source_or_empty(
    'bigcommerce', 'quarantine', ['store_key', 'resource', 'origin', 'line', 'reason', 'payload', 'observed_at']
)) }}
