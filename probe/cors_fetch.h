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
 *   - the response headers a script can read;
 *   - redirects, as "HTTP-redirect fetch" follows them: at most 20, each
 *     Location resolved against the current URL, POST turned into GET by
 *     301 and 302 (anything but HEAD by 303), Authorization dropped when
 *     the origin changes, and the request's origin serialized as "null"
 *     once a redirect leaves an origin other than the page's for yet
 *     another one (the "redirect-taint" of the request).
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
 * headers holds cors_fetch_header entries (as given, values normalised).
 * The last four fields start at zero and are kept by
 * cors_fetch_follow_redirect. */
typedef struct {
    const char *origin; /* serialized origin of the page, or "null" */
    cors_fetch_url url; /* the current URL: the last of the redirects */
    const char *method; /* normalised (see cors_fetch_normalize_method) */
    apr_array_header_t *headers;
    int credentials; /* credentials: 'include' */
    int has_body;
    int redirect_count;     /* redirects followed so far */
    const char *first_href; /* the URL given to fetch(), once redirected */
    int cors_tainting;      /* a URL on another origin was fetched: CORS
                               applies from then on, even back home */
    int tainted;            /* the origin is now sent as "null" */
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
    CORS_FETCH_HEADER_NOT_ALLOWED,
    /* Following a redirect (cors_fetch_follow_redirect). */
    CORS_FETCH_REDIRECT_CREDENTIALS, /* user:password@ in the Location */
    CORS_FETCH_REDIRECT_SCHEME,      /* to a scheme fetch() cannot use */
    /* Network errors: no CORS message, only net::ERR_... */
    CORS_FETCH_REDIRECT_UNSAFE,   /* to data:, file:, about: ... */
    CORS_FETCH_REDIRECT_INVALID,  /* a Location that is not a URL */
    CORS_FETCH_TOO_MANY_REDIRECTS /* a 21st redirect */
} cors_fetch_error;

/* The most redirects one fetch() follows. */
#define CORS_FETCH_MAX_REDIRECTS 20

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
    int network_error;   /* a network error: console is Chrome's
                            "Failed to load resource" line, not a CORS
                            message */
} cors_fetch_verdict;

/* A Location resolved against the current URL. */
typedef struct {
    const char *scheme; /* lower case */
    const char *href;   /* the URL as the browser writes it, without the
                           fragment, user name and password included */
    int http;           /* http or https: url is set */
    int credentials;    /* it has a user name or a password */
    cors_fetch_url url; /* the http(s) URL, without user name and password */
} cors_fetch_location;

/* What following one redirect changed, for the record. */
typedef struct {
    int status;
    const char *from;       /* the URL that answered with the redirect */
    const char *to;         /* the URL the browser goes to */
    const char *old_method; /* the method before, when it became GET */
    int body_dropped;       /* the body was dropped with it */
    const char *dropped;    /* names of headers removed, "a, b", or NULL */
    int cross_origin;       /* the redirect leaves the current origin */
    int tainted_now;        /* this redirect made the origin "null" */
} cors_fetch_redirect;

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

/* 1 when the page and the URL have the same origin. */
int cors_fetch_same_origin(const cors_fetch_request *req);

/* 1 when fetching the current URL of REQ uses CORS (the Fetch standard's
 * response tainting "cors"): it is on another origin than the page, or a
 * redirect went through one. */
int cors_fetch_uses_cors(const cors_fetch_request *req);

/* The Origin REQ sends and that Access-Control-Allow-Origin must equal:
 * the page's origin, or "null" once a redirect tainted it. */
const char *cors_fetch_serialized_origin(const cors_fetch_request *req);

/* ---- responses -------------------------------------------------------- */

/* Fetch's "get": the values of every NAME header in HEADERS
 * (cors_fetch_header), joined with ", ", or NULL when there is none. */
const char *cors_fetch_get(apr_pool_t *p, const apr_array_header_t *headers,
                           const char *name);

/* 1 for the statuses a browser follows as a redirect (301, 302, 303, 307,
 * 308) when the response has a Location. */
int cors_fetch_is_redirect(int status, const apr_array_header_t *headers);

/* ---- redirects -------------------------------------------------------- */

/* Resolves LOCATION against the current URL BASE, as the URL standard's
 * parser does for an http(s) base: absolute URLs, "//host/path", "/path",
 * "?query", relative paths with "." and ".." segments.  Returns NULL and
 * fills *out, or an error message when LOCATION is not a URL. */
const char *cors_fetch_resolve_location(apr_pool_t *p,
                                        const cors_fetch_url *base,
                                        const char *location,
                                        cors_fetch_location *out);

/* The method after a redirect with STATUS: GET for POST after 301 or 302,
 * and for anything but GET and HEAD after 303; else METHOD. */
const char *cors_fetch_redirect_method(int status, const char *method);

/* 1 when a redirect from a URL of origin FROM to one of origin TO makes a
 * request of page origin ORIGIN send "null" from then on: the redirect
 * changes origin, and FROM is not the page's origin. */
int cors_fetch_redirect_taints(const char *origin, const char *from,
                               const char *to);

/* "HTTP-redirect fetch": follows the redirect response (STATUS, HEADERS)
 * to the current URL of REQ, which must have passed the CORS check if it
 * uses CORS.  On success updates REQ (URL, method, body, headers, redirect
 * count, taint), fills *what and returns CORS_FETCH_OK; else fills *v
 * (network_error set for the net::ERR_ failures) and returns v->error. */
cors_fetch_error cors_fetch_follow_redirect(apr_pool_t *p,
                                            cors_fetch_request *req, int status,
                                            const apr_array_header_t *headers,
                                            cors_fetch_redirect *what,
                                            cors_fetch_verdict *v);

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
 * from origin 'ORIGIN' has been blocked by CORS policy: " + REASON, with
 * "(redirected from 'FIRST URL') " after the URL once redirected. */
const char *cors_fetch_console(apr_pool_t *p, const cors_fetch_request *req,
                               const char *reason);

/* S[0..LEN) as text that is safe on a terminal: bytes below 0x20 but
 * newline (when KEEP_NEWLINES), 0x7f and bytes from 0x80 as \xNN, a
 * backslash as it is. */
const char *cors_fetch_printable(apr_pool_t *p, const char *s, apr_size_t len,
                                 int keep_newlines);

#endif
