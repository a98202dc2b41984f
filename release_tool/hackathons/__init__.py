"""Hackathons: records of developer hackathons, PR assignment, series status and alphas.

``records`` parses and validates ``hackathons.toml`` (pure) and loads it
from a repository (adapter).
"""
