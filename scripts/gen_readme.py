#!/usr/bin/env python3
"""Generate an addon's README.rst and static/description/index.html from its
``readme/*.md`` fragments and manifest, in the layout of OCA's
``oca-gen-addon-readme`` (title, badges, description, table of contents, one
section per fragment, bug tracker, credits), on docutils only.

OCA's generator is not on PyPI; this one covers the Markdown the fragments
use: paragraphs, ``-`` and ``1.`` lists (nested by indentation), ``#``
headings, fenced code blocks, ``*emphasis*``, ``**strong**``, ```code```
and ``[links](url)``.

Usage:
    python3 scripts/gen_readme.py [ADDON_DIR]           write both files
    python3 scripts/gen_readme.py --check [ADDON_DIR]   exit 1 when they are
                                                        out of date
ADDON_DIR defaults to ``invoice_dispute`` next to this script's folder.
"""

import argparse
import ast
import hashlib
import re
import sys
from pathlib import Path

from docutils.core import publish_string

GENERATED_BY = "scripts/gen_readme.py"

# (file name without .md, section title); DESCRIPTION comes before the table
# of contents, CONTRIBUTORS and CREDITS go under Credits, as OCA does.
SECTIONS = (
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
CREDIT_SECTIONS = (("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits"))
FRAGMENTS = ("DESCRIPTION",) + tuple(n for n, _t in SECTIONS + CREDIT_SECTIONS)
# Underline characters of Markdown headings (#, ##, ###) inside a section.
HEADING_UNDERLINES = {1: "~", 2: "^", 3: '"'}

MATURITY_BADGES = {
    "alpha": ("Alpha", "red"),
    "beta": ("Beta", "yellow"),
    "production/stable": ("Production%2FStable", "green"),
    "mature": ("Mature", "brightgreen"),
}
LICENSE_URLS = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}

# The settings OCA's generator uses (from pypa/readme_renderer): any docutils
# warning stops the generation, no file inclusion, no raw HTML.
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "report_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "output_encoding": "unicode",
    # Odoo 17+ warns about an XML declaration in a module's description.
    "xml_declaration": False,
}

_CODE_RE = re.compile(r"`([^`]+)`")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_HEADING_RE = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")


def md_inline_to_rst(text):
    """Inline Markdown of running text (it may span lines) as
    reStructuredText: code spans become literals, links anonymous hyperlinks;
    emphasis and strong are the same in both."""
    parts = []
    pos = 0
    for match in _CODE_RE.finditer(text):
        parts.append(_LINK_RE.sub(r"`\1 <\2>`__", text[pos : match.start()]))
        parts.append(f"``{match.group(1)}``")
        pos = match.end()
    parts.append(_LINK_RE.sub(r"`\1 <\2>`__", text[pos:]))
    return "".join(parts)


def md_to_rst(markdown):
    """The fragment's Markdown as reStructuredText (see the module docstring
    for what is understood). Lists and their continuation lines keep their
    indentation, which means the same in both languages."""
    out = []
    text = []  # lines of running text: inline markup may span them

    def flush():
        if text:
            out.extend(md_inline_to_rst("\n".join(text)).split("\n"))
            text.clear()

    lines = markdown.expandtabs(4).splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        index += 1
        heading = _HEADING_RE.match(line)
        if line.lstrip().startswith("```"):
            flush()
            indent = " " * (len(line) - len(line.lstrip()))
            language = line.strip()[3:].strip()
            out.append(f"{indent}.. code-block:: {language}" if language else "::")
            out.append("")
            while index < len(lines) and not lines[index].lstrip().startswith("```"):
                code = lines[index].rstrip()
                out.append(f"{indent}    {code[len(indent) :]}" if code else "")
                index += 1
            index += 1  # the closing fence
            out.append("")
        elif heading:
            flush()
            title = md_inline_to_rst(heading.group(2))
            out += [title, HEADING_UNDERLINES[len(heading.group(1))] * len(title)]
        else:
            text.append(line)
    flush()
    return "\n".join(out).strip("\n") + "\n"


def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text("utf-8"))


def read_fragments(addon_dir):
    """{name: Markdown text} of the addon's non-empty readme fragments."""
    fragments = {}
    for name in FRAGMENTS:
        path = addon_dir / "readme" / f"{name}.md"
        if path.exists() and path.read_text("utf-8").strip():
            fragments[name] = path.read_text("utf-8")
    return fragments


def source_digest(manifest, fragments):
    """A digest of what the README is made of (as OCA's ``source digest``)."""
    digest = hashlib.sha256()
    for key in ("name", "license", "development_status", "website", "author"):
        digest.update(f"{key}={manifest.get(key, '')}\n".encode())
    for name in sorted(fragments):
        digest.update(f"{name}\n{fragments[name]}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def _section(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body.rstrip()}\n"


def _github_repo(manifest):
    match = re.match(
        r"https://github\.com/([^/]+)/([^/]+)", manifest.get("website", "")
    )
    return match.groups() if match else (None, None)


def render_readme(addon_dir):
    """The README.rst text of the addon in ``addon_dir`` (a Path)."""
    manifest = read_manifest(addon_dir)
    fragments = read_fragments(addon_dir)
    if "DESCRIPTION" not in fragments:
        raise SystemExit(f"{addon_dir}/readme/DESCRIPTION.md is missing or empty")
    rst = {name: md_to_rst(text) for name, text in fragments.items()}
    name = manifest["name"]
    addon_name = addon_dir.resolve().name
    branch = manifest["version"].rsplit(".", 3)[0]
    org, repo = _github_repo(manifest)
    banner = [
        f"This file is generated by {GENERATED_BY}",
        "changes will be overwritten.",
    ]
    width = max(len(text) for text in banner) + 6
    rule = "!" * width
    parts = [
        f"{'=' * len(name)}\n{name}\n{'=' * len(name)}\n",
        "\n".join(
            [".. ", f"   {rule}"]
            + [f"   !! {text:<{width - 6}} !!" for text in banner]
            + [
                f"   {rule}",
                f"   !! source digest: {source_digest(manifest, fragments)}",
                f"   {rule}",
                "",
            ]
        ),
    ]
    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in MATURITY_BADGES:
        label, color = MATURITY_BADGES[status]
        badges.append(
            (
                f"https://img.shields.io/badge/maturity-{label}-{color}.png",
                "https://odoo-community.org/page/development-status",
                manifest.get("development_status", "Beta"),
            )
        )
    license_ = manifest.get("license")
    if license_ in LICENSE_URLS:
        badges.append(
            (
                "https://img.shields.io/badge/licence-{}-blue.png".format(
                    license_.replace("-", "--")
                ),
                LICENSE_URLS[license_],
                f"License: {license_}",
            )
        )
    if org:
        badges.append(
            (
                "https://img.shields.io/badge/github-{}%2F{}-lightgray.png"
                "?logo=github".format(org.replace("-", "--"), repo.replace("-", "--")),
                f"https://github.com/{org}/{repo}/tree/{branch}/{addon_name}",
                f"{org}/{repo}",
            )
        )
    if badges:
        parts.append(
            "".join(
                f".. |badge{i}| image:: {image}\n"
                f"    :target: {target}\n    :alt: {alt}\n"
                for i, (image, target, alt) in enumerate(badges, 1)
            )
            + "\n"
            + " ".join(f"|badge{i}|" for i in range(1, len(badges) + 1))
            + "\n"
        )
    parts.append(rst["DESCRIPTION"])
    parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    parts += [_section(title, rst[key]) for key, title in SECTIONS if key in rst]
    if org:
        issues = f"https://github.com/{org}/{repo}/issues"
        parts.append(
            _section(
                "Bug Tracker",
                f"Bugs are tracked on `GitHub Issues <{issues}>`_.\n"
                "In case of trouble, please check there if your issue has already "
                "been reported.\nIf you spotted it first, help us to smash it by "
                f"providing a detailed and welcomed\n`feedback <{issues}/new?body="
                f"module:%20{addon_name}%0Aversion:%20{branch}%0A%0A**Steps%20to"
                "%20reproduce**%0A-%20...%0A%0A**Current%20behavior**%0A%0A"
                "**Expected%20behavior**>`_.",
            )
        )
    credits = ["Credits\n=======\n"]
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        credits.append(_section("Authors", "".join(f"* {a}\n" for a in authors), "~"))
    credits += [
        _section(title, rst[key], "~") for key, title in CREDIT_SECTIONS if key in rst
    ]
    if org:
        credits.append(
            _section(
                "Maintainers",
                f"This module is part of the `{org}/{repo} <https://github.com/"
                f"{org}/{repo}/tree/{branch}/{addon_name}>`_ project on GitHub.\n\n"
                "You are welcome to contribute.",
                "~",
            )
        )
    parts.append("\n".join(credits))
    return "\n".join(parts)


def render_index(readme):
    """static/description/index.html from the README text, as OCA renders it
    (docutils' html4css1 writer). The generator meta tag, which names the
    docutils version, is left out so that the file does not change with it."""
    html = publish_string(
        source=readme,
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    )
    html = re.sub(r'<meta name="generator" content="Docutils [^"]*" />\n', "", html)
    return html


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "addon_dir",
        nargs="?",
        default=str(Path(__file__).resolve().parent.parent / "invoice_dispute"),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when README.rst or index.html is out of date",
    )
    args = parser.parse_args(argv)
    addon_dir = Path(args.addon_dir)
    readme = render_readme(addon_dir)
    outputs = {
        addon_dir / "README.rst": readme,
        addon_dir / "static" / "description" / "index.html": render_index(readme),
    }
    stale = [
        path
        for path, text in outputs.items()
        if not path.exists() or path.read_text("utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(
                f"{path} is out of date with {addon_dir}/readme/ and the manifest: "
                f"run python3 {GENERATED_BY}",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(outputs[path], "utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
