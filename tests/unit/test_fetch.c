/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * Unit tests of probe/cors_fetch.c, the Fetch-standard logic of
 * cors-probe: which requests a page can make, which need a preflight and
 * what it carries, and the CORS check of preflight and actual responses
 * with Chrome's console message and the mod_cors fix for each failure.
 */
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "cors_fetch.h"
#include "unit.h"

static apr_pool_t *pool;

#define ORIGIN "https://app.example.com"
#define URL "https://api.example.com/v1/items?id=1"

/* Headers from "Name: value|Name: value" (empty string: none). */
static apr_array_header_t *headers(const char *spec)
{
    apr_array_header_t *list =
        apr_array_make(pool, 4, sizeof(cors_fetch_header));
    char *copy = apr_pstrdup(pool, spec), *item, *last;

    for (item = apr_strtok(copy, "|", &last); item;
         item = apr_strtok(NULL, "|", &last)) {
        cors_fetch_header *h = apr_array_push(list);
        char *colon = strchr(item, ':');

        *colon = '\0';
        h->name = item;
        h->value = colon[1] == ' ' ? colon + 2 : colon + 1;
    }
    return list;
}

static cors_fetch_request request(const char *method, const char *hdrs,
                                  int credentials)
{
    cors_fetch_request req;

    memset(&req, 0, sizeof(req));
    req.origin = ORIGIN;
    cors_fetch_parse_url(pool, URL, &req.url);
    req.method = method;
    req.headers = headers(hdrs);
    req.credentials = credentials;
    return req;
}

static const char *const error_names[] = {"ok",
                                          "missing-allow-origin",
                                          "wildcard-with-credentials",
                                          "multiple-allow-origin",
                                          "invalid-allow-origin",
                                          "allow-origin-mismatch",
                                          "invalid-allow-credentials",
                                          "preflight-status",
                                          "preflight-redirect",
                                          "invalid-allow-methods",
                                          "invalid-allow-headers",
                                          "method-not-allowed",
                                          "header-not-allowed",
                                          "redirect-credentials",
                                          "redirect-scheme",
                                          "redirect-unsafe",
                                          "redirect-invalid",
                                          "too-many-redirects"};

/* ---- requests a page can make ------------------------------------------ */

static void test_methods(void)
{
    static const struct {
        const char *in, *want, *error;
    } cases[] = {
        {"GET", "GET", NULL},
        {"get", "GET", NULL},
        {"pOsT", "POST", NULL},
        {"put", "PUT", NULL},
        {"delete", "DELETE", NULL},
        {"options", "OPTIONS", NULL},
        {"head", "HEAD", NULL},
        /* Only those six are normalised: patch stays lower case. */
        {"patch", "patch", NULL},
        {"PATCH", "PATCH", NULL},
        {"CONNECT", NULL, "forbidden method"},
        {"trace", NULL, "forbidden method"},
        {"Track", NULL, "forbidden method"},
        {"GE T", NULL, "not a valid HTTP method"},
        {"", NULL, "not a valid HTTP method"},
        {"G\xc3\xa9T", NULL, "not a valid HTTP method"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *out = NULL;
        const char *err = cors_fetch_normalize_method(pool, cases[i].in, &out);

        if (cases[i].error) {
            unit_contains(err, cases[i].error, "method '%s' refused",
                          unit_esc(cases[i].in));
        }
        else {
            unit_is_str(err == NULL ? out : err, cases[i].want,
                        "method '%s' -> %s", cases[i].in, cases[i].want);
        }
    }

    unit_is_int(cors_fetch_is_safelisted_method("GET"), 1, "GET safelisted");
    unit_is_int(cors_fetch_is_safelisted_method("HEAD"), 1, "HEAD safelisted");
    unit_is_int(cors_fetch_is_safelisted_method("POST"), 1, "POST safelisted");
    unit_is_int(cors_fetch_is_safelisted_method("PUT"), 0,
                "PUT not safelisted");
    unit_is_int(cors_fetch_is_safelisted_method("patch"), 0,
                "patch not safelisted");
}

static void test_header_args(void)
{
    static const struct {
        const char *line, *name, *value, *error;
    } cases[] = {
        {"X-Request-Id: 42", "X-Request-Id", "42", NULL},
        {"Accept:text/html", "Accept", "text/html", NULL},
        {"X-Empty:", "X-Empty", "", NULL},
        {"X-Pad: \t spaced out \t", "X-Pad", "spaced out", NULL},
        {"X-Colon: a:b", "X-Colon", "a:b", NULL},
        {"no colon here", NULL, NULL, "'Name: value'"},
        {"Bad Name: x", NULL, NULL, "not a valid header name"},
        {": x", NULL, NULL, "not a valid header name"},
        {"X-Crlf: a\r\nInjected: 1", NULL, NULL, "CR or LF"},
        {"Cookie: a=b", NULL, NULL, "--credentials --cookie"},
        {"Host: evil.example", NULL, NULL, "forbidden request header"},
        {"origin: https://x.example", NULL, NULL, "forbidden"},
        {"Content-Length: 3", NULL, NULL, "forbidden"},
        {"Sec-Fetch-Mode: cors", NULL, NULL, "forbidden"},
        {"Proxy-Authorization: x", NULL, NULL, "forbidden"},
        {"Access-Control-Request-Method: PUT", NULL, NULL, "forbidden"},
        {"X-HTTP-Method-Override: GET, trace", NULL, NULL, "forbidden"},
        {"X-HTTP-Method-Override: PATCH", "X-HTTP-Method-Override", "PATCH",
         NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_header h = {NULL, NULL};
        const char *err = cors_fetch_parse_header(pool, cases[i].line, &h);

        if (cases[i].error) {
            unit_contains(err, cases[i].error, "--header '%s' refused",
                          unit_esc(cases[i].line));
        }
        else {
            unit_is_str(
                err ? err : apr_pstrcat(pool, h.name, "=", h.value, NULL),
                apr_pstrcat(pool, cases[i].name, "=", cases[i].value, NULL),
                "--header '%s' parsed", unit_esc(cases[i].line));
        }
    }
}

static void test_urls(void)
{
    static const struct {
        const char *in, *href, *origin, *error;
    } urls[] = {
        {"http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api",
         "http://127.0.0.1:8080", NULL},
        {"HTTPS://API.Example.COM:443", "https://api.example.com/",
         "https://api.example.com", NULL},
        {"http://h:80/a b?q=1#frag", "http://h/a%20b?q=1", "http://h", NULL},
        {"http://h?x", "http://h/?x", "http://h", NULL},
        /* "." and ".." segments are worked out, in the path only. */
        {"http://h/a/./b/../c?x/../y", "http://h/a/c?x/../y", "http://h", NULL},
        {"http://h/a/b/..", "http://h/a/", "http://h", NULL},
        {"http://h/a/.", "http://h/a/", "http://h", NULL},
        {"http://h/../../x", "http://h/x", "http://h", NULL},
        {"http://h/a/%2e%2E/b", "http://h/b", "http://h", NULL},
        {"http://h/a//b/", "http://h/a//b/", "http://h", NULL},
        {"http://h/.a/..b", "http://h/.a/..b", "http://h", NULL},
        {"http://[::1]:8080/", "http://[::1]:8080/", "http://[::1]:8080", NULL},
        {"http://user:pw@h/", NULL, NULL, "user name or password"},
        {"ftp://h/", NULL, NULL, "only to http and https"},
        {"file:///etc/passwd", NULL, NULL, "not a URL"},
        {"example.com/api", NULL, NULL, "not a URL"},
        {"http:///x", NULL, NULL, "no host"},
        {"http://h:99999/", NULL, NULL, "over 65535"},
        {"http://h:8x/", NULL, NULL, "not a number"},
        {"http://b\xc3\xa4"
         "d.example/",
         NULL, NULL, "xn--"},
    };
    static const struct {
        const char *in, *want, *error;
    } origins[] = {
        {"https://app.example.com", "https://app.example.com", NULL},
        {"https://App.Example.com:443/", "https://app.example.com", NULL},
        {"http://localhost:3000", "http://localhost:3000", NULL},
        {"http://localhost:80", "http://localhost", NULL},
        {"capacitor://localhost", "capacitor://localhost", NULL},
        {"null", "null", NULL},
        {"https://app.example.com/path", NULL, "no path"},
        {"app.example.com", NULL, "scheme"},
        {"https://", NULL, "no host"},
    };
    size_t i;

    for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        cors_fetch_url u;
        const char *err = cors_fetch_parse_url(pool, urls[i].in, &u);

        if (urls[i].error) {
            unit_contains(err, urls[i].error, "URL '%s' refused",
                          unit_esc(urls[i].in));
        }
        else {
            unit_is_str(
                err ? err : apr_pstrcat(pool, u.href, " ", u.origin, NULL),
                apr_pstrcat(pool, urls[i].href, " ", urls[i].origin, NULL),
                "URL '%s' -> %s", unit_esc(urls[i].in), urls[i].href);
        }
    }
    for (i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
        const char *out = NULL;
        const char *err = cors_fetch_parse_origin(pool, origins[i].in, &out);

        if (origins[i].error) {
            unit_contains(err, origins[i].error, "origin '%s' refused",
                          origins[i].in);
        }
        else {
            unit_is_str(err ? err : out, origins[i].want, "origin '%s' -> %s",
                        origins[i].in, origins[i].want);
        }
    }
}

/* ---- does it need a preflight? ------------------------------------------ */

static void test_safelisted_headers(void)
{
    static const struct {
        const char *name, *value;
        int want;
    } cases[] = {
        {"Accept", "application/json", 1},
        {"accept", "*/*", 1},
        {"Accept", "text/html, application/xhtml+xml;q=0.9", 1},
        {"Accept", "text/\"x\"", 0},
        {"Accept", "a(b)", 0},
        {"Accept", "x@y", 0},
        {"Accept-Language", "en-US,en;q=0.5", 1},
        {"Accept-Language", "de_DE", 0},
        {"Content-Language", "fr, de *", 1},
        {"Content-Language", "en/us", 0},
        {"Content-Type", "text/plain", 1},
        {"Content-Type", "TEXT/PLAIN; charset=utf-8", 1},
        {"Content-Type", "application/x-www-form-urlencoded", 1},
        {"Content-Type", "multipart/form-data; boundary=xyz", 1},
        {"Content-Type", "  text/plain  ;x=y", 1},
        {"Content-Type", "application/json", 0},
        {"Content-Type", "text/plain; charset=\"utf-8\"", 0},
        {"Content-Type", "text/plain:x", 0},
        {"Content-Type", "text/", 0},
        {"Content-Type", "textplain", 0},
        {"Content-Type", "text /plain", 0},
        {"Range", "bytes=0-", 1},
        {"Range", "bytes=100-200", 1},
        {"Range", "BYTES=5-5", 1},
        {"Range", "bytes=-500", 0},
        {"Range", "bytes=200-100", 0},
        {"Range", "bytes=0-1,5-6", 0},
        {"Range", "bytes = 0-", 0},
        {"Range", "items=0-1", 0},
        {"Range", "bytes=99999999999999999999-1", 0},
        {"X-Requested-With", "XMLHttpRequest", 0},
        {"Authorization", "Bearer x", 0},
        {"Cache-Control", "no-cache", 0},
    };
    char long_accept[140];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unit_is_int(
            cors_fetch_is_safelisted_header(cases[i].name, cases[i].value),
            cases[i].want, "safelisted %s: '%s' -> %d", cases[i].name,
            unit_esc(cases[i].value), cases[i].want);
    }
    memset(long_accept, 'a', 128);
    long_accept[128] = '\0';
    unit_is_int(cors_fetch_is_safelisted_header("Accept", long_accept), 1,
                "Accept of 128 bytes is safelisted");
    strcat(long_accept, "a");
    unit_is_int(cors_fetch_is_safelisted_header("Accept", long_accept), 0,
                "Accept of 129 bytes is not");
}

static void test_preflight_needed(void)
{
    static const struct {
        const char *method, *headers;
        int want;
        const char *acrh, *why;
    } cases[] = {
        {"GET", "", 0, NULL, "GET with CORS-safelisted"},
        {"HEAD", "", 0, NULL, "HEAD with"},
        {"POST", "Content-Type: text/plain", 0, NULL, "POST with"},
        {"POST", "Content-Type: application/x-www-form-urlencoded", 0, NULL,
         "POST"},
        {"GET", "Accept: application/json|Accept-Language: en", 0, NULL, "GET"},
        {"GET", "Range: bytes=0-99", 0, NULL, "GET"},
        {"PUT", "", 1, NULL, "method PUT is not CORS-safelisted"},
        {"DELETE", "", 1, NULL, "method DELETE"},
        {"patch", "", 1, NULL, "method patch"},
        {"POST", "Content-Type: application/json", 1, "content-type",
         "'application/json' is not"},
        {"GET", "Authorization: Bearer t", 1, "authorization",
         "authorization is not a CORS-safelisted"},
        {"GET", "X-B: 1|x-a: 2|X-B: 3", 1, "x-a,x-b", "x-a"},
        {"PUT", "Content-Type: application/json|Authorization: x", 1,
         "authorization,content-type", "method PUT"},
        {"GET", "Range: bytes=-5", 1, "range", "single bytes=N-"},
        {"GET", "Accept: a\"b", 1, "accept", "CORS-unsafe byte"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_request req = request(cases[i].method, cases[i].headers, 0);
        const char *why = NULL;

        unit_is_int(cors_fetch_needs_preflight(pool, &req, &why), cases[i].want,
                    "%s {%s}: preflight %s", cases[i].method, cases[i].headers,
                    cases[i].want ? "needed" : "not needed");
        unit_contains(why, cases[i].why, "%s {%s}: says why", cases[i].method,
                      cases[i].headers);
        unit_is_str(cors_fetch_request_headers_value(pool, &req), cases[i].acrh,
                    "%s {%s}: Access-Control-Request-Headers", cases[i].method,
                    cases[i].headers);
    }
}

/* The 1024-byte rule: safelisted values that add up to more make every
 * safelisted header unsafe. */
static void test_1024_rule(void)
{
    char v[129];
    const char *spec = "";
    cors_fetch_request req;
    const char *why = NULL;
    int i;

    memset(v, 'a', 128);
    v[128] = '\0';
    /* 8 values of 128 bytes: exactly 1024, still safe. */
    for (i = 0; i < 8; i++) {
        spec = apr_pstrcat(pool, spec, *spec ? "|" : "", "Accept: ", v, NULL);
    }
    req = request("GET", spec, 0);
    unit_is_int(cors_fetch_needs_preflight(pool, &req, NULL), 0,
                "1024 bytes of safelisted values: no preflight");
    spec = apr_pstrcat(pool, spec, "|Accept-Language: e", NULL);
    req = request("GET", spec, 0);
    unit_is_int(cors_fetch_needs_preflight(pool, &req, &why), 1,
                "1025 bytes of safelisted values: preflight");
    unit_contains(why, "1025 bytes, over 1024", "the 1024-byte rule says so");
    unit_is_str(cors_fetch_request_headers_value(pool, &req),
                "accept,accept-language",
                "1024-byte rule: every safelisted name is in the preflight");
    req = request("GET", apr_pstrcat(pool, spec, "|X-Id: 1", NULL), 0);
    unit_is_str(cors_fetch_request_headers_value(pool, &req),
                "accept,accept-language,x-id",
                "1024-byte rule with an unsafe header too");
}

static void test_prepare(void)
{
    cors_fetch_request req = request("POST", "", 0);

    req.has_body = 1;
    unit_is_str(cors_fetch_prepare(pool, &req), NULL, "POST with a body");
    unit_is_str(cors_fetch_get(pool, req.headers, "content-type"),
                "text/plain;charset=UTF-8",
                "a body without Content-Type is text/plain;charset=UTF-8");
    unit_is_int(cors_fetch_needs_preflight(pool, &req, NULL), 0,
                "POST of a string body: no preflight");

    req = request("PUT", "Content-Type: application/json", 0);
    req.has_body = 1;
    cors_fetch_prepare(pool, &req);
    unit_is_str(cors_fetch_get(pool, req.headers, "content-type"),
                "application/json", "a Content-Type given is kept");

    req = request("GET", "", 0);
    req.has_body = 1;
    unit_contains(cors_fetch_prepare(pool, &req), "cannot have a body",
                  "GET with a body is refused");
    req = request("HEAD", "", 0);
    req.has_body = 1;
    unit_contains(cors_fetch_prepare(pool, &req), "cannot have a body",
                  "HEAD with a body is refused");
}

/* ---- the CORS check of actual responses --------------------------------- */

static void test_response_check(void)
{
    static const struct {
        int credentials;
        const char *headers;
        cors_fetch_error want;
        const char *hint;
    } cases[] = {
        {0, "Access-Control-Allow-Origin: " ORIGIN, CORS_FETCH_OK, NULL},
        {0, "Access-Control-Allow-Origin: *", CORS_FETCH_OK, NULL},
        {0, "", CORS_FETCH_MISSING_ALLOW_ORIGIN, ""},
        {0, "Content-Type: text/plain", CORS_FETCH_MISSING_ALLOW_ORIGIN, ""},
        {0, "Access-Control-Allow-Origin: https://other.example.com",
         CORS_FETCH_ALLOW_ORIGIN_MISMATCH, "https://other.example.com"},
        {0, "Access-Control-Allow-Origin: " ORIGIN "/",
         CORS_FETCH_ALLOW_ORIGIN_MISMATCH, ORIGIN "/"},
        {0, "Access-Control-Allow-Origin: https://APP.example.com",
         CORS_FETCH_ALLOW_ORIGIN_MISMATCH, "https://APP.example.com"},
        {0, "Access-Control-Allow-Origin: null",
         CORS_FETCH_ALLOW_ORIGIN_MISMATCH, "null"},
        {0, "Access-Control-Allow-Origin: app.example.com",
         CORS_FETCH_INVALID_ALLOW_ORIGIN, "app.example.com"},
        {0, "Access-Control-Allow-Origin: https://",
         CORS_FETCH_INVALID_ALLOW_ORIGIN, "https://"},
        /* Two header lines are one value "a, b". */
        {0, "Access-Control-Allow-Origin: *|Access-Control-Allow-Origin: *",
         CORS_FETCH_MULTIPLE_ALLOW_ORIGIN, "*, *"},
        {0,
         "Access-Control-Allow-Origin: " ORIGIN
         "|access-control-allow-origin: " ORIGIN,
         CORS_FETCH_MULTIPLE_ALLOW_ORIGIN, ORIGIN ", " ORIGIN},
        {0, "Access-Control-Allow-Origin: " ORIGIN " https://b.example",
         CORS_FETCH_MULTIPLE_ALLOW_ORIGIN, ORIGIN " https://b.example"},
        /* Credentials: no wildcard, and Allow-Credentials exactly true. */
        {1,
         "Access-Control-Allow-Origin: *|"
         "Access-Control-Allow-Credentials: true",
         CORS_FETCH_WILDCARD_WITH_CREDENTIALS, ""},
        {1, "Access-Control-Allow-Origin: " ORIGIN,
         CORS_FETCH_INVALID_ALLOW_CREDENTIALS, ""},
        {1,
         "Access-Control-Allow-Origin: " ORIGIN
         "|Access-Control-Allow-Credentials: True",
         CORS_FETCH_INVALID_ALLOW_CREDENTIALS, "True"},
        {1,
         "Access-Control-Allow-Origin: " ORIGIN
         "|Access-Control-Allow-Credentials: true",
         CORS_FETCH_OK, NULL},
        {1, "", CORS_FETCH_MISSING_ALLOW_ORIGIN, ""},
        /* Without credentials, Allow-Credentials does not matter. */
        {0,
         "Access-Control-Allow-Origin: " ORIGIN
         "|Access-Control-Allow-Credentials: nope",
         CORS_FETCH_OK, NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_request req = request("GET", "", cases[i].credentials);
        cors_fetch_verdict v;
        cors_fetch_error e = cors_fetch_check_response(
            pool, &req, 200, headers(cases[i].headers), &v);

        unit_is_str(error_names[e], error_names[cases[i].want],
                    "response {%s}%s -> %s", unit_esc(cases[i].headers),
                    cases[i].credentials ? " with credentials" : "",
                    error_names[cases[i].want]);
        if (cases[i].want != CORS_FETCH_OK) {
            unit_is_str(v.hint, cases[i].hint, "  hint '%s'",
                        unit_esc(cases[i].hint));
            unit_is_int(v.preflight, 0, "  not a preflight error");
        }
        else {
            unit_ok(v.console == NULL && v.fix == NULL,
                    "  allowed: no console message, no fix");
        }
    }

    /* The status does not matter to the CORS check of a response. */
    {
        cors_fetch_request req = request("GET", "", 0);
        cors_fetch_verdict v;

        unit_is_int(cors_fetch_check_response(
                        pool, &req, 500,
                        headers("Access-Control-Allow-Origin: " ORIGIN), &v),
                    CORS_FETCH_OK, "a 500 with the right origin is readable");
        unit_is_int(cors_fetch_check_response(pool, &req, 401, headers(""), &v),
                    CORS_FETCH_MISSING_ALLOW_ORIGIN,
                    "a 401 without CORS headers is blocked");
    }
}

/* The exact console texts Chrome prints, and the fixes. */
static void test_messages(void)
{
    static const struct {
        int credentials;
        const char *headers;
        const char *reason, *fix;
    } cases[] = {
        {0, "",
         "No 'Access-Control-Allow-Origin' header is present on the "
         "requested resource.",
         "add " ORIGIN " to CORSAllowOrigin"},
        {0, "CORS-Debug: denied; reason=origin-not-allowed", NULL,
         "CORS-Debug header says origin-not-allowed"},
        {1, "Access-Control-Allow-Origin: *",
         "The value of the 'Access-Control-Allow-Origin' header in the "
         "response must not be the wildcard '*' when the request's "
         "credentials mode is 'include'.",
         "CORSAllowCredentials On"},
        {1, "Access-Control-Allow-Origin: *", NULL,
         "CORSBackendHeaders Replace"},
        {0, "Access-Control-Allow-Origin: *|Access-Control-Allow-Origin: *",
         "The 'Access-Control-Allow-Origin' header contains multiple values "
         "'*, *', but only one is allowed. Have the server send the header "
         "with a valid value.",
         "CORSBackendHeaders Replace removes the backend's duplicate"},
        {0, "Access-Control-Allow-Origin: https://other.example.com",
         "The 'Access-Control-Allow-Origin' header has a value "
         "'https://other.example.com' that is not equal to the supplied "
         "origin. Have the server send the header with a valid value.",
         "add " ORIGIN " to CORSAllowOrigin"},
        {0, "Access-Control-Allow-Origin: " ORIGIN "/", NULL,
         "ends with a slash"},
        {0, "Access-Control-Allow-Origin: http://app.example.com", NULL,
         "its scheme is http, the page's is https"},
        {0, "Access-Control-Allow-Origin: https://app.example.com:8443", NULL,
         "its port is 8443, the page's is 443"},
        {0, "Access-Control-Allow-Origin: https://app.example.com:443", NULL,
         "no default port"},
        {0, "Access-Control-Allow-Origin: bogus",
         "The 'Access-Control-Allow-Origin' header contains the invalid "
         "value 'bogus'. Have the server send the header with a valid "
         "value.",
         "CORSAllowOrigin " ORIGIN},
        {1, "Access-Control-Allow-Origin: " ORIGIN,
         "The value of the 'Access-Control-Allow-Credentials' header in the "
         "response is '' which must be 'true' when the request's "
         "credentials mode is 'include'.",
         "CORSAllowCredentials On"},
        {1,
         "Access-Control-Allow-Origin: " ORIGIN
         "|Access-Control-Allow-Credentials: TRUE",
         NULL, "exactly 'true', not 'TRUE'"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_request req = request("GET", "", cases[i].credentials);
        cors_fetch_verdict v;

        cors_fetch_check_response(pool, &req, 200, headers(cases[i].headers),
                                  &v);
        if (cases[i].reason) {
            unit_is_str(v.reason, cases[i].reason, "message for {%s}",
                        unit_esc(cases[i].headers));
            unit_is_str(v.console,
                        apr_pstrcat(pool,
                                    "Access to fetch at '"
                                    "https://api.example.com/v1/items?id=1' "
                                    "from origin '" ORIGIN "' has been "
                                    "blocked by CORS policy: ",
                                    cases[i].reason, NULL),
                        "  the whole console line");
        }
        unit_contains(v.fix, cases[i].fix, "fix for {%s}: %s",
                      unit_esc(cases[i].headers), cases[i].fix);
    }
}

/* ---- the preflight ----------------------------------------------------- */

#define ALLOW_ORIGIN "Access-Control-Allow-Origin: " ORIGIN
#define PREFIX                                                                 \
    "Response to preflight request doesn't pass access "                       \
    "control check: "

static void test_preflight_check(void)
{
    static const struct {
        const char *method, *req_headers;
        int credentials, status;
        const char *headers;
        cors_fetch_error want;
        const char *hint;
    } cases[] = {
        {"PUT", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: GET, PUT", CORS_FETCH_OK,
         NULL},
        {"PUT", "", 0, 200, ALLOW_ORIGIN "|Access-Control-Allow-Methods: PUT",
         CORS_FETCH_OK, NULL},
        /* Status: 2xx only, after the CORS check (Chrome's order). */
        {"PUT", "", 0, 401, ALLOW_ORIGIN "|Access-Control-Allow-Methods: PUT",
         CORS_FETCH_PREFLIGHT_STATUS, ""},
        {"PUT", "", 0, 302, ALLOW_ORIGIN "|Access-Control-Allow-Methods: PUT",
         CORS_FETCH_PREFLIGHT_STATUS, ""},
        {"PUT", "", 0, 401, "WWW-Authenticate: Basic",
         CORS_FETCH_MISSING_ALLOW_ORIGIN, ""},
        {"PUT", "", 0, 403, "", CORS_FETCH_MISSING_ALLOW_ORIGIN, ""},
        /* A redirect fails before anything else. */
        {"PUT", "", 0, 301, ALLOW_ORIGIN "|Location: https://x.example/",
         CORS_FETCH_PREFLIGHT_REDIRECT, ""},
        {"PUT", "", 0, 307, "Location: /v1/items/",
         CORS_FETCH_PREFLIGHT_REDIRECT, ""},
        /* Methods: exact, case-sensitive; "*" only without credentials. */
        {"PUT", "", 0, 204, ALLOW_ORIGIN, CORS_FETCH_METHOD_NOT_ALLOWED, "PUT"},
        {"DELETE", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: GET, POST, PUT",
         CORS_FETCH_METHOD_NOT_ALLOWED, "DELETE"},
        {"PATCH", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: patch",
         CORS_FETCH_METHOD_NOT_ALLOWED, "PATCH"},
        {"patch", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: patch", CORS_FETCH_OK,
         NULL},
        {"PUT", "", 0, 204, ALLOW_ORIGIN "|Access-Control-Allow-Methods: *",
         CORS_FETCH_OK, NULL},
        {"PUT", "", 1, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Credentials: true"
                      "|Access-Control-Allow-Methods: *",
         CORS_FETCH_METHOD_NOT_ALLOWED, "PUT"},
        {"PUT", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: GET|"
                      "Access-Control-Allow-Methods: PUT",
         CORS_FETCH_OK, NULL},
        {"PUT", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: GET,,PUT ,",
         CORS_FETCH_OK, NULL},
        {"PUT", "", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: PUT DELETE",
         CORS_FETCH_INVALID_ALLOW_METHODS, ""},
        /* Headers: case-insensitive; "*" without credentials, never
         * Authorization. */
        {"POST", "Content-Type: application/json", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: Content-Type",
         CORS_FETCH_OK, NULL},
        {"POST", "Content-Type: application/json|X-Id: 1", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: Content-Type",
         CORS_FETCH_HEADER_NOT_ALLOWED, "x-id"},
        {"GET", "X-B: 1|X-A: 1", 0, 204, ALLOW_ORIGIN,
         CORS_FETCH_HEADER_NOT_ALLOWED, "x-a"},
        {"GET", "X-Id: 1", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: *", CORS_FETCH_OK, NULL},
        {"GET", "X-Id: 1", 1, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Credentials: true"
                      "|Access-Control-Allow-Headers: *",
         CORS_FETCH_HEADER_NOT_ALLOWED, "x-id"},
        {"GET", "Authorization: Bearer x|X-Id: 1", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: *",
         CORS_FETCH_HEADER_NOT_ALLOWED, "authorization"},
        {"GET", "Authorization: Bearer x", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: *, Authorization",
         CORS_FETCH_OK, NULL},
        {"GET", "X-Id: 1", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: x-id:1",
         CORS_FETCH_INVALID_ALLOW_HEADERS, ""},
        /* The preflight's CORS check. */
        {"PUT", "", 0, 204,
         "Access-Control-Allow-Origin: *|Access-Control-Allow-Methods: PUT",
         CORS_FETCH_OK, NULL},
        {"PUT", "", 1, 204,
         "Access-Control-Allow-Origin: *|Access-Control-Allow-Methods: PUT"
         "|Access-Control-Allow-Credentials: true",
         CORS_FETCH_WILDCARD_WITH_CREDENTIALS, ""},
        {"PUT", "", 1, 204, ALLOW_ORIGIN "|Access-Control-Allow-Methods: PUT",
         CORS_FETCH_INVALID_ALLOW_CREDENTIALS, ""},
        {"PUT", "", 0, 204,
         ALLOW_ORIGIN "|" ALLOW_ORIGIN "|Access-Control-Allow-Methods: PUT",
         CORS_FETCH_MULTIPLE_ALLOW_ORIGIN, ORIGIN ", " ORIGIN},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_request req = request(cases[i].method, cases[i].req_headers,
                                         cases[i].credentials);
        cors_fetch_verdict v;
        cors_fetch_error e = cors_fetch_check_preflight(
            pool, &req, cases[i].status, headers(cases[i].headers), &v);

        unit_is_str(error_names[e], error_names[cases[i].want],
                    "preflight of %s {%s}%s, %d {%s} -> %s", cases[i].method,
                    cases[i].req_headers,
                    cases[i].credentials ? " with credentials" : "",
                    cases[i].status, unit_esc(cases[i].headers),
                    error_names[cases[i].want]);
        if (cases[i].want != CORS_FETCH_OK) {
            unit_is_str(v.hint, cases[i].hint, "  hint '%s'", cases[i].hint);
        }
    }
}

static void test_preflight_messages(void)
{
    static const struct {
        const char *method, *req_headers;
        int credentials, status;
        const char *headers, *reason, *fix;
    } cases[] = {
        {"PUT", "", 0, 403, "",
         PREFIX "No 'Access-Control-Allow-Origin' header is present on the "
                "requested resource.",
         ORIGIN " is in CORSAllowOrigin, PUT in CORSAllowMethods"},
        {"PUT", "X-Id: 1|Authorization: x", 0, 403, "", NULL,
         "authorization x-id in CORSAllowHeaders"},
        {"PUT", "", 0, 403, "CORS-Debug: denied; reason=method-not-allowed",
         NULL, "add PUT to CORSAllowMethods"},
        {"GET", "X-Id: 1", 0, 403,
         "CORS-Debug: denied; reason=header-not-allowed", NULL,
         "list x-id in CORSAllowHeaders"},
        {"PUT", "", 0, 405, "", NULL,
         "answered the preflight with 405 and no CORS headers"},
        {"PUT", "", 0, 401,
         "Access-Control-Allow-Origin: *|WWW-Authenticate: Basic",
         PREFIX "It does not have HTTP ok status.", "exempt OPTIONS"},
        {"PUT", "", 0, 301, "Location: http://h/x/",
         PREFIX "Redirect is not allowed for a preflight request.",
         "redirected (301 to http://h/x/)"},
        {"PUT", "", 0, 204, ALLOW_ORIGIN "|Access-Control-Allow-Methods: GET",
         "Method PUT is not allowed by Access-Control-Allow-Methods in "
         "preflight response.",
         "add PUT to CORSAllowMethods"},
        {"PUT", "", 0, 204, ALLOW_ORIGIN "|Access-Control-Allow-Methods: put",
         NULL, "case-sensitively"},
        {"PUT", "", 1, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Methods: *"
                      "|Access-Control-Allow-Credentials: true",
         NULL, "only without credentials"},
        {"GET", "X-Id: 1", 0, 204, ALLOW_ORIGIN,
         "Request header field x-id is not allowed by "
         "Access-Control-Allow-Headers in preflight response.",
         "add x-id to CORSAllowHeaders"},
        {"GET", "Authorization: x", 0, 204,
         ALLOW_ORIGIN "|Access-Control-Allow-Headers: *",
         "Request header field authorization is not allowed by "
         "Access-Control-Allow-Headers in preflight response.",
         "'*' never covers Authorization"},
        {"PUT", "", 0, 204, ALLOW_ORIGIN "|Access-Control-Allow-Methods: a b",
         "Cannot parse Access-Control-Allow-Methods response header field "
         "in preflight response.",
         "CORSAllowMethods"},
        {"PUT", "", 1, 204, "Access-Control-Allow-Origin: *",
         PREFIX "The value of the 'Access-Control-Allow-Origin' header in "
                "the response must not be the wildcard '*' when the request's "
                "credentials mode is 'include'.",
         "CORSAllowCredentials On"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_request req = request(cases[i].method, cases[i].req_headers,
                                         cases[i].credentials);
        cors_fetch_verdict v;

        cors_fetch_check_preflight(pool, &req, cases[i].status,
                                   headers(cases[i].headers), &v);
        if (cases[i].reason) {
            unit_is_str(v.reason, cases[i].reason, "preflight message, %d {%s}",
                        cases[i].status, unit_esc(cases[i].headers));
        }
        unit_contains(v.fix, cases[i].fix, "preflight fix, %d {%s}: %s",
                      cases[i].status, unit_esc(cases[i].headers),
                      cases[i].fix);
        unit_is_int(v.preflight, 1, "  reported as a preflight failure");
    }

    /* Where Chrome and the standard differ, the verdict says so. */
    {
        cors_fetch_request req = request("GET", "Authorization: x", 0);
        cors_fetch_verdict v;

        cors_fetch_check_preflight(
            pool, &req, 204,
            headers(ALLOW_ORIGIN "|Access-Control-Allow-Headers: *"), &v);
        unit_contains(v.note, "Firefox and Safari block it",
                      "'*' and Authorization: the note on Chrome");
        cors_fetch_check_preflight(pool, &req, 204, headers(ALLOW_ORIGIN), &v);
        unit_is_str(v.note, NULL, "no note for a plain refusal");
    }
}

/* ---- after an allowed request ------------------------------------------- */

static void test_readable_and_max_age(void)
{
    static const struct {
        int credentials;
        const char *headers, *want;
    } cases[] = {
        {0, "Content-Type: text/plain|X-Internal: 1|Content-Length: 3",
         "content-length,content-type"},
        {0,
         "Content-Type: a|X-Request-Id: 1|X-Internal: 1|"
         "Access-Control-Expose-Headers: X-Request-Id, X-Missing",
         "content-type,x-request-id"},
        {0, "X-A: 1|Set-Cookie: s=1|Access-Control-Expose-Headers: *",
         "access-control-expose-headers,x-a"},
        {1, "X-A: 1|Access-Control-Expose-Headers: *", ""},
        {1,
         "X-A: 1|Set-Cookie: s=1|"
         "Access-Control-Expose-Headers: x-a, set-cookie",
         "x-a"},
        {0,
         "Cache-Control: no-store|Expires: 0|Last-Modified: x|Pragma: x|"
         "Content-Language: en|ETag: \"1\"",
         "cache-control,content-language,expires,last-modified,pragma"},
    };
    static const struct {
        const char *value, *want;
    } ages[] = {
        {NULL, "for 5 seconds"},
        {"600", "for 600 seconds"},
        {"0", "before every such request"},
        {"86400", "at most 7200"},
        {"-1", "negative"},
        {"ten", "not a number"},
        {"", "not a number"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_request req = request("GET", "", cases[i].credentials);
        apr_array_header_t *r =
            cors_fetch_readable_headers(pool, &req, headers(cases[i].headers));

        unit_is_str(apr_array_pstrcat(pool, r, ','), cases[i].want,
                    "readable from {%s}%s", unit_esc(cases[i].headers),
                    cases[i].credentials ? " with credentials" : "");
    }
    for (i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
        unit_contains(cors_fetch_max_age_note(pool, ages[i].value),
                      ages[i].want, "max-age '%s' note",
                      ages[i].value ? ages[i].value : "(none)");
    }
}

static void test_misc(void)
{
    cors_fetch_request req = request("GET", "", 0);
    apr_array_header_t *h = headers("Location: /x|X: 1|x: 2");

    unit_is_int(cors_fetch_same_origin(&req), 0, "app and api: cross-origin");
    req.origin = "https://api.example.com";
    unit_is_int(cors_fetch_same_origin(&req), 1, "same origin detected");
    unit_is_str(cors_fetch_get(pool, h, "x"), "1, 2", "get joins with ', '");
    unit_is_str(cors_fetch_get(pool, h, "y"), NULL, "get of an absent one");
    unit_is_int(cors_fetch_is_redirect(302, h), 1, "302 with Location");
    unit_is_int(cors_fetch_is_redirect(302, headers("")), 0,
                "302 without Location");
    unit_is_int(cors_fetch_is_redirect(304, h), 0, "304 is no redirect");
    unit_is_int(cors_fetch_is_redirect(300, h), 0, "300 is not followed");
    unit_is_int(cors_fetch_is_forbidden_header("X-Method-Override", "track"), 1,
                "X-Method-Override: track is forbidden");
    unit_is_int(cors_fetch_is_forbidden_header("X-Forwarded-For", "1"), 0,
                "X-Forwarded-For is not forbidden");
}

/* ---- redirects ------------------------------------------------------------ */

static void test_locations(void)
{
    static const struct {
        const char *in, *href;
        int http, credentials;
        const char *error;
    } cases[] = {
        {"https://other.example.com/x", "https://other.example.com/x", 1, 0,
         NULL},
        {"HTTP://Other.Example.COM:80/x", "http://other.example.com/x", 1, 0,
         NULL},
        {"/login?next=%2F", "https://api.example.com/login?next=%2F", 1, 0,
         NULL},
        {"../v2/items", "https://api.example.com/v2/items", 1, 0, NULL},
        {"./other", "https://api.example.com/v1/other", 1, 0, NULL},
        {"a/b/../c", "https://api.example.com/v1/a/c", 1, 0, NULL},
        {"?page=2", "https://api.example.com/v1/items?page=2", 1, 0, NULL},
        {"//cdn.example.com/a", "https://cdn.example.com/a", 1, 0, NULL},
        {"\\\\cdn.example.com\\a", "https://cdn.example.com/a", 1, 0, NULL},
        {"", URL, 1, 0, NULL},
        {"#top", URL, 1, 0, NULL},
        {"/x#top", "https://api.example.com/x", 1, 0, NULL},
        {" /a\t/b\n ", "https://api.example.com/a/b", 1, 0, NULL},
        {"/a/%2e%2E/b", "https://api.example.com/b", 1, 0, NULL},
        /* The same scheme without "//" is relative; another is not. */
        {"https:/x", "https://api.example.com/x", 1, 0, NULL},
        {"https:x", "https://api.example.com/v1/x", 1, 0, NULL},
        {"http:other.example.com/x", "http://other.example.com/x", 1, 0, NULL},
        {"http:///other.example.com/x", "http://other.example.com/x", 1, 0,
         NULL},
        /* User name and password. */
        {"https://user:pw@other.example.com/",
         "https://user:pw@other.example.com/", 1, 1, NULL},
        {"https://user@other.example.com/", "https://user@other.example.com/",
         1, 1, NULL},
        {"https://:pw@other.example.com/", "https://:pw@other.example.com/", 1,
         1, NULL},
        {"https://@other.example.com/", "https://@other.example.com/", 1, 0,
         NULL},
        {"https://:@other.example.com/", "https://:@other.example.com/", 1, 0,
         NULL},
        /* Other schemes. */
        {"data:,hello", "data:,hello", 0, 0, NULL},
        {"JavaScript:alert(1)", "javascript:alert(1)", 0, 0, NULL},
        {"ftp://Files.example.com/x", "ftp://files.example.com/x", 0, 0, NULL},
        {"ws://h:80/x", "ws://h/x", 0, 0, NULL},
        {"file:///etc/passwd", "file:///etc/passwd", 0, 0, NULL},
        /* Not URLs. */
        {"https://exa mple.com/", NULL, 0, 0, "not a URL"},
        {"https://[::1/", NULL, 0, 0, "not a URL"},
        {"https://h:99999/", NULL, 0, 0, "over 65535"},
        {"//", NULL, 0, 0, "no host"},
    };
    cors_fetch_url base;
    size_t i;

    cors_fetch_parse_url(pool, URL, &base);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_fetch_location loc;
        const char *err =
            cors_fetch_resolve_location(pool, &base, cases[i].in, &loc);

        if (cases[i].error) {
            unit_contains(err, cases[i].error, "Location '%s' refused",
                          unit_esc(cases[i].in));
            continue;
        }
        unit_is_str(err ? err : loc.href, cases[i].href, "Location '%s' -> %s",
                    unit_esc(cases[i].in), cases[i].href);
        unit_ok(err == NULL && loc.http == cases[i].http &&
                    loc.credentials == cases[i].credentials,
                "  http %d, credentials %d", cases[i].http,
                cases[i].credentials);
    }
    {
        cors_fetch_location loc;

        cors_fetch_resolve_location(pool, &base,
                                    "https://u:p@Other.example.com", &loc);
        unit_is_str(loc.url.href, "https://other.example.com/",
                    "the URL to fetch has no user name and password");
        unit_is_str(loc.url.origin, "https://other.example.com",
                    "  and its origin");
    }
}

static void test_redirect_rules(void)
{
    static const struct {
        int status;
        const char *method, *want;
    } methods[] = {
        {301, "POST", "GET"},      {302, "POST", "GET"},
        {303, "POST", "GET"},      {301, "PUT", "PUT"},
        {302, "DELETE", "DELETE"}, {301, "GET", "GET"},
        {302, "HEAD", "HEAD"},     {303, "PUT", "GET"},
        {303, "DELETE", "GET"},    {303, "patch", "GET"},
        {303, "HEAD", "HEAD"},     {303, "GET", "GET"},
        {307, "POST", "POST"},     {308, "PUT", "PUT"},
        {307, "GET", "GET"},
    };
    static const struct {
        const char *origin, *from, *to;
        int want;
    } taints[] = {
        /* Within one origin: never. */
        {ORIGIN, "https://api.example.com", "https://api.example.com", 0},
        /* From the page's own origin to another: the origin is sent. */
        {ORIGIN, ORIGIN, "https://api.example.com", 0},
        /* From another origin to a third, or back to the page's: null. */
        {ORIGIN, "https://api.example.com", "https://cdn.example.com", 1},
        {ORIGIN, "https://api.example.com", ORIGIN, 1},
        {ORIGIN, "http://api.example.com", "https://api.example.com", 1},
        {"null", "https://api.example.com", "https://cdn.example.com", 1},
    };
    size_t i;

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        unit_is_str(
            cors_fetch_redirect_method(methods[i].status, methods[i].method),
            methods[i].want, "%d turns %s into %s", methods[i].status,
            methods[i].method, methods[i].want);
    }
    for (i = 0; i < sizeof(taints) / sizeof(taints[0]); i++) {
        unit_is_int(cors_fetch_redirect_taints(taints[i].origin, taints[i].from,
                                               taints[i].to),
                    taints[i].want, "page %s, redirect %s -> %s: %s",
                    taints[i].origin, taints[i].from, taints[i].to,
                    taints[i].want ? "tainted" : "not tainted");
    }
}

/* A redirect response to LOCATION. */
static apr_array_header_t *moved(const char *location, const char *more)
{
    return headers(apr_pstrcat(pool, "Location: ", location, more[0] ? "|" : "",
                               more, NULL));
}

static void test_follow_redirect(void)
{
    cors_fetch_redirect r;
    cors_fetch_verdict v;
    cors_fetch_error e;

    /* 302 of a POST: a GET without body and Content-Type, same origin. */
    {
        cors_fetch_request req = request(
            "POST", "Content-Type: text/plain|X-Debug: 1|Content-Language: en",
            0);

        req.has_body = 1;
        e = cors_fetch_follow_redirect(pool, &req, 302, moved("/v2/items", ""),
                                       &r, &v);
        unit_is_str(error_names[e], "ok", "302 of a POST: followed");
        unit_is_str(req.method, "GET", "  as a GET");
        unit_ok(req.has_body == 0 && r.body_dropped == 1, "  without body");
        unit_is_str(r.old_method, "POST", "  the old method recorded");
        unit_is_str(r.dropped, "Content-Type, Content-Language",
                    "  request-body headers dropped");
        unit_is_str(cors_fetch_get(pool, req.headers, "X-Debug"), "1",
                    "  other headers kept");
        unit_is_str(req.url.href, "https://api.example.com/v2/items",
                    "  the new URL");
        unit_is_str(req.first_href, URL, "  the first URL kept");
        unit_ok(req.redirect_count == 1 && !req.tainted && !r.cross_origin,
                "  one redirect, same origin, not tainted");
        unit_is_int(req.cors_tainting, 1, "  CORS from then on");
    }
    /* 307 keeps everything. */
    {
        cors_fetch_request req =
            request("POST", "Content-Type: application/json", 0);

        req.has_body = 1;
        cors_fetch_follow_redirect(pool, &req, 307, moved("/v2/items", ""), &r,
                                   &v);
        unit_ok(strcmp(req.method, "POST") == 0 && req.has_body == 1 &&
                    r.old_method == NULL && r.dropped == NULL,
                "307 of a POST: method, body and headers kept");
        unit_is_int(cors_fetch_needs_preflight(pool, &req, NULL), 1,
                    "  and a preflight again for the new URL");
    }
    /* 303 of a preflighted PUT: a GET that needs no preflight. */
    {
        cors_fetch_request req =
            request("PUT", "Content-Type: application/json", 0);

        req.has_body = 1;
        cors_fetch_follow_redirect(pool, &req, 303, moved("/done", ""), &r, &v);
        unit_ok(strcmp(req.method, "GET") == 0 &&
                    !cors_fetch_needs_preflight(pool, &req, NULL),
                "303 of a PUT: a GET without preflight");
    }
    /* To another origin: Authorization goes, and the origin becomes null
     * (from api, which is not the page's origin, to cdn). */
    {
        cors_fetch_request req =
            request("GET", "Authorization: Bearer x|X-Debug: 1", 0);

        e = cors_fetch_follow_redirect(
            pool, &req, 301, moved("https://cdn.example.com/items", ""), &r,
            &v);
        unit_is_str(error_names[e], "ok", "to another origin: followed");
        unit_is_str(r.dropped, "Authorization", "  without Authorization");
        unit_ok(r.cross_origin && r.tainted_now && req.tainted,
                "  tainted by this redirect");
        unit_is_str(cors_fetch_serialized_origin(&req), "null",
                    "  the origin is sent as null");
        unit_is_str(cors_fetch_request_headers_value(pool, &req), "x-debug",
                    "  the next preflight asks for x-debug only");

        e = cors_fetch_check_response(
            pool, &req, 200, headers("Access-Control-Allow-Origin: " ORIGIN),
            &v);
        unit_is_str(error_names[e], "allow-origin-mismatch",
                    "  the page's origin no longer matches");
        unit_is_str(v.console,
                    "Access to fetch at 'https://cdn.example.com/items' "
                    "(redirected from '" URL "') from origin '" ORIGIN
                    "' has been blocked by CORS policy: The "
                    "'Access-Control-Allow-Origin' header has a value '" ORIGIN
                    "' that is not equal to the supplied origin. Have the "
                    "server send the header with a valid value.",
                    "  Chrome's message names both URLs");
        unit_contains(v.fix, "the browser sent Origin: null",
                      "  the fix explains the null origin");
        e = cors_fetch_check_response(pool, &req, 200, headers(""), &v);
        unit_contains(v.fix,
                      "Call https://cdn.example.com/items from the "
                      "page directly",
                      "  no header: the fix says to call the URL directly");
        unit_is_int(cors_fetch_check_response(
                        pool, &req, 200,
                        headers("Access-Control-Allow-Origin: null"), &v),
                    CORS_FETCH_OK, "  'null' is allowed");
        unit_is_int(
            cors_fetch_check_response(
                pool, &req, 200, headers("Access-Control-Allow-Origin: *"), &v),
            CORS_FETCH_OK, "  '*' is allowed");
    }
    /* From the page's origin to another: no taint, CORS from there on,
     * and back to the page's origin the origin is null. */
    {
        cors_fetch_request req = request("GET", "", 0);

        cors_fetch_parse_url(pool, ORIGIN "/start", &req.url);
        unit_is_int(cors_fetch_uses_cors(&req), 0, "same origin: no CORS");
        cors_fetch_follow_redirect(pool, &req, 302, moved(URL, ""), &r, &v);
        unit_ok(!req.tainted && !req.cors_tainting &&
                    cors_fetch_uses_cors(&req),
                "  redirected to the API: CORS, origin still sent");
        unit_is_str(cors_fetch_serialized_origin(&req), ORIGIN,
                    "  the page's origin");
        cors_fetch_follow_redirect(pool, &req, 302, moved(ORIGIN "/end", ""),
                                   &r, &v);
        unit_ok(req.tainted && cors_fetch_uses_cors(&req),
                "  back home: still CORS, origin null");
        unit_is_int(req.redirect_count, 2, "  two redirects");
    }
    /* At most 20. */
    {
        cors_fetch_request req = request("GET", "", 0);
        int i, followed = 0;

        for (i = 0; i < 21; i++) {
            e = cors_fetch_follow_redirect(pool, &req, 302, moved(URL, ""), &r,
                                           &v);
            if (e != CORS_FETCH_OK) {
                break;
            }
            followed++;
        }
        unit_is_int(followed, 20, "20 redirects are followed");
        unit_is_str(error_names[e], "too-many-redirects", "  the 21st is not");
        unit_ok(v.network_error, "  a network error");
        unit_is_str(v.console,
                    URL " - Failed to load resource: "
                        "net::ERR_TOO_MANY_REDIRECTS",
                    "  Chrome's console line");
        unit_contains(v.fix, "do not end", "  the fix");
    }
    /* A user name and password. */
    {
        cors_fetch_request req = request("GET", "", 0);

        e = cors_fetch_follow_redirect(
            pool, &req, 302, moved("https://u:p@api.example.com/x", ""), &r,
            &v);
        unit_is_str(error_names[e], "redirect-credentials",
                    "credentials in the Location: refused");
        unit_is_str(v.reason,
                    "Redirect location '' contains a username and password, "
                    "which is disallowed for cross-origin requests.",
                    "  Chrome's text (without the location)");
        unit_contains(v.console, "Access to fetch at '" URL "' from origin",
                      "  at the URL that redirected");
        unit_contains(v.fix, "https://u:p@api.example.com/x",
                      "  the fix names the Location");
        unit_is_int(req.redirect_count, 0, "  not followed");
    }
    {
        cors_fetch_request req = request("GET", "", 0);

        cors_fetch_parse_url(pool, ORIGIN "/start", &req.url);
        e = cors_fetch_follow_redirect(pool, &req, 302, moved(ORIGIN "/x", ""),
                                       &r, &v);
        req = request("GET", "", 0);
        cors_fetch_parse_url(pool, ORIGIN "/start", &req.url);
        e = cors_fetch_follow_redirect(
            pool, &req, 302, moved("https://u:p@app.example.com/x", ""), &r,
            &v);
        unit_is_str(error_names[e], "ok",
                    "credentials within the page's origin: followed");
        unit_is_str(req.url.href, ORIGIN "/x", "  without them");
    }
    /* Schemes. */
    {
        cors_fetch_request req = request("GET", "", 0);

        e = cors_fetch_follow_redirect(
            pool, &req, 302, moved("ftp://files.example.com/a", ""), &r, &v);
        unit_is_str(error_names[e], "redirect-scheme", "to ftp: refused");
        unit_is_str(v.console,
                    "Access to fetch at 'ftp://files.example.com/a' "
                    "(redirected from '" URL "') from origin '" ORIGIN
                    "' has been blocked by CORS policy: Cross origin "
                    "requests are only supported for protocol schemes: "
                    "chrome, chrome-experimental-site-token-provider, "
                    "chrome-extension, chrome-untrusted, data, http, https, "
                    "isolated-app.",
                    "  Chrome's message, at the new URL");
        e = cors_fetch_follow_redirect(pool, &req, 302, moved("data:,x", ""),
                                       &r, &v);
        unit_is_str(error_names[e], "redirect-unsafe", "to data: refused");
        unit_is_str(v.reason, "net::ERR_UNSAFE_REDIRECT",
                    "  as a network error");
    }
    /* Locations that are not URLs, or two of them. */
    {
        cors_fetch_request req = request("GET", "", 0);

        e = cors_fetch_follow_redirect(pool, &req, 302,
                                       moved("http://h:99999/", ""), &r, &v);
        unit_is_str(v.reason, "net::ERR_INVALID_REDIRECT",
                    "a Location that is not a URL: a network error");
        e = cors_fetch_follow_redirect(pool, &req, 302,
                                       moved("/a", "Location: /b"), &r, &v);
        unit_is_str(v.reason, "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
                    "two different Locations: a network error");
        e = cors_fetch_follow_redirect(pool, &req, 302,
                                       moved("/a", "Location: /a"), &r, &v);
        unit_is_str(error_names[e], "ok", "the same Location twice: followed");
    }
    /* Chrome names the first URL only when it differs. */
    {
        cors_fetch_request req = request("GET", "", 0);

        cors_fetch_follow_redirect(pool, &req, 302, moved(URL, ""), &r, &v);
        cors_fetch_check_response(pool, &req, 200, headers(""), &v);
        unit_is_str(v.console,
                    "Access to fetch at '" URL "' from origin '" ORIGIN
                    "' has been blocked by CORS policy: No "
                    "'Access-Control-Allow-Origin' header is present on the "
                    "requested resource.",
                    "a redirect to the same URL: no 'redirected from'");
    }
}

static void test_printable(void)
{
    static const struct {
        const char *in;
        size_t len;
        int keep_newlines;
        const char *want;
    } cases[] = {
        {"plain text: a=b, c", 18, 0, "plain text: a=b, c"},
        {"Access-Control-\x1b[2J\x1b]0;owned\x07X", 30, 0,
         "Access-Control-\\x1b[2J\\x1b]0;owned\\x07X"},
        {"\x9b"
         "31m",
         4, 0, "\\x9b31m"},
        {"caf\xc3\xa9", 5, 0, "caf\\xc3\\xa9"},
        {"a\x7f"
         "b",
         3, 0, "a\\x7fb"},
        {"a\r\nb", 4, 0, "a\\x0d\\x0ab"},
        {"a\r\nb", 4, 1, "a\\x0d\nb"},
        {"a\0b", 3, 0, "a\\x00b"},
        {"back\\slash", 10, 0, "back\\slash"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unit_is_str(cors_fetch_printable(pool, cases[i].in, cases[i].len,
                                         cases[i].keep_newlines),
                    cases[i].want, "printable '%s'%s",
                    unit_escn(cases[i].in, cases[i].len),
                    cases[i].keep_newlines ? " keeping newlines" : "");
    }
}

int main(void)
{
    unit_apr_init(&pool);
    test_methods();
    test_header_args();
    test_urls();
    test_safelisted_headers();
    test_preflight_needed();
    test_1024_rule();
    test_prepare();
    test_response_check();
    test_messages();
    test_preflight_check();
    test_preflight_messages();
    test_readable_and_max_age();
    test_misc();
    test_locations();
    test_redirect_rules();
    test_follow_redirect();
    test_printable();
    return unit_apr_done(pool);
}
