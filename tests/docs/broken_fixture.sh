#!/usr/bin/env bash
# The docs runner must fail on a broken runnable block: run it on fixtures/broken.md (one good
# block, one with a stale path, one unmarked block that would fail) and check its verdicts.
set -u
runner=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$("$runner" --build "$build" "$here/fixtures/broken.md" 2>&1)
rc=$?
echo "$out"
fail=0
check() { grep -Eq "$1" <<<"$out" || { echo "FAIL: the runner's output lacks /$1/"; fail=1; }; }
[ "$rc" -eq 1 ] || { echo "FAIL: the runner exited $rc on a broken block, wanted 1"; fail=1; }
check '^tests/docs/fixtures/broken\.md:5 PASS'
check '^tests/docs/fixtures/broken\.md:13 FAIL \(exit 127'
check 'build-prov/bin/pqcea: No such file or directory'
check '^doc blocks: 1 passed, 1 failed$'
[ "$fail" -eq 0 ] && echo "PASS: the broken block was reported and failed the run"
exit "$fail"
