"""Hosting services: the :class:`~release_tool.forge.base.Forge` interface and its forges."""

from .base import FetchResult, Forge, ForgeError, PrInfo, ReleaseInfo, UnsupportedOperation

__all__ = ["FetchResult", "Forge", "ForgeError", "PrInfo", "ReleaseInfo", "UnsupportedOperation"]
