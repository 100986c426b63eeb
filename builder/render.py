"""The Jinja2 environment: autoescape everywhere, StrictUndefined, no agent text as a template.

Returns strings; writes nothing. Templates receive view objects whose URLs and texts are
already computed (see builder/pages/); they only loop and place.

The theme is package data (builder/theme/: templates/ and static/). An organizer's theme_dir
with the same layout overrides single files: its templates and static files win over the
package's, and a template can extend the one it replaces as "collab-site/<name>".
"""
from __future__ import annotations

import hashlib
import sys
import traceback
from importlib import resources
from importlib.abc import Traversable
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import jinja2
from markupsafe import Markup

from builder import __version__
from builder import format as fmt
from builder.cache import RenderCache

THEME = Path(__file__).resolve().parent / "theme"
PACKAGE_THEME: Traversable = resources.files("builder") / "theme"
ORIGINAL_PREFIX = "collab-site"

def content_security_policy(image_hosts: Iterable[str], wasm: bool = False) -> str:
    """Scripts only from the site itself; images from the site and the allowed hosts only.
    `wasm`: the page may also compile WebAssembly (the search page's index reader)."""
    images = " ".join(f"https://{host}" for host in image_hosts)
    scripts = "'self' 'wasm-unsafe-eval'" if wasm else "'self'"
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: {images}; connect-src 'self'; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'")


class CompiledTemplates(jinja2.BytecodeCache):
    """The templates compiled to Python, kept in the render cache for this build's workers and
    the next build: compiling the theme takes about 90 ms in each process, loading it 3 ms. An
    entry's key is what its code follows from: `salt` (the builder's code, Jinja's and Python's
    versions), the template's name, file and source. Like the interpreter's own __pycache__,
    the cache is trusted: it is the build's, never the bucket's."""

    NAMESPACE = "template-code"

    def __init__(self, cache: RenderCache, salt: str) -> None:
        self._cache = cache
        self._salt = f"{salt}; jinja2 {version('jinja2')}; python {sys.version}"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._cache.find(self.NAMESPACE, self._key(bucket.key, bucket.checksum))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._cache.get(self.NAMESPACE, self._key(bucket.key, bucket.checksum),
                        bucket.bytecode_to_string)

    def keep_current(self, env: jinja2.Environment) -> None:
        """Keep the entries of the templates the loader finds now, wherever they were compiled
        (the cache's prune drops the rest: another theme's, or older code's)."""
        for name in env.list_templates():
            source, filename, _ = env.loader.get_source(env, name)
            self._cache.keep(self.NAMESPACE, self._key(self.get_cache_key(name, filename),
                                                       self.get_source_checksum(source)))

    def _key(self, template: str, checksum: str) -> str:
        return f"{self._salt}\0{template}\0{checksum}"


def make_environment(csp: str, theme_dir: Path | None = None,
                     compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    package = jinja2.PackageLoader("builder", "theme/templates")
    loaders: list[jinja2.BaseLoader] = [package, jinja2.PrefixLoader({ORIGINAL_PREFIX: package})]
    if theme_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(theme_dir / "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=compiled,
    )
    env.globals["csp"] = csp
    env.globals["collab_site_version"] = __version__
    env.filters["thousands"] = fmt.count
    env.filters["counted"] = fmt.counted
    env.filters["clock_kept_whole"] = fmt.clock_kept_whole
    env.globals["shared"] = shared_parts(env)
    return env


# Parts kept by `shared_parts` at most: a dated page's site is a copy of its own (pages.context).
SHARED_PARTS_KEPT = 64


def shared_parts(env: jinja2.Environment) -> Callable[[str, Any, str], Markup]:
    """`shared(name, site, section)` for the base template: the part of the page skeleton that
    follows from the site and the page's section alone (the header and menu, the footer),
    rendered once per site and section in a process instead of once per page (it was about a
    third of a message page's rendering). A part is kept with the very site it was rendered
    for, so a page given another site renders its own."""
    kept: dict[tuple[str, int, str], tuple[Any, Markup]] = {}

    def shared(name: str, site: Any, section: str) -> Markup:
        found = kept.get((name, id(site), section))
        if found is None or found[0] is not site:
            if len(kept) >= SHARED_PARTS_KEPT:
                kept.clear()
            part = Markup(env.get_template(name).render(site=site, section=section))
            found = kept[(name, id(site), section)] = (site, part)
        return found[1]

    return shared


def render_page(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    return env.get_template(template).render(**context)


def static_files(theme_dir: Path | None = None) -> dict[str, bytes]:
    """The theme's static files, keyed by their path under /static/; theme_dir's win."""
    files = resource_files(PACKAGE_THEME / "static")
    if theme_dir is not None:
        files.update(resource_files(theme_dir / "static"))
    return dict(sorted(files.items()))


INLINE_STYLE_BYTES = 48_000              # a larger style sheet (an organizer's) is linked, not inlined


def inline_stylesheet(files: Mapping[str, bytes], name: str = "style.css",
                      largest: int = INLINE_STYLE_BYTES) -> Markup:
    """The style sheet as the text of a <style> element for the home page, so that a first
    visit paints without waiting for a second request; "" (the page links it) when it is
    larger than `largest`, not UTF-8, could end the element early, or names other files (a
    relative url() or @import would then be read from the page's folder, not /static/). An
    organizer's theme_dir may replace it with any of those."""
    data = files.get(name, b"")
    lowered = data.lower()
    if not data or len(data) > largest or any(part in lowered for part in (b"</style", b"url(", b"@import")):
        return Markup("")
    try:
        return Markup(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Markup("")


def theme_override_files(theme_dir: Path | None) -> list[Path]:
    """The files of an organizer's theme_dir (they change the site like code does)."""
    if theme_dir is None or not theme_dir.is_dir():
        return []
    return sorted(p for p in theme_dir.rglob("*") if p.is_file())


def resource_files(root: Traversable, prefix: str = "") -> dict[str, bytes]:
    """Every file under root (package data or a folder), keyed by its path below root."""
    files: dict[str, bytes] = {}
    if not root.is_dir():
        return files
    for entry in root.iterdir():
        if entry.is_dir():
            files.update(resource_files(entry, f"{prefix}{entry.name}/"))
        elif entry.is_file():
            files[prefix + entry.name] = entry.read_bytes()
    return files


def fingerprint(files: Mapping[str, bytes]) -> dict[str, str]:
    """Short content hashes used as ?v= cache busters on asset URLs."""
    return {name: hashlib.sha256(data).hexdigest()[:10] for name, data in files.items()}


def failure_line(exc: BaseException) -> str:
    """What failed and where, in one line: a template's file and line (a syntax error says it,
    Jinja puts the others' in the traceback), else the last line of code; then the error."""
    if getattr(exc, "filename", None) and getattr(exc, "lineno", None):
        where = f"{exc.filename}:{exc.lineno}: "       # type: ignore[attr-defined]
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        templates = [f for f in frames if not f.filename.endswith(".py")]
        last = (templates or frames)[-1:]
        where = f"{last[0].filename}:{last[0].lineno}: " if last else ""
    return f"{where}{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"
