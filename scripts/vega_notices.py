#!/usr/bin/env python3
"""Write the licence notices of the chart's Vega runtime:
``builder/theme/static/vendor/vega-runtime.js.LICENSE.txt``.

The site ships ``static/vendor/vega-runtime.js``, a minified bundle vl-convert makes of Vega,
vega-interpreter, vega-tooltip and the packages they import (scripts/vega_runtime.py). Their
licences (BSD-3-Clause, ISC) ask that the copyright notice and licence travel with every copy,
and the bundle keeps none of them; so the site ships this file beside it, and a comment at the
top of the bundle names it (the ``*.js.LICENSE.txt`` convention of JavaScript bundlers).

Which packages: vl-convert carries each one as jsDelivr's "+esm" module, whose header names the
package and its version and which imports the others by their address. ``bundled_packages``
follows those imports from the runtime snippet's own, in the library file (no network). A test
checks that the notices name exactly these packages, so a vl-convert that bundles other ones
fails the suite until this script is run again.

The licences: each package's licence file, from its tarball on the npm registry (network).

Rerun from the repository root after changing vl-convert-python's version::

    .venv/bin/python scripts/vega_notices.py
"""
from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import tarfile
import textwrap
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from builder import chart_runtime  # noqa: E402
from scripts import vega_runtime  # noqa: E402

NOTICES = REPO / "builder" / "theme" / "static" / chart_runtime.NOTICES_FILE
REGISTRY = "https://registry.npmjs.org"


class Package(NamedTuple):
    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class Licence:
    spdx: str
    text: str
    note: str = ""                       # where the text comes from, when not this very version


# ------------------------------------------------------------------- what the bundle holds

_MODULE_HEADER = re.compile(rb"/\*\*\s*\n \* Bundled by jsDelivr[^\n]*\n"
                            rb" \* Original file: /npm/((?:@[^/\s]+/)?[^@/\s]+)@([^/\s]+)/")
_IMPORT = re.compile(rb'(?:from|import)\s*"/npm/((?:@[^/"]+/)?[^@/"]+)@([^/"]+)/\+esm"')
_SNIPPET_IMPORT = re.compile(r'"https://cdn\.jsdelivr\.net/npm/((?:@[^/"]+/)?[^@/"]+)@([^/"]+)/\+esm"')


def library_file() -> Path:
    """vl-convert's compiled library, which holds the JavaScript modules it bundles."""
    spec = importlib.util.find_spec("vl_convert")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("vl-convert-python is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("vl_convert*.so")) + sorted(folder.glob("vl_convert*.pyd"))
    if not found:
        raise SystemExit(f"no vl_convert library in {folder}")
    return found[0]


def embedded_modules(library: bytes) -> dict[Package, frozenset[Package]]:
    """Each module the library carries, with the packages it imports."""
    headers = list(_MODULE_HEADER.finditer(library))
    modules: dict[Package, frozenset[Package]] = {}
    for header, following in zip(headers, headers[1:] + [None]):
        end = following.start() if following else len(library)
        text_end = library.find(b"\x00", header.start(), end)   # a module's text ends at a NUL
        text = library[header.start():text_end if text_end >= 0 else end]
        package = Package(header.group(1).decode(), header.group(2).decode())
        modules[package] = frozenset(Package(n.decode(), v.decode())
                                     for n, v in _IMPORT.findall(text))
    return modules


def snippet_packages(snippet: str) -> tuple[Package, ...]:
    return tuple(Package(name, ver) for name, ver in _SNIPPET_IMPORT.findall(snippet))


def bundled_packages(modules: Mapping[Package, frozenset[Package]],
                     roots: Iterable[Package]) -> tuple[Package, ...]:
    """The roots and every package they import, directly or not, sorted by name."""
    seen: set[Package] = set()
    todo = list(roots)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        if package not in modules:
            raise LookupError(f"vl-convert does not carry {package}")
        seen.add(package)
        todo.extend(modules[package])
    return tuple(sorted(seen))


def runtime_packages() -> tuple[Package, ...]:
    """What the installed vl-convert puts in the site's Vega runtime."""
    modules = embedded_modules(library_file().read_bytes())
    if not modules:
        raise LookupError("vl-convert's library holds no module this script can read")
    return bundled_packages(modules, snippet_packages(vega_runtime.runtime_snippet()))


def packages_named(notices: str) -> tuple[Package, ...]:
    """The packages a notices file lists (its lines "- name version (licence)")."""
    return tuple(Package(name, ver) for name, ver in
                 re.findall(r"^- (\S+) (\S+) \([^)]*\)$", notices, flags=re.M))


# ------------------------------------------------------------------------------ the licences

_LICENCE_NAME = re.compile(r"^package/(licen[cs]e|copying)(\.md|\.txt)?$", re.I)


def fetch_licence(package: Package) -> Licence:
    """The package's licence file from its tarball on the registry; a version taken off the
    registry gets the licence of the nearest later release of the same major version."""
    try:
        return _licence_in_tarball(package)
    except urllib.error.HTTPError as err:
        if err.code != 404:
            raise
    later = _next_release(package)
    licence = _licence_in_tarball(later)
    return Licence(licence.spdx, licence.text,
                   f"{package.version} is no longer on the npm registry: this is the licence of "
                   f"{later.version}")


def _licence_in_tarball(package: Package) -> Licence:
    leaf = package.name.rsplit("/", 1)[-1]
    url = f"{REGISTRY}/{package.name}/-/{leaf}-{package.version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        meta = json.load(tar.extractfile(members["package/package.json"]))
        names = sorted(name for name in members if _LICENCE_NAME.match(name))
        if not names:
            raise LookupError(f"{package}: no licence file in {url}")
        text = tar.extractfile(members[names[0]]).read().decode("utf-8")
    return Licence(str(meta.get("license", "see text")), text.strip() + "\n")


def _next_release(package: Package) -> Package:
    with urllib.request.urlopen(f"{REGISTRY}/{package.name}", timeout=60) as response:
        published = json.load(response)["versions"]
    major = package.version.split(".")[0]
    later = sorted((v for v in published if v.split(".")[0] == major and _key(v) > _key(package.version)),
                   key=_key)
    if not later:
        raise LookupError(f"{package}: not on the registry, and no later {major}.x release")
    return Package(package.name, later[0])


def _key(ver: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", ver))


# --------------------------------------------------------------------------------- the file

def notices_text(vl_convert: str, packages: tuple[Package, ...],
                 licences: Mapping[Package, Licence]) -> str:
    """The list of packages, then each licence text once, with the packages it covers."""
    lines = [
        "Third-party software in vega-runtime.js",
        "",
        f"vega-runtime.js is a bundle made by vl-convert-python {vl_convert} of the packages",
        "below. Their copyright notices and licences follow the list: each text once, after the",
        "packages it covers.",
        "",
    ]
    lines += [f"- {p} ({licences[p].spdx})" for p in packages]
    groups: dict[tuple[str, str], list[Package]] = {}
    for package in packages:
        licence = licences[package]
        groups.setdefault((licence.spdx, licence.text), []).append(package)
    for (spdx, text), covered in groups.items():
        notes = [f"({p.name}: {licences[p].note})" for p in covered if licences[p].note]
        heading = textwrap.fill(", ".join(map(str, covered)) + f" ({spdx})", 88,
                                break_on_hyphens=False)
        lines += ["", "-" * 72, "", heading, *notes, "", text.rstrip()]
    return "\n".join(lines) + "\n"


def main() -> None:
    packages = runtime_packages()
    licences = {package: fetch_licence(package) for package in packages}
    NOTICES.parent.mkdir(parents=True, exist_ok=True)
    NOTICES.write_text(notices_text(version("vl-convert-python"), packages, licences),
                       encoding="utf-8")
    print(f"{NOTICES.relative_to(REPO)}: {len(packages)} packages")


if __name__ == "__main__":
    main()
