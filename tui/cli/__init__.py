"""The command line: subcommands over tui.core."""
