#!/usr/bin/env bash
# Try invoice_dispute in one command, on Odoo 18 and PostgreSQL:
#   creates the database invoice_dispute_demo (once) with the addon, Odoo's demo
#   data (log in as admin / admin) and the languages nl_NL, sk_SK, sv_SE; adds
#   customers, invoices, payments and disputes in every state
#   (scripts/generate_data.py --demo; collector user: collector / collector);
#   then serves Odoo on http://127.0.0.1:8069 until Ctrl+C.
# Usage: scripts/demo.sh [--reset]     (--reset drops and recreates the database)
#   DEMO_DB=name       another database name
#   DEMO_PORT=8070     another HTTP port
# Outgoing mail (reminders, acknowledgements...) goes to a local SMTP catcher
# (aiosmtpd) that keeps every message as a file in a Maildir folder
# (DEMO_MAILDIR, default /tmp/invoice_dispute_mail_<database>), so that
# reminders are sent and their customers' pages open; DEMO_SMTP_PORT sets its
# port (default: the HTTP port + 1000). A mail server configured in the
# database's settings takes precedence.
source "$(dirname "$0")/common.sh"

DB="${DEMO_DB:-invoice_dispute_demo}"
PORT="${DEMO_PORT:-8069}"
RESET=0
for arg in "$@"; do
    case "$arg" in
        --reset) RESET=1 ;;
        -h | --help)
            sed -n '2,16p' "$0"
            exit 0
            ;;
        *) die "unknown option '$arg' (usage: scripts/demo.sh [--reset])" ;;
    esac
done

check_odoo
check_postgres
install_requirements

FILESTORE="$("$PYTHON" -c 'from odoo.tools import config; print(config.filestore(""))')"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

# The SMTP catcher runs from the start: the demo data sends mail while it is
# created (acknowledgements, proposals, plan schedules).
SMTP_PORT="${DEMO_SMTP_PORT:-$((PORT + 1000))}"
MAILDIR="${DEMO_MAILDIR:-/tmp/invoice_dispute_mail_$DB}"
mkdir -p "$MAILDIR"/{cur,new,tmp}  # a Maildir
"$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" &
SMTP_PID=$!
trap 'kill "$SMTP_PID" 2>/dev/null; rm -f "$LOG"' EXIT
SMTP=(--smtp=127.0.0.1 --smtp-port="$SMTP_PORT")

if [ "$RESET" = 1 ] && db_exists "$DB"; then
    echo "dropping the database $DB"
    dropdb "$DB"
    rm -rf "${FILESTORE:?}/$DB"
fi

if ! db_exists "$DB"; then
    echo "creating $DB with invoice_dispute, Odoo's demo data and nl_NL, sk_SK, sv_SE (a few minutes)"
    if ! odoo_cmd "$DB" -i invoice_dispute --load-language=nl_NL,sk_SK,sv_SE \
        --stop-after-init --log-level=warn --http-port="$PORT" "${SMTP[@]}" >"$LOG" 2>&1; then
        tail -n 40 "$LOG"
        dropdb --if-exists "$DB"
        die "could not create $DB"
    fi
else
    echo "updating invoice_dispute in $DB to this checkout"
    odoo_cmd "$DB" -u invoice_dispute --stop-after-init --log-level=warn --http-port="$PORT" \
        "${SMTP[@]}" >"$LOG" 2>&1 || { tail -n 40 "$LOG"; die "could not update invoice_dispute in $DB"; }
fi

# The addon's own demo data (its manifest's demo files) came with the install;
# the generator adds the larger demo set and the collector user once.
has_generated=$(psql -d "$DB" -Atc "SELECT EXISTS (SELECT 1 FROM res_users WHERE login = 'collector')" 2>/dev/null || echo f)
if [ "$has_generated" != "t" ]; then
    echo "adding demo customers, invoices, payments and disputes"
    "$PYTHON" "$ROOT/scripts/generate_data.py" --db "$DB" --demo --smtp-port "$SMTP_PORT" \
        --db-host "$PGHOST" --db-port "$PGPORT" --db-user "$PGUSER" \
        ${PGPASSWORD:+--db-password "$PGPASSWORD"} \
        --addons-path "$ODOO_ADDONS,$ROOT${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}" ||
        die "could not generate the demo data in $DB"
fi


cat <<EOF

invoice_dispute demo on http://127.0.0.1:$PORT (database $DB)
  log in as admin / admin (manager) or collector / collector (collector)
  emails sent to customers are kept in $MAILDIR/new (one file per message)
  stop with Ctrl+C; start again with scripts/demo.sh, start over with --reset

EOF
odoo_cmd "$DB" --http-interface=127.0.0.1 --http-port="$PORT" "${SMTP[@]}"
