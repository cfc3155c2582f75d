#!/bin/sh
# A non-parsed-header script: httpd sends its output as it is.  An HTTP/2.0
# status line is not an HTTP/1 response, so a proxy in front of it answers
# 502 (mod_proxy_http: "Corrupt status line returned by remote server").
printf 'HTTP/2.0 200 OK\r\nContent-Type: text/plain\r\n\r\ngarbage\n'
