"""Versions in both DIRAC schemes: parsing, one total order, conversion and bumps.

Pure logic, no I/O. Two schemes are understood:

* PEP 440, through :mod:`packaging`, in normalised form and with or without a
  leading ``v`` (``8.0.20``, ``v8.1.0a12``, ``9.0.0rc2``);
* DIRAC's legacy scheme: ``vXrY`` (= X.Y.0), ``vXrYpZ`` (= X.Y.Z) and
  ``vXrY-preN`` (= X.Y.0aN).

Every version maps to a :class:`packaging.version.Version`, and that is what
orders and compares them, so ``v7r3p36 == 7.3.36`` and
``v7r3-pre24 < v7r3 < v7r3p1 < 8.0.0a1``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from packaging.version import InvalidVersion
from packaging.version import Version as PepVersion

from ..errors import BumpError, VersionError

log = logging.getLogger(__name__)

PEP440 = "pep440"
LEGACY = "legacy"
SCHEMES = (PEP440, LEGACY)

#: Bump parts, in the order the CLI lists them.
PARTS = ("major", "minor", "patch", "pre", "alpha", "beta", "rc", "final")
#: Pre-release phases in order, as packaging spells them.
PHASES = ("a", "b", "rc")
_PHASE_NAMES = {"a": "alpha", "b": "beta", "rc": "rc"}
#: What a series may open with (``open_series_with``).
OPENINGS = ("alpha", "beta", "rc", "final")

_NUM = r"(0|[1-9][0-9]*)"
_LEGACY_RE = re.compile(rf"^v{_NUM}r{_NUM}(?:p{_NUM}|-pre{_NUM})?$")


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A version in either scheme; compares and hashes by its PEP 440 value.

    ``text`` is the string it was parsed from (a tag name, say) and
    ``scheme`` the scheme that string is written in.
    """

    pep: PepVersion
    scheme: str
    text: str

    def __eq__(self, other: object) -> bool:
        """Equal when the PEP 440 values are equal, whatever the scheme."""
        if isinstance(other, Version):
            return self.pep == other.pep
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        """Ordered by the PEP 440 value."""
        if isinstance(other, Version):
            return self.pep < other.pep
        return NotImplemented

    def __hash__(self) -> int:
        """Hash of the PEP 440 value, so that equal versions hash alike."""
        return hash(self.pep)

    def __str__(self) -> str:
        """The canonical form in the version's own scheme."""
        return self.canonical

    def __repr__(self) -> str:
        """A debugging form naming the scheme."""
        return f"Version({self.canonical!r}, {self.scheme})"

    @property
    def pep440(self) -> str:
        """The normalised PEP 440 form, without ``v`` (``7.3.36``)."""
        return str(self.pep)

    @property
    def legacy(self) -> str | None:
        """The legacy form (``v7r3p36``), or None when the version has none."""
        return None if legacy_blocker(self.pep) else _legacy_text(self.pep)

    @property
    def canonical(self) -> str:
        """The normalised form in the version's own scheme (``v7r3p36`` or ``8.0.20``)."""
        if self.scheme == LEGACY:
            return _legacy_text(self.pep)
        return self.pep440

    def tag(self, prefix: str = "v") -> str:
        """The tag name of this version: the legacy form, or ``prefix`` + PEP 440."""
        if self.scheme == LEGACY:
            return _legacy_text(self.pep)
        return f"{prefix}{self.pep440}"

    @property
    def is_prerelease(self) -> bool:
        """True for alpha, beta, rc and .dev versions."""
        return self.pep.is_prerelease

    @property
    def is_dev(self) -> bool:
        """True for ``.dev`` versions, which are never released."""
        return self.pep.dev is not None

    @property
    def series(self) -> tuple[int, int]:
        """The ``(major, minor)`` series the version belongs to."""
        return series_of(self.pep)

    @property
    def series_text(self) -> str:
        """The series as ``X.Y``."""
        return "{}.{}".format(*self.series)

    def in_scheme(self, scheme: str) -> Version:
        """The same version written in ``scheme``; VersionError when it has no such form."""
        if scheme not in SCHEMES:
            raise VersionError(f"unknown scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
        if scheme == self.scheme:
            return self
        if scheme == LEGACY:
            reason = legacy_blocker(self.pep)
            if reason:
                raise VersionError(f"{self.canonical} has no legacy form: {reason}")
            return Version(self.pep, LEGACY, _legacy_text(self.pep))
        pep = PepVersion(_pep_text_of_legacy(self.pep))
        return Version(pep, PEP440, str(pep))


def series_of(pep: PepVersion) -> tuple[int, int]:
    """``(major, minor)`` of a PEP 440 version (minor 0 when absent)."""
    release = pep.release
    return release[0], release[1] if len(release) > 1 else 0


def legacy_blocker(pep: PepVersion) -> str | None:
    """Why a PEP 440 version has no legacy form, or None when it has one."""
    if pep.epoch:
        return "the legacy scheme has no epochs"
    if pep.local:
        return "the legacy scheme has no local versions"
    if pep.dev is not None:
        return "the legacy scheme has no .dev releases"
    if pep.post is not None:
        return "the legacy scheme has no .post releases"
    if len(pep.release) > 3:
        return "the legacy scheme has at most three release numbers"
    if pep.pre is not None:
        phase, _ = pep.pre
        if phase != "a":
            return f"the legacy scheme has no {_PHASE_NAMES[phase]} releases"
        if pep.micro != 0:
            return "the legacy scheme has pre-releases only of X.Y.0"
    return None


def _legacy_text(pep: PepVersion) -> str:
    """The legacy spelling of a version that has one (see :func:`legacy_blocker`)."""
    major, minor = series_of(pep)
    if pep.pre is not None:
        return f"v{major}r{minor}-pre{pep.pre[1]}"
    if pep.micro:
        return f"v{major}r{minor}p{pep.micro}"
    return f"v{major}r{minor}"


def _pep_text_of_legacy(pep: PepVersion) -> str:
    """The three-number PEP 440 spelling of a version parsed from the legacy scheme."""
    major, minor = series_of(pep)
    text = f"{major}.{minor}.{pep.micro}"
    if pep.pre is not None:
        text += f"{pep.pre[0]}{pep.pre[1]}"
    return text


#: The longest text taken as a version: real ones are far shorter, and numbers of
#: thousands of digits would only fail deeper down (Python refuses to convert them).
MAX_LENGTH = 100


def parse(text: str) -> Version:
    """Parse a version in either scheme; raise :class:`VersionError` if it is none.

    PEP 440 versions must be written in normalised form (``8.0.0a18``, not
    ``8.0.0.a18``): tags are compared as written, and a non-normalised tag is
    a slip to be fixed, not a release.
    """
    if not isinstance(text, str):
        raise VersionError(f"not a version: {text!r}")
    stripped = text.strip()
    if len(stripped) > MAX_LENGTH:
        raise VersionError(
            f"not a version: {stripped[:20]!r}... is {len(stripped)} characters long "
            f"(at most {MAX_LENGTH})"
        )
    match = _LEGACY_RE.match(stripped)
    if match:
        major, minor, patch, pre = match.groups()
        pep_text = f"{major}.{minor}.{patch or 0}" + (f"a{pre}" if pre is not None else "")
        return Version(PepVersion(pep_text), LEGACY, stripped)
    body = stripped[1:] if stripped.startswith("v") else stripped
    if not body or not body[0].isdigit():
        raise VersionError(f"not a version: {text!r}")
    try:
        pep = PepVersion(body)
    except InvalidVersion:
        raise VersionError(f"not a version: {text!r}") from None
    if str(pep) != body:
        raise VersionError(
            f"not a version: {text!r} is not in normalised PEP 440 form (write {pep})"
        )
    return Version(pep, PEP440, stripped)


def try_parse(text: str) -> Version | None:
    """Parse a version, or log at debug level and return None when it is not one."""
    try:
        return parse(text)
    except VersionError as exc:
        log.debug("ignored: %s", exc)
        return None


def _phase_name(phase: str) -> str:
    """``alpha``, ``beta`` or ``rc`` for packaging's ``a``, ``b``, ``rc``."""
    return _PHASE_NAMES[phase]


def _opening(major: int, minor: int, open_series_with: str) -> str:
    """The first version of series ``major.minor`` given how series open."""
    if open_series_with not in OPENINGS:
        raise BumpError(
            f"cannot open a series with {open_series_with!r}: use one of {', '.join(OPENINGS)}"
        )
    if open_series_with == "final":
        return f"{major}.{minor}.0"
    phase = {"alpha": "a", "beta": "b", "rc": "rc"}[open_series_with]
    return f"{major}.{minor}.0{phase}1"


def bump(
    version: Version,
    part: str,
    *,
    scheme: str | None = None,
    open_series_with: str = "alpha",
) -> Version:
    """The version after ``version`` for ``part`` (see :data:`PARTS`).

    The result keeps the input's scheme unless ``scheme`` names another.
    ``minor`` and ``major`` open a new series with ``open_series_with``
    (``alpha`` gives ``8.1.0a1``, ``final`` gives ``8.1.0``). A bump that
    cannot apply raises :class:`BumpError` naming the version and the part.
    """
    target = scheme or version.scheme
    if target not in SCHEMES:
        raise BumpError(f"unknown scheme {target!r}: use one of {', '.join(SCHEMES)}")
    if part not in PARTS:
        raise BumpError(
            f"cannot bump {version.canonical} by {part!r}: "
            f"unknown part, use one of {', '.join(PARTS)}"
        )
    pep = version.pep
    name = version.canonical
    major, minor = series_of(pep)
    micro = pep.micro
    # Keep the epoch and every release number (at least three), so that no bump goes backwards.
    epoch = f"{pep.epoch}!" if pep.epoch else ""
    release = ".".join(str(n) for n in (*pep.release, 0, 0)[: max(3, len(pep.release))])
    pre = pep.pre
    if part == "major":
        new = _opening(major + 1, 0, open_series_with)
    elif part == "minor":
        new = _opening(major, minor + 1, open_series_with)
    elif part == "patch":
        if pep.is_prerelease:
            raise BumpError(
                f"cannot bump {name} by 'patch': it is a pre-release; "
                "use 'pre', a later phase or 'final'"
            )
        new = f"{major}.{minor}.{micro + 1}"
    elif part == "final":
        if not pep.is_prerelease:
            raise BumpError(f"cannot bump {name} by 'final': it is already a final release")
        # The final release of X.postN.devM is X.postN, not the earlier X.
        new = release if pep.pre is not None or pep.post is None else f"{release}.post{pep.post}"
    elif part == "pre":
        if pre is None:
            raise BumpError(
                f"cannot bump {name} by 'pre': it is not an alpha, beta or rc pre-release"
            )
        new = f"{release}{pre[0]}{pre[1] + 1}"
    else:  # a phase: alpha, beta, rc
        phase = {"alpha": "a", "beta": "b", "rc": "rc"}[part]
        if pre is None:
            raise BumpError(
                f"cannot bump {name} by {part!r}: it is not a pre-release "
                "(open a new series with 'minor' or 'major')"
            )
        current = PHASES.index(pre[0])
        wanted = PHASES.index(phase)
        if wanted < current:
            raise BumpError(
                f"cannot bump {name} by {part!r}: it is already past {part} "
                f"(in {_phase_name(pre[0])})"
            )
        number = pre[1] + 1 if wanted == current else 1
        new = f"{release}{phase}{number}"
    new = epoch + new
    result = Version(PepVersion(new), PEP440, new)
    if target == LEGACY:
        reason = legacy_blocker(result.pep)
        if reason:
            raise BumpError(
                f"bumping {name} by {part!r} gives {result.pep440}, which has no legacy form "
                f"({reason}); use --scheme pep440"
            )
        result = result.in_scheme(LEGACY)
    return result


def sort_versions(versions: list[Version]) -> list[Version]:
    """Versions in ascending order (stable for equal versions)."""
    return sorted(versions, key=lambda v: v.pep)


def describe(version: Version, text: str | None = None) -> dict:
    """The facts ``version show`` reports, with stable keys."""
    return {
        "input": version.text if text is None else text,
        "scheme": version.scheme,
        "canonical": version.canonical,
        "pep440": version.pep440,
        "legacy": version.legacy,
        "legacy_blocker": legacy_blocker(version.pep),
        "tag": version.tag(),
        "is_prerelease": version.is_prerelease,
        "series": version.series_text,
    }
