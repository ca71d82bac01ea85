#!/usr/bin/env bash
# Run the whole test suite against real Odoo 18 and PostgreSQL:
#   lint, then a throwaway database with the addon installed and its tests run
#   (odoo --test-tags /invoice_dispute), then the end-to-end tests in tests/
#   through pytest-odoo, then the database is dropped.
# Usage: scripts/test.sh [--no-lint] [--keep] [pytest args...]
#   TEST_TAGS=/invoice_dispute:TestDispute scripts/test.sh --no-lint   (a subset)
#   FAKE_TODAY=2028-02-29 scripts/test.sh --no-lint   (Odoo and pytest see that
#       day as today, through libfaketime; PostgreSQL keeps the real clock)
# Every phase is bounded (ODOO_TIMEOUT, PYTEST_TIMEOUT seconds): a hung test
# fails the run with a message instead of hanging it. Prints each phase's
# duration at the end.
source "$(dirname "$0")/common.sh"

ODOO_TIMEOUT="${ODOO_TIMEOUT:-1800}"
PYTEST_TIMEOUT="${PYTEST_TIMEOUT:-600}"
PHASES=()
phase_start=$SECONDS
# phase_done NAME: record how long the phase that ends now took.
phase_done() {
    PHASES+=("$(printf '%-32s %5d s' "$1" $((SECONDS - phase_start)))")
    phase_start=$SECONDS
}
print_phases() {
    echo "phase durations:"
    printf '  %s\n' "${PHASES[@]}"
    printf '  %-32s %5d s\n' "total" "$SECONDS"
}

LINT=1
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --no-lint) LINT=0 ;;
        --keep) KEEP=1 ;;
        *) break ;;
    esac
    shift
done

check_odoo
check_postgres
install_requirements
ensure_chromium
ensure_libreoffice
ensure_wkhtmltopdf
CLOCK=()
if [ -n "${FAKE_TODAY:-}" ]; then
    ensure_faketime
    # The monotonic clock stays real: timed waits (thread joins, locks) work.
    export FAKETIME_DONT_FAKE_MONOTONIC=1
    CLOCK=(faketime -f "@$FAKE_TODAY 09:00:00")
    # Chromium does not start under libfaketime (and would be left running),
    # and Python's subprocess timeouts fail there (time.sleep: EINVAL): the
    # tests that start another program (browser tours, LibreOffice, the
    # XML-RPC server, pip building the wheel, Odoo creating the demo database)
    # run on the real clock only.
    TEST_TAGS="${TEST_TAGS:-/invoice_dispute},-/invoice_dispute:TestTours,-/invoice_dispute:TestManagementPack.test_libreoffice_converts"
    set -- --deselect tests/test_scenario_rpc.py::TestScenarioRpc::test_dispute_round_trip_over_xmlrpc \
        --deselect tests/test_wheel.py::test_wheel_builds_and_installs \
        --deselect tests/test_demo_database.py::test_demo_data_in_every_state "$@"
    echo "running with today = $FAKE_TODAY (libfaketime), without the tests that start another program"
fi
phase_done "setup (packages)"

failed=0
if [ "$LINT" = 1 ]; then
    if bash "$ROOT/scripts/lint.sh"; then echo "lint: no findings"; else echo "lint: FAILED"; failed=1; fi
    phase_done "lint"
fi

DB="${TEST_DB:-invoice_dispute_test_$$}"
WORK="$(mktemp -d)"
PORT="$(free_port)"

cleanup() {
    if [ "$KEEP" = 0 ]; then
        drop_db "$DB"
    else
        echo "kept database $DB"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The dependencies (account, mail, portal) are installed once in a template
# database; every run copies it and installs the addon itself from scratch.
new_db_from_deps "$DB" "$WORK" "$PORT"
ensure_demo_deps_db "$WORK" "$PORT"
phase_done "template databases"

echo "installing invoice_dispute on $DB and running its tests"
set +e
ODOO_PREFIX=(timeout --kill-after=30 "$ODOO_TIMEOUT" "${CLOCK[@]}")
odoo_cmd "$DB" -i invoice_dispute --test-enable --test-tags "${TEST_TAGS:-/invoice_dispute}" --without-demo=all \
    --stop-after-init --http-port="$PORT" --log-level=info >"$WORK/odoo.log" 2>&1
odoo_rc=$?
set -e
ODOO_PREFIX=()
if [ "$odoo_rc" = 124 ] || [ "$odoo_rc" = 137 ]; then
    echo "ERROR: the Odoo tests did not finish within $ODOO_TIMEOUT s and were stopped; last test started:"
    grep -E ': Starting ' "$WORK/odoo.log" | tail -n1 || true
fi
grep -E '(ERROR|CRITICAL|FAIL:|^Traceback)' -A30 "$WORK/odoo.log" | head -n 400 || true
summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$WORK/odoo.log" | tail -n1 || true)
errors_logged=$(grep -cE ' (ERROR|CRITICAL) ' "$WORK/odoo.log" || true)
if [ -z "$summary" ]; then
    tail -n 40 "$WORK/odoo.log"
    echo "odoo tests: no test report (install failed?)"
    odoo_failed=1
    odoo_passed=0
else
    read -r f e n < <(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"$summary")
    odoo_skipped=$(grep -cE 'INFO .* skipped .* : ' "$WORK/odoo.log" || true)
    odoo_failed=$((f + e))
    odoo_passed=$((n - odoo_failed - odoo_skipped))
    echo "odoo tests: $summary, $odoo_skipped skipped"
    grep -E 'INFO .* skipped .* : ' "$WORK/odoo.log" | sed -E 's/.*INFO [^ ]+ [^ ]+: /  skipped: /' || true
fi
if [ "$odoo_rc" != 0 ] || [ "$odoo_failed" != 0 ] || [ "${errors_logged:-0}" != 0 ]; then
    [ "$odoo_failed" = 0 ] && odoo_failed=1
    failed=1
fi
phase_done "install + Odoo tests"

echo "running the end-to-end tests in tests/ with pytest-odoo"
cat >"$WORK/odoo.conf" <<CONF
[options]
addons_path = $ODOO_ADDONS,$ROOT${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${PGPASSWORD:-False}
http_port = $PORT
test_enable = True
CONF
set +e
(cd "$ROOT" && timeout --kill-after=30 "$PYTEST_TIMEOUT" "${CLOCK[@]}" "$PYTHON" -m pytest -p no:cacheprovider \
    --odoo-database="$DB" --odoo-config="$WORK/odoo.conf" --odoo-log-level=warn -q tests "$@") >"$WORK/pytest.log" 2>&1
py_rc=$?
set -e
if [ "$py_rc" = 124 ] || [ "$py_rc" = 137 ]; then
    echo "ERROR: pytest did not finish within $PYTEST_TIMEOUT s and was stopped"
fi
# pytest-odoo imports Odoo's test framework before reading the configuration,
# which makes Odoo log a harmless "Importing test framework" stack: leave it out.
awk '/Importing test framework/ {skip = 1; next} skip && /^(  |Stack|Traceback)/ {next} {skip = 0; print}' \
    "$WORK/pytest.log" | tail -n 40
py_passed=$( (grep -oE '[0-9]+ passed' "$WORK/pytest.log" || echo 0) | tail -n1 | grep -oE '[0-9]+')
py_failed=$( (grep -oE '[0-9]+ (failed|errors?)' "$WORK/pytest.log" || true) | awk '{s += $1} END {print s + 0}')
if [ "$py_rc" != 0 ]; then
    failed=1
    [ "${py_failed:-0}" = 0 ] && py_failed=1
fi
phase_done "pytest (tests/)"

echo
print_phases
echo
echo "odoo: $odoo_passed passed, $odoo_failed failed, ${odoo_skipped:-0} skipped"
echo "pytest: $py_passed passed, ${py_failed:-0} failed"
echo "total: $((odoo_passed + py_passed)) passed, $((odoo_failed + ${py_failed:-0})) failed"
if [ "$failed" != 0 ]; then
    echo "TESTS FAILED"
    exit 1
fi
echo "ALL TESTS PASSED"
