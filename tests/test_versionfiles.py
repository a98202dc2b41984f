"""Writing the release version into project files."""

import pytest

from release_tool.errors import InputError
from release_tool.release.versionfiles import set_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"""Pkg."""\n__version__ = "8.0.20"\n', '"""Pkg."""\n__version__ = "8.0.21"\n'),
        ("__version__='8.0.20'  # keep\n", "__version__='8.0.21'  # keep\n"),
        (
            '[project]\nname = "x"\nversion = "8.0.20"\n',
            '[project]\nname = "x"\nversion = "8.0.21"\n',
        ),
        ('version = "1"\n__version__ = "2"\n', 'version = "8.0.21"\n__version__ = "2"\n'),
    ],
)
def test_set_version(text, expected):
    assert set_version(text, "8.0.21") == expected


def test_no_version_line():
    with pytest.raises(InputError, match="src/x.py: no __version__"):
        set_version("x = 1\n", "8.0.21", where="src/x.py")
