"""release-tool: release engineering for Python projects with several release lines."""

__version__ = "0.1.0.dev0"
