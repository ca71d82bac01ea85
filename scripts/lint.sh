#!/usr/bin/env bash
# OCA's quality gate, offline: ruff, ruff format, pylint-odoo, oca-checks,
# and the generated README.rst / index.html up to date with readme/.
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
exit $rc
