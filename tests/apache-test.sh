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
cors_apache_test_run "$CORS_ROOT" "$build"
