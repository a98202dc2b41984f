"""Render release notes: jinja2 templates in a sandbox, and JSON.

Formats are template names: ``dirac`` (``dirac.j2``, DIRAC's
``release.notes`` house format), ``markdown`` (a GitHub release body) and
``rst`` (documentation) ship in the ``templates/`` directory of the project
(inside the wheel: ``release_tool/templates``); ``json`` is the text of
:func:`json.dumps` (:func:`~release_tool.table.to_json`), never a template's. A
repository overrides a template, or adds a format, with a file ``<format>.j2``
in its own template directory.

Templates run in :class:`jinja2.sandbox.SandboxedEnvironment` with
``StrictUndefined``; names ending in ``html``/``htm``/``xml`` (``html.j2``)
are autoescaped. PR text only ever enters a template as data, so a body
containing ``{{ 7*7 }}`` or ``{% include %}`` comes out literally.

Every template receives:

* ``releases``: the list of :class:`~.model.ReleaseNotes` (``version``,
  ``date``, ``sections`` of ``system`` and ``entries``, ``free_text``,
  ``unclassified``, ``excluded``); each entry has ``type``, ``refs``,
  ``text`` (continuation lines joined with ``\\n``), ``breaking``, ``source``;
* ``review``: True in review mode (show unclassified and excluded PRs);
* ``repo_url``: the repository's web address without a trailing slash, or None;
* ``format``: the format name.

Filters: ``md_escape``, ``rst_escape``, ``md_ref`` and ``rst_ref`` (a ref as a
link when ``repo_url`` is known), ``underline(char)`` (a line of ``char`` as
long as the value), ``tidy`` (for a whole document: trailing spaces off,
runs of blank lines squeezed to one, one final newline). Global:
``ref_url(ref)``.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..table import json_list_chunks, to_json
from .model import Entry, ReleaseNotes, Section

if TYPE_CHECKING:  # jinja2 is imported when a template is first rendered
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

JSON = "json"
_HTML_SUFFIXES = {"html", "htm", "xml"}

_MD_CODE_OR_URL = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)|<?https?://[^\s<>()]+>?")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))", re.M)
_RST_LITERAL = re.compile(r"(?::[\w.+-]+:)?(`+)(?:.+?)(?<!`)\1(?!`)_{0,2}")
_RST_SPECIAL = re.compile(r"([\\`*|])|_(?=\W|$)")
_RST_LINE_START = re.compile(r"^(\s*)(\.\.|[+-](?=\s|$)|#\.|\d+[.)](?=\s|$))", re.M)
_REF = re.compile(r"^([#!])(\d+)$")
#: A character that the escapes below may change; text without one is returned as it is.
_MD_ANY = re.compile(r"[\\`*_\[\]<>~|&\n]")
_RST_ANY = re.compile(r"[\\`*|_\n]")


def builtin_template_dir() -> Path:
    """The templates shipped with release-tool: in the package, else the repository's."""
    import release_tool

    package = Path(release_tool.__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "dirac.j2").is_file():
            return candidate
    raise InputError(f"release-tool's templates are missing (looked in {package}/templates)")


def _escape_outside(text: str, protected: re.Pattern[str], escape) -> str:
    """Apply ``escape`` to the parts of ``text`` that ``protected`` does not match."""
    out: list[str] = []
    pos = 0
    for match in protected.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(match.group())
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _md_line_start(match: re.Match[str]) -> str:
    """Escape a block marker at a line start: ``#`` -> ``\\#``, ``1.`` -> ``1\\.``."""
    indent, marker = match.groups()
    if marker.isdigit():  # a digit cannot be escaped: escape the dot or paren after it
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def _line_starts(pattern: re.Pattern[str], text: str, repl, first_line: bool) -> str:
    """Escape block markers at line starts; on the first line only if ``first_line``."""
    if first_line:
        return pattern.sub(repl, text)
    head, newline, rest = text.partition("\n")
    return head + newline + pattern.sub(repl, rest)


def md_escape(value: object, line_start: bool = False) -> str:
    """Markdown-escape plain text, so it renders as written.

    Backslash-escapes ``\\ ` * _ [ ] < > ~ |``, entity-like ``&`` and
    block markers at the start of continuation lines (``#``, ``>``, ``-``,
    ``+``, ``=``, ``1.``); of the first line too with ``line_start`` (for a
    value that starts a line in the output). Code spans in balanced
    backticks and bare URLs are left as they are.
    """
    text = str(value)
    if _MD_ANY.search(text) is None and not (line_start and _MD_LINE_START.match(text)):
        return text  # most titles: nothing to escape

    def escape(part: str) -> str:
        """Escape Markdown specials in a part without code spans or URLs."""
        part = _MD_SPECIAL.sub(r"\\\1", part)
        return _MD_ENTITY.sub(r"\\&", part)

    text = _escape_outside(text, _MD_CODE_OR_URL, escape)
    return _line_starts(_MD_LINE_START, text, _md_line_start, line_start)


def rst_escape(value: object, line_start: bool = False) -> str:
    """reStructuredText-escape plain text, so it renders as written.

    Backslash-escapes ``\\ ` * |``, an ``_`` that ends a word (a reference
    in RST) and block markers at the start of continuation lines (``..``,
    ``-``, ``+``, ``#.``, ``1.``); of the first line too with ``line_start``.
    Interpreted text and roles in balanced backticks (``:mod:`x```,
    ````code````) are left as they are.
    """
    text = str(value)
    if _RST_ANY.search(text) is None and not (line_start and _RST_LINE_START.match(text)):
        return text  # most titles: nothing to escape

    def escape(part: str) -> str:
        """Escape RST specials in a part without interpreted text or literals."""
        return _RST_SPECIAL.sub(lambda m: "\\" + m.group(), part)

    text = _escape_outside(text, _RST_LITERAL, escape)
    return _line_starts(_RST_LINE_START, text, r"\1\\\2", line_start)


def ref_url(ref: str, repo_url: str | None) -> str | None:
    """The web address of a PR ref: GitHub ``#N`` -> ``/pull/N``, GitLab ``!N`` -> MR."""
    match = _REF.match(ref)
    if not repo_url or match is None:
        return None
    base = repo_url.rstrip("/")
    if match.group(1) == "!":
        return f"{base}/-/merge_requests/{match.group(2)}"
    return f"{base}/pull/{match.group(2)}"


def tidy(text: str) -> str:
    """Trailing spaces off, leading blank lines off, blank runs squeezed, one final newline."""
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _autoescape(name: str | None) -> bool:
    """Autoescape templates for HTML targets: ``html.j2``, ``page.htm.j2``, ``feed.xml.j2``."""
    if name is None:
        return False
    stem = name.removesuffix(".j2")
    return stem.rsplit(".", 1)[-1].lower() in _HTML_SUFFIXES


#: The notes model's data fields a template reads, per class (methods and properties are not
#: listed: they take the sandbox's checks).
_MODEL_FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in (ReleaseNotes, Section, Entry)
}
#: Values a model field hands out without the sandbox's checks: plain data, no callables.
_PLAIN_VALUES = frozenset({str, list, bool, int, type(None)})


@functools.cache
def _environment_class() -> type[SandboxedEnvironment]:
    """:class:`SandboxedEnvironment` reading the notes model's data fields directly.

    Rendering every release reads the fields of tens of thousands of
    entries; the sandbox checks each read (private name? internal attribute
    of a function or frame? a ``str.format``?). A field of
    :class:`~.model.ReleaseNotes`, :class:`~.model.Section` or
    :class:`~.model.Entry` (exactly those classes) holding plain data (a
    string, list, bool, number or None) passes every one of those checks, so
    it is returned at once: the answer is the sandbox's, only faster. Any
    other attribute, object or value goes through the sandbox unchanged, for
    the built-in templates and a repository's own alike.
    """
    from jinja2.sandbox import SandboxedEnvironment

    fields = _MODEL_FIELDS
    plain = _PLAIN_VALUES

    class NotesEnvironment(SandboxedEnvironment):
        """The sandbox, with a direct path for the notes model's plain data fields."""

        def getattr(self, obj, attribute):  # type: ignore[override]
            """``obj.attribute`` as the sandbox answers it."""
            names = fields.get(type(obj))
            if names is not None and attribute in names:
                value = getattr(obj, attribute)
                if type(value) in plain:
                    return value
            return super().getattr(obj, attribute)

    return NotesEnvironment


def make_environment(
    template_dir: str | Path | None = None,
    repo_url: str | None = None,
    compiled_dir: str | Path | None = None,
) -> SandboxedEnvironment:
    """The sandboxed environment: overrides from ``template_dir`` first, then built-ins.

    ``compiled_dir``: where compiled templates are kept between runs (jinja2's
    bytecode cache: an entry is used only for the template source it was
    compiled from), so a run does not compile its template again.
    """
    import jinja2

    dirs = [str(template_dir)] if template_dir is not None else []
    dirs.append(str(builtin_template_dir()))
    env = _environment_class()(
        loader=jinja2.FileSystemLoader(dirs),
        bytecode_cache=_bytecode_cache(compiled_dir),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    base = repo_url.rstrip("/") if repo_url else None

    def md_ref(ref: str) -> str:
        """``#N`` as a Markdown link to the PR when the repository is known."""
        url = ref_url(ref, base)
        return f"[{ref}]({url})" if url else (ref if _REF.match(ref) else md_escape(ref))

    def rst_ref(ref: str) -> str:
        """``#N`` as an anonymous RST link to the PR when the repository is known."""
        url = ref_url(ref, base)
        return f"`{ref} <{url}>`__" if url else rst_escape(ref)

    env.filters.update(
        md_escape=md_escape,
        rst_escape=rst_escape,
        md_ref=md_ref,
        rst_ref=rst_ref,
        underline=lambda value, char="=": char * len(str(value)),
        tidy=tidy,
        indent=_quick_indent(env.filters["indent"]),
        join=_quick_join(env.filters["join"]),
    )
    env.globals["ref_url"] = lambda ref: ref_url(ref, base)
    return env


#: What :meth:`str.splitlines` splits at: a string without one is a single line.
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _quick_indent(indent: Callable) -> Callable:
    """jinja2's ``indent``, answering at once for one line of plain text (most entries).

    jinja2 indents the lines after the first: one line (no break
    :meth:`str.splitlines` knows) comes back as it is unless ``first`` is
    asked. Any other value goes to jinja2's filter.
    """

    def quick_indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False):
        """``s`` indented as jinja2's ``indent`` does."""
        if type(s) is str and not first and _LINE_BREAK.search(s) is None:
            return s
        return indent(s, width, first, blank)

    return quick_indent


def _quick_join(join: Callable) -> Callable:
    """jinja2's ``join``, answering at once for a list of plain strings (an entry's refs).

    Without autoescaping and without ``attribute``, jinja2 joins the values'
    ``str``: for strings, ``d.join(value)``. Anything else goes to jinja2's filter.
    """
    from jinja2 import pass_eval_context

    @pass_eval_context
    def quick_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None):
        """``value`` joined as jinja2's ``join`` does."""
        if (
            attribute is None
            and not eval_ctx.autoescape
            and type(value) is list
            and type(d) is str
            and all(type(item) is str for item in value)
        ):
            return d.join(value)
        return join(eval_ctx, value, d, attribute)

    return quick_join


def _bytecode_cache(directory: str | Path | None):
    """jinja2's bytecode cache in ``directory`` (made if missing); None if none or unusable."""
    if directory is None:
        return None
    import jinja2

    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only repository: templates are compiled each time
        return None
    return jinja2.FileSystemBytecodeCache(str(directory), "%s.jinja")


@functools.lru_cache(maxsize=16)
def cached_environment(
    template_dir: str | None, repo_url: str | None, compiled_dir: str | None = None
) -> SandboxedEnvironment:
    """One environment per template directory and repository URL, for the whole process.

    Rendering many releases (``notes --all-releases``) compiles each
    template once; jinja2 still reloads a template whose file changed.
    """
    return make_environment(template_dir, repo_url, compiled_dir)


def available_formats(template_dir: str | Path | None = None) -> list[str]:
    """Format names: ``json`` and every ``<name>.j2`` of the built-ins and ``template_dir``."""
    names = {JSON}
    for directory in (builtin_template_dir(), template_dir):
        if directory is not None and Path(directory).is_dir():
            names.update(p.name.removesuffix(".j2") for p in Path(directory).glob("*.j2"))
    return sorted(names)


def render_json(notes: ReleaseNotes | Sequence[ReleaseNotes], *, review: bool = False) -> str:
    """JSON with stable keys: an object for one release, a list for several."""
    if isinstance(notes, ReleaseNotes):
        data: object = notes.as_dict(review=review)
    else:
        data = [release.as_dict(review=review) for release in notes]
    return to_json(data) + "\n"  # the text of json.dumps(indent=2), faster


def render(
    notes: ReleaseNotes | Sequence[ReleaseNotes],
    fmt: str = "dirac",
    *,
    template_dir: str | Path | None = None,
    repo_url: str | None = None,
    review: bool = False,
    compiled_dir: str | Path | None = None,
) -> str:
    """Render one release or several (newest first, as in a notes file) in ``fmt``.

    ``template_dir`` holds the repository's overrides (``<fmt>.j2``);
    ``compiled_dir``, when given, keeps compiled templates between runs.
    ``repo_url`` (``https://github.com/OWNER/REPO``) turns refs into links in
    the formats that have links. Unknown formats and broken templates are
    :class:`~release_tool.errors.InputError`.
    """
    if fmt == JSON:
        return render_json(notes, review=review)
    template, variables = _template(notes, fmt, template_dir, repo_url, review, compiled_dir)
    return "".join(_generate(template, variables, fmt))


def render_chunks(
    notes: Sequence[ReleaseNotes],
    fmt: str = "dirac",
    *,
    template_dir: str | Path | None = None,
    repo_url: str | None = None,
    review: bool = False,
    compiled_dir: str | Path | None = None,
    size: int = 1 << 16,
) -> Iterator[str]:
    """The text of :func:`render` of several releases, in pieces made as it is written.

    For ``notes --all-releases`` (megabytes on a long history): the text is
    never held whole. Each piece but the last ends at a line end and holds
    about ``size`` characters, so a per-line filter (:mod:`release_tool.sanitize`)
    gives the same text on the pieces as on the whole (a template that filters
    the whole document, as the built-in ones do with ``tidy``, makes it one
    piece: it is still not copied again to be written). An unknown format or
    a broken template fails here, before any piece; a template failing part
    way raises :class:`~release_tool.errors.InputError` from the iteration.
    """
    if fmt == JSON:
        items = (release.as_dict(review=review) for release in notes)
        return _line_pieces(itertools.chain(json_list_chunks(items), ["\n"]), size)
    template, variables = _template(notes, fmt, template_dir, repo_url, review, compiled_dir)
    return _line_pieces(_generate(template, variables, fmt), size)


def _template(
    notes: ReleaseNotes | Sequence[ReleaseNotes],
    fmt: str,
    template_dir: str | Path | None,
    repo_url: str | None,
    review: bool,
    compiled_dir: str | Path | None,
) -> tuple[jinja2.Template, dict]:
    """The compiled template of ``fmt`` and the variables it is rendered with."""
    if template_dir is not None and not Path(template_dir).is_dir():
        raise InputError(f"template directory {template_dir} does not exist")
    import jinja2

    releases = [notes] if isinstance(notes, ReleaseNotes) else list(notes)
    env = cached_environment(
        str(template_dir) if template_dir is not None else None,
        repo_url,
        str(compiled_dir) if compiled_dir is not None else None,
    )
    name = f"{fmt}.j2"
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        known = ", ".join(available_formats(template_dir))
        raise InputError(f"unknown notes format {fmt!r} (known: {known})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template {exc.filename or name}, line {exc.lineno}: {exc}") from None
    variables = {
        "releases": releases,
        "review": review,
        "repo_url": repo_url.rstrip("/") if repo_url else None,
        "format": fmt,
    }
    return template, variables


def _generate(template: jinja2.Template, variables: dict, fmt: str) -> Iterator[str]:
    """``template``'s output as jinja2 makes it; its errors as :class:`InputError`."""
    import jinja2

    try:
        yield from template.generate(variables)
    except jinja2.TemplateError as exc:  # undefined names, sandbox violations
        raise InputError(f"template {template.filename or fmt + '.j2'}: {exc}") from None


def _line_pieces(chunks: Iterable[str], size: int) -> Iterator[str]:
    """``chunks`` joined again into pieces of about ``size`` characters that end at line ends."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            text = "".join(pending)
            cut = text.rfind("\n") + 1
            if cut:
                yield text[:cut]
                text = text[cut:]
            pending, length = [text], len(text)
    text = "".join(pending)
    if text:
        yield text
