"""listing-pulse ingestion: AliExpress and BigCommerce data landed into DuckDB with dlt."""
