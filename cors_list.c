/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * Method and header-name lists.  Header names are compared without regard
 * to case and methods with it, as HTTP does; the response value of each
 * list is joined once, when the configuration is read.
 */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cors_list.h"

/* RFC 9110 tchar.  Letters and digits are tested by range, not with the
 * locale's ctype table: this runs for every byte of a method and of
 * Access-Control-Request-Headers. */
static APR_INLINE int is_tchar(unsigned char c)
{
    if ((unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u) {
        return 1;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int cors_is_token(const char *s, apr_size_t len)
{
    apr_size_t i;

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

int cors_method_is_safelisted(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0
           || strcmp(method, "POST") == 0;
}

/* The Fetch standard's forbidden request-header names. */
static const char *const forbidden_headers[] = {
    "accept-charset", "accept-encoding", "access-control-request-headers",
    "access-control-request-method", "connection", "content-length",
    "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
    "origin", "referer", "set-cookie", "te", "trailer",
    "transfer-encoding", "upgrade", "via", NULL
};

int cors_header_is_forbidden(const char *name, apr_size_t len)
{
    int i;

    if ((len >= 6 && strncasecmp(name, "proxy-", 6) == 0)
        || (len >= 4 && strncasecmp(name, "sec-", 4) == 0)) {
        return 1;
    }
    for (i = 0; forbidden_headers[i]; i++) {
        if (strlen(forbidden_headers[i]) == len
            && strncasecmp(name, forbidden_headers[i], len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The methods fetch() upper-cases before sending, so "put" in the
 * configuration means what a browser sends as "PUT". */
static const char *const normalised_methods[] = {
    "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", NULL
};

static const char *normalise_method(const char *m)
{
    int i;

    for (i = 0; normalised_methods[i]; i++) {
        if (strcasecmp(m, normalised_methods[i]) == 0) {
            return normalised_methods[i];
        }
    }
    return m;
}

static const char *list_directive(cors_list_kind kind)
{
    switch (kind) {
    case CORS_LIST_METHODS:
        return "CORSAllowMethods";
    case CORS_LIST_ALLOW_HEADERS:
        return "CORSAllowHeaders";
    default:
        return "CORSExposeHeaders";
    }
}

/* Eight bytes at a time, each folded in with a multiply; the last few
 * bytes and the length make the final word. */
static unsigned int cors_hash(const char *key, apr_ssize_t *klen)
{
    const unsigned char *k = (const unsigned char *)key;
    apr_size_t len;
    apr_uint64_t h, w;

    if (*klen == APR_HASH_KEY_STRING) {
        *klen = (apr_ssize_t)strlen(key);
    }
    len = (apr_size_t)*klen;
    h = 0x9e3779b97f4a7c15ULL ^ len;
    for (; len >= 8; k += 8, len -= 8) {
        memcpy(&w, k, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    for (w = 0; len; len--) {
        w = (w << 8) | *k++;
    }
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return (unsigned int)(h ^ (h >> 32));
}

apr_hash_t *cors_hash_make(apr_pool_t *p)
{
    return apr_hash_make_custom(p, cors_hash);
}

cors_token_list *cors_token_list_make(apr_pool_t *p, cors_list_kind kind)
{
    cors_token_list *list = apr_pcalloc(p, sizeof(*list));

    list->kind = kind;
    list->names = cors_hash_make(p);
    return list;
}

/* A value that is valid but that a browser never acts on: the warning
 * text, or NULL when the value is useful. */
static const char *ineffective(apr_pool_t *p, cors_list_kind kind,
                               const char *name)
{
    const char *d = list_directive(kind);

    if (kind == CORS_LIST_METHODS) {
        if (strcasecmp(name, "CONNECT") == 0 || strcasecmp(name, "TRACE") == 0
            || strcasecmp(name, "TRACK") == 0) {
            return apr_psprintf(p, "%s: %s has no effect: browsers never "
                                "send it in a cross-origin request; remove "
                                "it", d, name);
        }
        return NULL;
    }
    if (kind == CORS_LIST_ALLOW_HEADERS
        && cors_header_is_forbidden(name, strlen(name))) {
        if (strcasecmp(name, "cookie") == 0) {
            return apr_psprintf(p, "%s: %s has no effect: a page cannot set "
                                "it; cookies travel with a cross-origin "
                                "request when CORSAllowCredentials is On "
                                "and the page asks for credentials; remove "
                                "it", d, name);
        }
        return apr_psprintf(p, "%s: %s has no effect: it is a forbidden "
                            "request header that browsers never let a "
                            "page set, so no preflight asks for it; remove "
                            "it", d, name);
    }
    if (kind == CORS_LIST_EXPOSE_HEADERS
        && (strcasecmp(name, "set-cookie") == 0
            || strcasecmp(name, "set-cookie2") == 0)) {
        return apr_psprintf(p, "%s: %s has no effect: browsers never "
                            "expose it to a page; remove it", d, name);
    }
    return NULL;
}

/* A method with a lower-case letter that normalise_method left as it is:
 * the warning text, or NULL.  Legal, but browsers send such a method as
 * the page spells it, and pages usually spell them in upper case. */
static const char *lower_case_method(const cors_token_list *list,
                                     apr_pool_t *p, const char *name)
{
    char *upper = apr_pstrdup(p, name), *c;
    int lower = 0;

    for (c = upper; *c; c++) {
        lower |= apr_islower(*c);
        *c = apr_toupper(*c);
    }
    if (!lower) {
        return NULL;
    }
    return apr_psprintf(p, "%s: %s is matched only as written: methods are "
                        "case-sensitive, and browsers send any method but "
                        "DELETE, GET, HEAD, OPTIONS, POST and PUT as the "
                        "page writes it, usually in upper case; %s%s",
                        list_directive(CORS_LIST_METHODS), name,
                        apr_hash_get(list->names, upper, APR_HASH_KEY_STRING)
                            ? "remove it: the list has " : "write ",
                        upper);
}

static void add_name(cors_token_list *list, apr_pool_t *p, const char *name)
{
    const char *key = name;

    if (list->kind != CORS_LIST_METHODS) {
        char *lower = apr_pstrdup(p, name), *c;

        for (c = lower; *c; c++) {
            *c = apr_tolower(*c);
        }
        key = lower;
    }
    if (apr_hash_get(list->names, key, APR_HASH_KEY_STRING)) {
        return;
    }
    apr_hash_set(list->names, key, APR_HASH_KEY_STRING, "");
    list->joined = list->joined ? apr_pstrcat(p, list->joined, ", ", name,
                                              NULL)
                                : name;
    list->count++;
}

const char *cors_token_list_add(cors_token_list *list, apr_pool_t *p,
                                const char *arg,
                                apr_array_header_t *warnings)
{
    const char *d = list_directive(list->kind);
    const char *s = arg;

    if (strcmp(arg, "*") == 0) {
        list->any = 1;
        return NULL;
    }
    while (*s) {
        const char *end = strchr(s, ',');
        apr_size_t len = end ? (apr_size_t)(end - s) : strlen(s);
        const char *name, *warning;

        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
            len--;
        }
        if (len) {
            name = apr_pstrmemdup(p, s, len);
            if (strcmp(name, "*") == 0) {
                return apr_psprintf(p, "%s: '*' must stand alone: write "
                                    "'%s *' to allow any %s", d, d,
                                    list->kind == CORS_LIST_METHODS
                                        ? "method" : "header");
            }
            if (!cors_is_token(name, len)) {
                return apr_psprintf(p, "%s: '%s' is not a valid %s (a "
                                    "token: letters, digits and "
                                    "!#$%%&'*+-.^_`|~, no spaces, colons or "
                                    "quotes)", d, name,
                                    list->kind == CORS_LIST_METHODS
                                        ? "method name" : "header name");
            }
            if (list->kind == CORS_LIST_METHODS) {
                name = normalise_method(name);
            }
            warning = ineffective(p, list->kind, name);
            if (!warning) {
                add_name(list, p, name);
                if (list->kind == CORS_LIST_METHODS) {
                    warning = lower_case_method(list, p, name);
                }
            }
            if (warning && warnings) {
                APR_ARRAY_PUSH(warnings, const char *) = warning;
            }
        }
        if (!end) {
            break;
        }
        s = end + 1;
    }
    return NULL;
}

cors_rh_result cors_request_headers_check(const char *value,
                                          const cors_token_list *allowed,
                                          apr_pool_t *p, const char **bad,
                                          const char **echo)
{
    char name[CORS_REQUEST_HEADERS_MAX_BYTES + 1];
    const char *s = value;
    apr_size_t total = strlen(value);
    int count = 0;
    char *out = NULL;
    apr_size_t out_len = 0;

    if (total > CORS_REQUEST_HEADERS_MAX_BYTES) {
        return CORS_RH_TOO_LONG;
    }
    if (echo) {
        /* At most the input's length plus ", " for each name. */
        out = apr_palloc(p, total * 3 + 1);
    }
    while (*s) {
        const char *start, *stop;
        apr_size_t len, i;

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        start = s;
        while (*s && *s != ',') {
            s++;
        }
        stop = s;
        while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t')) {
            stop--;
        }
        len = (apr_size_t)(stop - start);
        if (*s == ',') {
            s++;
        }
        if (len == 0) {
            continue;
        }
        for (i = 0; i < len; i++) {
            name[i] = apr_tolower(start[i]);
        }
        name[len] = '\0';
        if (++count > CORS_REQUEST_HEADERS_MAX_NAMES) {
            return CORS_RH_TOO_LONG;
        }
        if (!cors_is_token(name, len)) {
            if (bad) {
                *bad = apr_pstrmemdup(p, name, len > 64 ? 64 : len);
            }
            return CORS_RH_MALFORMED;
        }
        if (!allowed || (!allowed->any
                         && !apr_hash_get(allowed->names, name, len))) {
            if (bad) {
                *bad = apr_pstrmemdup(p, name, len > 64 ? 64 : len);
            }
            return CORS_RH_NOT_ALLOWED;
        }
        if (out) {
            if (out_len) {
                memcpy(out + out_len, ", ", 2);
                out_len += 2;
            }
            memcpy(out + out_len, name, len);
            out_len += len;
        }
    }
    if (echo) {
        out[out_len] = '\0';
        *echo = out_len ? out : NULL;
    }
    return CORS_RH_OK;
}

const char *cors_rh_result_name(cors_rh_result r)
{
    /* No default: the compiler names a result added to the enum. */
    switch (r) {
    case CORS_RH_OK:
        return "OK";
    case CORS_RH_MALFORMED:
        return "MALFORMED";
    case CORS_RH_TOO_LONG:
        return "TOO_LONG";
    case CORS_RH_NOT_ALLOWED:
        return "NOT_ALLOWED";
    }
    return "(not a result)";
}
