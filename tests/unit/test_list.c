/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * Unit tests of cors_list: tokens, the method and header lists of
 * CORSAllowMethods, CORSAllowHeaders and CORSExposeHeaders, and the
 * checking of a request's Access-Control-Request-Headers.
 */
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cors_list.h"
#include "unit.h"

static apr_pool_t *pool;

/* ---- cors_is_token ---------------------------------------------------- */

static int is_token(const char *s)
{
    return cors_is_token(s, strlen(s));
}

static void test_token(void)
{
    static const unit_case cases[] = {
        { "X-Foo", 1 },
        { "GET", 1 },
        { "a", 1 },
        { "!#$%&'*+-.^_`|~09azAZ", 1 },
        { "", 0 },
        { "a b", 0 },
        { " a", 0 },
        { "a\t", 0 },
        { "a,b", 0 },
        { "a:b", 0 },
        { "a;b", 0 },
        { "a/b", 0 },
        { "a=b", 0 },
        { "a\"b", 0 },
        { "(a)", 0 },
        { "[a]", 0 },
        { "{a}", 0 },
        { "a<b>", 0 },
        { "a?", 0 },
        { "a@b", 0 },
        { "a\\b", 0 },
        { "a\r\n", 0 },
        { "\x7f", 0 },
        { "\xc3\xa9", 0 },
        { NULL, 0 }
    };

    unit_predicate("token", is_token, cases);
    /* len bounds the value */
    unit_is_int(cors_is_token("X-Foo: bar", 5), 1, "token 'X-Foo' of "
                "'X-Foo: bar' -> 1");
    unit_is_int(cors_is_token("X-F\0o", 5), 0, "token 'X-F\\0o' -> 0");
}

/* ---- cors_token_list_add ---------------------------------------------- */

typedef struct {
    const char *what;
    cors_list_kind kind;
    const char *args[4];
    const char *joined;
    int count;
    int any;
    const char *has[7];         /* keys that must be in names */
    const char *lacks[3];       /* keys that must not be */
    int warnings;
    const char *warning_says[2];
} list_case;

static const list_case list_cases[] = {
    /* methods: the six that fetch normalises are upper-cased */
    { "methods put", CORS_LIST_METHODS, { "put" }, "PUT", 1, 0,
      { "PUT" }, { "put" }, 0, { NULL } },
    { "methods Delete", CORS_LIST_METHODS, { "Delete" }, "DELETE", 1, 0,
      { "DELETE" }, { "Delete", "delete" }, 0, { NULL } },
    { "methods, six normalised", CORS_LIST_METHODS,
      { "get", "head,post", "options,Put,delete" },
      "GET, HEAD, POST, OPTIONS, PUT, DELETE", 6, 0,
      { "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE" },
      { "get", "Put", "delete" }, 0, { NULL } },
    /* any other method is kept as written, with a warning when it has a
     * lower-case letter: pages send it in upper case */
    { "methods patch stays patch", CORS_LIST_METHODS, { "patch" }, "patch",
      1, 0, { "patch" }, { "PATCH" }, 1, { "patch", "write PATCH" } },
    { "methods PATCH", CORS_LIST_METHODS, { "PATCH" }, "PATCH", 1, 0,
      { "PATCH" }, { "patch" }, 0, { NULL } },
    { "methods are case-sensitive", CORS_LIST_METHODS, { "PATCH", "patch" },
      "PATCH, patch", 2, 0, { "PATCH", "patch" }, { NULL }, 1,
      { "remove it: the list has PATCH" } },
    { "methods Propfind", CORS_LIST_METHODS, { "Propfind,MKCOL" },
      "Propfind, MKCOL", 2, 0, { "Propfind", "MKCOL" }, { "PROPFIND" }, 1,
      { "Propfind", "write PROPFIND" } },
    { "methods x-purge", CORS_LIST_METHODS, { "x-purge" }, "x-purge", 1, 0,
      { "x-purge" }, { "X-PURGE" }, 1, { "write X-PURGE" } },
    { "methods X-PURGE, M-SEARCH", CORS_LIST_METHODS, { "X-PURGE,M-SEARCH" },
      "X-PURGE, M-SEARCH", 2, 0, { "X-PURGE", "M-SEARCH" }, { NULL }, 0,
      { NULL } },
    { "methods, two lines add up", CORS_LIST_METHODS, { "PUT", "DELETE" },
      "PUT, DELETE", 2, 0, { "PUT", "DELETE" }, { "GET" }, 0, { NULL } },
    { "methods, comma list", CORS_LIST_METHODS, { "PUT,DELETE" },
      "PUT, DELETE", 2, 0, { "PUT", "DELETE" }, { NULL }, 0, { NULL } },
    { "methods, comma list and lines", CORS_LIST_METHODS,
      { "PUT,DELETE", "PATCH" }, "PUT, DELETE, PATCH", 3, 0,
      { "PUT", "DELETE", "PATCH" }, { NULL }, 0, { NULL } },
    { "methods *", CORS_LIST_METHODS, { "*" }, NULL, 0, 1, { NULL },
      { "*" }, 0, { NULL } },
    { "methods CONNECT", CORS_LIST_METHODS, { "CONNECT" }, NULL, 0, 0,
      { NULL }, { "CONNECT" }, 1, { "CONNECT" } },
    { "methods TRACE", CORS_LIST_METHODS, { "TRACE" }, NULL, 0, 0,
      { NULL }, { "TRACE" }, 1, { "TRACE" } },
    { "methods TRACK", CORS_LIST_METHODS, { "TRACK" }, NULL, 0, 0,
      { NULL }, { "TRACK" }, 1, { "TRACK" } },
    /* forbidden whatever their case (Fetch: byte-case-insensitive) */
    { "methods connect", CORS_LIST_METHODS, { "connect" }, NULL, 0, 0,
      { NULL }, { "connect" }, 1, { "connect" } },
    { "methods Trace", CORS_LIST_METHODS, { "Trace" }, NULL, 0, 0,
      { NULL }, { "Trace" }, 1, { "Trace" } },
    { "methods GET,TRACE,PUT", CORS_LIST_METHODS, { "GET,TRACE,PUT" },
      "GET, PUT", 2, 0, { "GET", "PUT" }, { "TRACE" }, 1, { "TRACE" } },

    /* header names: lower-cased keys, written form in joined */
    { "allow headers", CORS_LIST_ALLOW_HEADERS,
      { "Content-Type", "Authorization" }, "Content-Type, Authorization", 2,
      0, { "content-type", "authorization" },
      { "Content-Type", "Authorization" }, 0, { NULL } },
    { "allow headers, comma list", CORS_LIST_ALLOW_HEADERS,
      { "X-Requested-With,X-Custom-Header" },
      "X-Requested-With, X-Custom-Header", 2, 0,
      { "x-requested-with", "x-custom-header" }, { NULL }, 0, { NULL } },
    { "allow headers, upper case", CORS_LIST_ALLOW_HEADERS,
      { "X-API-KEY" }, "X-API-KEY", 1, 0, { "x-api-key" }, { "X-API-KEY" },
      0, { NULL } },
    { "allow headers *", CORS_LIST_ALLOW_HEADERS, { "*" }, NULL, 0, 1,
      { NULL }, { "*" }, 0, { NULL } },
    { "allow headers Cookie", CORS_LIST_ALLOW_HEADERS, { "Cookie" }, NULL,
      0, 0, { NULL }, { "cookie" }, 1,
      { "Cookie", "CORSAllowCredentials" } },
    { "allow headers Proxy-Foo", CORS_LIST_ALLOW_HEADERS, { "Proxy-Foo" },
      NULL, 0, 0, { NULL }, { "proxy-foo" }, 1, { "Proxy-Foo" } },
    { "allow headers Sec-Foo", CORS_LIST_ALLOW_HEADERS, { "Sec-Foo" }, NULL,
      0, 0, { NULL }, { "sec-foo" }, 1, { "Sec-Foo" } },
    { "allow headers Accept-Encoding", CORS_LIST_ALLOW_HEADERS,
      { "accept-encoding" }, NULL, 0, 0, { NULL }, { "accept-encoding" }, 1,
      { "accept-encoding" } },
    { "allow headers Host, Origin", CORS_LIST_ALLOW_HEADERS,
      { "Host", "Origin" }, NULL, 0, 0, { NULL }, { "host", "origin" }, 2,
      { "Host" } },
    { "allow headers Set-Cookie", CORS_LIST_ALLOW_HEADERS, { "Set-Cookie" },
      NULL, 0, 0, { NULL }, { "set-cookie" }, 1, { "Set-Cookie" } },
    { "allow headers X-A,Cookie,X-B", CORS_LIST_ALLOW_HEADERS,
      { "X-A,Cookie,X-B" }, "X-A, X-B", 2, 0, { "x-a", "x-b" },
      { "cookie" }, 1, { "Cookie" } },
    { "allow headers Secret, Proxyfoo are fine", CORS_LIST_ALLOW_HEADERS,
      { "Secret", "Proxyfoo" }, "Secret, Proxyfoo", 2, 0,
      { "secret", "proxyfoo" }, { NULL }, 0, { NULL } },

    /* expose */
    { "expose headers", CORS_LIST_EXPOSE_HEADERS,
      { "X-Total-Count", "ETag" }, "X-Total-Count, ETag", 2, 0,
      { "x-total-count", "etag" }, { NULL }, 0, { NULL } },
    { "expose headers *", CORS_LIST_EXPOSE_HEADERS, { "*" }, NULL, 0, 1,
      { NULL }, { NULL }, 0, { NULL } },
    { "expose Set-Cookie", CORS_LIST_EXPOSE_HEADERS, { "Set-Cookie" }, NULL,
      0, 0, { NULL }, { "set-cookie" }, 1, { "Set-Cookie" } },
    { "expose set-cookie", CORS_LIST_EXPOSE_HEADERS, { "set-cookie" }, NULL,
      0, 0, { NULL }, { "set-cookie" }, 1, { "set-cookie" } },
    { "expose X-Request-Id,Set-Cookie", CORS_LIST_EXPOSE_HEADERS,
      { "X-Request-Id,Set-Cookie" }, "X-Request-Id", 1, 0,
      { "x-request-id" }, { "set-cookie" }, 1, { "Set-Cookie" } },
    { NULL, 0, { NULL }, NULL, 0, 0, { NULL }, { NULL }, 0, { NULL } }
};

static void test_lists(void)
{
    const list_case *c;

    for (c = list_cases; c->what; c++) {
        cors_token_list *list = cors_token_list_make(pool, c->kind);
        apr_array_header_t *warnings = apr_array_make(pool, 2,
                                                      sizeof(const char *));
        int i, failed = 0;

        for (i = 0; i < 4 && c->args[i]; i++) {
            const char *err = cors_token_list_add(list, pool, c->args[i],
                                                  warnings);

            if (err) {
                unit_is_str(err, NULL, "%s: '%s' is accepted", c->what,
                            c->args[i]);
                failed = 1;
            }
        }
        if (failed) {
            continue;
        }
        unit_is_int(list->kind, c->kind, "%s: kind", c->what);
        unit_is_str(list->joined, c->joined, "%s: joined", c->what);
        unit_is_int(list->count, c->count, "%s: count", c->what);
        unit_is_int(list->any, c->any, "%s: any", c->what);
        for (i = 0; i < 7 && c->has[i]; i++) {
            unit_ok(apr_hash_get(list->names, c->has[i], APR_HASH_KEY_STRING)
                    != NULL, "%s: has '%s'", c->what, c->has[i]);
        }
        for (i = 0; i < 3 && c->lacks[i]; i++) {
            unit_ok(apr_hash_get(list->names, c->lacks[i],
                                 APR_HASH_KEY_STRING) == NULL,
                    "%s: lacks '%s'", c->what, c->lacks[i]);
        }
        if (!unit_is_int(warnings->nelts, c->warnings, "%s: warnings",
                         c->what)) {
            for (i = 0; i < warnings->nelts; i++) {
                unit_diag("  warning: %s",
                          APR_ARRAY_IDX(warnings, i, const char *));
            }
            continue;
        }
        for (i = 0; i < 2 && c->warning_says[i] && warnings->nelts; i++) {
            unit_contains(APR_ARRAY_IDX(warnings, 0, const char *),
                          c->warning_says[i], "%s: warning names '%s'",
                          c->what, c->warning_says[i]);
        }
    }
}

static void test_list_refusals(void)
{
    static const struct {
        cors_list_kind kind;
        const char *arg;
        const char *names;
    } cases[] = {
        { CORS_LIST_METHODS, "PU T", "PU T" },
        { CORS_LIST_METHODS, "GET;", "GET;" },
        { CORS_LIST_METHODS, "GET(1)", "GET(1)" },
        { CORS_LIST_METHODS, "GET/1", "GET/1" },
        { CORS_LIST_METHODS, "\"PUT\"", "\"PUT\"" },
        { CORS_LIST_METHODS, "PUT,DEL ETE", "DEL ETE" },
        { CORS_LIST_ALLOW_HEADERS, "X Foo", "X Foo" },
        { CORS_LIST_ALLOW_HEADERS, "X-Foo:", "X-Foo:" },
        { CORS_LIST_ALLOW_HEADERS, "X(Foo)", "X(Foo)" },
        { CORS_LIST_ALLOW_HEADERS, "X-Foo=1", "X-Foo=1" },
        { CORS_LIST_ALLOW_HEADERS, "X-A,X/B", "X/B" },
        { CORS_LIST_ALLOW_HEADERS, "X-\xc3\xa9", "X-\xc3\xa9" },
        { CORS_LIST_EXPOSE_HEADERS, "X{A}", "X{A}" },
        { CORS_LIST_EXPOSE_HEADERS, "X-Total-Count;", "X-Total-Count;" },
        { 0, NULL, NULL }
    };
    int i;

    for (i = 0; cases[i].arg; i++) {
        cors_token_list *list = cors_token_list_make(pool, cases[i].kind);
        const char *err = cors_token_list_add(list, pool, cases[i].arg,
                                              NULL);

        if (unit_ok(err != NULL, "list %d: '%s' is refused", cases[i].kind,
                    unit_esc(cases[i].arg))) {
            unit_contains(err, cases[i].names, "list %d: '%s': message "
                          "names '%s'", cases[i].kind,
                          unit_esc(cases[i].arg), unit_esc(cases[i].names));
        }
    }
}

/* Warnings may be NULL: the ineffective value is still left out. */
static void test_null_warnings(void)
{
    cors_token_list *list = cors_token_list_make(pool, CORS_LIST_METHODS);

    unit_is_str(cors_token_list_add(list, pool, "CONNECT,PUT", NULL), NULL,
                "no warnings array: 'CONNECT,PUT' accepted");
    unit_is_str(list->joined, "PUT", "no warnings array: joined");
    list = cors_token_list_make(pool, CORS_LIST_ALLOW_HEADERS);
    unit_is_str(cors_token_list_add(list, pool, "Cookie", NULL), NULL,
                "no warnings array: 'Cookie' accepted");
    unit_is_int(list->count, 0, "no warnings array: Cookie left out");
    list = cors_token_list_make(pool, CORS_LIST_METHODS);
    unit_is_str(cors_token_list_add(list, pool, "patch", NULL), NULL,
                "no warnings array: 'patch' accepted");
    unit_is_str(list->joined, "patch", "no warnings array: patch kept");
}

/* The fix a lower-case method's warning names is in upper case (the
 * table's checks ignore case). */
static void test_lower_case_method(void)
{
    cors_token_list *list = cors_token_list_make(pool, CORS_LIST_METHODS);
    apr_array_header_t *warnings = apr_array_make(pool, 1,
                                                  sizeof(const char *));
    const char *w;

    cors_token_list_add(list, pool, "get,patch", warnings);
    if (unit_is_int(warnings->nelts, 1, "'get,patch': one warning")) {
        w = APR_ARRAY_IDX(warnings, 0, const char *);
        unit_ok(strncmp(w, "CORSAllowMethods: patch ", 24) == 0
                && strstr(w, "write PATCH") != NULL,
                "'get,patch': the warning names patch and says write PATCH");
    }
    /* With PATCH listed already, the fix is to remove patch. */
    list = cors_token_list_make(pool, CORS_LIST_METHODS);
    warnings = apr_array_make(pool, 1, sizeof(const char *));
    cors_token_list_add(list, pool, "PATCH,patch", warnings);
    if (unit_is_int(warnings->nelts, 1, "'PATCH,patch': one warning")) {
        w = APR_ARRAY_IDX(warnings, 0, const char *);
        unit_ok(strstr(w, "remove it: the list has PATCH") != NULL,
                "'PATCH,patch': the warning says to remove patch");
    }
}

/* ---- cors_method_is_safelisted, cors_header_is_forbidden ------------- */

static void test_safelisted(void)
{
    static const unit_case cases[] = {
        { "GET", 1 }, { "HEAD", 1 }, { "POST", 1 },
        { "get", 0 }, { "Post", 0 }, { "PUT", 0 }, { "DELETE", 0 },
        { "OPTIONS", 0 }, { "PATCH", 0 }, { "GETX", 0 }, { "GE", 0 },
        { "", 0 }, { "GET ", 0 },
        { NULL, 0 }
    };

    unit_predicate("safelisted", cors_method_is_safelisted, cases);
}

static void test_forbidden(void)
{
    static const char *const forbidden[] = {
        "Accept-Charset", "Accept-Encoding",
        "Access-Control-Request-Headers", "Access-Control-Request-Method",
        "Connection", "Content-Length", "Cookie", "Cookie2", "Date", "DNT",
        "Expect", "Host", "Keep-Alive", "Origin", "Referer", "Set-Cookie",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Via",
        "cookie", "COOKIE", "host", "ACCEPT-ENCODING", "dnt",
        "Proxy-Authorization", "Proxy-Foo", "proxy-connection",
        "Sec-Fetch-Mode", "Sec-Foo", "SEC-CH-UA", NULL
    };
    static const char *const allowed[] = {
        "Content-Type", "Authorization", "X-Requested-With", "Accept",
        "Accept-Language", "Cookies", "Hosts", "Secret", "Proxyfoo",
        "X-Proxy-Foo", "X-Sec-Foo", "Date2", "Origin-Trial", "Tee",
        "Referrer", "Via-X", "Content-Length2", "Cache-Control", "Range",
        "If-None-Match", NULL
    };
    int i;

    for (i = 0; forbidden[i]; i++) {
        unit_is_int(cors_header_is_forbidden(forbidden[i],
                                             strlen(forbidden[i])), 1,
                    "forbidden '%s' -> 1", forbidden[i]);
    }
    for (i = 0; allowed[i]; i++) {
        unit_is_int(cors_header_is_forbidden(allowed[i], strlen(allowed[i])),
                    0, "forbidden '%s' -> 0", allowed[i]);
    }
    /* len bounds the name */
    unit_is_int(cors_header_is_forbidden("Cookie: a=b", 6), 1,
                "forbidden 'Cookie' of 'Cookie: a=b' -> 1");
    unit_is_int(cors_header_is_forbidden("Hostname", 4), 1,
                "forbidden 'Host' of 'Hostname' -> 1");
    unit_is_int(cors_header_is_forbidden("Cookie", 3), 0,
                "forbidden 'Coo' of 'Cookie' -> 0");
    unit_is_int(cors_header_is_forbidden("Sec-", 3), 0,
                "forbidden 'Sec' of 'Sec-' -> 0");
}

/* ---- cors_request_headers_check -------------------------------------- */

enum { L_NONE, L_NAMED, L_ANY };

typedef struct {
    const char *value;
    int list;
    cors_rh_result want;
    const char *bad;            /* on MALFORMED and NOT_ALLOWED */
    const char *echo;           /* on OK; "?" : not checked */
} rh_case;

static const rh_case rh_cases[] = {
    { "x-a", L_NAMED, CORS_RH_OK, NULL, "x-a" },
    { "X-A", L_NAMED, CORS_RH_OK, NULL, "x-a" },
    { "x-a,x-b", L_NAMED, CORS_RH_OK, NULL, "x-a, x-b" },
    { "X-A, X-B", L_NAMED, CORS_RH_OK, NULL, "x-a, x-b" },
    { " x-a ,\tx-b\t", L_NAMED, CORS_RH_OK, NULL, "x-a, x-b" },
    { "x-a,,x-b,", L_NAMED, CORS_RH_OK, NULL, "x-a, x-b" },
    { ",x-a", L_NAMED, CORS_RH_OK, NULL, "x-a" },
    { "x-a, , ,x-b", L_NAMED, CORS_RH_OK, NULL, "x-a, x-b" },
    { "", L_NAMED, CORS_RH_OK, NULL, NULL },
    { " , ,\t", L_NAMED, CORS_RH_OK, NULL, NULL },
    /* several header lines, as httpd joins them */
    { "x-a, x-b, Content-Type", L_NAMED, CORS_RH_OK, NULL,
      "x-a, x-b, content-type" },
    { "CONTENT-TYPE", L_NAMED, CORS_RH_OK, NULL, "content-type" },
    { "x-a, x-b, X-A", L_NAMED, CORS_RH_OK, NULL, "?" },
    { "x-a, x-c", L_NAMED, CORS_RH_NOT_ALLOWED, "x-c", NULL },
    { "X-Evil", L_NAMED, CORS_RH_NOT_ALLOWED, "x-evil", NULL },
    { "x-a,Authorization", L_NAMED, CORS_RH_NOT_ALLOWED, "authorization",
      NULL },
    { "x-a-b", L_NAMED, CORS_RH_NOT_ALLOWED, "x-a-b", NULL },
    { "x-", L_NAMED, CORS_RH_NOT_ALLOWED, "x-", NULL },
    { "x-a, x b", L_NAMED, CORS_RH_MALFORMED, "x b", NULL },
    { "x-a, X:B", L_NAMED, CORS_RH_MALFORMED, "x:b", NULL },
    { "x-a;q=1", L_NAMED, CORS_RH_MALFORMED, "x-a;q=1", NULL },
    { "\"x-a\"", L_NAMED, CORS_RH_MALFORMED, "\"x-a\"", NULL },
    { "x-a, X-\xc3\xa9", L_NAMED, CORS_RH_MALFORMED, "x-\xc3\xa9", NULL },
    { "x-a\r\nx-b", L_NAMED, CORS_RH_MALFORMED, "x-a\r\nx-b", NULL },
    { "x-a", L_NONE, CORS_RH_NOT_ALLOWED, "x-a", NULL },
    { "Content-Type", L_NONE, CORS_RH_NOT_ALLOWED, "content-type", NULL },
    { "", L_NONE, CORS_RH_OK, NULL, NULL },
    { " , ", L_NONE, CORS_RH_OK, NULL, NULL },
    { "X-Anything, Authorization", L_ANY, CORS_RH_OK, NULL,
      "x-anything, authorization" },
    { "x a", L_ANY, CORS_RH_MALFORMED, "x a", NULL },
    { NULL, 0, 0, NULL, NULL }
};

static cors_token_list *named, *any;

static const cors_token_list *rh_list(int which)
{
    return which == L_NAMED ? named : which == L_ANY ? any : NULL;
}

static void check_rh(const char *what, const char *value,
                     const cors_token_list *list, cors_rh_result want,
                     const char *want_bad, const char *want_echo)
{
    const char *bad = NULL, *echo = "(untouched)";
    cors_rh_result got;

    got = cors_request_headers_check(value, list, pool, &bad, &echo);
    if (!unit_is_str(cors_rh_result_name(got), cors_rh_result_name(want),
                     "%s -> %s", what, cors_rh_result_name(want))) {
        return;
    }
    if (want == CORS_RH_OK) {
        if (want_echo == NULL || strcmp(want_echo, "?") != 0) {
            unit_is_str(echo, want_echo, "%s: echo", what);
        }
    }
    else if (want_bad) {
        unit_is_str(bad, want_bad, "%s: bad", what);
    }
}

/* count names, each name_len bytes, joined with sep. */
static const char *names(int count, apr_size_t name_len, const char *sep,
                         int same)
{
    apr_size_t sep_len = strlen(sep);
    char *s = apr_palloc(pool, count * (name_len + sep_len) + 1), *o = s;
    int i;

    for (i = 0; i < count; i++) {
        apr_size_t j;

        if (i) {
            memcpy(o, sep, sep_len);
            o += sep_len;
        }
        memset(o, 'x', name_len);
        if (!same) {
            /* x-NNN...: distinct names */
            char num[16];
            apr_size_t n = (apr_size_t)apr_snprintf(num, sizeof(num), "%d",
                                                    i);

            o[1] = '-';
            for (j = 0; j < n && 2 + j < name_len; j++) {
                o[2 + j] = num[j];
            }
        }
        o += name_len;
    }
    *o = '\0';
    return s;
}

/* "x-a," and "x-b" around white space: len bytes in all. */
static const char *spaced(apr_size_t len)
{
    char *s = apr_palloc(pool, len + 1);

    memcpy(s, "x-a,", 4);
    memset(s + 4, ' ', len - 7);
    memcpy(s + len - 3, "x-b", 4);
    return s;
}

static void test_request_headers(void)
{
    const rh_case *c;
    const char *v, *bad = NULL;
    cors_rh_result got;

    named = cors_token_list_make(pool, CORS_LIST_ALLOW_HEADERS);
    cors_token_list_add(named, pool, "X-A,X-B", NULL);
    cors_token_list_add(named, pool, "Content-Type", NULL);
    any = cors_token_list_make(pool, CORS_LIST_ALLOW_HEADERS);
    cors_token_list_add(any, pool, "*", NULL);

    for (c = rh_cases; c->value; c++) {
        check_rh(apr_psprintf(pool, "request headers '%s' (%s)",
                              unit_esc(c->value),
                              c->list == L_NAMED ? "X-A, X-B, Content-Type"
                              : c->list == L_ANY ? "*" : "none"),
                 c->value, rh_list(c->list), c->want, c->bad, c->echo);
    }

    /* 64 names (repeats counted) at most */
    check_rh("64 distinct names", names(64, 6, ", ", 0), any, CORS_RH_OK,
             NULL, "?");
    check_rh("65 distinct names", names(65, 6, ", ", 0), any,
             CORS_RH_TOO_LONG, NULL, NULL);
    check_rh("64 times xxx", names(64, 3, ",", 1), any, CORS_RH_OK, NULL,
             "?");
    check_rh("65 times xxx", names(65, 3, ",", 1), any, CORS_RH_TOO_LONG,
             NULL, NULL);
    {
        /* x-a repeated against the named list: allowed, but too many */
        char *s = apr_palloc(pool, 65 * 5 + 1), *o = s;
        int i;

        for (i = 0; i < 65; i++) {
            memcpy(o, i ? ", x-a" : "x-a", i ? 5 : 3);
            o += i ? 5 : 3;
        }
        *o = '\0';
        check_rh("65 times x-a (X-A listed)", s, named, CORS_RH_TOO_LONG,
                 NULL, NULL);
        o[-5] = '\0';
        check_rh("64 times x-a (X-A listed)", s, named, CORS_RH_OK, NULL,
                 "?");
    }
    check_rh("64 names and empty items",
             apr_pstrcat(pool, ",, ,", names(64, 6, ",,", 0), ", ,", NULL),
             any, CORS_RH_OK, NULL, "?");

    /* 4,096 bytes at most */
    check_rh("one name of 4096 bytes", names(1, 4096, "", 1), any,
             CORS_RH_OK, NULL, "?");
    check_rh("one name of 4097 bytes", names(1, 4097, "", 1), any,
             CORS_RH_TOO_LONG, NULL, NULL);
    /* 40 names of 100 bytes + 39 ", " = 4078; pad to the limit */
    v = names(40, 100, ", ", 0);
    check_rh("4096 bytes of names and separators",
             apr_pstrcat(pool, v, ",", names(1, 4096 - 4078 - 1, "", 1),
                         NULL), any, CORS_RH_OK, NULL, "?");
    check_rh("4097 bytes of names and separators",
             apr_pstrcat(pool, v, ", ", names(1, 4096 - 4078 - 1, "", 1),
                         NULL), any, CORS_RH_TOO_LONG, NULL, NULL);
    /* white space counts: the limit is on the value's bytes */
    check_rh("4096 bytes, mostly white space", spaced(4096), any,
             CORS_RH_OK, NULL, "x-a, x-b");
    check_rh("4097 bytes, mostly white space", spaced(4097), any,
             CORS_RH_TOO_LONG, NULL, NULL);

    /* *bad is bounded */
    v = apr_pstrcat(pool, names(1, 1000, "", 1), " y", NULL);
    bad = NULL;
    got = cors_request_headers_check(v, any, pool, &bad, NULL);
    unit_is_str(cors_rh_result_name(got), "MALFORMED",
                "1002-byte non-token -> MALFORMED");
    unit_ok(bad != NULL && strlen(bad) <= 256 && bad[0] == 'x',
            "1002-byte non-token: *bad is bounded (%lu bytes)",
            bad ? (unsigned long)strlen(bad) : 0UL);

    /* echo may be NULL */
    got = cors_request_headers_check("x-a, x-b", named, pool, &bad, NULL);
    unit_is_str(cors_rh_result_name(got), "OK", "no echo wanted -> OK");
}

int main(void)
{
    unit_apr_init(&pool);
    test_token();
    test_lists();
    test_list_refusals();
    test_null_warnings();
    test_lower_case_method();
    test_safelisted();
    test_forbidden();
    test_request_headers();
    return unit_apr_done(pool);
}
