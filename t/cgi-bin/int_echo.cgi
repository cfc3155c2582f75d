#!/bin/sh
# Shows that the handler ran, and with which method.
printf 'Content-Type: text/plain\r\n'
printf 'X-Handler: int_echo\r\n'
printf '\r\n'
printf 'method=%s\n' "$REQUEST_METHOD"
