# shellcheck shell=bash
# scripts/demo --fastapi: runs demo/fastapi/app.py with uvicorn, shows what
# the app and httpd each send, and checks it (--check). Sourced by
# scripts/demo after lib.sh, and by scripts/test for
# CORS_FASTAPI_PACKAGES; defines functions only. The checks use the
# req, header, verdict, expect, is and has helpers of scripts/demo.
# shellcheck disable=SC2154  # code, hdrs, body: set by scripts/demo's req

# Debian packages of the FastAPI demo (Debian 12: FastAPI 0.92, Starlette
# 0.26.1, uvicorn 0.17.6).
CORS_FASTAPI_PACKAGES=(python3-fastapi python3-uvicorn)

# How many TAP lines cors_fastapi_checks prints.
# shellcheck disable=SC2034  # used by scripts/demo
CORS_FASTAPI_CHECKS=11

# Prints a Python that imports fastapi and uvicorn. Debian's packages are
# installed for /usr/bin/python3, which a python3 that comes first on the
# PATH (pyenv, a virtualenv) does not see.
cors_fastapi_python()
{
    local py
    for py in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
        if [ -z "$py" ] || [ ! -x "$py" ]; then
            continue
        fi
        if "$py" -c 'from fastapi import FastAPI; import uvicorn' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    return 1
}

# cors_fastapi_start DIR PORT LOG: runs uvicorn with DIR/app.py on
# 127.0.0.1:PORT in the background (as an unprivileged user when root),
# its output appended to LOG, and waits at most 20 s for it to answer.
# On failure the caller shows LOG (with --check a file, else the terminal).
# Sets cors_fastapi_pid. Must not run in a subshell: scripts/demo's trap
# stops the process through that variable.
cors_fastapi_pid=""
cors_fastapi_start()
{
    local dir=$1 port=$2 log=$3 py ids runner=() deadline
    if ! py=$(cors_fastapi_python); then
        echo "No python3 that imports fastapi and uvicorn. On Debian or Ubuntu:" >&2
        echo "  sudo apt-get install -y --no-install-recommends ${CORS_FASTAPI_PACKAGES[*]}" >&2
        return 1
    fi
    if cors_is_root; then
        ids=$(cors_test_user) || { echo "could not find an unprivileged user for uvicorn" >&2; return 1; }
        runner=(setpriv --reuid="${ids% *}" --regid="${ids#* }" --clear-groups --)
    fi
    # PYTHONUNBUFFERED: uvicorn writes its access log to stdout, and the
    # checks read it while uvicorn runs. --lifespan off: the app has no
    # start-up hooks, and uvicorn 0.17.6 on Python 3.11 prints a
    # CancelledError traceback when it stops a lifespan task on SIGTERM.
    (
        cd "$dir" || exit 1
        exec "${runner[@]}" env PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
            "$py" -m uvicorn app:app --host 127.0.0.1 --port "$port" \
            --no-use-colors --timeout-keep-alive 5 --lifespan off
    ) </dev/null >>"$log" 2>&1 &
    cors_fastapi_pid=$!
    deadline=$((SECONDS + 20))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$port/stats" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$cors_fastapi_pid" 2>/dev/null; then
            echo "uvicorn exited before answering on 127.0.0.1:$port (its log says why)." >&2
            return 1
        fi
        sleep 0.2
    done
    echo "uvicorn did not answer on 127.0.0.1:$port within 20 s (see its log)." >&2
    return 1
}

# Stops uvicorn: TERM, then KILL after 5 s.
cors_fastapi_stop()
{
    local pid=$cors_fastapi_pid
    cors_fastapi_pid=""
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 25); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# cors_fastapi_show LABEL CURL-ARGS...: one request, then its status line
# and its Access-Control-* and Vary headers.
cors_fastapi_show()
{
    local label=$1
    shift
    printf '%s\n' "$label"
    curl -s --max-time 10 -o /dev/null -D - "$@" 2>/dev/null | tr -d '\r' |
        awk 'NR == 1 { print "    " $0; next }
             tolower($0) ~ /^(access-control-|vary:)/ { print "    " $0 }'
    echo
}

# cors_fastapi_show_all APP PROXY ORIGIN: what the app sends on its own and
# what the browser receives through httpd.
cors_fastapi_show_all()
{
    local app=$1 proxy=$2 origin=$3 evil=https://evil.example
    cors_section "What arrives: the app on its own port, then through httpd"
    cors_fastapi_show "GET $app/items, Origin: $evil (the app alone):" \
        -H "Origin: $evil" "$app/items"
    cors_fastapi_show "GET $app/items, Origin: $evil, with a cookie (the app alone):" \
        -H "Origin: $evil" -H 'Cookie: session=demo' "$app/items"
    cors_fastapi_show "GET $proxy/items, Origin: $evil, with a cookie (through httpd):" \
        -H "Origin: $evil" -H 'Cookie: session=demo' "$proxy/items"
    cors_fastapi_show "GET $proxy/items, Origin: $origin (through httpd):" \
        -H "Origin: $origin" "$proxy/items"
    cors_fastapi_show "OPTIONS $proxy/items, Origin: $origin, preflight for POST with Content-Type (answered by httpd):" \
        -X OPTIONS -H "Origin: $origin" -H 'Access-Control-Request-Method: POST' \
        -H 'Access-Control-Request-Headers: content-type' "$proxy/items"
    cors_fastapi_show "OPTIONS $proxy/items/1, Origin: $origin, preflight for DELETE (refused by httpd):" \
        -X OPTIONS -H "Origin: $origin" -H 'Access-Control-Request-Method: DELETE' \
        "$proxy/items/1"
}

# How many response header lines named NAME $hdrs holds.
cors_fastapi_count()
{
    printf '%s\n' "$hdrs" | awk -v n="$1" -F': ' 'tolower($1) == n { c++ } END { print c + 0 }'
}

# The app's count of the preflights it received, from its /stats.
cors_fastapi_preflights()
{
    curl -s --max-time 5 "$1/stats" 2>/dev/null | sed -n 's/.*"preflights":\([0-9]*\).*/\1/p'
}

# cors_fastapi_preflight CURL-ARGS...: req -X OPTIONS CURL-ARGS, with the
# app's preflight count read into the caller's before and after around it.
cors_fastapi_preflight()
{
    before=$(cors_fastapi_preflights "$app")
    req -X OPTIONS "$@"
    after=$(cors_fastapi_preflights "$app")
    problems=""
}

# cors_fastapi_app_saw N: adds to problems unless the app's preflight count
# went up by N during the last cors_fastapi_preflight.
cors_fastapi_app_saw()
{
    expect "the app's /stats could not be read" test -n "$before" -a -n "$after"
    expect "the app's preflight count went from '$before' to '$after', not up by $1" \
        is "$after" "$((before + $1))"
}

# cors_fastapi_checks APP PROXY ORIGIN UVICORN_LOG: CORS_FASTAPI_CHECKS TAP
# lines. APP is the app's own base URL, PROXY the /fastapi base URL on
# httpd, ORIGIN the frontend's origin.
cors_fastapi_checks()
{
    local app=$1 proxy=$2 origin=$3 uvlog=$4 evil=https://evil.example
    local before after n_options

    # The misconfiguration is real: the app alone allows any origin.
    req -H "Origin: $evil" "$app/items"
    problems=""
    expect "status is not 200" is "$code" 200
    expect "Access-Control-Allow-Origin is not *" is "$(header access-control-allow-origin)" '*'
    expect "Access-Control-Allow-Credentials is not true" is "$(header access-control-allow-credentials)" true
    verdict "the app on its own port answers any origin with * and credentials" "$problems"

    req -H "Origin: $evil" -H 'Cookie: session=demo' "$app/items"
    problems=""
    expect "status is not 200" is "$code" 200
    expect "Access-Control-Allow-Origin is not $evil" is "$(header access-control-allow-origin)" "$evil"
    expect "Access-Control-Allow-Credentials is not true" is "$(header access-control-allow-credentials)" true
    verdict "the app on its own port echoes any origin when a cookie is sent" "$problems"

    cors_fastapi_preflight -H "Origin: $evil" -H 'Access-Control-Request-Method: DELETE' \
        -H 'Access-Control-Request-Headers: x-anything' "$app/items/1"
    expect "status is not 200" is "$code" 200
    expect "Access-Control-Allow-Origin is not $evil" is "$(header access-control-allow-origin)" "$evil"
    expect "Access-Control-Allow-Methods lacks DELETE" has "$(header access-control-allow-methods)" DELETE
    cors_fastapi_app_saw 1
    verdict "the app on its own port allows a DELETE preflight from any origin, and counts it" "$problems"

    # Through httpd: one policy, mod_cors's.
    req -H "Origin: $origin" "$proxy/items"
    problems=""
    expect "status is not 200" is "$code" 200
    expect "Access-Control-Allow-Origin is not exactly one line" is "$(cors_fastapi_count access-control-allow-origin)" 1
    expect "Access-Control-Allow-Origin is not $origin" is "$(header access-control-allow-origin)" "$origin"
    expect "Access-Control-Allow-Credentials is not exactly one 'true'" is "$(header access-control-allow-credentials)" true
    expect "Access-Control-Expose-Headers is not X-Served-By" is "$(header access-control-expose-headers)" X-Served-By
    expect "Vary lacks Origin" has "$(header vary)" origin
    expect "X-Served-By from the app is missing" has "$(header x-served-by)" FastAPI
    expect "Content-Type is not JSON" has "$(header content-type)" application/json
    expect "the app's JSON body did not come through" has "$body" '"name":"teapot"'
    verdict "GET through httpd from the frontend's origin: one Access-Control-Allow-Origin, the app's JSON" "$problems"

    req -H "Origin: $origin" -H 'Cookie: session=demo' "$proxy/items"
    problems=""
    expect "status is not 200" is "$code" 200
    expect "Access-Control-Allow-Origin is not exactly one line" is "$(cors_fastapi_count access-control-allow-origin)" 1
    expect "Access-Control-Allow-Origin is not $origin" is "$(header access-control-allow-origin)" "$origin"
    expect "Access-Control-Allow-Credentials is not exactly one 'true'" is "$(header access-control-allow-credentials)" true
    verdict "with a cookie, the app echoes the origin too, and the browser still gets one value" "$problems"

    req -H "Origin: $evil" -H 'Cookie: session=demo' "$proxy/items"
    problems=""
    expect "status is not 200" is "$code" 200
    expect "an Access-Control-Allow-Origin header was sent" is "$(cors_fastapi_count access-control-allow-origin)" 0
    expect "an Access-Control-Allow-Credentials header was sent" is "$(cors_fastapi_count access-control-allow-credentials)" 0
    expect "an Access-Control-Expose-Headers header was sent" is "$(cors_fastapi_count access-control-expose-headers)" 0
    expect "Vary lacks Origin" has "$(header vary)" origin
    expect "the app's JSON body did not come through" has "$body" '"name":"teapot"'
    verdict "GET through httpd from another origin: none of the app's Access-Control-* headers" "$problems"

    cors_fastapi_preflight -H "Origin: $origin" -H 'Access-Control-Request-Method: POST' \
        -H 'Access-Control-Request-Headers: content-type' "$proxy/items"
    expect "status is not 204" is "$code" 204
    expect "Access-Control-Allow-Origin is not exactly one line" is "$(cors_fastapi_count access-control-allow-origin)" 1
    expect "Access-Control-Allow-Origin is not $origin" is "$(header access-control-allow-origin)" "$origin"
    expect "Access-Control-Allow-Credentials is not true" is "$(header access-control-allow-credentials)" true
    expect "Access-Control-Allow-Methods is not CORSAllowMethods's GET, POST" \
        is "$(header access-control-allow-methods)" "GET, POST"
    expect "Access-Control-Allow-Headers lacks Content-Type" has "$(header access-control-allow-headers)" content-type
    expect "Access-Control-Max-Age is not 5 (the app's would be 600)" is "$(header access-control-max-age)" 5
    cors_fastapi_app_saw 0
    verdict "preflight for POST with Content-Type is answered by httpd (204), not by the app" "$problems"

    cors_fastapi_preflight -H "Origin: $origin" -H 'Access-Control-Request-Method: DELETE' "$proxy/items/1"
    expect "status is not 403" is "$code" 403
    expect "an Access-Control-Allow-Origin header was sent" is "$(cors_fastapi_count access-control-allow-origin)" 0
    expect "an Access-Control-Allow-Methods header was sent" is "$(cors_fastapi_count access-control-allow-methods)" 0
    cors_fastapi_app_saw 0
    verdict "preflight for DELETE is refused by httpd (403), though the app's middleware allows it" "$problems"

    cors_fastapi_preflight -H "Origin: $evil" -H 'Access-Control-Request-Method: GET' "$proxy/items"
    expect "status is not 403" is "$code" 403
    expect "an Access-Control-Allow-Origin header was sent" is "$(cors_fastapi_count access-control-allow-origin)" 0
    cors_fastapi_app_saw 0
    verdict "preflight from another origin is refused by httpd and never reaches the app" "$problems"

    req -X POST -H "Origin: $origin" -H 'Content-Type: application/json' \
        --data '{"name":"check mug","price":3.5}' "$proxy/items"
    problems=""
    expect "status is not 201" is "$code" 201
    expect "Access-Control-Allow-Origin is not exactly one line" is "$(cors_fastapi_count access-control-allow-origin)" 1
    expect "Access-Control-Allow-Origin is not $origin" is "$(header access-control-allow-origin)" "$origin"
    expect "the app did not create the item" has "$body" '"name":"check mug"'
    verdict "POST with JSON through httpd reaches the app and gets mod_cors's headers" "$problems"

    # uvicorn's own access log: the only OPTIONS it served is the one sent
    # to it directly above.
    n_options=$(grep -c '"OPTIONS ' "$uvlog" 2>/dev/null)
    req "$app/stats"
    problems=""
    expect "uvicorn logged ${n_options:-no} OPTIONS requests, not 1" is "${n_options:-0}" 1
    expect "the app counted preflights other than the direct one: $body" has "$body" '"preflights":1}'
    verdict "uvicorn's access log and the app's counter show one preflight: the direct one" "$problems"
}
