#!/usr/bin/env bash
# Runs Debian's /usr/bin/openssl with the AddressSanitizer runtime preloaded, so that an ASan/UBSan
# build of pqcea.so (PQCEA_SANITIZE=ON) can be loaded into it. Leak checking is off: the openssl
# CLI itself does not free everything at exit; the in-process KEM test runs with it on.
export LD_PRELOAD=${PQCEA_ASAN_PRELOAD:?}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
exec /usr/bin/openssl "$@"
