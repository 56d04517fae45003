{{ staging_quarantine(source('bigcommerce', 'quarantine')) }}
