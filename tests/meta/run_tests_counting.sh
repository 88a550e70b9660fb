#!/usr/bin/env bash
# Usage: run_tests_counting.sh SOURCE_DIR CMAKE
# Builds a throwaway CTest project in a temp folder and runs `scripts/run-tests --suite` on it with
# and without CI=true, checking exit status and the closing "make test: ..." line each time.
set -u
src=$1
cmake=$2
# run-tests without --suite would run the whole real suite from inside this test: refuse.
grep -q -- '--suite' "$src/scripts/run-tests" || { echo "FAIL: scripts/run-tests has no --suite mode"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
empty=$work/empty            # stands for a checkout without ../shared/vectors and without peers
mkdir -p "$empty" "$work/proj"

cat > "$work/proj/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(meta NONE)
enable_testing()
add_test(NAME passes COMMAND true)
# The real vector guard, as tests/CMakeLists.txt's pqcea_acvp_test registers it.
add_test(NAME acvp_vectors_missing COMMAND env PQCEA_VECTORS=$empty
         $src/scripts/acvp-test /bin/false $empty/acvp/SHA3-256-2.0)
set_tests_properties(acvp_vectors_missing PROPERTIES SKIP_RETURN_CODE 77)
# The real npm-peer guard, as tests/falcon registers it; the peers folder is empty.
add_test(NAME falcon_peer_missing COMMAND env PQCEA_PEERS_DIR=$empty
         $src/tests/falcon/falcon_crypto_crosscheck.sh /bin/false)
set_tests_properties(falcon_peer_missing PROPERTIES SKIP_RETURN_CODE 77)
# GTEST_SKIP as gtest_discover_tests reports it.
add_test(NAME gtest_skip COMMAND echo "[  SKIPPED ] Store.Postgres (PostgreSQL is not installed)")
set_tests_properties(gtest_skip PROPERTIES SKIP_REGULAR_EXPRESSION "\\\\[  SKIPPED \\\\]")
# Tests that do not run for other reasons: each must be a failure.
add_test(NAME not_built COMMAND $work/no-such-test-program)
add_test(NAME disabled COMMAND true)
set_tests_properties(disabled PROPERTIES DISABLED TRUE)
add_test(NAME fails COMMAND false)
CMAKE
"$cmake" -S "$work/proj" -B "$work/build" -G Ninja > "$work/configure.log" 2>&1 ||
  { echo "FAIL: configuring the throwaway project"; cat "$work/configure.log"; exit 1; }

bad=0
# check WANT_RC(0|nonzero) WANT_LAST_LINE WANT_IN_OUTPUT CI_VALUE CTEST_ARGS...
check() {
  local want_rc=$1 want_last=$2 want_text=$3 ci=$4; shift 4
  local out rc last
  if [ -n "$ci" ]; then
    out=$(cd "$src" && CI=$ci JOBS=2 scripts/run-tests --suite meta "$work/build" "$@" 2>&1)
  else
    out=$(cd "$src" && env -u CI JOBS=2 scripts/run-tests --suite meta "$work/build" "$@" 2>&1)
  fi
  rc=$?
  last=$(tail -1 <<<"$out")
  local what="CI=${ci:-unset} ctest $*"
  if { [ "$want_rc" = 0 ] && [ "$rc" -ne 0 ]; } || { [ "$want_rc" != 0 ] && [ "$rc" -eq 0 ]; }; then
    echo "FAIL: $what: exit $rc, wanted $want_rc"; bad=1
  elif [ "$last" != "$want_last" ]; then
    echo "FAIL: $what: closing line '$last', wanted '$want_last'"; bad=1
  elif [ -n "$want_text" ] && ! grep -qF -- "$want_text" <<<"$out"; then
    echo "FAIL: $what: output lacks '$want_text'"; bad=1
  else
    echo "ok: $what -> exit $rc, '$last'"
    return 0
  fi
  echo "----- output"; echo "$out"; echo "-----"
}

skips='^(passes|acvp_vectors_missing|falcon_peer_missing|gtest_skip)$'
# A missing vector folder or peer is a skip, never a pass...
check 0 "make test: 1 passed, 0 failed, 3 skipped" "meta: falcon_peer_missing" "" -R "$skips"
# ...and under CI=true the run fails, naming the skipped tests.
check nonzero "make test: 1 passed, 0 failed, 3 skipped" "meta: acvp_vectors_missing" true -R "$skips"
check nonzero "make test: 0 passed, 0 failed, 1 skipped" "CI=true: skipped tests fail the run" true \
  -R '^falcon_peer_missing$'
# The guards print why they skipped.
check nonzero "make test: 0 passed, 0 failed, 1 skipped" "SKIP: vector folder $empty/acvp/SHA3-256-2.0 is absent" \
  true -R '^acvp_vectors_missing$' -V
# A missing executable and a disabled test are failures, with or without CI.
check nonzero "make test: 1 passed, 2 failed, 0 skipped" "" "" -R '^(passes|not_built|disabled)$'
check nonzero "make test: 0 passed, 1 failed, 0 skipped" "" "" -R '^fails$'
# A suite that runs nothing (a filter matching no test, a missing build folder) is a failure.
check nonzero "make test: 0 passed, 1 failed, 0 skipped" "no tests ran" "" -R '^no_such_test$'
check 0 "make test: 1 passed, 0 failed, 0 skipped" "" true -R '^passes$'
out=$(cd "$src" && scripts/run-tests --suite meta "$work/no-build-folder" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] || [ "$(tail -1 <<<"$out")" != "make test: 0 passed, 1 failed, 0 skipped" ]; then
  echo "FAIL: a missing build folder: exit $rc"; echo "$out"; bad=1
else
  echo "ok: a missing build folder -> exit $rc, '$(tail -1 <<<"$out")'"
fi
exit $bad
