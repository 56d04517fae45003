{{ staging_quarantine(source('aliexpress', 'quarantine')) }}
