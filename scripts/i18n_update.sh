#!/usr/bin/env bash
# Refresh the addon's translations:
#   a throwaway database (copy of the dependencies' template) gets invoice_dispute
#   installed, the template i18n/invoice_dispute.pot is exported from it and merged
#   into i18n/<lang>.po (new terms added untranslated, obsolete ones dropped,
#   existing translations kept); the database is dropped and the number of
#   untranslated terms per language is printed. Exits 1 if any term is left
#   untranslated (the files are written all the same).
# Usage: scripts/i18n_update.sh [LANG...]   (default: nl sk sv)
source "$(dirname "$0")/common.sh"

LANGS=("$@")
[ ${#LANGS[@]} -gt 0 ] || LANGS=(nl sk sv)
I18N="$ROOT/invoice_dispute/i18n"

check_odoo
check_postgres
"$PYTHON" -c 'import polib' 2>/dev/null || die "the Python package polib is missing (pip install polib)"

DB="invoice_dispute_i18n_$$"
WORK="$(mktemp -d)"
PORT="$(free_port)"
cleanup() {
    drop_db "$DB"
    rm -rf "$WORK"
}
trap cleanup EXIT

new_db_from_deps "$DB" "$WORK" "$PORT"
echo "installing invoice_dispute on $DB"
odoo_cmd "$DB" -i invoice_dispute --without-demo=all --stop-after-init --http-port="$PORT" \
    --log-level=warn >"$WORK/install.log" 2>&1 ||
    { tail -n 50 "$WORK/install.log"; die "could not install invoice_dispute"; }
echo "exporting invoice_dispute.pot"
odoo_cmd "$DB" --i18n-export="$WORK/invoice_dispute.pot" --modules=invoice_dispute \
    --http-port="$PORT" --log-level=warn >"$WORK/export.log" 2>&1 ||
    { tail -n 50 "$WORK/export.log"; die "could not export the translation template"; }
mkdir -p "$I18N"
echo "merging into ${LANGS[*]}"
"$PYTHON" "$ROOT/scripts/i18n_update.py" "$WORK/invoice_dispute.pot" "$I18N" "${LANGS[@]}"
