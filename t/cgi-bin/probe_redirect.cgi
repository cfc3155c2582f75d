#!/bin/sh
# Redirects from the handler (t/probe/redirect.t), with the same query:
# /relative/echo to ../recipe/echo, a relative Location as some
# applications send it; /badlocation/echo to a URL with port 99999, which
# is no URL at all.
if [ -n "${CONTENT_LENGTH:-}" ]; then
    head -c "$CONTENT_LENGTH" >/dev/null
fi
printf 'Status: 302 Found\r\n'
case "${SCRIPT_NAME:-}" in
/badlocation/*) printf 'Location: http://127.0.0.1:99999/recipe/echo?%s\r\n' "${QUERY_STRING:-}" ;;
*) printf 'Location: ../recipe/echo?%s\r\n' "${QUERY_STRING:-}" ;;
esac
printf 'Content-Type: text/plain\r\n'
printf '\r\n'
printf 'moved\n'
