"""Everything that lands raw_* tables: one package per source, the sample generator, the loader."""
