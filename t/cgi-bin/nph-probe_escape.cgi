#!/bin/sh
# A hostile server for t/probe/escape.t: response header names (and values)
# with terminal escape sequences.  A non-parsed-header script, because httpd
# refuses such names from a normal CGI.  Every header name starts with
# Access-Control- so that cors-probe shows it without --all-headers.
esc=$(printf '\033')
bel=$(printf '\007')
printf 'HTTP/1.1 200 OK\r\n'
printf 'Content-Type: application/json\r\n'
printf 'Access-Control-Allow-Origin: *\r\n'
printf 'Access-Control-%s[2J%s]0;owned%sX: 1\r\n' "$esc" "$esc" "$bel"
printf 'Access-Control-Note: %s[31mred%s[0m\r\n' "$esc" "$esc"
printf 'Access-Control-\233c: 8-bit CSI\r\n'
printf 'Connection: close\r\n'
printf '\r\n'
printf '{}\n'
