"""``python -m release_tool`` and the ``release-tool`` console script.

Nothing heavy is imported at the top of this module: the CLI (click, GitPython, ...)
is imported inside :func:`main`, under a handler, so a Ctrl-C in the first instants
(while those libraries load) ends with one line, not an import traceback.
"""

import sys


def main() -> None:
    """Import and run the CLI; an interrupt while importing is one line and exit 130."""
    try:
        from .collector import tune_for_a_command

        tune_for_a_command()  # before the imports: they make many objects too
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("release-tool: error: interrupted\n")
        raise SystemExit(130) from None
    run()


if __name__ == "__main__":
    main()
