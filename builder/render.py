"""The Jinja2 environment: autoescape everywhere, StrictUndefined, no agent text as a template.

Returns strings; writes nothing. Templates receive view objects whose URLs and texts are
already computed (see builder/pages/); they only loop and place.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2

from builder import format as fmt

THEME = Path(__file__).resolve().parent / "theme"
TEMPLATES = THEME / "templates"
STATIC = THEME / "static"

def content_security_policy(image_hosts: Iterable[str]) -> str:
    """Scripts only from the site itself; images from the site and the allowed hosts only."""
    images = " ".join(f"https://{host}" for host in image_hosts)
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: {images}; connect-src 'self'; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'")


def make_environment(csp: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals["csp"] = csp
    env.filters["thousands"] = fmt.count
    return env


def render_page(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    return env.get_template(template).render(**context)


def static_files() -> dict[str, bytes]:
    """The theme's static files, keyed by their path under /static/."""
    return {p.relative_to(STATIC).as_posix(): p.read_bytes()
            for p in sorted(STATIC.rglob("*")) if p.is_file()}


def fingerprint(files: Mapping[str, bytes]) -> dict[str, str]:
    """Short content hashes used as ?v= cache busters on asset URLs."""
    return {name: hashlib.sha256(data).hexdigest()[:10] for name, data in files.items()}
