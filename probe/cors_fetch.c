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
    if (strcmp(scheme, "ftp") == 0) {
        return 21;
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

/* "." and ".." as the URL standard counts them: %2e is a dot too. */
static int is_dot_segment(const char *s, size_t len, int dots)
{
    int n = 0;

    while (len > 0) {
        if (*s == '.') {
            s++;
            len--;
        }
        else if (len >= 3 && s[0] == '%' && s[1] == '2' &&
                 (s[2] == 'e' || s[2] == 'E')) {
            s += 3;
            len -= 3;
        }
        else {
            return 0;
        }
        n++;
    }
    return n == dots;
}

/* PATH ("/a/./b/../c?q", starting with "/") with its "." and ".." segments
 * worked out, as browsers send it; the query is left alone. */
static const char *without_dot_segments(apr_pool_t *p, const char *path)
{
    size_t plen = strcspn(path, "?");
    char *out = apr_palloc(p, strlen(path) + 2), *o = out;
    const char *c = path + 1, *end = path + plen;

    *o++ = '/';
    while (c <= end) {
        size_t len = strcspn(c, "/?");
        int last;

        if (c + len > end) {
            len = (size_t)(end - c);
        }
        last = c + len >= end;
        if (is_dot_segment(c, len, 2)) {
            /* Back to the slash before the last segment written. */
            if (o > out + 1) {
                o--;
                while (o > out + 1 && o[-1] != '/') {
                    o--;
                }
            }
        }
        else if (!is_dot_segment(c, len, 1)) {
            memcpy(o, c, len);
            o += len;
            if (!last) {
                *o++ = '/';
            }
        }
        c += len + 1;
    }
    strcpy(o, end);
    return out;
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
    if (*rest != '/' && *rest != '\\') {
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
    url->path = without_dot_segments(p, path);
    url->origin = serialize_origin(p, url->scheme, url->host, url->port);
    url->href = apr_pstrcat(p, url->origin, url->path, NULL);
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

int cors_fetch_uses_cors(const cors_fetch_request *req)
{
    return req->cors_tainting || !cors_fetch_same_origin(req);
}

const char *cors_fetch_serialized_origin(const cors_fetch_request *req)
{
    return req->tainted ? "null" : req->origin;
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
    case CORS_FETCH_REDIRECT_CREDENTIALS:
        /* Chrome 156 leaves the location out: ''. */
        return "Redirect location '' contains a username and password, "
               "which is disallowed for cross-origin requests.";
    case CORS_FETCH_REDIRECT_SCHEME:
        return "Cross origin requests are only supported for protocol "
               "schemes: chrome, chrome-experimental-site-token-provider, "
               "chrome-extension, chrome-untrusted, data, http, https, "
               "isolated-app.";
    case CORS_FETCH_REDIRECT_UNSAFE:
    case CORS_FETCH_REDIRECT_INVALID:
    case CORS_FETCH_TOO_MANY_REDIRECTS:
        /* Network errors: see network_fail(). */
        return hint;
    }
    return apr_pstrcat(p, pre, text, NULL);
}

/* The console line for a request blocked at HREF (once redirected, Chrome
 * also names the URL fetch() was given). */
static const char *console_at(apr_pool_t *p, const cors_fetch_request *req,
                              const char *href, const char *reason)
{
    const char *first = req->first_href ? req->first_href : req->url.href;
    const char *from = "";

    if (strcmp(first, href) != 0) {
        from = apr_pstrcat(p, " (redirected from '", first, "')", NULL);
    }
    return apr_pstrcat(p, "Access to fetch at '", href, "'", from,
                       " from origin '", req->origin,
                       "' has been blocked by CORS policy: ", reason, NULL);
}

const char *cors_fetch_console(apr_pool_t *p, const cors_fetch_request *req,
                               const char *reason)
{
    return console_at(p, req, req->url.href, reason);
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

/* What to do when the CORS check failed on a request whose origin a
 * redirect made "null". */
static const char *tainted_fix(apr_pool_t *p, const cors_fetch_request *req,
                               const cors_fetch_verdict *v)
{
    const char *what;

    switch (v->error) {
    case CORS_FETCH_ALLOW_ORIGIN_MISMATCH:
        what = apr_psprintf(p, "this server allows '%s'", v->hint);
        break;
    case CORS_FETCH_INVALID_ALLOW_ORIGIN:
        what = apr_psprintf(p, "this server answers '%s'", v->hint);
        break;
    default:
        what = "this server allows no origin here";
        break;
    }
    return apr_psprintf(p,
                        "%s, and the browser sent Origin: null: once a "
                        "redirect leaves an origin other than the page's "
                        "for another, browsers hide the page's origin (the "
                        "Fetch standard's redirect-taint). Call %s from the "
                        "page directly instead of %s; or have this server "
                        "allow the origin null ('*' without credentials, or "
                        "CORSAllowOrigin null with mod_cors, which lets "
                        "every sandboxed page in too)",
                        what, req->url.href,
                        req->first_href ? req->first_href : "?");
}

static const char *fix_text(apr_pool_t *p, const cors_fetch_request *req,
                            const cors_fetch_verdict *v, int status,
                            const apr_array_header_t *headers)
{
    const char *o = cors_fetch_serialized_origin(req), *diff;

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
    case CORS_FETCH_REDIRECT_CREDENTIALS:
        return apr_psprintf(p,
                            "the redirect goes to %s, a URL with a user name "
                            "or password, which browsers refuse for a "
                            "cross-origin request: redirect to the URL "
                            "without them (credentials belong in a cookie or "
                            "an Authorization header)",
                            v->hint);
    case CORS_FETCH_REDIRECT_SCHEME:
        return apr_psprintf(p,
                            "the redirect goes to %s, and fetch() follows "
                            "redirects to http: and https: URLs only: "
                            "redirect to an https:// URL",
                            v->hint);
    case CORS_FETCH_REDIRECT_UNSAFE:
    case CORS_FETCH_REDIRECT_INVALID:
    case CORS_FETCH_TOO_MANY_REDIRECTS:
        break;
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
    if (req->tainted && (e == CORS_FETCH_MISSING_ALLOW_ORIGIN ||
                         e == CORS_FETCH_ALLOW_ORIGIN_MISMATCH ||
                         e == CORS_FETCH_INVALID_ALLOW_ORIGIN)) {
        v->fix = tainted_fix(p, req, v);
    }
    return e;
}

/* Fills v with the network error E: no CORS message, only Chrome's
 * "Failed to load resource: net::ERR_..." for the current URL. */
static cors_fetch_error network_fail(apr_pool_t *p,
                                     const cors_fetch_request *req,
                                     cors_fetch_verdict *v, cors_fetch_error e,
                                     const char *code, const char *fix)
{
    v->error = e;
    v->network_error = 1;
    v->hint = code;
    v->reason = code;
    v->console = apr_pstrcat(p, req->url.href,
                             " - Failed to load resource: ", code, NULL);
    v->fix = fix;
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
    const char *origin = cors_fetch_serialized_origin(req);
    const char *acac;

    *hint = NULL;
    if (acao && strcmp(acao, "*") == 0) {
        return req->credentials ? CORS_FETCH_WILDCARD_WITH_CREDENTIALS
                                : CORS_FETCH_OK;
    }
    if (acao == NULL) {
        return CORS_FETCH_MISSING_ALLOW_ORIGIN;
    }
    if (strcmp(acao, origin) != 0) {
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

/* ---- redirects ----------------------------------------------------------- */

static int is_url_slash(char c)
{
    return c == '/' || c == '\\';
}

/* An absolute URL built from SCHEME and what follows its "//": the
 * authority (with a user name and password, perhaps) and the rest. */
static const char *resolve_authority(apr_pool_t *p, const char *scheme,
                                     const char *rest, cors_fetch_location *out)
{
    const char *end = rest + strcspn(rest, "/?\\"), *at = NULL, *c;
    const char *userinfo = NULL, *err;
    cors_fetch_url url;

    for (c = rest; c < end; c++) {
        if (*c == '@') {
            at = c;
        }
    }
    if (at) {
        userinfo = apr_pstrmemdup(p, rest, (size_t)(at - rest));
        out->credentials = userinfo[0] != '\0' && strcmp(userinfo, ":") != 0;
        rest = at + 1;
    }
    out->scheme = scheme;
    err = cors_fetch_parse_url(p, apr_pstrcat(p, scheme, "://", rest, NULL),
                               &url);
    if (strcmp(scheme, "file") == 0) {
        out->href = apr_pstrcat(p, "file:///", rest, NULL);
        return NULL;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        /* Written as the browser would, when it parses as a host. */
        const char *h, *r;
        int port;

        if (parse_authority(p, apr_pstrcat(p, scheme, "://", rest, NULL),
                            &scheme, &h, &port, &r) == NULL) {
            out->href = apr_pstrcat(p, serialize_origin(p, scheme, h, port),
                                    *r == '/' ? "" : "/", r, NULL);
        }
        else {
            out->href = apr_pstrcat(p, scheme, "://", rest, NULL);
        }
        return NULL;
    }
    if (err) {
        return err;
    }
    out->http = 1;
    out->url = url;
    out->href = url.href;
    if (userinfo) {
        out->href = apr_pstrcat(p, scheme, "://", userinfo, "@",
                                url.href + strlen(scheme) + 3, NULL);
    }
    return NULL;
}

/* REF (no scheme, no "//") against the http(s) URL BASE. */
static const char *resolve_relative(apr_pool_t *p, const cors_fetch_url *base,
                                    const char *ref, cors_fetch_location *out)
{
    const char *path = apr_pstrmemdup(p, base->path, strcspn(base->path, "?"));
    const char *abs, *err;

    if (is_url_slash(*ref)) {
        abs = apr_pstrcat(p, base->origin, ref, NULL);
    }
    else if (*ref == '?') {
        abs = apr_pstrcat(p, base->origin, path, ref, NULL);
    }
    else if (*ref == '\0') {
        abs = base->href;
    }
    else {
        const char *slash = strrchr(path, '/');

        abs = apr_pstrcat(p, base->origin,
                          apr_pstrmemdup(p, path, (size_t)(slash - path) + 1),
                          ref, NULL);
    }
    err = cors_fetch_parse_url(p, abs, &out->url);
    if (err) {
        return err;
    }
    out->scheme = out->url.scheme;
    out->http = 1;
    out->href = out->url.href;
    return NULL;
}

const char *cors_fetch_resolve_location(apr_pool_t *p,
                                        const cors_fetch_url *base,
                                        const char *location,
                                        cors_fetch_location *out)
{
    const char *s = location, *c;
    char *in, *o;
    size_t len, i;

    memset(out, 0, sizeof(*out));
    /* The URL parser drops leading and trailing C0 controls and spaces,
     * and tabs and newlines anywhere; the fragment is never sent. */
    while (*s && (unsigned char)*s <= 0x20) {
        s++;
    }
    len = strlen(s);
    while (len > 0 && (unsigned char)s[len - 1] <= 0x20) {
        len--;
    }
    in = apr_palloc(p, len + 1);
    for (o = in, i = 0; i < len; i++) {
        if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
            *o++ = s[i];
        }
    }
    *o = '\0';
    in[strcspn(in, "#")] = '\0';

    c = in;
    if (apr_isalpha(*c)) {
        while (apr_isalnum(*c) || *c == '+' || *c == '-' || *c == '.') {
            c++;
        }
        if (*c == ':') {
            const char *scheme =
                lower(p, apr_pstrmemdup(p, in, (size_t)(c - in)));
            const char *rest = c + 1;

            if (!is_special_scheme(scheme, strlen(scheme))) {
                out->scheme = scheme;
                out->href = apr_pstrcat(p, scheme, ":", rest, NULL);
                return NULL;
            }
            /* "http:/x" or "http:x" from an http URL is relative. */
            if (strcmp(scheme, base->scheme) == 0 &&
                !(is_url_slash(rest[0]) && is_url_slash(rest[1]))) {
                return resolve_relative(p, base, rest, out);
            }
            while (is_url_slash(*rest)) {
                rest++;
            }
            return resolve_authority(p, scheme, rest, out);
        }
    }
    if (is_url_slash(in[0]) && is_url_slash(in[1])) {
        c = in;
        while (is_url_slash(*c)) {
            c++;
        }
        return resolve_authority(p, base->scheme, c, out);
    }
    return resolve_relative(p, base, in, out);
}

const char *cors_fetch_redirect_method(int status, const char *method)
{
    if (((status == 301 || status == 302) && strcmp(method, "POST") == 0) ||
        (status == 303 && strcmp(method, "GET") != 0 &&
         strcmp(method, "HEAD") != 0)) {
        return "GET";
    }
    return method;
}

int cors_fetch_redirect_taints(const char *origin, const char *from,
                               const char *to)
{
    return strcmp(from, to) != 0 && strcmp(origin, from) != 0;
}

/* Removes the headers named in NAMES (NULL-terminated) from REQ; returns
 * the names removed, "a, b", or NULL. */
static const char *drop_headers(apr_pool_t *p, cors_fetch_request *req,
                                const char *const *names)
{
    apr_array_header_t *kept =
        apr_array_make(p, req->headers->nelts + 1, sizeof(cors_fetch_header));
    const cors_fetch_header *h = (const cors_fetch_header *)req->headers->elts;
    const char *dropped = NULL;
    int i, j;

    for (i = 0; i < req->headers->nelts; i++) {
        for (j = 0; names[j]; j++) {
            if (strcasecmp(h[i].name, names[j]) == 0) {
                break;
            }
        }
        if (names[j] == NULL) {
            *(cors_fetch_header *)apr_array_push(kept) = h[i];
        }
        else if (dropped == NULL) {
            dropped = h[i].name;
        }
        else if (!strstr(dropped, h[i].name)) {
            dropped = apr_pstrcat(p, dropped, ", ", h[i].name, NULL);
        }
    }
    req->headers = kept;
    return dropped;
}

/* The local schemes browsers refuse to be redirected to with a network
 * error (net::ERR_UNSAFE_REDIRECT in Chrome); for other schemes, Chrome
 * prints a CORS message. */
static int is_unsafe_redirect_scheme(const char *scheme)
{
    static const char *const local[] = {"about", "blob",       "data",
                                        "file",  "filesystem", NULL};
    int i;

    for (i = 0; local[i]; i++) {
        if (strcmp(scheme, local[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

cors_fetch_error cors_fetch_follow_redirect(apr_pool_t *p,
                                            cors_fetch_request *req, int status,
                                            const apr_array_header_t *headers,
                                            cors_fetch_redirect *what,
                                            cors_fetch_verdict *v)
{
    static const char *const body_headers[] = {
        "Content-Encoding", "Content-Language", "Content-Location",
        "Content-Type", NULL};
    static const char *const non_wildcard[] = {"Authorization", NULL};
    const cors_fetch_header *h = (const cors_fetch_header *)headers->elts;
    const char *location = NULL, *err, *method, *dropped;
    int uses_cors = cors_fetch_uses_cors(req), i;
    cors_fetch_location loc;

    memset(v, 0, sizeof(*v));
    memset(what, 0, sizeof(*what));
    what->status = status;
    what->from = req->url.href;
    for (i = 0; i < headers->nelts; i++) {
        if (strcasecmp(h[i].name, "Location") != 0) {
            continue;
        }
        if (location && strcmp(location, h[i].value) != 0) {
            return network_fail(
                p, req, v, CORS_FETCH_REDIRECT_INVALID,
                "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
                apr_psprintf(p,
                             "the redirect has two different Location "
                             "headers ('%s' and '%s'): send one",
                             shown(p, location), shown(p, h[i].value)));
        }
        location = h[i].value;
    }
    if (location == NULL) {
        return CORS_FETCH_OK; /* not a redirect: nothing to follow */
    }
    err = cors_fetch_resolve_location(p, &req->url, location, &loc);
    if (err) {
        return network_fail(p, req, v, CORS_FETCH_REDIRECT_INVALID,
                            "net::ERR_INVALID_REDIRECT",
                            apr_psprintf(p,
                                         "the redirect's Location '%s' does "
                                         "not parse: %s. Send an absolute "
                                         "URL (https://host/path) or a path",
                                         shown(p, location), err));
    }
    what->to = loc.href;
    if (!loc.http) {
        if (is_unsafe_redirect_scheme(loc.scheme)) {
            return network_fail(
                p, req, v, CORS_FETCH_REDIRECT_UNSAFE,
                "net::ERR_UNSAFE_REDIRECT",
                apr_psprintf(p,
                             "the redirect goes to %s, and browsers never "
                             "follow a redirect to a %s: URL: redirect to "
                             "an https:// URL",
                             shown(p, loc.href), loc.scheme));
        }
        fail(p, req, v, CORS_FETCH_REDIRECT_SCHEME, 0, shown(p, loc.href),
             status, headers);
        v->console = console_at(p, req, loc.href, v->reason);
        return v->error;
    }
    if (req->redirect_count >= CORS_FETCH_MAX_REDIRECTS) {
        return network_fail(
            p, req, v, CORS_FETCH_TOO_MANY_REDIRECTS,
            "net::ERR_TOO_MANY_REDIRECTS",
            apr_psprintf(p,
                         "the redirects do not end: after %d, %s still "
                         "redirects to %s. Look for a rule that matches its "
                         "own target (a RewriteRule without a RewriteCond, "
                         "an http/https or www redirect that a proxy in "
                         "front undoes)",
                         CORS_FETCH_MAX_REDIRECTS, req->url.href, loc.href));
    }
    if (loc.credentials &&
        (uses_cors || strcmp(req->origin, loc.url.origin) != 0)) {
        fail(p, req, v, CORS_FETCH_REDIRECT_CREDENTIALS, 0, loc.href, status,
             headers);
        v->note = "Chrome (up to at least version 156) leaves the location "
                  "out of this message";
        return v->error;
    }

    method = cors_fetch_redirect_method(status, req->method);
    if (strcmp(method, req->method) != 0) {
        what->old_method = req->method;
        what->body_dropped = req->has_body;
        req->method = method;
        req->has_body = 0;
        what->dropped = drop_headers(p, req, body_headers);
    }
    what->cross_origin = strcmp(req->url.origin, loc.url.origin) != 0;
    if (what->cross_origin) {
        dropped = drop_headers(p, req, non_wildcard);
        if (dropped) {
            what->dropped = what->dropped ? apr_pstrcat(p, what->dropped, ", ",
                                                        dropped, NULL)
                                          : dropped;
        }
    }
    if (!req->tainted && cors_fetch_redirect_taints(
                             req->origin, req->url.origin, loc.url.origin)) {
        req->tainted = 1;
        what->tainted_now = 1;
    }
    if (uses_cors) {
        req->cors_tainting = 1;
    }
    if (req->first_href == NULL) {
        req->first_href = req->url.href;
    }
    req->redirect_count++;
    req->url = loc.url;
    return CORS_FETCH_OK;
}

const char *cors_fetch_printable(apr_pool_t *p, const char *s, apr_size_t len,
                                 int keep_newlines)
{
    char *out = apr_palloc(p, 4 * len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 && !(c == '\n' && keep_newlines)) || c >= 0x7f) {
            o += apr_snprintf(o, 5, "\\x%02x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}
