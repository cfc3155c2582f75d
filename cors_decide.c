/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * The CORS protocol's server side, as the Fetch standard describes it:
 * which origin may read a response, and whether a preflight may go on.
 * The caller owns the request and the response; this file only decides.
 */
#include <string.h>

#include "cors_decide.h"

static const char *const reason_tokens[] = {
    "allowed",
    "origin-not-allowed",
    "malformed-origin",
    "null-origin-not-allowed",
    "unknown-origin-set",
    "method-not-allowed",
    "header-not-allowed",
    "malformed-request-headers",
    "too-many-request-headers",
    "preflight-refused-by-server",
    "no-origin",
    "credentials-not-allowed",
    "null-origin-with-credentials"
};

const char *cors_reason_token(cors_reason reason)
{
    if ((unsigned)reason >= sizeof(reason_tokens) / sizeof(*reason_tokens)) {
        return "unknown";
    }
    return reason_tokens[reason];
}

/* Refuses: no response header is sent for a refused request. */
static void deny(cors_decision *d, cors_reason reason, const char *detail)
{
    d->reason = reason;
    d->detail = detail;
    d->allow_origin = NULL;
    d->allow_credentials = 0;
    d->allow_methods = NULL;
    d->allow_headers = NULL;
    d->expose_headers = NULL;
}

/* Fills in the origin part of d; 1 when the origin may read responses. */
static int decide_origin(const cors_policy *policy, const char *origin,
                         cors_decision *d)
{
    const cors_origin_list *list = policy->origins;
    const char *unknown = NULL;
    int malformed;

    memset(d, 0, sizeof(*d));
    d->vary_origin = cors_policy_varies(policy);
    if (!list) {
        deny(d, CORS_DENY_ORIGIN, NULL);
        return 0;
    }
    if (list->any) {
        if (!policy->credentials) {
            d->entry = list->any;
            d->allow_origin = "*";
            return 1;
        }
        /* Browsers refuse "*" with credentials, and echoing any origin
         * with credentials would hand every site the user's session:
         * only the listed origins count. */
        d->wildcard_credentials = 1;
    }
    d->entry = cors_origin_match(list, origin, strlen(origin), policy->lookup,
                                 policy->lookup_ctx, &malformed, &unknown);
    if (!d->entry) {
        deny(d, malformed ? CORS_DENY_MALFORMED_ORIGIN
                : unknown ? CORS_DENY_UNKNOWN_SET
                : strcmp(origin, "null") == 0 ? CORS_DENY_NULL_ORIGIN
                : CORS_DENY_ORIGIN, unknown);
        return 0;
    }
    if (policy->credentials && d->entry->kind == CORS_ENTRY_NULL) {
        /* Any site can send "null" from a sandboxed iframe: with
         * credentials it would read the user's data, as with "*".  The
         * entry stays, for the error that names it. */
        deny(d, CORS_DENY_NULL_CREDENTIALS, NULL);
        return 0;
    }
    d->allow_origin = origin;
    d->allow_credentials = policy->credentials;
    return 1;
}

void cors_decide_actual(const cors_policy *policy, const char *origin,
                        cors_decision *d)
{
    const cors_token_list *expose = policy->expose;

    if (!decide_origin(policy, origin, d)) {
        return;
    }
    if (expose) {
        /* "*" is literal, so useless, when credentials are on. */
        d->expose_headers = !expose->any ? expose->joined
                            : policy->credentials ? NULL : "*";
    }
}

static const char *allowed_methods(const cors_policy *policy,
                                   const char *method)
{
    const cors_token_list *methods = policy->methods;

    if (!cors_is_token(method, strlen(method))) {
        return NULL;
    }
    if (!methods) {
        return cors_method_is_safelisted(method) ? "GET, HEAD, POST" : NULL;
    }
    if (methods->any) {
        return method;
    }
    if (apr_hash_get(methods->names, method, APR_HASH_KEY_STRING)) {
        return methods->joined;
    }
    /* A browser sends GET, HEAD and POST without asking, so refusing them
     * here would protect nothing. */
    return cors_method_is_safelisted(method)
           ? (methods->joined ? methods->joined : method) : NULL;
}

void cors_decide_preflight(const cors_policy *policy, const char *origin,
                           const char *method, const char *request_headers,
                           int private_network, apr_pool_t *p,
                           cors_decision *d)
{
    const cors_token_list *headers = policy->headers;
    const char *bad = NULL, *names = NULL;

    if (!decide_origin(policy, origin, d)) {
        return;
    }
    d->allow_methods = allowed_methods(policy, method);
    if (!d->allow_methods) {
        deny(d, CORS_DENY_METHOD, method);
        return;
    }
    if (request_headers) {
        switch (cors_request_headers_check(request_headers, headers, p, &bad,
                                           &names)) {
        case CORS_RH_OK:
            break;
        case CORS_RH_NOT_ALLOWED:
            deny(d, CORS_DENY_HEADER, bad);
            return;
        case CORS_RH_MALFORMED:
            deny(d, CORS_DENY_MALFORMED_HEADERS, bad);
            return;
        case CORS_RH_TOO_LONG:
            deny(d, CORS_DENY_TOO_MANY_HEADERS, NULL);
            return;
        }
        if (names) {
            d->allow_headers = headers->any ? names : headers->joined;
        }
    }
    d->max_age = policy->max_age;
    d->allow_private_network = policy->private_network && private_network;
}
