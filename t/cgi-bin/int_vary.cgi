#!/bin/sh
# A handler that writes its own Vary, Origin included.
printf 'Content-Type: text/plain\r\n'
printf 'Vary: Origin, Accept-Encoding\r\n'
printf '\r\n'
printf 'int_vary\n'
