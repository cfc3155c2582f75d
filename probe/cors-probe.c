/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * cors-probe: what a browser does with one cross-origin fetch(), from the
 * command line.
 *
 *   cors-probe --origin O [--method M] [--header 'Name: value']...
 *              [--credentials [--cookie C]] [--body DATA] URL
 *
 * It sends the preflight a browser would send, and only when a browser
 * would (cors_fetch_needs_preflight), applies the CORS check to its
 * response, then sends the actual request and checks that response too.
 * A redirect is followed as the browser follows it
 * (cors_fetch_follow_redirect), with a new preflight where one is needed,
 * and every hop is checked again.  Each exchange is printed, then the
 * verdict: "a browser would allow this", or the console message Chrome
 * prints and the likely fix in mod_cors terms.  Exit status: 0 allowed,
 * 1 blocked, 2 error.
 *
 * The rules live in cors_fetch.c; this file parses arguments, talks HTTP
 * through libcurl (which never follows a redirect itself) and prints.
 * Everything printed goes through out(), which escapes the bytes a
 * hostile server could use to drive the terminal.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "cors_fetch.h"

#ifndef CORS_PROBE_VERSION
#define CORS_PROBE_VERSION "0"
#endif

#define EXIT_ALLOWED 0
#define EXIT_BLOCKED 1
#define EXIT_ERROR 2

static const char usage_text[] =
    "usage: cors-probe --origin ORIGIN [options] URL\n"
    "\n"
    "Does what a browser does for fetch(URL, ...) called by a page on\n"
    "ORIGIN: sends the CORS preflight when a browser would, checks the\n"
    "answers and follows redirects as a browser does, and says whether the\n"
    "page could read the response, or prints the console message Chrome\n"
    "shows and the fix.\n"
    "\n"
    "  -o, --origin ORIGIN    the page's origin, e.g. https://app.example.com\n"
    "                         or null (required)\n"
    "  -X, --method METHOD    the request method (default GET, or POST with\n"
    "                         --body)\n"
    "  -H, --header 'N: V'    a request header the page sets (repeatable)\n"
    "  -d, --body DATA        a string body (Content-Type defaults to\n"
    "                         text/plain;charset=UTF-8, as in fetch())\n"
    "      --credentials      credentials: 'include'\n"
    "      --cookie COOKIE    the Cookie the browser would send with\n"
    "                         --credentials (e.g. 'session=abc')\n"
    "  -k, --insecure         accept any TLS certificate (a browser would "
    "not)\n"
    "  -t, --timeout SECONDS  per request (default 10)\n"
    "  -a, --all-headers      print every response header, not only the\n"
    "                         CORS-related ones\n"
    "  -q, --quiet            print only the verdict\n"
    "  -h, --help             this text\n"
    "  -V, --version          the version\n"
    "\n"
    "Exit status: 0 a browser would allow it, 1 blocked, 2 error.\n";

typedef struct {
    const char *origin_arg;
    const char *method_arg;
    const char *body;
    const char *cookie;
    long timeout;
    int insecure;
    int all_headers;
    int quiet;
    cors_fetch_request req;
} probe_options;

/* One HTTP exchange as it happened. */
typedef struct {
    apr_pool_t *pool;
    int status;
    const char *status_line;
    apr_array_header_t *headers; /* cors_fetch_header */
    apr_array_header_t *sent;    /* lines of the request head */
    apr_size_t body_bytes;
    char error[CURL_ERROR_SIZE];
} exchange;

static int quiet;

/* Writes the formatted text to F with every byte but newline that is not
 * printable ASCII as \xNN: response headers, URLs and values in messages
 * come from the server. */
static void out(FILE *f, const char *fmt, va_list ap)
{
    apr_pool_t *p;
    const char *text;

    apr_pool_create(&p, NULL);
    text = apr_pvsprintf(p, fmt, ap);
    fputs(cors_fetch_printable(p, text, strlen(text), 1), f);
    apr_pool_destroy(p);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* The story of the exchanges: not with --quiet. */
static void say(const char *fmt, ...)
{
    va_list ap;

    if (quiet) {
        return;
    }
    va_start(ap, fmt);
    out(stdout, fmt, ap);
    va_end(ap);
}

/* The verdict: always. */
static void tell(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    out(stdout, fmt, ap);
    va_end(ap);
}

static void complain(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    out(stderr, fmt, ap);
    va_end(ap);
}

/* A JavaScript string literal, for printing the equivalent fetch() call. */
static const char *js_string(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 6 * strlen(s) + 3), *o = out;

    *o++ = '\'';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\'' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c < 0x20 || c == 0x7f) {
            o += apr_snprintf(o, 7, "\\x%02x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

static const char *fetch_call(apr_pool_t *p, const probe_options *opt)
{
    const cors_fetch_request *req = &opt->req;
    const cors_fetch_header *h = (const cors_fetch_header *)req->headers->elts;
    apr_array_header_t *parts = apr_array_make(p, 4, sizeof(char *));
    const char *hs = NULL;
    int i;

    if (strcmp(req->method, "GET") != 0) {
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(p, "method: ", js_string(p, req->method), NULL);
    }
    for (i = 0; i < req->headers->nelts; i++) {
        const char *one = apr_pstrcat(p, js_string(p, h[i].name), ": ",
                                      js_string(p, h[i].value), NULL);

        hs = hs ? apr_pstrcat(p, hs, ", ", one, NULL) : one;
    }
    if (hs) {
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(p, "headers: {", hs, "}", NULL);
    }
    if (opt->body) {
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(p, "body: ", js_string(p, opt->body), NULL);
    }
    if (req->credentials) {
        APR_ARRAY_PUSH(parts, const char *) = "credentials: 'include'";
    }
    if (parts->nelts == 0) {
        return apr_psprintf(p, "fetch(%s)", js_string(p, req->url.href));
    }
    hs = APR_ARRAY_IDX(parts, 0, const char *);
    for (i = 1; i < parts->nelts; i++) {
        hs = apr_pstrcat(p, hs, ", ", APR_ARRAY_IDX(parts, i, const char *),
                         NULL);
    }
    return apr_psprintf(p, "fetch(%s, {%s})", js_string(p, req->url.href), hs);
}

/* ---- libcurl ------------------------------------------------------------- */

/* A copy of [s, e) without leading and trailing spaces and tabs. */
static const char *trimmed_copy(apr_pool_t *p, const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t')) {
        s++;
    }
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    return apr_pstrmemdup(p, s, (apr_size_t)(e - s));
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    exchange *x = arg;
    apr_size_t len = size * n, end = len;
    const char *colon;

    while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r')) {
        end--;
    }
    if (end >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response head: an interim 1xx one is forgotten. */
        apr_array_clear(x->headers);
        x->status_line = apr_pstrmemdup(x->pool, data, end);
        return len;
    }
    if (end == 0) {
        return len;
    }
    if ((data[0] == ' ' || data[0] == '\t') && x->headers->nelts > 0) {
        cors_fetch_header *last = &APR_ARRAY_IDX(
            x->headers, x->headers->nelts - 1, cors_fetch_header);

        last->value =
            apr_pstrcat(x->pool, last->value, " ",
                        trimmed_copy(x->pool, data, data + end), NULL);
        return len;
    }
    colon = memchr(data, ':', end);
    if (colon) {
        cors_fetch_header *h = apr_array_push(x->headers);

        /* Kept as sent: out() escapes them when they are printed. */
        h->name = apr_pstrmemdup(x->pool, data, (apr_size_t)(colon - data));
        h->value = trimmed_copy(x->pool, colon + 1, data + end);
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    exchange *x = arg;

    x->body_bytes += size * n;
    return size * n;
}

static int on_debug(CURL *curl, curl_infotype type, char *data, size_t len,
                    void *arg)
{
    exchange *x = arg;
    size_t start = 0, i;

    if (type != CURLINFO_HEADER_OUT) {
        return 0;
    }
    for (i = 0; i <= len; i++) {
        if (i == len || data[i] == '\n') {
            size_t end = i;

            if (end > start && data[end - 1] == '\r') {
                end--;
            }
            if (end > start) {
                APR_ARRAY_PUSH(x->sent, const char *) =
                    apr_pstrmemdup(x->pool, data + start, end - start);
            }
            start = i + 1;
        }
    }
    return 0;
}

/* Sends one request; returns 0, or -1 with x->error set. */
static int send_request(const probe_options *opt, const char *method,
                        struct curl_slist *headers, const char *body,
                        exchange *x)
{
    CURL *curl = curl_easy_init();
    CURLcode rc;
    long status = 0;

    x->headers = apr_array_make(x->pool, 16, sizeof(cors_fetch_header));
    x->sent = apr_array_make(x->pool, 16, sizeof(char *));
    x->error[0] = '\0';
    if (curl == NULL) {
        apr_cpystrn(x->error, "curl_easy_init failed", sizeof(x->error));
        return -1;
    }
    curl_easy_setopt(curl, CURLOPT_URL, opt->req.url.href);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS,
                     (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, opt->timeout);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, opt->timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, x->error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "cors-probe/" CORS_PROBE_VERSION);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, x);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    if (opt->insecure) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    }
    else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        if (x->error[0] == '\0') {
            apr_cpystrn(x->error, curl_easy_strerror(rc), sizeof(x->error));
        }
        curl_easy_cleanup(curl);
        return -1;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    x->status = (int)status;
    curl_easy_cleanup(curl);
    return 0;
}

/* ---- printing ------------------------------------------------------------ */

/* The response headers worth showing for CORS. */
static int relevant(const char *name, const char *expose)
{
    static const char *const names[] = {
        "vary",  "location", "www-authenticate", "cors-debug", "content-type",
        "allow", NULL};
    int i;

    if (strncasecmp(name, "access-control-", 15) == 0) {
        return 1;
    }
    for (i = 0; names[i]; i++) {
        if (strcasecmp(name, names[i]) == 0) {
            return 1;
        }
    }
    if (expose) {
        /* Named by Access-Control-Expose-Headers. */
        const char *c;
        size_t n = strlen(name);

        for (c = expose; *c; c++) {
            if (strncasecmp(c, name, n) == 0 &&
                (c == expose || c[-1] == ' ' || c[-1] == ',') &&
                (c[n] == '\0' || c[n] == ',' || c[n] == ' ')) {
                return 1;
            }
        }
    }
    return 0;
}

static void print_exchange(const probe_options *opt, const exchange *x)
{
    const cors_fetch_header *h = (const cors_fetch_header *)x->headers->elts;
    const char *expose =
        cors_fetch_get(x->pool, x->headers, "Access-Control-Expose-Headers");
    int i, hidden = 0;

    for (i = 0; i < x->sent->nelts; i++) {
        say("> %s\n", APR_ARRAY_IDX(x->sent, i, const char *));
    }
    say("< %s\n", x->status_line ? x->status_line
                                 : apr_psprintf(x->pool, "%d", x->status));
    for (i = 0; i < x->headers->nelts; i++) {
        if (opt->all_headers || relevant(h[i].name, expose)) {
            say("< %s: %s\n", h[i].name, h[i].value);
        }
        else {
            hidden++;
        }
    }
    if (hidden) {
        say("< (%d other header%s; --all-headers shows them)\n", hidden,
            hidden == 1 ? "" : "s");
    }
    say("< (%lu bytes of body)\n", (unsigned long)x->body_bytes);
}

static void print_blocked(const cors_fetch_verdict *v)
{
    say("\n");
    tell("Verdict: blocked. Chrome's console says:\n");
    tell("Console: %s\n", v->console);
    tell("Fix: %s\n", v->fix);
    if (v->note) {
        tell("Note: %s.\n", v->note);
    }
}

/* ---- the request --------------------------------------------------------- */

static struct curl_slist *add_header(struct curl_slist *list, apr_pool_t *p,
                                     const char *name, const char *value)
{
    /* "Name;" sends an empty value; "Name:" would remove the header. */
    if (value[0] == '\0') {
        return curl_slist_append(list, apr_pstrcat(p, name, ";", NULL));
    }
    return curl_slist_append(list, apr_pstrcat(p, name, ": ", value, NULL));
}

/* The headers of the actual request: the page's (several with one name
 * joined with ", ", as browsers send them), Origin, the Cookie of
 * --credentials (for the host of the URL given, where it belongs);
 * libcurl's defaults a browser would not send removed. */
static struct curl_slist *actual_headers(apr_pool_t *p,
                                         const probe_options *opt,
                                         int send_origin, int send_cookie)
{
    const cors_fetch_request *req = &opt->req;
    const cors_fetch_header *h = (const cors_fetch_header *)req->headers->elts;
    apr_table_t *done = apr_table_make(p, 8);
    struct curl_slist *list = NULL;
    int i;

    for (i = 0; i < req->headers->nelts; i++) {
        if (apr_table_get(done, h[i].name)) {
            continue;
        }
        apr_table_setn(done, h[i].name, "1");
        list = add_header(list, p, h[i].name,
                          cors_fetch_get(p, req->headers, h[i].name));
    }
    if (send_origin) {
        list = add_header(list, p, "Origin", cors_fetch_serialized_origin(req));
    }
    if (req->credentials && opt->cookie && send_cookie) {
        list = add_header(list, p, "Cookie", opt->cookie);
    }
    if (!apr_table_get(done, "Content-Type")) {
        list = curl_slist_append(list, "Content-Type:");
    }
    list = curl_slist_append(list, "Expect:");
    return list;
}

/* The preflight: OPTIONS with Origin, Access-Control-Request-Method and,
 * when there are CORS-unsafe headers, Access-Control-Request-Headers; no
 * credentials, no page headers. */
static struct curl_slist *preflight_headers(apr_pool_t *p,
                                            const cors_fetch_request *req)
{
    struct curl_slist *list = NULL;
    const char *names = cors_fetch_request_headers_value(p, req);

    list = add_header(list, p, "Accept", "*/*");
    list = add_header(list, p, "Origin", cors_fetch_serialized_origin(req));
    list = add_header(list, p, "Access-Control-Request-Method", req->method);
    if (names) {
        list = add_header(list, p, "Access-Control-Request-Headers", names);
    }
    return list;
}

static int fail_exchange(const cors_fetch_request *req, const exchange *x,
                         const char *what)
{
    complain("cors-probe: %s to %s failed: %s\n", what, req->url.href,
             x->error);
    return EXIT_ERROR;
}

/* The preflight for the current URL of the request, when a browser sends
 * one: returns -1 when the request may go on, else the exit status. */
static int preflight(apr_pool_t *p, probe_options *opt)
{
    cors_fetch_request *req = &opt->req;
    cors_fetch_verdict v;
    struct curl_slist *headers;
    const char *why;
    char *line, *last;
    exchange x;
    int rc;

    if (!cors_fetch_needs_preflight(p, req, &why)) {
        say("Preflight: not needed (%s).\n", why);
        return -1;
    }
    say("Preflight: sent, because\n");
    for (line = apr_strtok(apr_pstrdup(p, why), "\n", &last); line;
         line = apr_strtok(NULL, "\n", &last)) {
        say("  - %s\n", line);
    }
    memset(&x, 0, sizeof(x));
    x.pool = p;
    headers = preflight_headers(p, req);
    say("\n");
    rc = send_request(opt, "OPTIONS", headers, NULL, &x);
    curl_slist_free_all(headers);
    if (rc != 0) {
        return fail_exchange(req, &x, "the preflight");
    }
    print_exchange(opt, &x);
    if (cors_fetch_check_preflight(p, req, x.status, x.headers, &v) !=
        CORS_FETCH_OK) {
        say("Preflight check: failed; the browser does not send the %s.\n",
            req->method);
        print_blocked(&v);
        return EXIT_BLOCKED;
    }
    say("Preflight check: passed.\n  %s.\n",
        cors_fetch_max_age_note(
            p, cors_fetch_get(p, x.headers, "Access-Control-Max-Age")));
    return -1;
}

/* What following a redirect changed. */
static void print_redirect(const cors_fetch_request *req,
                           const cors_fetch_redirect *r)
{
    say("Redirect %d of at most %d: the browser follows the %d to %s\n",
        req->redirect_count, CORS_FETCH_MAX_REDIRECTS, r->status, r->to);
    if (r->old_method) {
        say("  - the %s becomes a GET%s (a %d does that)\n", r->old_method,
            r->body_dropped ? ", without its body" : "", r->status);
    }
    if (r->dropped) {
        say("  - without the header%s %s\n", strchr(r->dropped, ',') ? "s" : "",
            r->dropped);
    }
    if (r->tainted_now) {
        say("  - it leaves an origin other than the page's for another: from "
            "now on the browser sends Origin: null, and every server must "
            "allow null or '*'\n");
    }
}

static int probe(apr_pool_t *p, probe_options *opt)
{
    cors_fetch_request *req = &opt->req;
    const char *first_host = req->url.host;
    cors_fetch_verdict v;
    cors_fetch_redirect r;
    struct curl_slist *headers;
    apr_array_header_t *readable;
    exchange x;
    int cors, rc;

    say("%s\n  called by a page on %s\n", fetch_call(p, opt), req->origin);
    for (;;) {
        cors = cors_fetch_uses_cors(req);
        if (!cors) {
            say("Same origin: the page and %s share the origin %s, so CORS "
                "does not apply (no preflight, no CORS check).\n",
                req->url.href, req->origin);
        }
        else if ((rc = preflight(p, opt)) >= 0) {
            return rc;
        }

        memset(&x, 0, sizeof(x));
        x.pool = p;
        headers = actual_headers(p, opt,
                                 cors || (strcmp(req->method, "GET") != 0 &&
                                          strcmp(req->method, "HEAD") != 0),
                                 strcmp(req->url.host, first_host) == 0);
        say("\n");
        rc = send_request(opt, req->method, headers,
                          req->has_body ? opt->body
                          : (strcmp(req->method, "POST") == 0 ||
                             strcmp(req->method, "PUT") == 0)
                              ? ""
                              : NULL,
                          &x);
        curl_slist_free_all(headers);
        if (rc != 0) {
            return fail_exchange(req, &x, "the request");
        }
        print_exchange(opt, &x);
        if (cors) {
            if (cors_fetch_check_response(p, req, x.status, x.headers, &v) !=
                CORS_FETCH_OK) {
                say("CORS check: failed; the script gets a TypeError (Failed "
                    "to fetch) and cannot read the response.\n");
                print_blocked(&v);
                return EXIT_BLOCKED;
            }
            say("CORS check: passed.\n");
        }
        if (!cors_fetch_is_redirect(x.status, x.headers)) {
            break;
        }
        if (cors_fetch_follow_redirect(p, req, x.status, x.headers, &r, &v) !=
            CORS_FETCH_OK) {
            say("Redirect: the browser does not follow this %d; the script "
                "gets a TypeError (Failed to fetch).\n",
                x.status);
            print_blocked(&v);
            return EXIT_BLOCKED;
        }
        say("\n");
        print_redirect(req, &r);
    }

    if (req->redirect_count > 0) {
        say("The script reads the response of %s (response.redirected is "
            "true).\n",
            req->url.href);
    }
    if (!cors) {
        say("\n");
        tell("Verdict: a browser would allow this (same origin).\n");
        return EXIT_ALLOWED;
    }
    readable = cors_fetch_readable_headers(p, req, x.headers);
    say("Readable response headers: %s\n",
        readable->nelts ? apr_array_pstrcat(p, readable, ',') : "(none)");
    say("\n");
    tell("Verdict: a browser would allow this.\n");
    return EXIT_ALLOWED;
}

/* ---- arguments --------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg)
{
    char text[4096];

    apr_snprintf(text, sizeof(text), fmt, arg);
    complain("cors-probe: %s\n(cors-probe --help shows the options)\n", text);
    return EXIT_ERROR;
}

static int parse_args(apr_pool_t *p, int argc, char **argv, probe_options *opt)
{
    static const struct option longopts[] = {
        {"origin", required_argument, NULL, 'o'},
        {"method", required_argument, NULL, 'X'},
        {"header", required_argument, NULL, 'H'},
        {"body", required_argument, NULL, 'd'},
        {"credentials", no_argument, NULL, 'c'},
        {"cookie", required_argument, NULL, 'C'},
        {"insecure", no_argument, NULL, 'k'},
        {"timeout", required_argument, NULL, 't'},
        {"all-headers", no_argument, NULL, 'a'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    cors_fetch_request *req = &opt->req;
    const char *err;
    char *end;
    int c;

    opt->timeout = 10;
    req->headers = apr_array_make(p, 8, sizeof(cors_fetch_header));
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:X:H:d:kt:aqhV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'o':
            opt->origin_arg = optarg;
            break;
        case 'X':
            opt->method_arg = optarg;
            break;
        case 'H': {
            cors_fetch_header h;

            if ((err = cors_fetch_parse_header(p, optarg, &h)) != NULL) {
                return usage_error("%s", err);
            }
            *(cors_fetch_header *)apr_array_push(req->headers) = h;
            break;
        }
        case 'd':
            opt->body = optarg;
            req->has_body = 1;
            break;
        case 'c':
            req->credentials = 1;
            break;
        case 'C':
            opt->cookie = optarg;
            break;
        case 'k':
            opt->insecure = 1;
            break;
        case 't':
            opt->timeout = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || opt->timeout < 1 ||
                opt->timeout > 3600) {
                return usage_error("--timeout '%s': give a number of seconds "
                                   "from 1 to 3600",
                                   optarg);
            }
            break;
        case 'a':
            opt->all_headers = 1;
            break;
        case 'q':
            opt->quiet = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(EXIT_ALLOWED);
        case 'V':
            printf("cors-probe %s (%s)\n", CORS_PROBE_VERSION, curl_version());
            exit(EXIT_ALLOWED);
        case ':':
            return usage_error("%s needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return usage_error("%s", optind == argc
                                     ? "give the URL to fetch"
                                     : "give exactly one URL (put options "
                                       "before it, quote values with spaces)");
    }
    if (opt->origin_arg == NULL) {
        return usage_error("%s", "--origin is required: the origin of the "
                                 "page that calls fetch(), such as "
                                 "--origin https://app.example.com");
    }
    if ((err = cors_fetch_parse_origin(p, opt->origin_arg, &req->origin)) !=
        NULL) {
        return usage_error("--origin: %s", err);
    }
    if ((err = cors_fetch_parse_url(p, argv[optind], &req->url)) != NULL) {
        return usage_error("%s", err);
    }
    if ((err = cors_fetch_normalize_method(p,
                                           opt->method_arg ? opt->method_arg
                                           : req->has_body ? "POST"
                                                           : "GET",
                                           &req->method)) != NULL) {
        return usage_error("--method: %s", err);
    }
    if (opt->cookie && !req->credentials) {
        return usage_error("%s", "--cookie is sent only with credentials: "
                                 "add --credentials");
    }
    if ((err = cors_fetch_prepare(p, req)) != NULL) {
        return usage_error("%s", err);
    }
    return -1;
}

int main(int argc, char **argv)
{
    probe_options opt;
    apr_pool_t *pool;
    int rc;

    if (apr_app_initialize(&argc, (const char *const **)&argv, NULL) !=
        APR_SUCCESS) {
        fprintf(stderr, "cors-probe: cannot initialise APR\n");
        return EXIT_ERROR;
    }
    apr_pool_create(&pool, NULL);
    memset(&opt, 0, sizeof(opt));
    rc = parse_args(pool, argc, argv, &opt);
    if (rc < 0) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            fprintf(stderr, "cors-probe: cannot initialise libcurl\n");
            rc = EXIT_ERROR;
        }
        else {
            quiet = opt.quiet;
            rc = probe(pool, &opt);
            curl_global_cleanup();
        }
    }
    fflush(stdout);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
