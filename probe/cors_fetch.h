/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * cors_fetch: what the Fetch standard (https://fetch.spec.whatwg.org/)
 * makes a browser do with one cross-origin fetch(), as pure functions:
 * no network, no httpd, APR pools only.  cors-probe does the I/O.
 *
 *   - the request a page may build: method and header checks that make
 *     fetch() throw (forbidden methods and request headers);
 *   - whether it needs a CORS preflight, and why (method not safelisted,
 *     CORS-unsafe request-header names, the 1024-byte rule);
 *   - the preflight request itself (Access-Control-Request-Headers:
 *     lower case, sorted, comma-joined);
 *   - the CORS check of the preflight's response and of the actual
 *     response, with the message Chrome prints on the console for each
 *     failure and the likely fix in mod_cors terms;
 *   - the response headers a script can read.
 *
 * Where Chrome and the standard disagree on which error to report first,
 * the order is Chrome's (the verdict is the same): a redirected preflight
 * fails before its headers are looked at, the preflight's CORS check comes
 * before its status, and the wildcard is recognised before anything else.
 */
#ifndef CORS_FETCH_H
#define CORS_FETCH_H

#include <apr_pools.h>
#include <apr_tables.h>

/* One header line; names keep the case they were written in. */
typedef struct {
    const char *name;
    const char *value;
} cors_fetch_header;

/* A parsed absolute http(s) URL.  origin is its serialization
 * ("http://host:port", default port left out); href is the URL as a browser
 * writes it (host lower case, default port dropped, path at least "/", no
 * fragment). */
typedef struct {
    const char *scheme;
    const char *host;
    int port;
    const char *origin;
    const char *href;
    const char *path; /* path and query, for the request line */
} cors_fetch_url;

/* What the page asks for: fetch(url, {method, headers, body, credentials}).
 * headers holds cors_fetch_header entries (as given, values normalised). */
typedef struct {
    const char *origin; /* serialized origin of the page, or "null" */
    cors_fetch_url url;
    const char *method; /* normalised (see cors_fetch_normalize_method) */
    apr_array_header_t *headers;
    int credentials; /* credentials: 'include' */
    int has_body;
} cors_fetch_request;

/* The failures of the CORS protocol, as Chrome names them. */
typedef enum {
    CORS_FETCH_OK = 0,
    CORS_FETCH_MISSING_ALLOW_ORIGIN,
    CORS_FETCH_WILDCARD_WITH_CREDENTIALS,
    CORS_FETCH_MULTIPLE_ALLOW_ORIGIN,
    CORS_FETCH_INVALID_ALLOW_ORIGIN,
    CORS_FETCH_ALLOW_ORIGIN_MISMATCH,
    CORS_FETCH_INVALID_ALLOW_CREDENTIALS,
    CORS_FETCH_PREFLIGHT_STATUS,
    CORS_FETCH_PREFLIGHT_REDIRECT,
    CORS_FETCH_INVALID_ALLOW_METHODS,
    CORS_FETCH_INVALID_ALLOW_HEADERS,
    CORS_FETCH_METHOD_NOT_ALLOWED,
    CORS_FETCH_HEADER_NOT_ALLOWED
} cors_fetch_error;

/* The outcome of one CORS check. */
typedef struct {
    cors_fetch_error error;
    int preflight;       /* the failing response was the preflight's */
    const char *hint;    /* the value, method or header at fault */
    const char *reason;  /* Chrome's text after "blocked by CORS
                               policy: " (NULL when allowed) */
    const char *console; /* the whole console line (NULL when allowed) */
    const char *fix;     /* what to change, in mod_cors terms */
    const char *note;    /* where browsers differ, or NULL */
} cors_fetch_verdict;

/* ---- the request ------------------------------------------------------ */

/* Parses an absolute http:// or https:// URL.  Returns NULL, or an error
 * message (a URL with user:password, another scheme, a malformed one). */
const char *cors_fetch_parse_url(apr_pool_t *p, const char *s,
                                 cors_fetch_url *url);

/* Parses a page's origin ("https://app.example.com", "null"): sets *out to
 * its serialization (lower case, default port dropped, a trailing "/"
 * allowed).  Returns NULL or an error message. */
const char *cors_fetch_parse_origin(apr_pool_t *p, const char *s,
                                    const char **out);

/* fetch()'s method check and normalisation: DELETE, GET, HEAD, OPTIONS,
 * POST and PUT are upper-cased in any case, other methods kept as given.
 * Returns NULL and sets *out, or an error message (not a token, or CONNECT,
 * TRACE, TRACK). */
const char *cors_fetch_normalize_method(apr_pool_t *p, const char *method,
                                        const char **out);

/* Parses "Name: value" as given to --header: checks the name is a token
 * and the value has no NUL, CR or LF, strips the value's leading and
 * trailing whitespace, and refuses forbidden request-headers, which a
 * page cannot set.  Returns NULL or an error message. */
const char *cors_fetch_parse_header(apr_pool_t *p, const char *line,
                                    cors_fetch_header *out);

/* fetch()'s checks across the parts of REQ and what it adds: a GET or
 * HEAD request cannot have a body, and a body without a Content-Type gets
 * "text/plain;charset=UTF-8" (fetch() of a string body).  Returns NULL or
 * an error message. */
const char *cors_fetch_prepare(apr_pool_t *p, cors_fetch_request *req);

/* 1 when NAME/VALUE is a forbidden request-header. */
int cors_fetch_is_forbidden_header(const char *name, const char *value);

/* 1 for GET, HEAD and POST (compared exactly: normalise first). */
int cors_fetch_is_safelisted_method(const char *method);

/* 1 when NAME: VALUE is a CORS-safelisted request-header (Accept,
 * Accept-Language, Content-Language, Content-Type, Range with their value
 * rules and the 128-byte limit). */
int cors_fetch_is_safelisted_header(const char *name, const char *value);

/* The CORS-unsafe request-header names of HEADERS (cors_fetch_header),
 * lower case, sorted, without duplicates; with the 1024-byte rule. */
apr_array_header_t *
cors_fetch_unsafe_header_names(apr_pool_t *p,
                               const apr_array_header_t *headers);

/* 1 when cross-origin fetch() of REQ sends a preflight; *why (if not NULL)
 * gets one line per cause, or the reason none is needed. */
int cors_fetch_needs_preflight(apr_pool_t *p, const cors_fetch_request *req,
                               const char **why);

/* The value of Access-Control-Request-Headers for REQ ("a,b"), or NULL
 * when the header is not sent. */
const char *cors_fetch_request_headers_value(apr_pool_t *p,
                                             const cors_fetch_request *req);

/* 1 when the page and the URL have the same origin: CORS does not apply. */
int cors_fetch_same_origin(const cors_fetch_request *req);

/* ---- responses -------------------------------------------------------- */

/* Fetch's "get": the values of every NAME header in HEADERS
 * (cors_fetch_header), joined with ", ", or NULL when there is none. */
const char *cors_fetch_get(apr_pool_t *p, const apr_array_header_t *headers,
                           const char *name);

/* 1 for the statuses a browser follows as a redirect (301, 302, 303, 307,
 * 308) when the response has a Location. */
int cors_fetch_is_redirect(int status, const apr_array_header_t *headers);

/* The CORS check of the preflight's response (STATUS and HEADERS), then of
 * the request against its Access-Control-Allow-Methods and -Headers.
 * Fills *v; returns v->error. */
cors_fetch_error cors_fetch_check_preflight(apr_pool_t *p,
                                            const cors_fetch_request *req,
                                            int status,
                                            const apr_array_header_t *headers,
                                            cors_fetch_verdict *v);

/* The CORS check of the actual response.  Fills *v; returns v->error. */
cors_fetch_error cors_fetch_check_response(apr_pool_t *p,
                                           const cors_fetch_request *req,
                                           int status,
                                           const apr_array_header_t *headers,
                                           cors_fetch_verdict *v);

/* What the browser makes of a preflight's Access-Control-Max-Age (VALUE,
 * or NULL when absent): one sentence. */
const char *cors_fetch_max_age_note(apr_pool_t *p, const char *value);

/* The response headers a script can read after an allowed request: the
 * CORS-safelisted response-header names and those of
 * Access-Control-Expose-Headers that the response has, lower case, sorted.
 * Set-Cookie never. */
apr_array_header_t *
cors_fetch_readable_headers(apr_pool_t *p, const cors_fetch_request *req,
                            const apr_array_header_t *headers);

/* The console line Chrome prints for an error: "Access to fetch at 'URL'
 * from origin 'ORIGIN' has been blocked by CORS policy: " + REASON. */
const char *cors_fetch_console(apr_pool_t *p, const cors_fetch_request *req,
                               const char *reason);

#endif
