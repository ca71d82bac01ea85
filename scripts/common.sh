#!/usr/bin/env bash
# Shared settings and checks for the project's commands. Sourced, not run.
# Override with environment variables: PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PYTHON (the interpreter that imports Odoo 18), ODOO_ADDONS_PATH (extra paths).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-$(id -un)}"
[ "$PGUSER" = "postgres" ] && PGUSER=root  # Odoo refuses to run as postgres
export PGPASSWORD="${PGPASSWORD:-}"
ODOO_PREFIX=()

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 2
}

check_odoo() {
    local out
    if ! out=$("$PYTHON" -c 'import odoo, sys; v = odoo.release.version_info; print(odoo.__path__[0]); sys.exit(0 if v[0] == 18 else 3)' 2>&1); then
        die "Odoo 18 cannot be imported by '$PYTHON' ($out).
Install Odoo 18.0 Community from source (pip install -e <odoo checkout>) so that
'$PYTHON -c \"import odoo\"' works, or set PYTHON=/path/to/python of an environment that has it."
    fi
    ODOO_PATH="$(dirname "$(tail -n1 <<<"$out")")"
    ODOO_ADDONS="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons"
}

check_postgres() {
    if ! "$PYTHON" - <<'PY' 2>/tmp/invoice_dispute_pg.err
import os, psycopg2
psycopg2.connect(dbname="postgres", host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                 user=os.environ["PGUSER"], password=os.environ.get("PGPASSWORD") or None,
                 connect_timeout=5).close()
PY
    then
        die "PostgreSQL does not answer on $PGHOST:$PGPORT as role '$PGUSER': $(tail -n1 /tmp/invoice_dispute_pg.err)
Start PostgreSQL or point the commands elsewhere with PGHOST, PGPORT, PGUSER and PGPASSWORD."
    fi
}

install_requirements() {
    "$PYTHON" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt" >/dev/null 2>&1 ||
        "$PYTHON" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt" ||
        die "could not install the Python packages listed in requirements.txt"
}

# odoo_cmd DB [odoo options...]: run Odoo's server command on DB (behind the
# words of the array ODOO_PREFIX when set, e.g. a timeout).
odoo_cmd() {
    local db="$1"
    shift
    "${ODOO_PREFIX[@]}" "$PYTHON" -m odoo --addons-path="$ODOO_ADDONS,$ROOT${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" ${PGPASSWORD:+--db_password="$PGPASSWORD"} \
        -d "$db" --db-filter="^$db\$" "$@"
}

db_exists() {
    [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]
}

# Install Debian package $1 (log in /tmp/invoice_dispute_$1.log) when running
# as root with apt; returns non-zero when that is not possible or fails.
apt_install() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    echo "installing Debian's $1"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } \
        >"/tmp/invoice_dispute_$1.log" 2>&1
}

# Browser tours need Chromium: install Debian's package when it is missing.
ensure_chromium() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$bin" >/dev/null 2>&1 && return 0
    done
    apt_install chromium ||
        die "Chromium is needed for the browser tours: install the 'chromium' package (or google-chrome); see /tmp/invoice_dispute_chromium.log"
}

# LibreOffice checks that the XLSX pack opens in another spreadsheet program;
# without it that one test is skipped (with its reason), nothing fails.
ensure_libreoffice() {
    command -v libreoffice >/dev/null 2>&1 || command -v soffice >/dev/null 2>&1 && return 0
    apt_install libreoffice-calc-nogui ||
        echo "warning: LibreOffice not installed (see /tmp/invoice_dispute_libreoffice-calc-nogui.log): its XLSX check is skipped" >&2
}

# wkhtmltopdf prints the call sheet as a PDF; without it that one test is
# skipped (with its reason), nothing fails.
ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null 2>&1 && return 0
    apt_install wkhtmltopdf ||
        echo "warning: wkhtmltopdf not installed (see /tmp/invoice_dispute_wkhtmltopdf.log): the call sheet PDF test is skipped" >&2
}

# FAKE_TODAY runs the tests on another day: libfaketime (Debian's faketime).
ensure_faketime() {
    command -v faketime >/dev/null 2>&1 && return 0
    apt_install faketime ||
        die "FAKE_TODAY needs libfaketime: install the Debian package 'faketime'; see /tmp/invoice_dispute_faketime.log"
}

# The modules the addon depends on, comma-separated, read from its manifest.
deps_modules() {
    "$PYTHON" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' \
        "$ROOT/invoice_dispute/__manifest__.py"
}

# Name of the template database holding the dependencies (the manifest's
# depends): invoice_dispute_deps_<serie>_<short hash of the module list>, so
# that a change of the dependencies makes a new template while runs of other
# branches keep using theirs.
deps_db_name() {
    if [ -n "${DEPS_DB:-}" ]; then
        echo "$DEPS_DB"
        return
    fi
    "$PYTHON" -c 'import hashlib, sys, odoo; mods = ",".join(sorted(sys.argv[1].split(","))); print("invoice_dispute_deps_%s_%s" % (odoo.release.serie.replace(".", ""), hashlib.sha1(mods.encode()).hexdigest()[:8]))' \
        "$(deps_modules)"
}

# Odoo's filestore root (one folder per database).
filestore_root() {
    "$PYTHON" -c 'from odoo.tools import config; print(config.filestore(""))'
}

# A free TCP port, so that parallel runs do not fight over 8069.
free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# new_db_from_deps DB WORKDIR PORT: (re)create DB as a copy of the template
# database with the dependencies (the manifest's depends) installed, creating
# the template first if it does not exist yet (once; logged to WORKDIR/deps.log).
new_db_from_deps() {
    local db="$1" work="$2" port="$3" deps_db deps filestore
    deps="$(deps_modules)"
    deps_db="$(deps_db_name)"
    filestore="$(filestore_root)"
    exec 9>"/tmp/$deps_db.lock"
    flock 9
    if ! db_exists "$deps_db"; then
        echo "creating the template database $deps_db ($deps; once)"
        odoo_cmd "$deps_db" -i "$deps" --without-demo=all --stop-after-init \
            --log-level=warn --http-port="$port" >"$work/deps.log" 2>&1 ||
            { tail -n 50 "$work/deps.log"; dropdb --if-exists "$deps_db"; die "could not create $deps_db"; }
    fi
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    createdb -T "$deps_db" "$db"
    mkdir -p "$filestore"
    rm -rf "${filestore:?}/$db"
    [ -d "$filestore/$deps_db" ] && cp -r "$filestore/$deps_db" "$filestore/$db"
    flock -u 9
    exec 9>&-
}

# ensure_demo_deps_db WORKDIR PORT: the template database with the
# dependencies (the manifest's depends) installed WITH Odoo's demo data, created
# when missing (once; logged to WORKDIR/demo_deps.log); exported as DEMO_DEPS_DB
# for tests/test_demo_database.py, which installs the addon with its demo data
# on a copy of it.
ensure_demo_deps_db() {
    local work="$1" port="$2" deps
    deps="$(deps_modules)"
    DEMO_DEPS_DB="$(deps_db_name)_demo"
    export DEMO_DEPS_DB
    exec 9>"/tmp/$DEMO_DEPS_DB.lock"
    flock 9
    if ! db_exists "$DEMO_DEPS_DB"; then
        echo "creating the template database $DEMO_DEPS_DB ($deps with demo data; once)"
        odoo_cmd "$DEMO_DEPS_DB" -i "$deps" --stop-after-init \
            --log-level=warn --http-port="$port" >"$work/demo_deps.log" 2>&1 ||
            { tail -n 50 "$work/demo_deps.log"; drop_db "$DEMO_DEPS_DB"; die "could not create $DEMO_DEPS_DB"; }
    fi
    flock -u 9
    exec 9>&-
}

# drop_db DB: drop a throwaway database and its filestore.
drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    rm -rf "$(filestore_root)/${1:?}"
}
