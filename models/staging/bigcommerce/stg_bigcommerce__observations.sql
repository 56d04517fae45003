{{ staging_observations(source('bigcommerce', 'observations')) }}
