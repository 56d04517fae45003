{{ staging_observations(source_or_empty(
    'bigcommerce', 'observations', ['store_key', 'resource', 'observed_at', 'row_count']
)) }}
