{{ staging_observations(source('aliexpress', 'observations')) }}
