#!/bin/sh
# Shows the CORS_* variables mod_cors set for the request (t/diagnostics.t),
# and sends an Access-Control-Allow-Origin of its own.
printf 'Content-Type: text/plain\r\n'
printf 'Access-Control-Allow-Origin: https://backend.example\r\n'
printf '\r\n'
printf 'type=%s decision=%s reason=%s\n' "${CORS_REQUEST_TYPE-unset}" \
    "${CORS_DECISION-unset}" "${CORS_REASON-unset}"
