#!/usr/bin/env bash
# `make test`: Swift Testing unit tests, then every note as a test (loom test).
# Prints both parts' results and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit tests (swift test) =="
xunit=$(mktemp -d)/unit.xml
trap 'rm -f "$log"; rm -rf "$(dirname "$xunit")"' EXIT
swift test --xunit-output "$xunit" 2>&1 | tee "$log" | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Linking|Write|Planning)|^(Building|Compiling) '
unit_status=${PIPESTATUS[0]}
# Counted from Swift Testing's machine-readable report (JUnit XML), not from its human text.
report="${xunit%.xml}-swift-testing.xml"
attr() { local v; v=$(sed -nE "0,/<testsuite /s/.*<testsuite [^>]*\b$1=\"([0-9]+)\".*/\1/p" "$report" 2>/dev/null | head -1); echo "${v:-0}"; }
unit_total=$(attr tests)
unit_failed=$(( $(attr failures) + $(attr errors) ))
if [ "$unit_status" -ne 0 ] && [ "$unit_failed" -eq 0 ]; then unit_failed=1; fi   # a build failure is a failure
unit_passed=$(( unit_total > unit_failed ? unit_total - unit_failed : 0 ))
echo "unit tests: $unit_passed passed, $unit_failed failed"

echo "== notes (loom test) =="
# With no note named: every note, plus the note-format guide and the language-lab page (whose
# examples are tests too).
if [ $# -eq 0 ]; then set -- notes/*.md docs/note-format.md docs/language-lab.md; fi
# (Not `tee /dev/stderr`: when stderr is a file, reopening it truncates the log.)
notes_log=$(mktemp)
.build/debug/loom test "$@" | tee "$notes_log"
notes_status=${PIPESTATUS[0]}
notes_line=$(tail -1 "$notes_log")
rm -f "$notes_log"
notes_passed=$(echo "$notes_line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p')
notes_failed=$(echo "$notes_line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p')
if [ -z "$notes_passed" ]; then notes_passed=0; notes_failed=1; fi
echo "notes: $notes_passed passed, $notes_failed failed"

passed=$(( unit_passed + notes_passed ))
failed=$(( unit_failed + notes_failed ))
echo "$passed passed, $failed failed"
[ "$unit_status" -eq 0 ] && [ "$notes_status" -eq 0 ] && [ "$failed" -eq 0 ]
