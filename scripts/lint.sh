#!/usr/bin/env bash
# OCA's quality gate, offline: ruff, ruff format, pylint-odoo, oca-checks,
# ESLint on the addon's JavaScript (the browser tours), and the generated
# README.rst / index.html up to date with readme/.
# ESLint and its plugins are pinned in package.json / package-lock.json and
# installed once into ./node_modules (npm ci); later runs need no network.
# Exits non-zero on any finding.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
rc=0
"$PYTHON" -m ruff check --quiet invoice_dispute tests scripts || rc=1
"$PYTHON" -m ruff format --check --quiet invoice_dispute tests scripts || rc=1
"$PYTHON" -m pylint --rcfile=.pylintrc invoice_dispute || rc=1
oca-checks-odoo-module --no-verbose invoice_dispute || rc=1
mapfile -t po_files < <(find invoice_dispute/i18n -name '*.po' -o -name '*.pot')
[ ${#po_files[@]} -eq 0 ] || oca-checks-po --no-verbose "${po_files[@]}" || rc=1
"$PYTHON" scripts/gen_readme.py --check invoice_dispute || rc=1

# ensure_eslint: node_modules/.bin/eslint at the versions of package-lock.json
# (installed when missing or installed from another lock file). Never skipped: without
# Node.js the lint fails and says what to install.
ensure_eslint() {
    if ! command -v npm >/dev/null 2>&1; then
        apt_install npm || {
            echo "ERROR: ESLint needs Node.js and npm: install Debian's 'npm' package (see /tmp/invoice_dispute_npm.log)" >&2
            return 1
        }
    fi
    if [ -x node_modules/.bin/eslint ] && cmp -s package-lock.json node_modules/.installed-lock.json; then
        return 0
    fi
    echo "installing ESLint into $ROOT/node_modules (npm ci, once)"
    timeout --kill-after=10 300 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
        >/tmp/invoice_dispute_npm_ci.log 2>&1 || {
        tail -n 20 /tmp/invoice_dispute_npm_ci.log >&2
        echo "ERROR: could not install ESLint (npm ci); see /tmp/invoice_dispute_npm_ci.log" >&2
        return 1
    }
    cp package-lock.json node_modules/.installed-lock.json
}
if ensure_eslint; then
    node_modules/.bin/eslint --max-warnings=0 invoice_dispute/static || rc=1
else
    rc=1
fi
exit $rc
