/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * fuzz_decide: the whole decision, cors_decide_preflight or
 * cors_decide_actual, on a request made from the input:
 *
 *   byte 0     the policy, one of POLICY_COUNT fixed ones (modulo)
 *   byte 1     bit 0: a preflight (else an actual request);
 *              bit 1: Access-Control-Request-Private-Network: true;
 *              bit 2: an Access-Control-Request-Headers field is sent
 *   the rest   Origin NUL Access-Control-Request-Method NUL
 *              Access-Control-Request-Headers (missing fields are empty)
 *
 * The answer must keep the promises mod_cors relies on:
 *  - a known reason, allowed exactly when an Access-Control-Allow-Origin
 *    is sent, and a refusal sends no header at all;
 *  - Allow-Origin is "*" or the request's own Origin, and then a
 *    well-formed origin or "null" (never a malformed value echoed); "*"
 *    only for a "*" policy without credentials, never with
 *    Allow-Credentials; "null" never under a policy with credentials
 *    (any site can send it), whether listed or in a set;
 *  - what is allowed passes a browser's own checks of the response, and
 *    stays within what the harness configured;
 *  - each reason is true of the request and of the harness's lists.
 * These checks are written from the policies below and the Fetch
 * standard, not from cors_decide.c, so that they can disagree with it.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cors_decide.h"
#include "fuzz.h"

static apr_pool_t *fixed, *scratch;
static cors_origin_list *frontend;

static const cors_origin_list *lookup(void *ctx, const char *name)
{
    return strcmp(name, "frontend") == 0 ? frontend : NULL;
}

/* The policies: each field NULL or a directive's argument. */
typedef struct {
    const char *name;
    const char *origins;
    const char *hosts;      /* the hosts its entries can allow, " "-ended */
    int credentials;
    const char *methods;
    const char *headers;
    const char *expose;
    const char *max_age;
    int private_network;
} policy_spec;

static const policy_spec specs[] = {
    { "plain", "https://myapp.com,https://*.myapp.com,http://localhost:*,"
      "~^https://[a-z]+\\.preview\\.myapp\\.dev$",
      "myapp.com localhost preview.myapp.dev ", 0, NULL, NULL, NULL, NULL,
      0 },
    { "credentials", "https://myapp.com,https://*.myapp.com,null",
      "myapp.com ", 1, "PUT, DELETE, patch",
      "X-Requested-With, Content-Type", "X-Total-Count, ETag", "600", 1 },
    { "public", "*", "", 0, "*", "*", "*", "86400", 1 },
    { "star+credentials", "*,https://myapp.com", "myapp.com ", 1, "*", "*",
      "*", NULL, 0 },
    { "star-only+credentials", "*", "", 1, NULL, NULL, NULL, NULL, 0 },
    { "none", NULL, "", 0, NULL, NULL, NULL, NULL, 0 },
    { "sets", "@missing,@frontend", "localhost ", 1, "TRACE", "*", NULL, "0",
      1 },
    { "star+expose", "*", "", 0, NULL, "X-A", "X-Total-Count", NULL, 0 },
};

/* What @frontend holds; "@missing" is never defined. */
#define FRONTEND "http://localhost:3000,null"

#define POLICY_COUNT (sizeof(specs) / sizeof(*specs))

static cors_policy policies[POLICY_COUNT];

static cors_token_list *tokens(cors_list_kind kind, const char *arg)
{
    cors_token_list *list;

    if (!arg) {
        return NULL;
    }
    list = cors_token_list_make(fixed, kind);
    /* Warnings (TRACE) are expected: the name is left out. */
    if (cors_token_list_add(list, fixed, arg,
                            apr_array_make(fixed, 1, sizeof(char *)))) {
        cors_fuzz_fail("the fixed list '%s' is refused", arg);
    }
    return list;
}

static cors_origin_list *origins(const char *arg, int flags)
{
    cors_origin_list *list;

    if (!arg) {
        return NULL;
    }
    list = cors_origin_list_make(fixed);
    if (cors_origin_list_add(list, fixed, arg, "fuzz.conf:1", flags, NULL)) {
        cors_fuzz_fail("the fixed origins '%s' are refused", arg);
    }
    return list;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    unsigned i;

    cors_fuzz_origin_setup(&fixed, &scratch);
    frontend = origins(FRONTEND, CORS_ENTRY_IN_SET);
    for (i = 0; i < POLICY_COUNT; i++) {
        cors_policy *p = &policies[i];

        p->origins = origins(specs[i].origins, 0);
        p->credentials = specs[i].credentials;
        p->methods = tokens(CORS_LIST_METHODS, specs[i].methods);
        p->headers = tokens(CORS_LIST_ALLOW_HEADERS, specs[i].headers);
        p->expose = tokens(CORS_LIST_EXPOSE_HEADERS, specs[i].expose);
        p->max_age = specs[i].max_age;
        p->private_network = specs[i].private_network;
        p->lookup = lookup;
    }
    return 0;
}

/* The request the input describes. */
typedef struct {
    const cors_policy *policy;
    const policy_spec *spec;
    const char *policy_name;
    int preflight;
    int private_network;
    const char *origin;
    const char *method;
    const char *request_headers;    /* NULL: not sent */
} fuzz_request;

/* The next NUL-terminated field of data[*at..size), "" past the end. */
static const char *field(const uint8_t *data, size_t size, size_t *at)
{
    const uint8_t *start = data + *at, *nul;
    size_t left = size - *at;

    if (left == 0) {
        return "";
    }
    nul = memchr(start, '\0', left);
    *at = nul ? (size_t)(nul - data) + 1 : size;
    return cors_fuzz_cstr(scratch, start, nul ? (size_t)(nul - start) : left);
}

static void broken(const fuzz_request *q, const cors_decision *d,
                   const char *what)
{
    cors_fuzz_fail("policy %s, %s, Origin '%s', method '%s', request "
                   "headers %s%s%s%s: %s (reason %s, Allow-Origin %s)",
                   q->policy_name, q->preflight ? "preflight" : "actual",
                   cors_fuzz_esc(scratch, q->origin, strlen(q->origin), 300),
                   cors_fuzz_esc(scratch, q->method, strlen(q->method), 100),
                   q->request_headers ? "'" : "",
                   q->request_headers
                       ? cors_fuzz_esc(scratch, q->request_headers,
                                       strlen(q->request_headers), 300)
                       : "(none)",
                   q->request_headers ? "'" : "",
                   q->private_network ? ", private network" : "", what,
                   cors_reason_token(d->reason),
                   d->allow_origin ? d->allow_origin : "(none)");
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* A header value made of tokens joined by ", " (nothing to inject). */
static int is_token_list(const char *s)
{
    const char *start = s;

    for (;; s++) {
        if (*s == ',' || *s == '\0') {
            if (!cors_is_token(start, s - start)) {
                return 0;
            }
            if (!*s) {
                return 1;
            }
            if (s[1] != ' ') {
                return 0;
            }
            s++;
            start = s + 1;
        }
    }
}

/* The next item of the comma-separated list at *s, without the white
 * space around it, empty items skipped; 0 at the end of the list. */
static int next_item(const char **s, const char **item, size_t *len)
{
    const char *at = *s, *stop;

    for (;;) {
        while (*at == ' ' || *at == '\t') {
            at++;
        }
        if (!*at) {
            *s = at;
            return 0;
        }
        *item = at;
        while (*at && *at != ',') {
            at++;
        }
        stop = at;
        while (stop > *item && (stop[-1] == ' ' || stop[-1] == '\t')) {
            stop--;
        }
        if (*at == ',') {
            at++;
        }
        if (stop > *item) {
            *len = (size_t)(stop - *item);
            *s = at;
            return 1;
        }
    }
}

/* 1 when s[0..len) is an item of list (NULL: an empty list), compared
 * case-insensitively for header names. */
static int has_item(const char *list, const char *s, size_t len, int icase)
{
    const char *item;
    size_t n;

    while (list && next_item(&list, &item, &n)) {
        if (n == len && (icase ? strncasecmp(item, s, n)
                               : strncmp(item, s, n)) == 0) {
            return 1;
        }
    }
    return 0;
}

static int has_star(const char *list)
{
    return has_item(list, "*", 1, 0);
}

/* 1 when list has s itself as an entry: not a pattern, regex or set. */
static int names_exactly(const char *list, const char *s)
{
    const char *item;
    size_t n, len = strlen(s);

    while (list && next_item(&list, &item, &n)) {
        if (n == len && strncmp(item, s, n) == 0 && !memchr(item, '*', n)
            && *item != '~' && *item != '@') {
            return 1;
        }
    }
    return 0;
}

/* 1 when the harness listed origin s itself, directly or in @frontend. */
static int listed(const fuzz_request *q, const char *s)
{
    const char *list = q->spec->origins;

    return names_exactly(list, s)
           || (has_item(list, "@frontend", 9, 0)
               && names_exactly(FRONTEND, s));
}

/* 1 when the host of a well-formed origin is one of the policy's hosts
 * or under one. */
static int host_covered(const fuzz_request *q, const cors_origin_parts *o)
{
    const char *h = q->spec->hosts, *end;

    for (; (end = strchr(h, ' ')) != NULL; h = end + 1) {
        size_t n = (size_t)(end - h);

        if (o->host_len == n && strncasecmp(o->host, h, n) == 0) {
            return 1;
        }
        if (o->host_len > n && o->host[o->host_len - n - 1] == '.'
            && strncasecmp(o->host + o->host_len - n, h, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The Fetch standard's CORS-safelisted methods: exact bytes. */
static int safelisted(const char *m, size_t len)
{
    return (len == 3 && strncmp(m, "GET", 3) == 0)
           || (len == 4 && strncmp(m, "HEAD", 4) == 0)
           || (len == 4 && strncmp(m, "POST", 4) == 0);
}

/* 1 when the harness's method list names m: case-sensitive, as HTTP
 * methods are, less the methods no browser sends (left out of the list
 * at config time). */
static int method_listed(const fuzz_request *q, const char *m, size_t len)
{
    if ((len == 5 && (strncasecmp(m, "TRACE", 5) == 0
                      || strncasecmp(m, "TRACK", 5) == 0))
        || (len == 7 && strncasecmp(m, "CONNECT", 7) == 0)) {
        return 0;
    }
    return has_item(q->spec->methods, m, len, 0);
}

/* 1 when the harness lets a preflight ask for the request's method. */
static int method_ok(const fuzz_request *q)
{
    const char *m = q->method;
    size_t len = strlen(m);

    return cors_is_token(m, len)
           && (safelisted(m, len) || has_star(q->spec->methods)
               || method_listed(q, m, len));
}

/* Access-Control-Request-Headers as the harness reads it. */
typedef struct {
    int count;
    int too_long;               /* over 4096 bytes or 64 names */
    int malformed;              /* a name is not a token */
    int refused;                /* a name the harness did not list */
} request_names;

static void read_request_headers(const fuzz_request *q, request_names *v)
{
    const char *s = q->request_headers, *item;
    const char *list = q->spec->headers;
    size_t n;

    memset(v, 0, sizeof(*v));
    while (s && next_item(&s, &item, &n)) {
        v->count++;
        if (!cors_is_token(item, n)) {
            v->malformed = 1;
        }
        else if (!has_star(list) && !has_item(list, item, n, 1)) {
            v->refused = 1;
        }
    }
    v->too_long = v->count > 64
                  || (q->request_headers && strlen(q->request_headers) > 4096);
}

static int origin_refused(cors_reason r)
{
    return r == CORS_DENY_ORIGIN || r == CORS_DENY_MALFORMED_ORIGIN
           || r == CORS_DENY_NULL_ORIGIN || r == CORS_DENY_UNKNOWN_SET
           || r == CORS_DENY_NULL_CREDENTIALS;
}

/* The reason must be true of the request and of the harness's lists. */
static void check_reason(const fuzz_request *q, const cors_decision *d)
{
    const policy_spec *s = q->spec;
    cors_origin_parts parts;
    int null = strcmp(q->origin, "null") == 0;
    int malformed = !null && !cors_origin_parse(q->origin, strlen(q->origin),
                                                &parts);
    int star = has_star(s->origins) && !s->credentials;
    int null_listed = listed(q, "null");
    int passed = !origin_refused(d->reason);
    int sure;                   /* the origin passes: 1, fails: 0, or -1 */
    request_names v;

    sure = !s->origins ? 0
           : star ? 1
           : malformed ? 0
           : null ? null_listed && !s->credentials
           : listed(q, q->origin) ? 1 : -1;
    if (sure == 1 && !passed) {
        broken(q, d, "an origin the harness lists is refused");
    }
    if (sure == 0 && passed) {
        broken(q, d, "an origin the harness refuses passes");
    }
    if ((d->reason == CORS_DENY_MALFORMED_ORIGIN)
        != (malformed && s->origins && !star)) {
        broken(q, d, "malformed-origin, or a malformed Origin not refused "
               "as such");
    }
    if ((d->reason == CORS_DENY_NULL_ORIGIN)
        != (null && s->origins && !star && !null_listed)) {
        broken(q, d, "null-origin-not-allowed, or an unlisted 'null' not "
               "refused as such");
    }
    if ((d->reason == CORS_DENY_NULL_CREDENTIALS)
        != (null && null_listed && s->credentials)) {
        broken(q, d, "null-origin-with-credentials, or a listed 'null' "
               "with credentials not refused as such");
    }
    if (d->reason == CORS_DENY_UNKNOWN_SET
        && !has_item(s->origins, "@missing", 8, 0)) {
        broken(q, d, "unknown-origin-set, but every set named is defined");
    }
    if (d->reason == CORS_DENY_ORIGIN && s->origins && (null || malformed)) {
        broken(q, d, "origin-not-allowed for 'null' or a malformed Origin");
    }
    if (!passed) {
        return;
    }
    if (!q->preflight) {
        if (d->reason != CORS_ALLOWED) {
            broken(q, d, "an actual request refused for other than its "
                   "origin");
        }
        return;
    }
    if (!method_ok(q)) {
        if (d->reason != CORS_DENY_METHOD) {
            broken(q, d, "a method the harness did not list is not "
                   "refused");
        }
        return;
    }
    if (d->reason == CORS_DENY_METHOD) {
        broken(q, d, "a method the harness listed (or a safelisted one) is "
               "refused");
    }
    read_request_headers(q, &v);
    if ((d->reason == CORS_DENY_TOO_MANY_HEADERS && !v.too_long)
        || (d->reason == CORS_DENY_MALFORMED_HEADERS && !v.malformed)
        || (d->reason == CORS_DENY_HEADER && !v.refused)) {
        broken(q, d, "refused for request headers the harness finds "
               "acceptable");
    }
    if ((d->reason == CORS_ALLOWED)
        == (v.too_long || v.malformed || v.refused)) {
        broken(q, d, d->reason == CORS_ALLOWED
                     ? "allowed, but a requested header is malformed, "
                       "over the limits or not in the harness's list"
                     : "refused, though the harness allows the method "
                       "and every header");
    }
}

static void check_refusal(const fuzz_request *q, const cors_decision *d)
{
    if (d->allow_origin || d->allow_credentials || d->allow_methods
        || d->allow_headers || d->expose_headers || d->max_age
        || d->allow_private_network) {
        broken(q, d, "a refusal sends a CORS header");
    }
    /* Else a cache could give the refusal to an origin that is allowed. */
    if (*q->spec->hosts && !d->vary_origin) {
        broken(q, d, "a refusal under a policy that allows some origins "
               "has no Vary: Origin");
    }
    switch (d->reason) {
    case CORS_DENY_METHOD:
        if (!d->detail || strcmp(d->detail, q->method) != 0) {
            broken(q, d, "method refused without naming it");
        }
        break;
    case CORS_DENY_HEADER:
    case CORS_DENY_MALFORMED_HEADERS:
        if (!d->detail || strlen(d->detail) > 64) {
            broken(q, d, "header refused without naming it briefly");
        }
        break;
    case CORS_DENY_UNKNOWN_SET:
        if (!d->detail || strcmp(d->detail, "missing") != 0) {
            broken(q, d, "unknown set not named");
        }
        break;
    default:
        break;
    }
}

/* Access-Control-Expose-Headers of an actual request: "*" for a "*"
 * list without credentials, else the names the harness listed ("*" means
 * nothing to a browser with credentials). */
static void check_expose(const fuzz_request *q, const cors_decision *d)
{
    const char *conf = q->spec->expose, *sent = d->expose_headers;
    const char *list, *item;
    size_t n;

    if (has_star(conf) && !q->spec->credentials) {
        if (!same_str(sent, "*")) {
            broken(q, d, "Expose-Headers is not '*'");
        }
        return;
    }
    if (sent && (!is_token_list(sent) || has_star(sent))) {
        broken(q, d, "Expose-Headers is not a list of names");
    }
    for (list = sent; list && next_item(&list, &item, &n);) {
        if (!has_item(conf, item, n, 1)) {
            broken(q, d, "Expose-Headers names a header the harness did "
                   "not list");
        }
    }
    for (list = conf; list && next_item(&list, &item, &n);) {
        if ((n != 1 || *item != '*') && !has_item(sent, item, n, 1)) {
            broken(q, d, "Expose-Headers leaves out a listed header");
        }
    }
}

/* What a browser checks of a preflight's answer (the Fetch standard's
 * CORS-preflight fetch), and that it stays within the harness's lists. */
static void check_preflight(const fuzz_request *q, const cors_decision *d)
{
    const policy_spec *s = q->spec;
    const char *m = q->method, *am = d->allow_methods, *ah = d->allow_headers;
    const char *list, *item;
    size_t n, mlen = strlen(m);
    int any_method, any_header, count = 0;

    if (d->expose_headers) {
        broken(q, d, "a preflight exposes headers");
    }
    if (!am || !is_token_list(am)) {
        broken(q, d, "a preflight's Allow-Methods is missing or not a list");
    }
    any_method = has_star(am) && !d->allow_credentials;
    if (!safelisted(m, mlen) && !has_item(am, m, mlen, 0) && !any_method) {
        broken(q, d, "a browser would refuse the method");
    }
    for (list = am; next_item(&list, &item, &n);) {
        if (!safelisted(item, n) && !method_listed(q, item, n)
            && !(has_star(s->methods) && n == mlen
                 && strncmp(item, m, n) == 0)) {
            broken(q, d, "Allow-Methods names a method the harness did not "
                   "list");
        }
    }
    if (ah && !is_token_list(ah)) {
        broken(q, d, "a preflight's Allow-Headers is not a list");
    }
    any_header = has_star(ah) && !d->allow_credentials;
    for (list = q->request_headers; list && next_item(&list, &item, &n);) {
        count++;
        if (!has_item(ah, item, n, 1) && !any_header) {
            broken(q, d, "a browser would refuse a requested header");
        }
    }
    if (!count && ah) {
        broken(q, d, "Allow-Headers sent, but no header was asked for");
    }
    for (list = ah; list && next_item(&list, &item, &n);) {
        if (!has_item(s->headers, item, n, 1)
            && !(has_star(s->headers)
                 && has_item(q->request_headers, item, n, 1))) {
            broken(q, d, "Allow-Headers names a header the harness did not "
                   "list");
        }
    }
    if (!same_str(d->max_age, s->max_age)) {
        broken(q, d, "Max-Age is not the configured one");
    }
    if (d->allow_private_network != (s->private_network
                                     && q->private_network)) {
        broken(q, d, "Allow-Private-Network is not sent exactly when "
               "asked for and configured");
    }
}

static void check_allowed(const fuzz_request *q, const cors_decision *d)
{
    const policy_spec *s = q->spec;
    cors_origin_parts parts;

    if (has_star(s->origins) && !s->credentials) {
        if (strcmp(d->allow_origin, "*") != 0 || d->allow_credentials) {
            broken(q, d, "a public policy answers other than '*' without "
                   "credentials");
        }
    }
    else {
        if (strcmp(d->allow_origin, q->origin) != 0) {
            broken(q, d, "Allow-Origin is not the request's Origin");
        }
        if (strcmp(q->origin, "null") != 0) {
            if (!cors_origin_parse(q->origin, strlen(q->origin), &parts)) {
                broken(q, d, "a malformed Origin is echoed");
            }
            if (!host_covered(q, &parts)) {
                broken(q, d, "an origin outside the harness's hosts is "
                       "allowed");
            }
        }
        if (d->allow_credentials != s->credentials) {
            broken(q, d, "Allow-Credentials differs from the policy");
        }
        if (!d->vary_origin) {
            broken(q, d, "the Origin is echoed without Vary: Origin");
        }
        if (!d->entry) {
            broken(q, d, "allowed by no entry");
        }
    }
    if (q->preflight) {
        check_preflight(q, d);
    }
    else {
        if (d->allow_methods || d->allow_headers || d->max_age
            || d->allow_private_network) {
            broken(q, d, "an actual request gets a preflight's headers");
        }
        check_expose(q, d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_request q;
    cors_decision d;
    size_t at = 2;

    if (size < 2) {
        return 0;
    }
    memset(&q, 0, sizeof(q));
    q.policy = &policies[data[0] % POLICY_COUNT];
    q.spec = &specs[data[0] % POLICY_COUNT];
    q.policy_name = q.spec->name;
    q.preflight = data[1] & 1;
    q.private_network = (data[1] >> 1) & 1;
    q.origin = field(data, size, &at);
    q.method = field(data, size, &at);
    q.request_headers = field(data, size, &at);
    if (!(data[1] & 4)) {
        q.request_headers = NULL;
    }

    if (q.preflight) {
        cors_decide_preflight(q.policy, q.origin, q.method,
                              q.request_headers, q.private_network, scratch,
                              &d);
    }
    else {
        cors_decide_actual(q.policy, q.origin, &d);
    }

    if ((unsigned)d.reason >= CORS_REASON_COUNT
        || d.reason == CORS_DENY_NOT_ANSWERED
        || d.reason == CORS_DENY_NO_ORIGIN
        || d.reason == CORS_DENY_CREDENTIALS) {
        broken(&q, &d, "not a reason the decision gives");
    }
    if ((d.reason == CORS_ALLOWED) != (d.allow_origin != NULL)) {
        broken(&q, &d, "allowed, but no Allow-Origin (or the reverse)");
    }
    if (d.allow_origin && strcmp(d.allow_origin, "*") == 0
        && d.allow_credentials) {
        broken(&q, &d, "'*' with credentials");
    }
    if (d.allow_origin && strcmp(d.allow_origin, "null") == 0
        && q.spec->credentials) {
        broken(&q, &d, "'null' under a policy with credentials");
    }
    check_reason(&q, &d);
    if (d.reason == CORS_ALLOWED) {
        check_allowed(&q, &d);
    }
    else {
        check_refusal(&q, &d);
    }
    apr_pool_clear(scratch);
    return 0;
}
