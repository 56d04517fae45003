"""What every source shares: HTTP, pages and quarantine, dlt landing resources, per-store settings."""
