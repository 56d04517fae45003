"""BigCommerce REST v3: catalogue products, their variants and (optionally) multi-location inventory."""
