"""The Textual app: a thin view over ``tui.core``.  Widgets render state and post messages;
the app owns the state and calls the core."""
