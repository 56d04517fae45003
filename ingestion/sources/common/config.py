"""Per-store API settings through dlt's config providers (env vars, .dlt/config.toml, .dlt/secrets.toml).

Store `KEY` reads section `[sources.<source>.KEY]` first, then `[sources.<source>]`; so a single store
(key `default`) needs no store section. Env vars follow dlt's naming: `SOURCES__ALIEXPRESS__SHOP_A__SESSION`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dlt
from dlt.common.configuration.exceptions import ConfigFieldMissingException
from dlt.common.configuration.inject import with_config

from ingestion.sources.common.http import SourceError


def setting_name(source: str, store_key: str, name: str) -> str:
    """The environment variable that sets `name` for one store, as error messages name it."""
    section = [] if store_key == "default" else [store_key.upper()]
    return "__".join(["SOURCES", source.upper(), *section, name.upper()])


def resolve(spec: Callable[..., dict[str, Any]], source: str, store_key: str) -> dict[str, Any]:
    """`spec`'s arguments resolved for one store; a missing one raises an error naming its env var."""
    try:
        return with_config(spec, sections=("sources", source, store_key))()
    except ConfigFieldMissingException as exc:
        missing = ", ".join(setting_name(source, store_key, name) for name in exc.fields)
        raise SourceError(
            f"{source} settings missing for store {store_key!r}: set {missing} "
            f"(or put them under [sources.{source}.{store_key}] in .dlt/secrets.toml)"
        ) from None


def store_sections(source: str) -> list[str]:
    """The store keys with a `[sources.<source>.KEY]` section in a dlt TOML file. Env vars cannot be listed
    this way: a store set only by env vars is declared in the `listing_pulse.stores` list."""
    keys: set[str] = set()
    for provider in dlt.config.config_providers:
        section, _ = provider.get_value(source, dict, None, "sources")
        if isinstance(section, dict):
            keys |= {key for key, value in section.items() if isinstance(value, dict)}
    return sorted(keys)
