"""Pure core, no I/O: versions, release lines, tag rules, configuration."""
