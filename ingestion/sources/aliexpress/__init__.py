"""AliExpress Open Platform: listings, listing SKUs and audit outcomes."""
