/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * cors_fetch.c: the Fetch standard's CORS rules for one fetch(), without
 * any I/O.  See cors_fetch.h.  Section names in comments are those of
 * https://fetch.spec.whatwg.org/.
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cors_fetch.h"

/* ---- bytes and tokens ------------------------------------------------- */

static int is_tchar(unsigned char c)
{
    return apr_isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token(const char *s, size_t len)
{
    size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!is_tchar((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_http_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A copy of s[0..len) without leading and trailing HTTP whitespace. */
static char *trimmed(apr_pool_t *p, const char *s, size_t len)
{
    while (len > 0 && is_http_ws(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_http_ws(s[len - 1])) {
        len--;
    }
    return apr_pstrmemdup(p, s, len);
}

static char *lower(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *c;

    for (c = out; *c; c++) {
        *c = (char)apr_tolower(*c);
    }
    return out;
}

/* "CORS-unsafe request-header byte". */
static int is_cors_unsafe_byte(unsigned char c)
{
    return (c < 0x20 && c != 0x09) || c == 0x7f ||
           (c != '\0' && strchr("\"():<>?@[\\]{}", c));
}

static int has_cors_unsafe_byte(const char *s)
{
    for (; *s; s++) {
        if (is_cors_unsafe_byte((unsigned char)*s)) {
            return 1;
        }
    }
    return 0;
}

/* Printable form of a value for messages: control bytes as \xNN, cut
 * after 200 bytes. */
static const char *shown(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 4 * 200 + 16), *o = out;
    size_t i;

    for (i = 0; s[i] && i < 200; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c >= 0x7f) {
            o += apr_snprintf(o, 5, "\\x%02x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    if (s[i]) {
        strcpy(o, "...");
        o += 3;
    }
    *o = '\0';
    return out;
}

/* ---- URLs and origins -------------------------------------------------- */

static int default_port(const char *scheme)
{
    if (strcmp(scheme, "http") == 0 || strcmp(scheme, "ws") == 0) {
        return 80;
    }
    if (strcmp(scheme, "https") == 0 || strcmp(scheme, "wss") == 0) {
        return 443;
    }
    return 0;
}

/* Parses "scheme://host[:port]" at the start of s, up to the end of the
 * authority; *rest points after it.  Returns NULL or an error. */
static const char *parse_authority(apr_pool_t *p, const char *s,
                                   const char **scheme, const char **host,
                                   int *port, const char **rest)
{
    const char *c = s, *h, *end;
    char *sch;

    if (!apr_isalpha(*c)) {
        return "it does not start with a scheme such as https://";
    }
    while (apr_isalnum(*c) || *c == '+' || *c == '-' || *c == '.') {
        c++;
    }
    if (strncmp(c, "://", 3) != 0) {
        return "it does not start with a scheme such as https://";
    }
    sch = lower(p, apr_pstrmemdup(p, s, (size_t)(c - s)));
    c += 3;
    end = c + strcspn(c, "/?#\\");
    if (memchr(c, '@', (size_t)(end - c))) {
        return "it contains a user name or password (user:password@); "
               "fetch() refuses such URLs";
    }
    h = c;
    if (*c == '[') {
        const char *close = memchr(c, ']', (size_t)(end - c));

        if (close == NULL) {
            return "its IPv6 address has no closing ]";
        }
        for (c = h + 1; c < close; c++) {
            if (!apr_isxdigit(*c) && *c != ':' && *c != '.') {
                return "its IPv6 address is malformed";
            }
        }
        c = close + 1;
    }
    else {
        while (c < end && *c != ':') {
            if (!apr_isalnum(*c) && *c != '-' && *c != '.' && *c != '_') {
                return "its host name has a character that is not a "
                       "letter, digit, '-', '.' or '_' (write an "
                       "internationalised name in its xn-- form)";
            }
            c++;
        }
    }
    if (c == h || (c == h + 2 && *h == '[')) {
        return "it has no host";
    }
    *host = lower(p, apr_pstrmemdup(p, h, (size_t)(c - h)));
    *scheme = sch;
    *port = default_port(sch);
    if (*c == ':') {
        long n = 0;

        c++;
        if (c < end && !apr_isdigit(*c)) {
            return "its port is not a number";
        }
        if (c < end) {
            n = 0;
            while (c < end && apr_isdigit(*c)) {
                n = n * 10 + (*c - '0');
                if (n > 65535) {
                    return "its port is over 65535";
                }
                c++;
            }
            if (c != end) {
                return "its port is not a number";
            }
            *port = (int)n;
        }
    }
    if (c != end) {
        return "its host is malformed";
    }
    *rest = end;
    return NULL;
}

static const char *serialize_origin(apr_pool_t *p, const char *scheme,
                                    const char *host, int port)
{
    if (port == default_port(scheme) || port == 0) {
        return apr_pstrcat(p, scheme, "://", host, NULL);
    }
    return apr_psprintf(p, "%s://%s:%d", scheme, host, port);
}

const char *cors_fetch_parse_url(apr_pool_t *p, const char *s,
                                 cors_fetch_url *url)
{
    const char *err, *rest, *c;
    char *path, *o;

    memset(url, 0, sizeof(*url));
    err = parse_authority(p, s, &url->scheme, &url->host, &url->port, &rest);
    if (err) {
        return apr_psprintf(p, "'%s' is not a URL: %s", shown(p, s), err);
    }
    if (strcmp(url->scheme, "http") != 0 && strcmp(url->scheme, "https") != 0) {
        return apr_psprintf(p,
                            "'%s': browsers make cross-origin requests "
                            "only to http and https URLs",
                            shown(p, s));
    }
    /* The path and query as a browser sends them: percent-encoded where
     * the URL standard encodes, the fragment left out. */
    path = apr_palloc(p, 3 * strlen(rest) + 2);
    o = path;
    if (*rest != '/') {
        *o++ = '/';
    }
    for (c = rest; *c && *c != '#'; c++) {
        unsigned char b = (unsigned char)*c;

        if (b <= 0x20 || b >= 0x7f || b == '"' || b == '<' || b == '>' ||
            b == '`') {
            o += apr_snprintf(o, 4, "%%%02X", b);
        }
        else if (b == '\\') {
            *o++ = '/';
        }
        else {
            *o++ = (char)b;
        }
    }
    *o = '\0';
    url->path = path;
    url->origin = serialize_origin(p, url->scheme, url->host, url->port);
    url->href = apr_pstrcat(p, url->origin, path, NULL);
    return NULL;
}

const char *cors_fetch_parse_origin(apr_pool_t *p, const char *s,
                                    const char **out)
{
    const char *scheme, *host, *rest, *err;
    int port;

    if (strcmp(s, "null") == 0) {
        *out = "null";
        return NULL;
    }
    err = parse_authority(p, s, &scheme, &host, &port, &rest);
    if (err == NULL && *rest != '\0' && strcmp(rest, "/") != 0) {
        err = "an origin has no path, query or fragment";
    }
    if (err) {
        return apr_psprintf(p,
                            "'%s' is not an origin (scheme://host[:port] "
                            "or null): %s",
                            shown(p, s), err);
    }
    *out = serialize_origin(p, scheme, host, port);
    return NULL;
}

int cors_fetch_same_origin(const cors_fetch_request *req)
{
    return strcmp(req->origin, req->url.origin) == 0;
}

/* ---- methods and request headers ---------------------------------------- */

const char *cors_fetch_normalize_method(apr_pool_t *p, const char *method,
                                        const char **out)
{
    static const char *const normal[] = {"DELETE", "GET", "HEAD", "OPTIONS",
                                         "POST",   "PUT", NULL};
    static const char *const forbidden[] = {"CONNECT", "TRACE", "TRACK", NULL};
    int i;

    if (!is_token(method, strlen(method))) {
        return apr_psprintf(p,
                            "'%s' is not a valid HTTP method "
                            "(fetch() throws a TypeError)",
                            shown(p, method));
    }
    for (i = 0; forbidden[i]; i++) {
        if (strcasecmp(method, forbidden[i]) == 0) {
            return apr_psprintf(p,
                                "fetch() refuses the method %s: it is a "
                                "forbidden method",
                                forbidden[i]);
        }
    }
    *out = method;
    for (i = 0; normal[i]; i++) {
        if (strcasecmp(method, normal[i]) == 0) {
            *out = normal[i];
        }
    }
    return NULL;
}

int cors_fetch_is_safelisted_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "POST") == 0;
}

int cors_fetch_is_forbidden_header(const char *name, const char *value)
{
    static const char *const names[] = {"accept-charset",
                                        "accept-encoding",
                                        "access-control-request-headers",
                                        "access-control-request-method",
                                        "connection",
                                        "content-length",
                                        "cookie",
                                        "cookie2",
                                        "date",
                                        "dnt",
                                        "expect",
                                        "host",
                                        "keep-alive",
                                        "origin",
                                        "referer",
                                        "set-cookie",
                                        "te",
                                        "trailer",
                                        "transfer-encoding",
                                        "upgrade",
                                        "via",
                                        NULL};
    int i;

    for (i = 0; names[i]; i++) {
        if (strcasecmp(name, names[i]) == 0) {
            return 1;
        }
    }
    if (strncasecmp(name, "proxy-", 6) == 0 ||
        strncasecmp(name, "sec-", 4) == 0) {
        return 1;
    }
    if (strcasecmp(name, "x-http-method") == 0 ||
        strcasecmp(name, "x-http-method-override") == 0 ||
        strcasecmp(name, "x-method-override") == 0) {
        const char *c = value;

        while (*c) {
            size_t len = strcspn(c, ",");
            const char *s = c, *e = c + len;

            while (s < e && is_http_ws(*s)) {
                s++;
            }
            while (e > s && is_http_ws(e[-1])) {
                e--;
            }
            if ((e - s == 7 && strncasecmp(s, "CONNECT", 7) == 0) ||
                (e - s == 5 && (strncasecmp(s, "TRACE", 5) == 0 ||
                                strncasecmp(s, "TRACK", 5) == 0))) {
                return 1;
            }
            c += len;
            if (*c == ',') {
                c++;
            }
        }
    }
    return 0;
}

const char *cors_fetch_parse_header(apr_pool_t *p, const char *line,
                                    cors_fetch_header *out)
{
    const char *colon = strchr(line, ':');
    const char *c;
    char *name;

    if (colon == NULL) {
        return apr_psprintf(p, "--header '%s': write it as 'Name: value'",
                            shown(p, line));
    }
    name = apr_pstrmemdup(p, line, (size_t)(colon - line));
    if (!is_token(name, strlen(name))) {
        return apr_psprintf(p,
                            "--header '%s': '%s' is not a valid header "
                            "name (fetch() throws a TypeError)",
                            shown(p, line), shown(p, name));
    }
    for (c = colon + 1; *c; c++) {
        if (*c == '\r' || *c == '\n') {
            return apr_psprintf(p,
                                "--header '%s': a header value cannot "
                                "contain CR or LF",
                                shown(p, line));
        }
    }
    out->name = name;
    out->value = trimmed(p, colon + 1, strlen(colon + 1));
    if (cors_fetch_is_forbidden_header(out->name, out->value)) {
        return apr_psprintf(p,
                            "--header '%s': %s is a forbidden request "
                            "header: a page cannot set it (fetch() leaves it "
                            "out), so cors-probe refuses it%s",
                            shown(p, line), name,
                            strcasecmp(name, "cookie") == 0
                                ? "; use --credentials --cookie instead"
                                : "");
    }
    return NULL;
}

/* Compares two decimal numbers written with digits only. */
static int cmp_digits(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 1 && *a == '0') {
        a++;
        alen--;
    }
    while (blen > 1 && *b == '0') {
        b++;
        blen--;
    }
    if (alen != blen) {
        return alen < blen ? -1 : 1;
    }
    return memcmp(a, b, alen);
}

/* "parse a single range header value" without whitespace; 1 when it
 * gives a range with a start (bytes=N- or bytes=N-M, N <= M). */
static int is_safelisted_range(const char *v)
{
    const char *start, *end;
    size_t slen, elen;

    if (strncasecmp(v, "bytes=", 6) != 0) {
        return 0;
    }
    start = v + 6;
    slen = strspn(start, "0123456789");
    if (start[slen] != '-') {
        return 0;
    }
    end = start + slen + 1;
    elen = strspn(end, "0123456789");
    if (end[elen] != '\0' || slen == 0) {
        return 0;
    }
    return elen == 0 || cmp_digits(start, slen, end, elen) <= 0;
}

/* The essence of a MIME type ("parse a MIME type", lower case), or NULL
 * when it does not parse. */
static const char *mime_essence(apr_pool_t *p, const char *v)
{
    const char *s = v, *slash, *sub, *e;

    while (is_http_ws(*s)) {
        s++;
    }
    slash = strchr(s, '/');
    if (slash == NULL || !is_token(s, (size_t)(slash - s))) {
        return NULL;
    }
    sub = slash + 1;
    e = sub + strcspn(sub, ";");
    while (e > sub && is_http_ws(e[-1])) {
        e--;
    }
    if (!is_token(sub, (size_t)(e - sub))) {
        return NULL;
    }
    return lower(p, apr_pstrmemdup(p, s, (size_t)(e - s)));
}

/* Why NAME: VALUE is not a CORS-safelisted request-header, or NULL when it
 * is one. */
static const char *unsafe_reason(apr_pool_t *p, const char *name,
                                 const char *value)
{
    const char *n = lower(p, name);

    if (strcmp(n, "accept") != 0 && strcmp(n, "accept-language") != 0 &&
        strcmp(n, "content-language") != 0 && strcmp(n, "content-type") != 0 &&
        strcmp(n, "range") != 0) {
        return apr_psprintf(p,
                            "the header %s is not a CORS-safelisted "
                            "request-header",
                            n);
    }
    if (strlen(value) > 128) {
        return apr_psprintf(p, "the value of %s is longer than 128 bytes", n);
    }
    if (strcmp(n, "accept") == 0) {
        if (has_cors_unsafe_byte(value)) {
            return "the value of accept has a CORS-unsafe byte "
                   "(one of \"():<>?@[\\]{} or a control character)";
        }
    }
    else if (strcmp(n, "content-type") == 0) {
        const char *essence;

        if (has_cors_unsafe_byte(value)) {
            return apr_psprintf(p,
                                "content-type '%s' has a CORS-unsafe byte "
                                "(one of \"():<>?@[\\]{} or a control "
                                "character)",
                                shown(p, value));
        }
        essence = mime_essence(p, value);
        if (essence == NULL ||
            (strcmp(essence, "application/x-www-form-urlencoded") != 0 &&
             strcmp(essence, "multipart/form-data") != 0 &&
             strcmp(essence, "text/plain") != 0)) {
            return apr_psprintf(p,
                                "content-type '%s' is not "
                                "application/x-www-form-urlencoded, "
                                "multipart/form-data or text/plain",
                                shown(p, value));
        }
    }
    else if (strcmp(n, "range") == 0) {
        if (!is_safelisted_range(value)) {
            return apr_psprintf(p,
                                "range '%s' is not a single bytes=N- or "
                                "bytes=N-M range",
                                shown(p, value));
        }
    }
    else {
        const char *c;

        for (c = value; *c; c++) {
            if (!apr_isalnum(*c) && !strchr(" *,-.;=", *c)) {
                return apr_psprintf(p,
                                    "the value of %s has a byte other "
                                    "than letters, digits, space and *,-.;=",
                                    n);
            }
        }
    }
    return NULL;
}

int cors_fetch_is_safelisted_header(const char *name, const char *value)
{
    apr_pool_t *p;
    int safe;

    apr_pool_create(&p, NULL);
    safe = unsafe_reason(p, name, value) == NULL;
    apr_pool_destroy(p);
    return safe;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts a list of strings and drops duplicates. */
static void sort_unique(apr_array_header_t *list)
{
    const char **s = (const char **)list->elts;
    int i, n = 0;

    qsort(s, (size_t)list->nelts, sizeof(*s), cmp_str);
    for (i = 0; i < list->nelts; i++) {
        if (n == 0 || strcmp(s[n - 1], s[i]) != 0) {
            s[n++] = s[i];
        }
    }
    list->nelts = n;
}

/* "CORS-unsafe request-header names"; with why, also the reasons. */
static apr_array_header_t *unsafe_names(apr_pool_t *p,
                                        const apr_array_header_t *headers,
                                        apr_array_header_t *why)
{
    apr_array_header_t *unsafe = apr_array_make(p, 4, sizeof(char *));
    apr_array_header_t *safe = apr_array_make(p, 4, sizeof(char *));
    const cors_fetch_header *h = (const cors_fetch_header *)headers->elts;
    size_t total = 0;
    int i;

    for (i = 0; i < headers->nelts; i++) {
        const char *reason = unsafe_reason(p, h[i].name, h[i].value);

        if (reason) {
            APR_ARRAY_PUSH(unsafe, const char *) = lower(p, h[i].name);
            if (why) {
                APR_ARRAY_PUSH(why, const char *) = reason;
            }
        }
        else {
            APR_ARRAY_PUSH(safe, const char *) = lower(p, h[i].name);
            total += strlen(h[i].value);
        }
    }
    if (total > 1024) {
        apr_array_cat(unsafe, safe);
        if (why) {
            APR_ARRAY_PUSH(why, const char *) = apr_psprintf(
                p,
                "the values of the safelisted headers add up to %lu bytes, "
                "over 1024, so they count as unsafe too",
                (unsigned long)total);
        }
    }
    sort_unique(unsafe);
    return unsafe;
}

apr_array_header_t *
cors_fetch_unsafe_header_names(apr_pool_t *p, const apr_array_header_t *headers)
{
    return unsafe_names(p, headers, NULL);
}

int cors_fetch_needs_preflight(apr_pool_t *p, const cors_fetch_request *req,
                               const char **why)
{
    apr_array_header_t *reasons = apr_array_make(p, 4, sizeof(char *));
    int needed;

    if (!cors_fetch_is_safelisted_method(req->method)) {
        APR_ARRAY_PUSH(reasons, const char *) = apr_psprintf(
            p, "the method %s is not CORS-safelisted (GET, HEAD, POST)",
            req->method);
    }
    unsafe_names(p, req->headers, reasons);
    needed = reasons->nelts > 0;
    if (why) {
        *why = needed ? apr_array_pstrcat(p, reasons, '\n')
                      : apr_psprintf(p,
                                     "%s with CORS-safelisted request "
                                     "headers only",
                                     req->method);
    }
    return needed;
}

const char *cors_fetch_request_headers_value(apr_pool_t *p,
                                             const cors_fetch_request *req)
{
    apr_array_header_t *names = unsafe_names(p, req->headers, NULL);

    if (names->nelts == 0) {
        return NULL;
    }
    return apr_array_pstrcat(p, names, ',');
}

/* ---- responses ----------------------------------------------------------- */

const char *cors_fetch_get(apr_pool_t *p, const apr_array_header_t *headers,
                           const char *name)
{
    const cors_fetch_header *h = (const cors_fetch_header *)headers->elts;
    const char *value = NULL;
    int i;

    for (i = 0; i < headers->nelts; i++) {
        if (strcasecmp(h[i].name, name) == 0) {
            value = value ? apr_pstrcat(p, value, ", ", h[i].value, NULL)
                          : h[i].value;
        }
    }
    return value;
}

int cors_fetch_is_redirect(int status, const apr_array_header_t *headers)
{
    apr_pool_t *p;
    int has_location;

    if (status != 301 && status != 302 && status != 303 && status != 307 &&
        status != 308) {
        return 0;
    }
    apr_pool_create(&p, NULL);
    has_location = cors_fetch_get(p, headers, "Location") != NULL;
    apr_pool_destroy(p);
    return has_location;
}

static int is_special_scheme(const char *s, size_t len)
{
    static const char *const special[] = {"http", "https", "ws", "wss",
                                          "ftp",  "file",  NULL};
    int i;

    for (i = 0; special[i]; i++) {
        if (strlen(special[i]) == len && strncasecmp(s, special[i], len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A rough "is a URL", enough to pick Chrome's message: a scheme, ':' and,
 * for the schemes that have hosts, a host after the slashes. */
static int looks_like_url(const char *s)
{
    const char *c = s;

    if (!apr_isalpha(*c)) {
        return 0;
    }
    while (apr_isalnum(*c) || *c == '+' || *c == '-' || *c == '.') {
        c++;
    }
    if (*c != ':') {
        return 0;
    }
    if (!is_special_scheme(s, (size_t)(c - s))) {
        return 1;
    }
    c++;
    while (*c == '/' || *c == '\\') {
        c++;
    }
    return *c != '\0' && *c != '/' && *c != '?' && *c != '#';
}

/* Access-Control-Allow-Methods or -Headers as a list of tokens (header
 * names lower-cased); an absent header is an empty list, a value that is
 * not a comma-separated list of tokens gives NULL. */
static apr_array_header_t *allow_list(apr_pool_t *p, const char *value,
                                      int to_lower)
{
    apr_array_header_t *list = apr_array_make(p, 8, sizeof(char *));
    const char *c = value;

    while (c && *c) {
        size_t len = strcspn(c, ",");
        const char *s = c, *e = c + len;

        while (s < e && (*s == ' ' || *s == '\t')) {
            s++;
        }
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }
        if (e > s) {
            char *item;

            if (!is_token(s, (size_t)(e - s))) {
                return NULL;
            }
            item = apr_pstrmemdup(p, s, (size_t)(e - s));
            APR_ARRAY_PUSH(list, char *) = to_lower ? lower(p, item) : item;
        }
        c += len;
        if (*c == ',') {
            c++;
        }
    }
    return list;
}

static int list_has(const apr_array_header_t *list, const char *s)
{
    int i;

    for (i = 0; i < list->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(list, i, const char *), s) == 0) {
            return 1;
        }
    }
    return 0;
}

static int list_has_nocase(const apr_array_header_t *list, const char *s)
{
    int i;

    for (i = 0; i < list->nelts; i++) {
        if (strcasecmp(APR_ARRAY_IDX(list, i, const char *), s) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- messages -------------------------------------------------------- */

/* Chrome's texts as of version 156; older versions also suggested
 * "set the request's mode to 'no-cors'". */
static const char NO_CORS_INFO[] =
    " Have the server send the header with a valid value.";

/* Chrome's text for an error, after "has been blocked by CORS policy: ". */
static const char *reason_text(apr_pool_t *p, cors_fetch_error e, int preflight,
                               const char *hint)
{
    const char *pre = preflight ? "Response to preflight request doesn't "
                                  "pass access control check: "
                                : "";
    const char *text = "";

    switch (e) {
    case CORS_FETCH_OK:
        return NULL;
    case CORS_FETCH_MISSING_ALLOW_ORIGIN:
        text = "No 'Access-Control-Allow-Origin' header is present on the "
               "requested resource.";
        break;
    case CORS_FETCH_WILDCARD_WITH_CREDENTIALS:
        text = "The value of the 'Access-Control-Allow-Origin' header in the "
               "response must not be the wildcard '*' when the request's "
               "credentials mode is 'include'.";
        break;
    case CORS_FETCH_MULTIPLE_ALLOW_ORIGIN:
        text = apr_pstrcat(p,
                           "The 'Access-Control-Allow-Origin' header "
                           "contains multiple values '",
                           hint, "', but only one is allowed.", NO_CORS_INFO,
                           NULL);
        break;
    case CORS_FETCH_INVALID_ALLOW_ORIGIN:
        text = apr_pstrcat(p,
                           "The 'Access-Control-Allow-Origin' header "
                           "contains the invalid value '",
                           hint, "'.", NO_CORS_INFO, NULL);
        break;
    case CORS_FETCH_ALLOW_ORIGIN_MISMATCH:
        text = apr_pstrcat(p,
                           "The 'Access-Control-Allow-Origin' header has "
                           "a value '",
                           hint,
                           "' that is not equal to the "
                           "supplied origin.",
                           NO_CORS_INFO, NULL);
        break;
    case CORS_FETCH_INVALID_ALLOW_CREDENTIALS:
        text = apr_pstrcat(p,
                           "The value of the "
                           "'Access-Control-Allow-Credentials' header in the "
                           "response is '",
                           hint,
                           "' which must be 'true' "
                           "when the request's credentials mode is "
                           "'include'.",
                           NULL);
        break;
    case CORS_FETCH_PREFLIGHT_STATUS:
        text = "It does not have HTTP ok status.";
        break;
    case CORS_FETCH_PREFLIGHT_REDIRECT:
        text = "Redirect is not allowed for a preflight request.";
        break;
    case CORS_FETCH_INVALID_ALLOW_METHODS:
        return "Cannot parse Access-Control-Allow-Methods response header "
               "field in preflight response.";
    case CORS_FETCH_INVALID_ALLOW_HEADERS:
        return "Cannot parse Access-Control-Allow-Headers response header "
               "field in preflight response.";
    case CORS_FETCH_METHOD_NOT_ALLOWED:
        return apr_pstrcat(p, "Method ", hint,
                           " is not allowed by "
                           "Access-Control-Allow-Methods in preflight "
                           "response.",
                           NULL);
    case CORS_FETCH_HEADER_NOT_ALLOWED:
        return apr_pstrcat(p, "Request header field ", hint,
                           " is not "
                           "allowed by Access-Control-Allow-Headers in "
                           "preflight response.",
                           NULL);
    }
    return apr_pstrcat(p, pre, text, NULL);
}

const char *cors_fetch_console(apr_pool_t *p, const cors_fetch_request *req,
                               const char *reason)
{
    return apr_pstrcat(p, "Access to fetch at '", req->url.href,
                       "' from origin '", req->origin,
                       "' has been blocked by CORS policy: ", reason, NULL);
}

/* The reason token of mod_cors's CORS-Debug header, if the response has
 * one ("denied; reason=method-not-allowed; ..."). */
static const char *debug_reason(apr_pool_t *p,
                                const apr_array_header_t *headers)
{
    const char *v = cors_fetch_get(p, headers, "CORS-Debug");
    const char *r = v ? strstr(v, "reason=") : NULL;

    if (r == NULL) {
        return NULL;
    }
    r += 7;
    return apr_pstrmemdup(p, r, strcspn(r, "; ,\t"));
}

/* How an Access-Control-Allow-Origin value X differs from the origin O,
 * or NULL when no simple difference is found. */
static const char *origin_difference(apr_pool_t *p, const char *x,
                                     const char *o)
{
    const char *norm, *xs, *xh, *xr, *os, *oh, *orest;
    int xp, op;
    size_t xl = strlen(x);

    if (xl == strlen(o) + 1 && x[xl - 1] == '/' && strncmp(x, o, xl - 1) == 0) {
        return "it ends with a slash, and an origin has none";
    }
    if (strcasecmp(x, o) == 0) {
        return "it differs in letter case only, and the comparison is exact";
    }
    if (cors_fetch_parse_origin(p, x, &norm) == NULL && strcmp(norm, o) == 0) {
        return apr_psprintf(p,
                            "the browser writes the origin as %s "
                            "(lower case, no default port), and the "
                            "comparison is exact",
                            o);
    }
    if (parse_authority(p, x, &xs, &xh, &xp, &xr) != NULL ||
        parse_authority(p, o, &os, &oh, &op, &orest) != NULL) {
        return NULL;
    }
    if (strcmp(xh, oh) == 0 && strcmp(xs, os) != 0) {
        return apr_psprintf(p, "its scheme is %s, the page's is %s", xs, os);
    }
    if (strcmp(xh, oh) == 0 && xp != op) {
        return apr_psprintf(p, "its port is %d, the page's is %d", xp, op);
    }
    return NULL;
}

/* The names CORSAllowHeaders must list for REQ, as "a, b". */
static const char *needed_headers(apr_pool_t *p, const cors_fetch_request *req)
{
    apr_array_header_t *names = unsafe_names(p, req->headers, NULL);
    const char *s = NULL;
    int i;

    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);

        s = s ? apr_pstrcat(p, s, " ", n, NULL) : n;
    }
    return s;
}

/* What a preflight refused without any CORS header (mod_cors answers 403
 * with none when the origin, the method or a header is not allowed). */
static const char *refused_preflight_fix(apr_pool_t *p,
                                         const cors_fetch_request *req,
                                         int status,
                                         const apr_array_header_t *headers)
{
    const char *token = debug_reason(p, headers);
    const char *hdrs = needed_headers(p, req);
    const char *parts;

    if (token && strcmp(token, "method-not-allowed") == 0) {
        return apr_psprintf(p,
                            "add %s to CORSAllowMethods (the server's "
                            "CORS-Debug header says method-not-allowed)",
                            req->method);
    }
    if (token && strcmp(token, "header-not-allowed") == 0 && hdrs) {
        return apr_psprintf(p,
                            "list %s in CORSAllowHeaders (the server's "
                            "CORS-Debug header says header-not-allowed)",
                            hdrs);
    }
    if (token && (strcmp(token, "origin-not-allowed") == 0 ||
                  strcmp(token, "null-origin-not-allowed") == 0)) {
        return apr_psprintf(p,
                            "add %s to CORSAllowOrigin (the server's "
                            "CORS-Debug header says %s)",
                            req->origin, token);
    }
    if (status >= 200 && status < 300) {
        return apr_psprintf(p,
                            "the preflight reached a handler that knows "
                            "nothing of CORS: set CORSEnable On for this URL "
                            "and add %s to CORSAllowOrigin, so that mod_cors "
                            "answers preflights itself",
                            req->origin);
    }
    if (status != 403) {
        return apr_psprintf(p,
                            "the server answered the preflight with %d "
                            "and no CORS headers: set CORSEnable On for this "
                            "URL and add %s to CORSAllowOrigin; mod_cors "
                            "then answers preflights (204) before logins, "
                            "rewrites and handlers",
                            status, req->origin);
    }
    parts = apr_psprintf(p, "%s is in CORSAllowOrigin", req->origin);
    if (!cors_fetch_is_safelisted_method(req->method)) {
        parts =
            apr_psprintf(p, "%s, %s in CORSAllowMethods", parts, req->method);
    }
    if (hdrs) {
        parts = apr_psprintf(p, "%s, %s in CORSAllowHeaders", parts, hdrs);
    }
    return apr_psprintf(p,
                        "the preflight was refused (403, no CORS "
                        "headers): mod_cors does this when the origin, the "
                        "method or a header is not allowed. Check that %s "
                        "(LogLevel cors:debug logs which one failed)",
                        parts);
}

static const char *status_fix(apr_pool_t *p, const cors_fetch_request *req,
                              int status)
{
    if (status == 401 || status == 407) {
        return apr_psprintf(p,
                            "the preflight hit a login (%d): browsers "
                            "never send credentials with a preflight. "
                            "mod_cors answers preflights before "
                            "authentication (CORSPreflightAuth Skip, the "
                            "default); with the mod_headers recipe, exempt "
                            "OPTIONS from 'Require valid-user'",
                            status);
    }
    if (status == 403) {
        return "an access rule refuses the preflight (403): mod_cors refuses "
               "preflights only where no login could grant access (Require "
               "all denied, Require ip); allow OPTIONS there, or move the "
               "API out of that location";
    }
    if (status == 404 || status == 405 || status == 501) {
        return apr_psprintf(p,
                            "the server has no OPTIONS answer for this "
                            "URL (%d): set CORSEnable On and add %s to "
                            "CORSAllowOrigin; mod_cors then answers "
                            "preflights itself (204)",
                            status, req->origin);
    }
    return apr_psprintf(p,
                        "a preflight needs a 2xx status, it got %d: "
                        "with CORSEnable On, mod_cors answers preflights "
                        "itself (204, or CORSPreflightStatus) unless "
                        "CORSPreflightPassthrough On sends them on",
                        status);
}

static const char *fix_text(apr_pool_t *p, const cors_fetch_request *req,
                            const cors_fetch_verdict *v, int status,
                            const apr_array_header_t *headers)
{
    const char *o = req->origin, *diff;

    switch (v->error) {
    case CORS_FETCH_OK:
        return NULL;
    case CORS_FETCH_MISSING_ALLOW_ORIGIN:
        if (v->preflight) {
            return refused_preflight_fix(p, req, status, headers);
        }
        if (debug_reason(p, headers)) {
            return apr_psprintf(p,
                                "add %s to CORSAllowOrigin (the server's "
                                "CORS-Debug header says %s)",
                                o, debug_reason(p, headers));
        }
        return apr_psprintf(p,
                            "add %s to CORSAllowOrigin, with CORSEnable "
                            "On for this URL (if it is already there, "
                            "LogLevel cors:debug says why mod_cors refused "
                            "the origin)",
                            o);
    case CORS_FETCH_WILDCARD_WITH_CREDENTIALS:
        return apr_psprintf(p,
                            "'*' never works with credentials: list %s in "
                            "CORSAllowOrigin with CORSAllowCredentials On, "
                            "and mod_cors answers with the origin itself. If "
                            "the '*' comes from a 'Header set' line, remove "
                            "it; if it comes from a proxied backend, "
                            "CORSBackendHeaders Replace removes it",
                            o);
    case CORS_FETCH_MULTIPLE_ALLOW_ORIGIN:
        return "two parts of the server each send "
               "Access-Control-Allow-Origin: send it from one place only. "
               "With mod_cors, remove the 'Header add/set "
               "Access-Control-Allow-Origin' lines (a 'Header always set' "
               "line adds a second copy next to the handler's), and "
               "CORSBackendHeaders Replace removes the backend's duplicate";
    case CORS_FETCH_INVALID_ALLOW_ORIGIN:
        return apr_psprintf(p,
                            "Access-Control-Allow-Origin must be exactly "
                            "the origin (%s), '*' or 'null': CORSAllowOrigin "
                            "%s makes mod_cors send the right value",
                            o, o);
    case CORS_FETCH_ALLOW_ORIGIN_MISMATCH:
        diff = origin_difference(p, v->hint, o);
        return apr_psprintf(p,
                            "the server allows '%s', not %s%s%s: add %s to "
                            "CORSAllowOrigin (a 'Header set' line with a "
                            "fixed origin answers every page with that one)",
                            v->hint, o, diff ? ": " : "", diff ? diff : "", o);
    case CORS_FETCH_INVALID_ALLOW_CREDENTIALS:
        if (v->hint[0] != '\0') {
            return apr_psprintf(p,
                                "Access-Control-Allow-Credentials must be "
                                "exactly 'true', not '%s': "
                                "CORSAllowCredentials On sends it",
                                v->hint);
        }
        return apr_psprintf(p,
                            "CORSAllowCredentials On (with %s in "
                            "CORSAllowOrigin), or call fetch() without "
                            "credentials: 'include'",
                            o);
    case CORS_FETCH_PREFLIGHT_STATUS:
        return status_fix(p, req, status);
    case CORS_FETCH_PREFLIGHT_REDIRECT:
        return apr_psprintf(p,
                            "the preflight was redirected (%d to %s), and "
                            "browsers never follow a preflight's redirect: "
                            "call the final URL directly, or keep OPTIONS "
                            "out of the redirect. mod_cors answers "
                            "preflights before per-directory rewrites and "
                            "DirectorySlash; a server-wide Redirect or "
                            "RewriteRule [R] runs before it",
                            status, cors_fetch_get(p, headers, "Location"));
    case CORS_FETCH_INVALID_ALLOW_METHODS:
        return "Access-Control-Allow-Methods must be a comma-separated list "
               "of method names: CORSAllowMethods writes a valid one";
    case CORS_FETCH_INVALID_ALLOW_HEADERS:
        return "Access-Control-Allow-Headers must be a comma-separated list "
               "of header names: CORSAllowHeaders writes a valid one";
    case CORS_FETCH_METHOD_NOT_ALLOWED: {
        apr_array_header_t *m = allow_list(
            p, cors_fetch_get(p, headers, "Access-Control-Allow-Methods"), 0);
        const char *why = "";

        if (m && req->credentials && list_has(m, "*")) {
            why = " ('*' allows every method only without credentials)";
        }
        else if (m && list_has_nocase(m, req->method)) {
            why = " (methods are compared case-sensitively)";
        }
        return apr_psprintf(p, "add %s to CORSAllowMethods%s", req->method,
                            why);
    }
    case CORS_FETCH_HEADER_NOT_ALLOWED: {
        apr_array_header_t *h = allow_list(
            p, cors_fetch_get(p, headers, "Access-Control-Allow-Headers"), 1);
        const char *why = "";

        if (h && list_has(h, "*")) {
            why = req->credentials
                      ? " ('*' allows every header only without credentials)"
                      : " ('*' never covers Authorization: list it by name)";
        }
        return apr_psprintf(p, "add %s to CORSAllowHeaders%s", v->hint, why);
    }
    }
    return NULL;
}

/* Fills v with error E and its texts; returns E. */
static cors_fetch_error fail(apr_pool_t *p, const cors_fetch_request *req,
                             cors_fetch_verdict *v, cors_fetch_error e,
                             int preflight, const char *hint, int status,
                             const apr_array_header_t *headers)
{
    v->error = e;
    v->preflight = preflight;
    v->hint = hint ? hint : "";
    v->reason = reason_text(p, e, preflight, v->hint);
    v->console = cors_fetch_console(p, req, v->reason);
    v->fix = fix_text(p, req, v, status, headers);
    return e;
}

/* The "CORS check", in Chrome's order of messages. */
static cors_fetch_error check_access(apr_pool_t *p,
                                     const cors_fetch_request *req,
                                     const apr_array_header_t *headers,
                                     const char **hint)
{
    const char *acao =
        cors_fetch_get(p, headers, "Access-Control-Allow-Origin");
    const char *acac;

    *hint = NULL;
    if (acao && strcmp(acao, "*") == 0) {
        return req->credentials ? CORS_FETCH_WILDCARD_WITH_CREDENTIALS
                                : CORS_FETCH_OK;
    }
    if (acao == NULL) {
        return CORS_FETCH_MISSING_ALLOW_ORIGIN;
    }
    if (strcmp(acao, req->origin) != 0) {
        *hint = acao;
        if (strpbrk(acao, " ,")) {
            return CORS_FETCH_MULTIPLE_ALLOW_ORIGIN;
        }
        if (strcmp(acao, "null") != 0 && !looks_like_url(acao)) {
            return CORS_FETCH_INVALID_ALLOW_ORIGIN;
        }
        return CORS_FETCH_ALLOW_ORIGIN_MISMATCH;
    }
    if (req->credentials) {
        acac = cors_fetch_get(p, headers, "Access-Control-Allow-Credentials");
        if (acac == NULL || strcmp(acac, "true") != 0) {
            *hint = acac ? acac : "";
            return CORS_FETCH_INVALID_ALLOW_CREDENTIALS;
        }
    }
    return CORS_FETCH_OK;
}

cors_fetch_error cors_fetch_check_preflight(apr_pool_t *p,
                                            const cors_fetch_request *req,
                                            int status,
                                            const apr_array_header_t *headers,
                                            cors_fetch_verdict *v)
{
    apr_array_header_t *methods, *names, *unsafe;
    const char *hint;
    cors_fetch_error e;
    int i;

    memset(v, 0, sizeof(*v));
    v->preflight = 1;
    if (cors_fetch_is_redirect(status, headers)) {
        return fail(p, req, v, CORS_FETCH_PREFLIGHT_REDIRECT, 1, NULL, status,
                    headers);
    }
    e = check_access(p, req, headers, &hint);
    if (e != CORS_FETCH_OK) {
        return fail(p, req, v, e, 1, hint, status, headers);
    }
    if (status < 200 || status > 299) {
        return fail(p, req, v, CORS_FETCH_PREFLIGHT_STATUS, 1, NULL, status,
                    headers);
    }
    methods = allow_list(
        p, cors_fetch_get(p, headers, "Access-Control-Allow-Methods"), 0);
    if (methods == NULL) {
        return fail(p, req, v, CORS_FETCH_INVALID_ALLOW_METHODS, 1, NULL,
                    status, headers);
    }
    names = allow_list(
        p, cors_fetch_get(p, headers, "Access-Control-Allow-Headers"), 1);
    if (names == NULL) {
        return fail(p, req, v, CORS_FETCH_INVALID_ALLOW_HEADERS, 1, NULL,
                    status, headers);
    }
    if (!list_has(methods, req->method) &&
        !cors_fetch_is_safelisted_method(req->method) &&
        (req->credentials || !list_has(methods, "*"))) {
        return fail(p, req, v, CORS_FETCH_METHOD_NOT_ALLOWED, 1, req->method,
                    status, headers);
    }
    unsafe = unsafe_names(p, req->headers, NULL);
    if (!req->credentials && list_has(names, "*")) {
        /* "*" covers every name but Authorization, the one CORS
         * non-wildcard request-header name. */
        if (list_has(unsafe, "authorization") &&
            !list_has(names, "authorization")) {
            fail(p, req, v, CORS_FETCH_HEADER_NOT_ALLOWED, 1, "authorization",
                 status, headers);
            v->note = "Chrome (up to at least version 156) still lets "
                      "this request through with a deprecation warning; "
                      "Firefox and Safari block it, as the Fetch standard "
                      "says";
            return v->error;
        }
        return CORS_FETCH_OK;
    }
    for (i = 0; i < unsafe->nelts; i++) {
        const char *name = APR_ARRAY_IDX(unsafe, i, const char *);

        if (!list_has(names, name)) {
            return fail(p, req, v, CORS_FETCH_HEADER_NOT_ALLOWED, 1, name,
                        status, headers);
        }
    }
    return CORS_FETCH_OK;
}

cors_fetch_error cors_fetch_check_response(apr_pool_t *p,
                                           const cors_fetch_request *req,
                                           int status,
                                           const apr_array_header_t *headers,
                                           cors_fetch_verdict *v)
{
    const char *hint;
    cors_fetch_error e;

    memset(v, 0, sizeof(*v));
    e = check_access(p, req, headers, &hint);
    if (e != CORS_FETCH_OK) {
        return fail(p, req, v, e, 0, hint, status, headers);
    }
    return CORS_FETCH_OK;
}

const char *cors_fetch_max_age_note(apr_pool_t *p, const char *value)
{
    const char *c;
    apr_int64_t n = 0;

    if (value == NULL) {
        return "no Access-Control-Max-Age: browsers keep this preflight's "
               "answer for 5 seconds (CORSMaxAge sets it)";
    }
    c = value;
    if (*c == '-' && apr_isdigit(c[1])) {
        return apr_psprintf(p,
                            "Access-Control-Max-Age: %s: negative, so "
                            "browsers do not keep this preflight's answer",
                            shown(p, value));
    }
    for (; apr_isdigit(*c); c++) {
        if (n < 100000000) {
            n = n * 10 + (*c - '0');
        }
    }
    if (c == value || *c != '\0') {
        return apr_psprintf(p,
                            "Access-Control-Max-Age: '%s' is not a "
                            "number of seconds: browsers ignore it (Chrome "
                            "keeps the answer for 5 seconds)",
                            shown(p, value));
    }
    if (n == 0) {
        return "Access-Control-Max-Age: 0: browsers send a preflight before "
               "every such request";
    }
    if (n > 7200) {
        return apr_psprintf(p,
                            "Access-Control-Max-Age: %s: Chrome keeps "
                            "this preflight's answer for at most 7200 "
                            "seconds, Firefox for at most 86400",
                            value);
    }
    return apr_psprintf(p,
                        "Access-Control-Max-Age: %s: browsers keep this "
                        "preflight's answer for %s seconds",
                        value, value);
}

apr_array_header_t *
cors_fetch_readable_headers(apr_pool_t *p, const cors_fetch_request *req,
                            const apr_array_header_t *headers)
{
    static const char *const safelisted[] = {
        "cache-control", "content-language", "content-length", "content-type",
        "expires",       "last-modified",    "pragma",         NULL};
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(char *));
    apr_array_header_t *exposed = allow_list(
        p, cors_fetch_get(p, headers, "Access-Control-Expose-Headers"), 1);
    const cors_fetch_header *h = (const cors_fetch_header *)headers->elts;
    int all = 0, i, j;

    if (exposed == NULL) {
        exposed = apr_array_make(p, 1, sizeof(char *));
    }
    if (!req->credentials && list_has(exposed, "*")) {
        all = 1;
    }
    for (i = 0; i < headers->nelts; i++) {
        const char *name = lower(p, h[i].name);
        int readable = all || list_has(exposed, name);

        for (j = 0; safelisted[j] && !readable; j++) {
            readable = strcmp(name, safelisted[j]) == 0;
        }
        if (readable && strcmp(name, "set-cookie") != 0 &&
            strcmp(name, "set-cookie2") != 0) {
            APR_ARRAY_PUSH(out, const char *) = name;
        }
    }
    sort_unique(out);
    return out;
}

const char *cors_fetch_prepare(apr_pool_t *p, cors_fetch_request *req)
{
    if (req->has_body &&
        (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
        return apr_psprintf(p,
                            "a %s request cannot have a body (fetch() "
                            "throws a TypeError)",
                            req->method);
    }
    if (req->has_body &&
        cors_fetch_get(p, req->headers, "Content-Type") == NULL) {
        cors_fetch_header *h = apr_array_push(req->headers);

        h->name = "Content-Type";
        h->value = "text/plain;charset=UTF-8";
    }
    return NULL;
}
