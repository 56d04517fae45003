"""The embedded default: a deterministic sample store, rendered as the API responses a real sweep returns."""
