"""Device tokens: the store lives in zakid_metrics.tokens, shared with the admin page."""

from zakid_metrics.tokens import (
    STORE_FILE,
    STORE_LOCK,
    TokenRecord,
    TokenStore,
    registered_devices,
    token_hash,
)

__all__ = [
    "STORE_FILE",
    "STORE_LOCK",
    "TokenRecord",
    "TokenStore",
    "registered_devices",
    "token_hash",
]
