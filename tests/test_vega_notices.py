"""The licences of the Vega runtime the site ships: which packages vl-convert bundles into it
(scripts/vega_notices.py reads them from its library, offline), and the notices file the theme
ships beside it."""
from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from builder import chart_runtime
from scripts import vega_notices, vega_runtime
from scripts.vega_notices import Package

NOTICES = vega_notices.NOTICES.read_text(encoding="utf-8")


def _module(name: str, ver: str, *imports: str) -> bytes:
    """A module as vl-convert's library holds it (jsDelivr's "+esm" header, minified code)."""
    code = "".join(f'import{{a}}from"/npm/{i}/+esm";' for i in imports)
    return (f"/**\n * Bundled by jsDelivr using Rollup v2.79.2 and Terser v5.39.0.\n"
            f" * Original file: /npm/{name}@{ver}/build/index.js\n *\n"
            f" * Do NOT use SRI with dynamically generated files!\n */\n"
            f"{code}export{{}};\n//# sourceMappingURL=/sm/0.map").encode()


LIBRARY = b"\x7fELF...".join([
    b"", _module("vega", "6.2.0", "vega-util@2.1.0", "d3-array@3.2.4"),
    _module("vega-util", "2.1.0"),
    _module("d3-array", "3.2.4", "internmap@2.0.3") + b"\x00" + b'from"/npm/not-imported@1.0.0/+esm"',
    _module("internmap", "2.0.3"),
    _module("vega-lite", "6.4.1", "vega-util@2.1.0"),
    _module("@scope/pkg", "1.2.3"),
])


def test_the_bundle_holds_the_packages_its_roots_import_directly_or_not_and_no_others():
    modules = vega_notices.embedded_modules(LIBRARY)
    assert set(modules) == {Package("vega", "6.2.0"), Package("vega-util", "2.1.0"),
                            Package("d3-array", "3.2.4"), Package("internmap", "2.0.3"),
                            Package("vega-lite", "6.4.1"), Package("@scope/pkg", "1.2.3")}
    bundled = vega_notices.bundled_packages(modules, [Package("vega", "6.2.0")])
    # sorted by name; vega-lite is carried but not imported; text after a NUL is another string
    assert bundled == (Package("d3-array", "3.2.4"), Package("internmap", "2.0.3"),
                       Package("vega", "6.2.0"), Package("vega-util", "2.1.0"))


def test_a_package_the_library_does_not_carry_is_an_error_not_a_gap():
    modules = vega_notices.embedded_modules(LIBRARY)
    with pytest.raises(LookupError, match="vega-tooltip 1.0.0"):
        vega_notices.bundled_packages(modules, [Package("vega-tooltip", "1.0.0")])


def test_the_roots_are_the_runtime_snippets_imports():
    roots = vega_notices.snippet_packages(vega_runtime.runtime_snippet())
    assert [p.name for p in roots] == ["vega", "vega-interpreter", "vega-tooltip"]
    import vl_convert

    assert roots[0].version == vl_convert.get_vega_version()


def test_the_notices_name_exactly_the_packages_the_installed_vl_convert_bundles():
    """Fails when vl-convert changes what it bundles: rerun scripts/vega_notices.py."""
    assert f"vl-convert-python {version('vl-convert-python')} " in NOTICES
    named = vega_notices.packages_named(NOTICES)
    assert len(named) == len(set(named))
    assert set(named) == set(vega_notices.runtime_packages())
    assert len(named) > 40                       # Vega's own packages, d3's and a few others


def test_every_package_named_has_its_copyright_notice_and_licence_text():
    sections = NOTICES.split("\n" + "-" * 72 + "\n")[1:]
    covered: set[Package] = set()
    for section in sections:
        heading, _, text = section.strip("\n").partition("\n\n")
        heading = " ".join(line for line in heading.splitlines() if not line.startswith("("))
        packages = {Package(n, v) for n, v in re.findall(r"(\S+) (\d[^\s,]*)(?:,| \()", heading)}
        assert packages and not packages & covered, heading
        covered |= packages
        assert re.search(r"copyright|public domain", text, flags=re.I), heading
        if "BSD-3-Clause" in heading:
            assert "Redistributions in binary form must reproduce" in text, heading
        if "(ISC)" in heading:
            assert "appear in all copies" in text, heading
    assert covered == set(vega_notices.packages_named(NOTICES))


def test_the_site_ships_the_notices_and_the_runtime_names_them_first(demo_site):
    runtime = (demo_site / "static" / chart_runtime.RUNTIME_FILE).read_text(encoding="utf-8")
    first_line = runtime.split("\n", 1)[0]
    assert first_line.startswith("/*!") and first_line.endswith("*/")
    notices = demo_site / "static" / chart_runtime.NOTICES_FILE
    assert notices.name in first_line
    assert notices.parent == (demo_site / "static" / chart_runtime.RUNTIME_FILE).parent
    assert notices.read_text(encoding="utf-8") == NOTICES
