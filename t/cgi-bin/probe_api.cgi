#!/bin/sh
# The handler of the cors-probe tests (t/probe/*.t, t/browser/probe_agrees.t):
# a small JSON answer with X-Request-Id (exposed where a test says so) and
# X-Internal (never exposed).  With "acao=origin" in the query it also
# writes "Access-Control-Allow-Origin: <the request's Origin>", as
# applications with their own CORS code do.
if [ -n "${CONTENT_LENGTH:-}" ]; then
    head -c "$CONTENT_LENGTH" >/dev/null
fi
case "&${QUERY_STRING:-}&" in
*'&acao=origin&'*) printf 'Access-Control-Allow-Origin: %s\r\n' "${HTTP_ORIGIN:-}" ;;
esac
printf 'Content-Type: application/json\r\n'
printf 'X-Request-Id: probe-1\r\n'
printf 'X-Internal: hidden\r\n'
printf '\r\n'
printf '{"method":"%s"}\n' "${REQUEST_METHOD:-}"
