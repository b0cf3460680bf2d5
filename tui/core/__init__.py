"""The headless core: load → model → check → repair → replay/export.  Never imports textual."""
