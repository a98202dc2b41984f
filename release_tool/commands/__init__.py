"""The CLI's commands, one module per command group; ``cli.py`` registers them."""

from __future__ import annotations

import click

from ..settings import Settings

pass_settings = click.make_pass_decorator(Settings)
