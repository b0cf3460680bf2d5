"""The rule families.  Importing this package registers every rule in the registry.

One module per family; the family letters and titles are in :data:`registry.FAMILIES`.
"""

from tui.core.rules import (  # noqa: F401  (imported for their @rule registrations)
    caching,
    content,
    log,
    logged_errors,
    media,
    notes,
    openai,
    openai_parts,
    openai_payloads,
    openai_requests,
    output,
    pairing,
    params,
    roles,
    server_tools,
    shape,
    size,
    stream,
    thinking,
    tools,
)
