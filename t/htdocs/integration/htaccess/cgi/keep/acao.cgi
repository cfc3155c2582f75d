#!/bin/sh
# A handler that writes its own CORS headers, as many backends do.
printf 'Content-Type: text/plain\r\n'
printf 'Access-Control-Allow-Origin: *\r\n'
printf 'Access-Control-Allow-Credentials: false\r\n'
printf 'Access-Control-Expose-Headers: X-Cgi\r\n'
printf 'X-Cgi: yes\r\n'
printf '\r\n'
printf 'int_acao\n'
