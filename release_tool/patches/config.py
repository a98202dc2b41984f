"""``[tool.release-tool.sweep]``: the label and branch names of sweeps.

Pure: validated at load time, every wrong key or value named::

    [tool.release-tool.sweep]
    target_label = "alsoTargeting:{branch}"   # on a merged PR: sweep it to {branch}
    done_label = "sweep:done"
    failed_label = "sweep:failed"
    ignore_label = "sweep:ignore"
    from_label = "sweep:from {branch}"        # on the sweep PR: where it came from
    branch = "cherry-pick-2-{sha}-{target}"   # {sha}: the first 8 hex digits
    title = "[sweep:{target}] {title}"
    window_days = 90                           # candidates merged this recently
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..errors import ConfigError

#: Each templated key and the placeholders it must use (each once), then those it may use.
_PLACEHOLDERS = {
    "target_label": ({"branch"}, set()),
    "from_label": ({"branch"}, set()),
    "branch": ({"sha", "target"}, set()),
    "title": ({"title"}, {"target", "number"}),
}
_PLAIN = ("done_label", "failed_label", "ignore_label")


@dataclass(frozen=True)
class SweepConfig:
    """Names of the sweep labels and branches (DIRAC's by default)."""

    target_label: str = "alsoTargeting:{branch}"
    done_label: str = "sweep:done"
    failed_label: str = "sweep:failed"
    ignore_label: str = "sweep:ignore"
    from_label: str = "sweep:from {branch}"
    branch: str = "cherry-pick-2-{sha}-{target}"
    title: str = "[sweep:{target}] {title}"
    window_days: int = 90

    @cached_property
    def target_regex(self) -> re.Pattern[str]:
        """``target_label`` as a regex whose ``branch`` group is the target (case-insensitive)."""
        before, _, after = self.target_label.partition("{branch}")
        return re.compile(f"^{re.escape(before)}(?P<branch>.+?){re.escape(after)}$", re.I)


def sweep_config_from_mapping(table: Any, prefix: str) -> SweepConfig:
    """Validate the ``sweep`` table; a ConfigError names the key (``prefix.key``)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{prefix} must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if key == "window_days":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a whole number of days (1 or more)")
        elif key in _PLAIN:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{name} must be a non-empty label name, not {value!r}")
        elif key in _PLACEHOLDERS:
            _check_template(name, value, *_PLACEHOLDERS[key])
        else:
            known = ", ".join(sorted([*_PLACEHOLDERS, *_PLAIN, "window_days"]))
            raise ConfigError(f"unknown configuration key {name} (known keys: {known})")
        values[key] = value
    config = SweepConfig(**values)
    labels = [config.done_label, config.failed_label, config.ignore_label]
    if len({label.lower() for label in labels}) != 3:
        raise ConfigError(f"{prefix}: done_label, failed_label and ignore_label must differ")
    if any(config.target_regex.match(label) for label in labels):
        raise ConfigError(f"{prefix}.target_label would match the done/failed/ignore labels")
    return config


def _check_template(name: str, value: Any, required: set[str], optional: set[str]) -> None:
    """A string using each ``required`` placeholder once and no unknown one."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{name} must be a non-empty string, not {value!r}")
    used = re.findall(r"\{([^{}]*)\}", value)
    unknown = sorted(set(used) - required - optional)
    if unknown:
        raise ConfigError(f"{name} uses unknown placeholder {{{unknown[0]}}} in {value!r}")
    for placeholder in sorted(required):
        if used.count(placeholder) != 1:
            raise ConfigError(f"{name} must contain {{{placeholder}}} once, not {value!r}")
    if re.sub(r"\{[a-z]+\}", "", value).count("{") or re.sub(r"\{[a-z]+\}", "", value).count("}"):
        raise ConfigError(f"{name} has a stray brace in {value!r}")
