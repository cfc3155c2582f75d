# shellcheck shell=bash
# Shared by scripts/test, scripts/demo, scripts/test-package,
# tests/apache-test.sh and tests/soak/run: package check, build, running
# the Apache::Test suite as an unprivileged user, and counting TAP results. Source it from bash; it defines functions only
# (and sets CORS_ROOT).

# The repository root: the parent of the directory holding this file.
CORS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# Debian packages the build, the tests and the demo need.
CORS_PACKAGES=(apache2 apache2-dev libapache2-mod-perl2 libwww-perl
               libpcre2-dev libpsl-dev publicsuffix autoconf automake
               libtool pkg-config make gcc curl rsync libcurl4-openssl-dev)

# What the browser suite (t/browser/*.t) adds: Debian's Chromium and its
# WebDriver server. Only scripts/test installs them.
CORS_BROWSER_PACKAGES=(chromium chromium-driver)

# Where scripts/test and tests/apache-test.sh leave logs for later reading.
CORS_LOGDIR="$CORS_ROOT/test-logs"

cors_section()
{
    printf '\n==== %s ====\n' "$*"
}

cors_is_root()
{
    [ "$(id -u)" -eq 0 ]
}

# True when something listens on 127.0.0.1:PORT.
cors_port_in_use()
{
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a base port for Apache::Test with the N ports above it free too
# (every <VirtualHost> in t/conf gets its own port): the default 8529 when
# free, so that a suite already running elsewhere on this machine (another
# checkout) does not make this run fail.
cors_apache_test_port()
{
    local need=$1 base p busy
    for base in 8529 10529 12529 14529 16529 18529 20529 22529 24529 26529; do
        busy=0
        for ((p = base; p <= base + need; p++)); do
            if cors_port_in_use "$p"; then
                busy=1
                break
            fi
        done
        [ "$busy" -eq 0 ] && { echo "$base"; return 0; }
    done
    echo 8529
}

cors_apxs()
{
    command -v apxs || command -v apxs2 || echo /usr/bin/apxs
}

# cors_ensure_packages [EXTRA_PACKAGE...]
# Installs the missing Debian packages (CORS_PACKAGES and the extra ones)
# when root; otherwise prints the command to run and fails. On a system
# without dpkg, only warns. The services of the packages it installs
# (apache2, nginx) are left stopped: the tests run servers of their own on
# loopback, and the system's would listen on port 80 of every interface.
cors_ensure_packages()
{
    local missing=() p wanted=("${CORS_PACKAGES[@]}" "$@")
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "Not a Debian-based system: make sure the equivalents of these are installed:"
        echo "  ${wanted[*]}"
        return 0
    fi
    for p in "${wanted[@]}"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "All needed packages are installed."
        return 0
    fi
    echo "Missing packages: ${missing[*]}"
    if ! cors_is_root; then
        echo "Install them first (or run this script as root), then run it again:"
        echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
        if [[ " $* " == *" chromium "* ]]; then
            echo "(scripts/test --no-browser runs without: ${CORS_BROWSER_PACKAGES[*]})"
        fi
        return 1
    fi
    # `|| true`: a stale mirror in the sources list must not stop an install
    # that the cached lists can still satisfy.
    apt-get -q update || echo "warning: apt-get update failed; trying the install anyway"
    # Debian's way to keep maintainer scripts from starting services: a
    # policy-rc.d that says no (invoke-rc.d and deb-systemd-invoke ask it).
    # One already there (containers have one) is left as it is.
    local policy=/usr/sbin/policy-rc.d created=0 status
    if [ ! -e "$policy" ] && printf '#!/bin/sh\n# mod_cors scripts/lib.sh: no service starts while it installs packages\nexit 101\n' >"$policy"; then
        chmod 755 "$policy"
        created=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}" </dev/null
    status=$?
    [ "$created" -eq 1 ] && rm -f "$policy"
    return "$status"
}

# autoreconf when configure is missing or stale, configure when there is no
# Makefile, then make. Runs in the repository root.
cors_build()
{
    (
        cd "$CORS_ROOT" || exit 1
        if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
            echo "+ autoreconf -fi"
            autoreconf -fi || exit 1
        fi
        if [ ! -f Makefile ]; then
            echo "+ ./configure --quiet"
            ./configure --quiet || { echo "configure failed: see $CORS_ROOT/config.log"; exit 1; }
        fi
        echo "+ make"
        make -j"$(nproc 2>/dev/null || echo 2)" || exit 1
        if [ ! -f .libs/mod_cors.so ]; then
            echo "make succeeded but .libs/mod_cors.so is missing"
            exit 1
        fi
    )
}

# The MPMs the Apache::Test suites can run under (CORS_MPM, t/TEST.PL).
# shellcheck disable=SC2034  # used by scripts/test
CORS_MPMS=(event worker prefork)

# cors_build_asan [DIR]: builds mod_cors with ./configure --enable-asan in
# DIR (default build-asan/), from a copy of the sources: automake refuses a
# VPATH build from a source tree that is itself configured, as cors_build's
# is.  The copy leaves out what .gitignore names and every build product,
# and is made by content (rsync --checksum, no times kept) so that make
# rebuilds exactly what changed.
cors_build_asan()
{
    local dir=${1:-$CORS_ROOT/build-asan}
    (
        cd "$CORS_ROOT" || exit 1
        mkdir -p "$dir" || exit 1
        echo "+ rsync sources to $dir"
        rsync -rlpD --checksum --delete \
              --exclude=/.git --exclude=/build-asan --exclude=/test-logs \
              --exclude=/t/logs --exclude=autom4te.cache \
              --exclude=config.status --exclude=config.log --exclude=/libtool \
              --exclude=Makefile --exclude=stamp-h1 --exclude='*.o' \
              --exclude='*.lo' --exclude='*.la' --exclude=.libs --exclude=.deps \
              --exclude=.dirstamp --filter=':- .gitignore' \
              ./ "$dir"/ || exit 1
        cd "$dir" || exit 1
        if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
            echo "+ autoreconf -fi"
            autoreconf -fi || exit 1
        fi
        if [ ! -f Makefile ] || ! grep -q -- '--enable-asan' config.status 2>/dev/null; then
            echo "+ ./configure --quiet --enable-asan"
            ./configure --quiet --enable-asan \
                || { echo "configure failed: see $dir/config.log"; exit 1; }
        fi
        echo "+ make"
        make -j"$(nproc 2>/dev/null || echo 2)" || exit 1
        if [ ! -f .libs/mod_cors.so ]; then
            echo "make succeeded but $dir/.libs/mod_cors.so is missing"
            exit 1
        fi
    )
}

# cors_server_problems SUITE: what went wrong inside the test servers of
# the Apache::Test run SUITE, from what cors_apache_test_run kept in
# CORS_LOGDIR: sanitizer report files (SUITE-asan.PID, SUITE-ubsan.PID),
# sanitizer reports written to the error_log or the TAP output (a cors-probe
# built with --enable-asan reports on its stderr), and httpd children that
# died of a signal (AH00052).  Prints one line per problem, nothing when
# there is none.
cors_server_problems()
{
    local suite=$1 f
    for f in "$CORS_LOGDIR/$suite"-asan.* "$CORS_LOGDIR/$suite"-ubsan.*; do
        [ -f "$f" ] && echo "sanitizer report: $f"
    done
    for f in "$CORS_LOGDIR/$suite-error_log" "$CORS_LOGDIR/$suite.log"; do
        [ -f "$f" ] || continue
        grep -n -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f" \
            | sed "s|^|sanitizer report in $f:|"
    done
    f=$CORS_LOGDIR/$suite-error_log
    [ -f "$f" ] && grep -n 'AH00052: child pid [0-9]* exit signal' "$f" \
        | sed "s|^|httpd child crashed, $f:|"
    return 0
}

# cors_logged_mpm SUITE: the MPM named by the last start-up line ("[mpm_NAME:
# notice] ... configured -- resuming normal operations") of SUITE's kept
# error_log.
cors_logged_mpm()
{
    sed -n 's/.*\[mpm_\([a-z]*\):notice\].* configured -- resuming.*/\1/p' \
        "$CORS_LOGDIR/$1-error_log" 2>/dev/null | tail -n 1
}

# The user Apache::Test runs as when we are root: nobody, or a dedicated
# system user where there is no nobody. Prints "uid gid".
cors_test_user()
{
    if id -u nobody >/dev/null 2>&1; then
        echo "$(id -u nobody) $(id -g nobody)"
        return 0
    fi
    if ! id -u corstest >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin corstest >&2 || return 1
    fi
    echo "$(id -u corstest) $(id -g corstest)"
}

# cors_apache_test_run [SRC_DIR [BUILD_DIR [T_TEST_ARG...]]]
# Runs the Apache::Test suite (t/TEST -verbose, then the T_TEST_ARGs: test
# files, -defines) on the tree in SRC_DIR (default: the repository root)
# with the module built in BUILD_DIR (default: SRC_DIR), writing everything
# to stdout. As root, or when the tree is not
# writable or the build is out of tree, it runs on a fresh copy of the tree;
# as root that copy belongs to an unprivileged user, who runs the suite,
# because Apache::Test refuses to run as root.
# Returns 0 when every test passed, 1 when a test failed or the suite could
# not run, 77 when Apache::Test is not installed. The server's logs (error_log,
# and the browser suite's access log and chromedriver log) are kept in
# CORS_LOGDIR, named after CORS_SUITE (default: apache-test).
# CORS_MPM (event, worker, prefork) chooses the MPM (see t/TEST.PL).
# CORS_HTTPD_WRAPPER, a path inside the tree such as t/asan-httpd, is given
# to Apache::Test as the httpd (-httpd), with the real httpd in CORS_HTTPD;
# the sanitizer reports it leaves in t/logs (asan.PID, ubsan.PID) are kept in
# CORS_LOGDIR too, as SUITE-asan.PID and SUITE-ubsan.PID.
cors_apache_test_run()
{
    local src=${1:-$CORS_ROOT} build=${2:-${1:-$CORS_ROOT}}
    shift $(($# < 2 ? $# : 2))
    local apxs work="" rc ids uid gid runner=()
    src=$(cd "$src" && pwd -P) || return 1
    build=$(cd "$build" && pwd -P) || return 1
    apxs=$(cors_apxs)

    if ! perl -MApache::Test -e 1 2>/dev/null; then
        echo "Apache::Test is not installed (Debian: apt-get install libapache2-mod-perl2): skipping."
        return 77
    fi
    if [ ! -f "$src/t/TEST.PL" ]; then
        echo "No t/TEST.PL in $src: cannot run the Apache::Test suite."
        return 1
    fi
    if [ ! -f "$build/.libs/mod_cors.so" ]; then
        echo "The module is not built ($build/.libs/mod_cors.so is missing): run make first."
        return 1
    fi

    if cors_is_root || [ "$src" != "$build" ] || [ ! -w "$src/t" ]; then
        if ! command -v rsync >/dev/null 2>&1; then
            echo "rsync is needed to copy the tree for the test run (apt-get install rsync)."
            return 1
        fi
        work=$(mktemp -d /tmp/mod_cors-test.XXXXXX) || return 1
        # Only the sources and the built module: no VCS data, no old test output.
        rsync -a --exclude .git --exclude test-logs --exclude t/logs \
              --exclude 'autom4te.cache' --exclude /build-asan \
              "$src"/ "$work"/ || { rm -rf "$work"; return 1; }
        # A `make distcheck` source tree is read-only, and rsync -a keeps
        # that: make the copy writable (t/ gets the generated config, the
        # logs and the server's files).
        chmod -R u+w "$work" || { rm -rf "$work"; return 1; }
        if [ "$src" != "$build" ]; then
            mkdir -p "$work/.libs" && cp -p "$build"/.libs/mod_cors.so "$work/.libs/" \
                || { rm -rf "$work"; return 1; }
            # t/probe/ runs probe/cors-probe of the tree: in a VPATH build
            # (make distcheck) only the build directory has one.
            if [ ! -x "$work/probe/cors-probe" ] && [ -x "$build/probe/cors-probe" ]; then
                cp -p "$build/probe/cors-probe" "$work/probe/" || { rm -rf "$work"; return 1; }
            fi
        fi
        chmod 755 "$work"
        if cors_is_root; then
            ids=$(cors_test_user) || { echo "could not find or create an unprivileged user"; rm -rf "$work"; return 1; }
            uid=${ids% *}; gid=${ids#* }
            chown -R "$uid:$gid" "$work"
            runner=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --)
            if ! "${runner[@]}" test -r "$work/t/TEST.PL" -a -w "$work/t"; then
                echo "uid $uid cannot use $work (is a parent directory not traversable?)"
                rm -rf "$work"
                return 1
            fi
            echo "Running Apache::Test as uid $uid (gid $gid) in $work"
        else
            echo "Running Apache::Test in a copy: $work"
        fi
    else
        work=$src
        echo "Running Apache::Test in place: $work"
    fi

    # HOME: Apache::Test may save its settings under ~/.apache-test; keep
    # that inside the throwaway tree (nobody's HOME does not exist).
    local home=$work port vhosts httpd_args=() wrapper_env=()
    [ "$work" = "$src" ] && home=${HOME:-$work}
    vhosts=$(cat "$work"/t/conf/*.conf.in 2>/dev/null | grep -ci '<VirtualHost')
    port=${APACHE_TEST_PORT:-$(cors_apache_test_port $((vhosts + 10)))}
    [ "$port" = 8529 ] || echo "Port 8529 is busy: Apache::Test uses ports from $port"
    if [ -n "${CORS_HTTPD_WRAPPER:-}" ]; then
        if [ ! -x "$work/$CORS_HTTPD_WRAPPER" ]; then
            echo "No executable $CORS_HTTPD_WRAPPER in $work."
            [ "$work" != "$src" ] && [ -z "${CORS_KEEP_TMP:-}" ] && rm -rf "$work"
            return 1
        fi
        httpd_args=(-httpd "$work/$CORS_HTTPD_WRAPPER")
        wrapper_env=(CORS_HTTPD="${CORS_HTTPD:-$("$apxs" -q SBINDIR)/$("$apxs" -q TARGET)}")
        echo "httpd: $CORS_HTTPD_WRAPPER, running ${wrapper_env[0]#CORS_HTTPD=}"
    fi
    "${runner[@]}" env HOME="$home" APACHE_TEST_NO_STICKY_PREFERENCES=1 \
        APACHE_TEST_PORT="$port" "${wrapper_env[@]}" \
        bash -c '
            cd "$1" || exit 1
            apxs=$2 nhttpd=$3
            shift 3
            httpd=("${@:1:nhttpd}")
            shift "$nhttpd"
            t/TEST -clean >/dev/null 2>&1 || true
            perl t/TEST.PL -apxs "$apxs" "${httpd[@]}" || exit 1
            if [ -f t/TEST ]; then
                exec timeout 3600 perl t/TEST -apxs "$apxs" "${httpd[@]}" -verbose "$@"
            fi' cors-apache-test "$work" "$apxs" ${#httpd_args[@]} "${httpd_args[@]}" "$@" \
        </dev/null 2>&1
    rc=$?

    local suite=${CORS_SUITE:-apache-test} log kept=()
    mkdir -p "$CORS_LOGDIR" 2>/dev/null
    if [ -w "$CORS_LOGDIR" ]; then
        rm -f "$CORS_LOGDIR/$suite"-asan.* "$CORS_LOGDIR/$suite"-ubsan.*
        for log in error_log browser_access_log chromedriver.log; do
            if [ -s "$work/t/logs/$log" ]; then
                cp "$work/t/logs/$log" "$CORS_LOGDIR/$suite-${log#"$suite"_}"
                kept+=("$CORS_LOGDIR/$suite-${log#"$suite"_}")
            fi
        done
        for log in "$work"/t/logs/asan.* "$work"/t/logs/ubsan.*; do
            [ -f "$log" ] || continue
            cp "$log" "$CORS_LOGDIR/$suite-${log##*/}"
            kept+=("$CORS_LOGDIR/$suite-${log##*/}")
        done
        [ ${#kept[@]} -gt 0 ] && echo "(logs of the test server: ${kept[*]})"
    fi
    if [ "$work" != "$src" ]; then
        if [ -n "${CORS_KEEP_TMP:-}" ]; then
            echo "(kept the test tree: $work)"
        else
            rm -rf "$work"
        fi
    fi
    [ "$rc" -eq 0 ] && return 0
    return 1
}

# cors_tap_count FILE STATUS [raw]
# Counts the subtests in FILE, the verbose output of a TAP::Harness run
# (prove -v, t/TEST -verbose), or with "raw" the TAP of one program, and
# the exit STATUS of that run. Sets
# CORS_PASSED, CORS_FAILED, CORS_SKIPPED. Tests that a file planned but never
# ran count as failed (the harness's "Failed X/Y subtests"); a file skipped
# as a whole counts as one skipped; a failing run in which no failure was
# counted (the server did not start, a crash) counts as one failure.
cors_tap_count()
{
    local file=$1 status=$2 raw=0 counts
    [ "${3:-}" = raw ] && raw=1
    counts=$(awk -v raw="$raw" '
        function endfile(    ran, fx) {
            if (!infile) return
            ran = ok + notok + skip
            fx = notok
            if (harness_failed > fx) fx = harness_failed
            if (planned > ran && notok + planned - ran > fx) fx = notok + planned - ran
            if (dubious && fx == 0) fx = 1
            f += fx; p += ok; s += skip
            infile = 0
        }
        function startfile() {
            endfile()
            infile = 1; ok = 0; notok = 0; skip = 0; harness_failed = -1; dubious = 0
            planned = 0
        }
        BEGIN { if (raw) startfile() }
        raw && /^1\.\.0( |$)/ { skip++; next }
        infile && /^1\.\.[0-9]+/ { planned = substr($0, 4) + 0; next }
        !raw && (/^[^ #][^ ]*\.t \.+ ?/ || /^[^ #][^ ]*\/test_[A-Za-z0-9_]+ \.+ ?/) {
            startfile()
            rest = $0; sub(/^[^ ]+ \.+ ?/, "", rest)
            if (rest ~ /^skipped/) { s += 1; infile = 0 }
            next
        }
        !infile { next }
        /^ok [0-9]+/ || /^ok( |$)/ && $0 !~ /^ok$/ {
            if (tolower($0) ~ /# *skip/) skip++
            else ok++
            next
        }
        /^not ok/ {
            if (tolower($0) ~ /# *todo/) skip++
            else notok++
            next
        }
        /^Failed [0-9]+\/[0-9]+ subtests/ {
            split($2, a, "/"); harness_failed = a[1] + 0
            next
        }
        /^Dubious/ || /^No subtests run/ { dubious = 1; next }
        !raw && (/^Test Summary Report/ || /^Files=[0-9]+/) { endfile() }
        END { endfile(); printf "%d %d %d\n", p, f, s }
    ' "$file")
    read -r CORS_PASSED CORS_FAILED CORS_SKIPPED <<<"$counts"
    if [ "$status" -ne 0 ] && [ "$CORS_FAILED" -eq 0 ]; then
        CORS_FAILED=1
    fi
}

# Drops the passing "ok N" lines (subtests' too) of a verbose TAP stream and
# Apache::Test's routine chatter, to keep the terminal readable (the full
# output goes to a log file).
cors_tap_condense()
{
    awk '
        /^[ \t]*ok [0-9]+/ && tolower($0) !~ /# *skip/ { next }
        /^[ \t]+1\.\.[0-9]+$/ { next }
        /^server localhost:[0-9]+ listening/ { next }
        /Could not open configuration file .*\/httpd\.conf/ { next }
        { print; fflush() }'
}
