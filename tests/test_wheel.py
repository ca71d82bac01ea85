"""The addon is packaged as OCA publishes addons: ``invoice_dispute/pyproject.toml``
builds it with whool into the wheel ``odoo-addon-invoice_dispute``, which
installs the addon under ``odoo/addons/invoice_dispute`` with every file the
manifest loads.

The wheel is built and installed (``pip install --no-deps --target``) into a
throwaway folder; both steps run without network (whool comes from
requirements.txt, hence ``--no-build-isolation``) and under a timeout.
"""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "invoice_dispute"
TIMEOUT = 180  # seconds for each pip command; building takes a few seconds


def _pip(*args, cwd):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"pip {args[0]} failed:\n{result.stderr[-3000:]}"
    return result


def _git_files():
    """The addon's files under version control (what whool packs), relative
    to the addon folder."""
    out = subprocess.run(
        ["git", "ls-files", "-z"],
        cwd=ADDON,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return {name for name in out.split("\0") if name}


def test_wheel_builds_and_installs(tmp_path):
    wheels = tmp_path / "wheels"
    _pip(
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        str(wheels),
        str(ADDON),
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("*.whl")
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text("utf-8"))
    assert wheel.name.startswith(f"odoo_addon_invoice_dispute-{manifest['version']}")
    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        ]
        metadata = archive.read(metadata_name).decode()
    assert "Name: odoo-addon-invoice_dispute" in metadata
    assert "Requires-Dist: odoo==18.0.*" in metadata
    for library in manifest["external_dependencies"]["python"]:
        assert f"Requires-Dist: {library}" in metadata
    # The generated README is the package's description.
    assert "Invoice Disputes and Collections\n" in metadata

    target = tmp_path / "site"
    _pip(
        "install",
        "--no-deps",
        "--no-index",
        "--target",
        str(target),
        str(wheel),
        cwd=tmp_path,
    )
    installed = target / "odoo" / "addons" / "invoice_dispute"
    assert (
        ast.literal_eval((installed / "__manifest__.py").read_text("utf-8")) == manifest
    )
    # Every file under version control is installed (but the build file), and
    # nothing else: no caches, no untracked files.
    files = {
        str(path.relative_to(installed))
        for path in installed.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert files == _git_files() - {"pyproject.toml"}
    # What Odoo loads from the manifest is there: data, demo, assets.
    loaded = list(manifest["data"]) + list(manifest.get("demo", []))
    for name in loaded:
        assert (installed / name).is_file(), f"{name} (manifest) is not in the wheel"
    for bundle in manifest["assets"].values():
        for pattern in bundle:
            matches = list(target.joinpath("odoo", "addons").glob(pattern))
            assert matches, f"{pattern} (assets) matches no file in the wheel"
    for lang in ("nl", "sk", "sv"):
        assert (installed / "i18n" / f"{lang}.po").is_file()
    assert (installed / "i18n" / "invoice_dispute.pot").is_file()
    assert (installed / "static" / "description" / "index.html").is_file()
    assert (installed / "static" / "description" / "icon.png").is_file()
