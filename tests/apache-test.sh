#!/usr/bin/env bash
# The Apache::Test part of `make check`: runs t/TEST on the built module
# (as an unprivileged user when run as root; see scripts/lib.sh).
# Exit status for automake: 0 pass, 1 fail, 77 skip (Apache::Test missing).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib.sh
. "$here/../scripts/lib.sh"

# `make check` runs this from the build directory, which differs from the
# source directory in a VPATH build (make distcheck).
build=$PWD
[ -f "$build/.libs/mod_cors.so" ] || build=$CORS_ROOT

CORS_LOGDIR=$build/test-logs  # read by cors_apache_test_run

# A module built with ./configure --enable-asan needs httpd started with
# the sanitizer runtimes preloaded (t/asan-httpd); a report fails the run.
if grep -q '^SANITIZER_CFLAGS = -fsanitize' "$build/Makefile" 2>/dev/null; then
    export CORS_HTTPD_WRAPPER=t/asan-httpd
fi
cors_apache_test_run "$CORS_ROOT" "$build"
rc=$?
if [ -n "${CORS_HTTPD_WRAPPER:-}" ] && [ "$rc" -ne 77 ]; then
    problems=$(cors_server_problems apache-test)
    if [ -n "$problems" ]; then
        printf '%s\n' "$problems"
        exit 1
    fi
fi
exit "$rc"
