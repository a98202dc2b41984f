"""Meeting status summaries: one data model, headline rules, one renderer per format."""
