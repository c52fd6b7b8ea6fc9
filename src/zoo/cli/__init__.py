"""Command-line entry points (console scripts), thin wrappers around the library."""
