"""How the warehouse is built and served: dbt, the locked run with its log, publishing."""
