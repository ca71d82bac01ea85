"""What the benchmark scripts share: their database options and the registry.

The scripts run as ``python3 tests/benchmarks/NAME.py``, so this folder is on
``sys.path`` and they import this module as ``bench_common``.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def add_database_arguments(parser):
    """``--db`` and the connection and addons options of every script; the
    host and user default to PGHOST/PGUSER, as scripts/common.sh does."""
    parser.add_argument("--db", required=True, help="database with invoice_dispute")
    parser.add_argument("--db_host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--db_port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--db_user", default=os.environ.get("PGUSER", "root"))
    parser.add_argument(
        "--addons-path", help="default: Odoo's addons and this checkout's"
    )


def open_registry(args):
    """Configure Odoo from the options of ``add_database_arguments`` and
    return the registry of ``args.db``."""
    import odoo

    addons_path = args.addons_path or ",".join(
        [
            str(Path(odoo.__path__[0]).parent / "addons"),
            str(Path(odoo.__path__[0]) / "addons"),
            str(ROOT),
        ]
    )
    odoo.tools.config.parse_config(
        [
            f"--db_host={args.db_host}",
            f"--db_port={args.db_port}",
            f"--db_user={args.db_user}",
            f"--addons-path={addons_path}",
            "--log-level=warn",
        ]
    )
    return odoo.modules.registry.Registry(args.db)


def admin_env(cr):
    """The administrator's environment on ``cr``, not the superuser's:
    record rules apply, as for a user."""
    from odoo import SUPERUSER_ID, api

    env = api.Environment(cr, SUPERUSER_ID, {})
    return env(user=env.ref("base.user_admin"), su=False)
