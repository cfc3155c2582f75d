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
 *  - a known reason (a log token), allowed exactly when an
 *    Access-Control-Allow-Origin is sent;
 *  - Allow-Origin is "*" or the request's own Origin, and then a
 *    well-formed origin or "null" (never a malformed value echoed); "*"
 *    only for a "*" policy without credentials, never with
 *    Allow-Credentials; "null" never under a policy with credentials
 *    (any site can send it), whether listed or in a set;
 *  - a refusal sends no header at all;
 *  - vary_origin is cors_policy_varies(policy);
 *  - the reason agrees with cors_origin_match and
 *    cors_request_headers_check on the same input, and the preflight
 *    headers (methods, headers, max-age, private network) and the
 *    exposed headers are what the policy says.
 */
#include <stdint.h>
#include <string.h>

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
    int credentials;
    const char *methods;
    const char *headers;
    const char *expose;
    const char *max_age;
    int private_network;
} policy_spec;

static const policy_spec specs[] = {
    { "plain", "https://myapp.com,https://*.myapp.com,http://localhost:*,"
      "~^https://[a-z]+\\.preview\\.myapp\\.dev$", 0, NULL, NULL, NULL, NULL,
      0 },
    { "credentials", "https://myapp.com,https://*.myapp.com,null", 1,
      "PUT, DELETE, patch", "X-Requested-With, Content-Type",
      "X-Total-Count, ETag", "600", 1 },
    { "public", "*", 0, "*", "*", "*", "86400", 1 },
    { "star+credentials", "*,https://myapp.com", 1, "*", "*", "*", NULL,
      0 },
    { "star-only+credentials", "*", 1, NULL, NULL, NULL, NULL, 0 },
    { "none", NULL, 0, NULL, NULL, NULL, NULL, 0 },
    { "sets", "@missing,@frontend", 1, "TRACE", "*", NULL, "0", 1 },
    { "star+expose", "*", 0, NULL, "X-A", "X-Total-Count", NULL, 0 },
};

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
    frontend = origins("http://localhost:3000,null", CORS_ENTRY_IN_SET);
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

static int is_reason_token(const char *t)
{
    if (!*t || strcmp(t, "unknown") == 0) {
        return 0;
    }
    for (; *t; t++) {
        if (!((*t >= 'a' && *t <= 'z') || *t == '-')) {
            return 0;
        }
    }
    return 1;
}

/* What the origin part of the decision should be, from
 * cors_origin_match: CORS_ALLOWED with *star set when "*" answers. */
static cors_reason expected_origin(const fuzz_request *q, int *star)
{
    const cors_policy *p = q->policy;
    const char *unknown = NULL;
    const cors_entry *e;
    int malformed = 0;

    *star = 0;
    if (!p->origins) {
        return CORS_DENY_ORIGIN;
    }
    if (p->origins->any && !p->credentials) {
        *star = 1;
        return CORS_ALLOWED;
    }
    e = cors_origin_match(p->origins, q->origin, strlen(q->origin),
                          p->lookup, p->lookup_ctx, &malformed, &unknown);
    if (e) {
        return p->credentials && e->kind == CORS_ENTRY_NULL
               ? CORS_DENY_NULL_CREDENTIALS : CORS_ALLOWED;
    }
    return malformed ? CORS_DENY_MALFORMED_ORIGIN
           : unknown ? CORS_DENY_UNKNOWN_SET
           : strcmp(q->origin, "null") == 0 ? CORS_DENY_NULL_ORIGIN
           : CORS_DENY_ORIGIN;
}

/* The preflight's reason once the origin is allowed. */
static cors_reason expected_preflight(const fuzz_request *q)
{
    const cors_policy *p = q->policy;
    const char *m = q->method;
    int safelisted = cors_method_is_safelisted(m);

    if (!cors_is_token(m, strlen(m))) {
        return CORS_DENY_METHOD;
    }
    if (!p->methods ? !safelisted
        : !p->methods->any && !safelisted
          && !apr_hash_get(p->methods->names, m, APR_HASH_KEY_STRING)) {
        return CORS_DENY_METHOD;
    }
    if (!q->request_headers) {
        return CORS_ALLOWED;
    }
    switch (cors_request_headers_check(q->request_headers, p->headers,
                                       scratch, NULL, NULL)) {
    case CORS_RH_OK:
        return CORS_ALLOWED;
    case CORS_RH_NOT_ALLOWED:
        return CORS_DENY_HEADER;
    case CORS_RH_MALFORMED:
        return CORS_DENY_MALFORMED_HEADERS;
    default:
        return CORS_DENY_TOO_MANY_HEADERS;
    }
}

static void check_refusal(const fuzz_request *q, const cors_decision *d)
{
    if (d->allow_origin || d->allow_credentials || d->allow_methods
        || d->allow_headers || d->expose_headers || d->max_age
        || d->allow_private_network) {
        broken(q, d, "a refusal sends a CORS header");
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

static void check_allowed(const fuzz_request *q, const cors_decision *d,
                          int star)
{
    const cors_policy *p = q->policy;
    cors_origin_parts parts;
    const char *want, *names;

    if (star) {
        if (strcmp(d->allow_origin, "*") != 0 || d->allow_credentials) {
            broken(q, d, "a public policy answers other than '*' without "
                   "credentials");
        }
    }
    else {
        if (strcmp(d->allow_origin, q->origin) != 0) {
            broken(q, d, "Allow-Origin is not the request's Origin");
        }
        if (strcmp(q->origin, "null") != 0
            && !cors_origin_parse(q->origin, strlen(q->origin), &parts)) {
            broken(q, d, "a malformed Origin is echoed");
        }
        if (d->allow_credentials != p->credentials) {
            broken(q, d, "Allow-Credentials differs from the policy");
        }
        if (!d->entry) {
            broken(q, d, "allowed by no entry");
        }
    }
    if (d->wildcard_credentials != (p->origins->any && p->credentials)) {
        broken(q, d, "wildcard_credentials is wrong");
    }
    if (!q->preflight) {
        want = !p->expose ? NULL
               : !p->expose->any ? p->expose->joined
               : p->credentials ? NULL : "*";
        if (d->allow_methods || d->allow_headers || d->max_age
            || d->allow_private_network || !same_str(d->expose_headers,
                                                     want)) {
            broken(q, d, "an actual request's headers are not the "
                   "policy's");
        }
        return;
    }
    if (d->expose_headers || !d->allow_methods
        || !is_token_list(d->allow_methods)
        || (p->methods && p->methods->any
            && strcmp(d->allow_methods, q->method) != 0)
        || (!p->methods && strcmp(d->allow_methods, "GET, HEAD, POST"))) {
        broken(q, d, "a preflight's Allow-Methods is wrong");
    }
    /* Sent exactly when the request named headers: their names for
     * CORSAllowHeaders *, else the configured list. */
    names = NULL;
    if (q->request_headers) {
        cors_request_headers_check(q->request_headers, p->headers, scratch,
                                   NULL, &names);
    }
    if ((d->allow_headers != NULL) != (names != NULL)
        || (names && (!is_token_list(d->allow_headers)
                      || !same_str(d->allow_headers,
                                   p->headers->any ? names
                                                   : p->headers->joined)))) {
        broken(q, d, "a preflight's Allow-Headers is wrong");
    }
    if (!same_str(d->max_age, p->max_age)
        || d->allow_private_network
           != (p->private_network && q->private_network)) {
        broken(q, d, "a preflight's Max-Age or Private-Network is wrong");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_request q;
    cors_decision d;
    cors_reason want;
    size_t at = 2;
    int star;

    if (size < 2) {
        return 0;
    }
    memset(&q, 0, sizeof(q));
    q.policy = &policies[data[0] % POLICY_COUNT];
    q.policy_name = specs[data[0] % POLICY_COUNT].name;
    q.preflight = data[1] & 1;
    q.private_network = (data[1] >> 1) & 1;
    q.origin = field(data, size, &at);
    q.method = field(data, size, &at);
    q.request_headers = field(data, size, &at);
    if (!(data[1] & 4)) {
        q.request_headers = NULL;
    }

    /* Dirty the answer first: every field must be written. */
    memset(&d, 0xa5, sizeof(d));
    if (q.preflight) {
        cors_decide_preflight(q.policy, q.origin, q.method,
                              q.request_headers, q.private_network, scratch,
                              &d);
    }
    else {
        cors_decide_actual(q.policy, q.origin, &d);
    }

    if ((unsigned)d.reason >= CORS_REASON_COUNT
        || !is_reason_token(cors_reason_token(d.reason))
        || d.reason == CORS_DENY_NOT_ANSWERED
        || d.reason == CORS_DENY_NO_ORIGIN
        || d.reason == CORS_DENY_CREDENTIALS) {
        broken(&q, &d, "not a reason the decision gives");
    }
    if (d.vary_origin != cors_policy_varies(q.policy)) {
        broken(&q, &d, "vary_origin is not cors_policy_varies()");
    }
    if ((d.reason == CORS_ALLOWED) != (d.allow_origin != NULL)) {
        broken(&q, &d, "allowed, but no Allow-Origin (or the reverse)");
    }
    if (d.allow_origin && strcmp(d.allow_origin, "*") == 0
        && d.allow_credentials) {
        broken(&q, &d, "'*' with credentials");
    }
    if (d.allow_origin && strcmp(d.allow_origin, "null") == 0
        && q.policy->credentials) {
        broken(&q, &d, "'null' under a policy with credentials");
    }
    want = expected_origin(&q, &star);
    if (want == CORS_ALLOWED && q.preflight) {
        want = expected_preflight(&q);
    }
    if (d.reason != want) {
        broken(&q, &d, apr_pstrcat(scratch, "expected ",
                                   cors_reason_token(want), NULL));
    }
    if (d.reason == CORS_ALLOWED) {
        check_allowed(&q, &d, star);
    }
    else {
        check_refusal(&q, &d);
    }
    apr_pool_clear(scratch);
    return 0;
}
