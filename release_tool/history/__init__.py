"""History and discovery: the git adapter, the PR index, releases and ranges."""
