"""The ``[tool.release-tool]`` configuration: DIRAC defaults, validation, loading, patterns.

Every key is parsed and validated; unknown keys and wrong types are ConfigErrors that
name the offending ``tool.release-tool.<key>``; ``load_config`` falls back to the
defaults when there is no pyproject.toml or no section, and names the file when the
TOML is broken.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from release_tool.core.config import (
    SECTION,
    Config,
    LineConfig,
    config_from_mapping,
    load_config,
    pattern_regex,
)
from release_tool.errors import ConfigError, InputError
from release_tool.notes.config import NotesConfig
from release_tool.patches.config import SweepConfig

DIRAC_DEFAULTS = {
    "release_branch_pattern": "rel-v{major}r{minor}",
    "integration_branches": ("integration", "main", "master"),
    "pep440_from": (8, 0),
    "open_series_with": "alpha",
    "tag_prefix": "v",
    "remote": "origin",
    "cumulative": None,
    "active_period_days": 365,
    "allow_epochs": False,
    "allow_post_releases": False,
    "integration_finals": None,
    "lines": {},
    "notes_file": "release.notes",
    "version_files": (),
    "commit_message": "docs: Add release notes for {tag}",
    "sign_tags": False,
    "require_ci": False,
    "index_url": "https://upload.pypi.org/legacy/",
    "build_isolation": True,
    "twine_check": "errors",
    "notes": dataclasses.asdict(NotesConfig()),
    "sweep": dataclasses.asdict(SweepConfig()),
    "meeting_every": None,
    "meetings": (),
    "summary": None,  # the defaults: Config.summary_settings()
    "hackathons_file": "hackathons.toml",
}

FULL_TOML = """\
[project]
name = "dirac"

[tool.release-tool]
release_branch_pattern = "release/{major}.{minor}"
integration_branches = ["develop", "main"]
pep440_from = "9.1"
open_series_with = "rc"
tag_prefix = ""
remote = "upstream"
cumulative = true

[tool.release-tool.lines."rel-v7r3"]
scheme = "legacy"
cumulative = false

[tool.release-tool.lines."release/9.0"]
scheme = "pep440"
"""


# --------------------------------------------------------------------------- defaults


def test_defaults_fit_dirac():
    config = Config()
    assert dataclasses.asdict(config) == DIRAC_DEFAULTS


def test_empty_table_gives_the_defaults():
    assert config_from_mapping({}) == Config()


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().remote = "upstream"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("series", "branch"),
    [((8, 1), "rel-v8r1"), ((7, 3), "rel-v7r3"), ((10, 0), "rel-v10r0"), ((0, 12), "rel-v0r12")],
)
def test_release_branch_default(series, branch):
    config = Config()
    assert config.release_branch(series) == branch
    match = config.release_branch_regex.match(branch)
    assert match is not None
    assert (int(match["major"]), int(match["minor"])) == series


def test_release_branch_custom_pattern():
    config = config_from_mapping({"release_branch_pattern": "release/{major}.{minor}"})
    assert config.release_branch((8, 1)) == "release/8.1"
    assert config.release_branch_regex.match("release/8.1")["minor"] == "1"
    assert config.release_branch_regex.match("rel-v8r1") is None


# --------------------------------------------------------------------------- each key


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("release_branch_pattern", "rel-v{major}r{minor}", "rel-v{major}r{minor}"),
        ("release_branch_pattern", "release/{major}.{minor}", "release/{major}.{minor}"),
        ("release_branch_pattern", "{minor}-of-{major}", "{minor}-of-{major}"),
        ("integration_branches", "develop", ("develop",)),
        ("integration_branches", ["develop"], ("develop",)),
        ("integration_branches", ["integration", "main"], ("integration", "main")),
        ("pep440_from", "8.0", (8, 0)),
        ("pep440_from", "9.1", (9, 1)),
        ("pep440_from", "10.12", (10, 12)),
        ("pep440_from", "0.0", (0, 0)),
        ("open_series_with", "alpha", "alpha"),
        ("open_series_with", "beta", "beta"),
        ("open_series_with", "rc", "rc"),
        ("open_series_with", "final", "final"),
        ("tag_prefix", "v", "v"),
        ("tag_prefix", "", ""),
        ("tag_prefix", "release-", "release-"),
        ("remote", "origin", "origin"),
        ("remote", "upstream", "upstream"),
        ("cumulative", True, True),
        ("active_period_days", 30, 30),
        ("active_period_days", 0, 0),
        ("integration_finals", True, True),
        ("cumulative", False, False),
        ("lines", {}, {}),
        (
            "lines",
            {"rel-v7r3": {"scheme": "legacy", "cumulative": True}},
            {"rel-v7r3": LineConfig(scheme="legacy", cumulative=True)},
        ),
        ("lines", {"rel-v8r0": {"scheme": "pep440"}}, {"rel-v8r0": LineConfig(scheme="pep440")}),
        ("lines", {"rel-v8r0": {"cumulative": False}}, {"rel-v8r0": LineConfig(cumulative=False)}),
        ("lines", {"rel-v8r0": {}}, {"rel-v8r0": LineConfig()}),
        ("lines", {"rel-v7r3": {"dual_tags": True}}, {"rel-v7r3": LineConfig(dual_tags=True)}),
        ("twine_check", "strict", "strict"),
        ("twine_check", "errors", "errors"),
    ],
)
def test_each_key_is_parsed(key, value, expected):
    config = config_from_mapping({key: value})
    assert getattr(config, key) == expected
    others = {k: v for k, v in DIRAC_DEFAULTS.items() if k != key}
    assert {k: v for k, v in dataclasses.asdict(config).items() if k != key} == others


def test_all_keys_together():
    config = config_from_mapping(
        {
            "release_branch_pattern": "release/{major}.{minor}",
            "integration_branches": ["develop"],
            "pep440_from": "9.1",
            "open_series_with": "final",
            "tag_prefix": "",
            "remote": "upstream",
            "cumulative": True,
            "lines": {"release/7.3": {"scheme": "legacy"}},
        }
    )
    assert config == Config(
        release_branch_pattern="release/{major}.{minor}",
        integration_branches=("develop",),
        pep440_from=(9, 1),
        open_series_with="final",
        tag_prefix="",
        remote="upstream",
        cumulative=True,
        lines={"release/7.3": LineConfig(scheme="legacy")},
    )


@pytest.mark.parametrize("key", ["tag-prefix", "pep440-from", "foo", "lines_", "Remote", ""])
def test_unknown_key(key):
    with pytest.raises(ConfigError) as info:
        config_from_mapping({key: "x"})
    message = str(info.value)
    assert f"unknown configuration key tool.release-tool.{key} " in message
    for known in DIRAC_DEFAULTS:
        assert known in message


def test_unknown_key_after_good_ones():
    with pytest.raises(ConfigError, match=r"tool\.release-tool\.bogus"):
        config_from_mapping({"remote": "upstream", "bogus": 1})


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("pep440_from", 8, "must be a series"),
        ("pep440_from", 8.0, "must be a series"),
        ("pep440_from", "8", "must be a series"),
        ("pep440_from", "v8.0", "must be a series"),
        ("pep440_from", "8.0.1", "must be a series"),
        ("pep440_from", "", "must be a series"),
        ("pep440_from", [8, 0], "must be a series"),
        ("open_series_with", "gamma", "must be one of alpha, beta, rc, final"),
        ("open_series_with", "Alpha", "must be one of"),
        ("open_series_with", "", "must be one of"),
        ("open_series_with", 1, "must be one of"),
        ("release_branch_pattern", "rel-v{major}", "{major} and {minor} once each"),
        ("release_branch_pattern", "rel-v{minor}", "{major} and {minor} once each"),
        ("release_branch_pattern", "rel-v{major}r{minor}{major}", "once each"),
        ("release_branch_pattern", "rel-v{major}r{minor}p{patch}", "only use the placeholders"),
        ("release_branch_pattern", "rel-v{major}r{minor}}", "only use the placeholders"),
        ("release_branch_pattern", "rel-{{major}}r{minor}", "only use the placeholders"),
        ("release_branch_pattern", "", "non-empty string"),
        ("release_branch_pattern", 5, "non-empty string"),
        ("integration_branches", "", "branch name or a list of branch names"),
        ("integration_branches", [""], "branch name or a list of branch names"),
        ("integration_branches", ["main", 1], "branch name or a list of branch names"),
        ("integration_branches", 5, "branch name or a list of branch names"),
        ("integration_branches", {"main": True}, "branch name or a list of branch names"),
        ("tag_prefix", 1, "non-empty string"),
        ("tag_prefix", ["v"], "non-empty string"),
        ("tag_prefix", True, "non-empty string"),
        ("remote", "", "non-empty string"),
        ("remote", 1, "non-empty string"),
        ("cumulative", "yes", "true or false"),
        ("cumulative", 1, "true or false"),
        ("cumulative", 0, "true or false"),
        ("twine_check", "off", "one of errors, strict"),
        ("twine_check", True, "one of errors, strict"),
        ("active_period_days", -1, "whole number of days"),
        ("integration_finals", "yes", "true or false"),
        ("active_period_days", "1y", "whole number of days"),
        ("active_period_days", True, "whole number of days"),
        ("active_period_days", 1.5, "whole number of days"),
    ],
)
def test_wrong_types_name_the_key(key, value, fragment):
    with pytest.raises(ConfigError) as info:
        config_from_mapping({key: value})
    message = str(info.value)
    assert message.startswith(f"tool.release-tool.{key} ")
    assert fragment in message
    assert isinstance(info.value, InputError)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("lines", "named", "fragment"),
    [
        ({"rel-v7r3": {"scheme": "semver"}}, "lines.rel-v7r3.scheme", "one of pep440, legacy"),
        ({"rel-v7r3": {"scheme": "Legacy"}}, "lines.rel-v7r3.scheme", "one of pep440, legacy"),
        ({"rel-v7r3": {"scheme": 1}}, "lines.rel-v7r3.scheme", "one of pep440, legacy"),
        ({"rel-v7r3": {"cumulative": "yes"}}, "lines.rel-v7r3.cumulative", "true or false"),
        ({"rel-v7r3": {"bogus": 1}}, "lines.rel-v7r3.bogus", "unknown configuration key"),
        ({"rel-v7r3": {"dual_tags": "yes"}}, "lines.rel-v7r3.dual_tags", "true or false"),
        ({"rel-v7r3": {"scheme": "legacy", "cumulative": 1}}, "lines.rel-v7r3.cumulative", ""),
        ({"rel-v7r3": "legacy"}, "lines.rel-v7r3", "must be a table"),
        ({"rel-v8r0": {}, "rel-v7r3": []}, "lines.rel-v7r3", "must be a table"),
        (["rel-v7r3"], "lines", "must be a table of branch names"),
        ("rel-v7r3", "lines", "must be a table of branch names"),
    ],
)
def test_bad_lines_name_the_key(lines, named, fragment):
    with pytest.raises(ConfigError) as info:
        config_from_mapping({"lines": lines})
    message = str(info.value)
    assert f"tool.release-tool.{named}" in message
    assert fragment in message


@pytest.mark.parametrize("table", [None, [], "rel-v{major}r{minor}", 1])
def test_section_must_be_a_table(table):
    with pytest.raises(ConfigError, match=r"\[tool\.release-tool\] must be a table"):
        config_from_mapping(table)


def test_section_name():
    assert SECTION == "tool.release-tool"


# --------------------------------------------------------------------------- cumulative


@pytest.mark.parametrize(
    ("table", "branch", "expected"),
    [
        ({}, "rel-v7r3", None),
        ({"cumulative": True}, "rel-v7r3", True),
        ({"cumulative": True, "lines": {"rel-v7r3": {"cumulative": False}}}, "rel-v7r3", False),
        ({"lines": {"rel-v7r3": {"cumulative": True}}}, "rel-v7r3", True),
        ({"lines": {"rel-v7r3": {"cumulative": True}}}, "rel-v8r0", None),
        ({"cumulative": True, "lines": {"rel-v7r3": {"scheme": "legacy"}}}, "rel-v7r3", True),
        ({"lines": {"rel-v7r3": {"scheme": "legacy"}}}, "rel-v7r3", None),
    ],
)
def test_is_cumulative(table, branch, expected):
    assert config_from_mapping(table).is_cumulative(branch) is expected


# --------------------------------------------------------------------------- load_config


def test_load_without_pyproject(tmp_path):
    assert load_config(tmp_path) == Config()


def test_load_accepts_a_string_path(tmp_path):
    (tmp_path / "pyproject.toml").write_text(FULL_TOML, encoding="utf-8")
    assert load_config(str(tmp_path)) == load_config(tmp_path)


def test_load_pyproject_directory_is_not_a_file(tmp_path):
    (tmp_path / "pyproject.toml").mkdir()
    assert load_config(tmp_path) == Config()


@pytest.mark.parametrize(
    "text",
    [
        "",
        '[project]\nname = "dirac"\n',
        '[tool.ruff]\nline-length = 100\n\n[tool.other-tool]\nremote = "x"\n',
        "[tool]\n",
    ],
)
def test_load_without_section(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert load_config(tmp_path) == Config()


def test_load_full_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text(FULL_TOML, encoding="utf-8")
    config = load_config(tmp_path)
    assert config == Config(
        release_branch_pattern="release/{major}.{minor}",
        integration_branches=("develop", "main"),
        pep440_from=(9, 1),
        open_series_with="rc",
        tag_prefix="",
        remote="upstream",
        cumulative=True,
        lines={
            "rel-v7r3": LineConfig(scheme="legacy", cumulative=False),
            "release/9.0": LineConfig(scheme="pep440"),
        },
    )
    assert config.is_cumulative("rel-v7r3") is False
    assert config.is_cumulative("release/9.0") is True
    assert config.release_branch((9, 1)) == "release/9.1"


def test_load_empty_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.release-tool]\n", encoding="utf-8")
    assert load_config(tmp_path) == Config()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("pep440_from = 8\n", "tool.release-tool.pep440_from"),
        ('open_series_with = "gamma"\n', "tool.release-tool.open_series_with"),
        ('release_branch_pattern = "rel-v{major}"\n', "tool.release-tool.release_branch_pattern"),
        ('integration_branches = ["x y"]\n', "tool.release-tool.integration_branches"),
        ('tag-prefix = "v"\n', "tool.release-tool.tag-prefix"),
        ('[tool.release-tool.lines."rel-v7r3"]\nscheme = "semver"\n', "lines.rel-v7r3.scheme"),
        ('[tool.release-tool.lines."rel-v7r3"]\nbogus = 1\n', "lines.rel-v7r3.bogus"),
    ],
)
def test_load_invalid_section(tmp_path, body, named):
    text = body if body.startswith("[tool.release-tool.lines") else "[tool.release-tool]\n" + body
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert named in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "[tool.release-tool\n",
        "[tool.release-tool]\nremote = \n",
        "[tool.release-tool]\nremote = 'a'\nremote = 'b'\n",
        "this is not toml",
    ],
)
def test_load_invalid_toml_names_the_file(tmp_path, text):
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert str(path) in message
    assert "not valid TOML" in message


def test_load_undecodable_file_names_the_file(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_bytes(b'[tool.release-tool]\nremote = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_config(tmp_path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("text", ["tool = 1\n", 'tool = "release-tool"\n', "tool = [1, 2]\n"])
def test_load_tool_that_is_not_a_table(tmp_path, text):
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool\] must be a table") as info:
        load_config(tmp_path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("text", ["[tool]\nrelease-tool = 1\n", '[tool]\nrelease-tool = "x"\n'])
def test_load_section_that_is_not_a_table(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool\.release-tool\] must be a table"):
        load_config(tmp_path)


# --------------------------------------------------------------------------- pattern_regex


@pytest.mark.parametrize(
    ("pattern", "branch", "groups"),
    [
        ("rel-v{major}r{minor}", "rel-v7r3", ("7", "3")),
        ("rel-v{major}r{minor}", "rel-v10r12", ("10", "12")),
        ("rel-v{major}r{minor}", "rel-v0r0", ("0", "0")),
        ("rel-v{major}r{minor}", "rel-v07r3x", None),
        ("rel-v{major}r{minor}", "rel-v07r3", None),
        ("rel-v{major}r{minor}", "rel-v7r03", None),
        ("rel-v{major}r{minor}", "rel-v7r3x", None),
        ("rel-v{major}r{minor}", "xrel-v7r3", None),
        ("rel-v{major}r{minor}", "rel-v7r", None),
        ("rel-v{major}r{minor}", "rel-vXr3", None),
        ("rel-v{major}r{minor}", "integration", None),
        ("release/{major}.{minor}", "release/8.1", ("8", "1")),
        ("release/{major}.{minor}", "release/8x1", None),
        ("release.{major}.{minor}", "releaseX8.1", None),
        ("v{major}.{minor}.x+", "v8.1.x+", ("8", "1")),
        ("v{major}.{minor}.x+", "v8.1.xx", None),
        ("{minor}-of-{major}", "3-of-7", ("7", "3")),
    ],
)
def test_pattern_regex(pattern, branch, groups):
    match = pattern_regex(pattern).match(branch)
    if groups is None:
        assert match is None
    else:
        assert match is not None
        assert (match["major"], match["minor"]) == groups
        assert match.group(0) == branch


PATTERNS = [
    "rel-v{major}r{minor}",
    "release/{major}.{minor}",
    "v{major}.{minor}.x",
    "{minor}-of-{major}",
    "(rel)[{major}]*{minor}?",
]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PATTERNS),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_property_release_branch_round_trips_through_the_regex(pattern, major, minor):
    config = config_from_mapping({"release_branch_pattern": pattern})
    branch = config.release_branch((major, minor))
    match = config.release_branch_regex.match(branch)
    assert match is not None
    assert (int(match["major"]), int(match["minor"])) == (major, minor)
    assert config.release_branch_regex.match(branch + "x") is None


def test_release_keys():
    config = config_from_mapping(
        {"version_files": ["src/pkg/__init__.py"], "notes_file": "CHANGES", "sign_tags": True}
    )
    assert config.version_files == ("src/pkg/__init__.py",) and config.sign_tags
    for bad in (["/etc/passwd"], ["../x"], "src/x.py", [1]):
        with pytest.raises(ConfigError, match=r"tool\.release-tool\.version_files"):
            config_from_mapping({"version_files": bad})
