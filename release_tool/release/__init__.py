"""The release steps: plan, journal, version files, build, upload, rehearsal."""
