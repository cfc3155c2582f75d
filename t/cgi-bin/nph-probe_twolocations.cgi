#!/bin/sh
# A redirect with two different Location headers (t/probe/redirect.t): a
# non-parsed-header script, because httpd keeps only one from a CGI.
printf 'HTTP/1.1 302 Found\r\n'
printf 'Location: /recipe/echo?%s\r\n' "${QUERY_STRING:-}"
printf 'Location: /wild/echo?%s\r\n' "${QUERY_STRING:-}"
printf 'Access-Control-Allow-Origin: *\r\n'
printf 'Content-Type: text/plain\r\n'
printf 'Connection: close\r\n'
printf '\r\n'
printf 'moved\n'
