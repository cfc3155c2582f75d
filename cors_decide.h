/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * cors_decide: what a CORS request gets, from an effective policy and the
 * request's Origin, method and requested headers.  The caller applies the
 * answer to the response.  APR only.
 */
#ifndef CORS_DECIDE_H
#define CORS_DECIDE_H

#include "cors_origin.h"
#include "cors_list.h"

typedef struct {
    const cors_origin_list *origins;   /* NULL: no origin allowed */
    const cors_token_list *methods;    /* NULL: GET, HEAD, POST */
    const cors_token_list *headers;    /* NULL: no header name */
    const cors_token_list *expose;     /* NULL: none */
    int credentials;
    const char *max_age;               /* NULL: no Access-Control-Max-Age */
    int private_network;
    cors_set_lookup lookup;            /* resolves "@name" */
    void *lookup_ctx;
} cors_policy;

/* Why a request was allowed or refused: stable names for logs. */
typedef enum {
    CORS_ALLOWED = 0,
    CORS_DENY_ORIGIN,              /* origin-not-allowed */
    CORS_DENY_MALFORMED_ORIGIN,    /* malformed-origin */
    CORS_DENY_NULL_ORIGIN,         /* null-origin-not-allowed */
    CORS_DENY_UNKNOWN_SET,         /* unknown-origin-set */
    CORS_DENY_METHOD,              /* method-not-allowed */
    CORS_DENY_HEADER,              /* header-not-allowed */
    CORS_DENY_MALFORMED_HEADERS,   /* malformed-request-headers */
    CORS_DENY_TOO_MANY_HEADERS,    /* too-many-request-headers */
    CORS_DENY_NOT_ANSWERED,        /* preflight-refused-by-server: access
                                      control or a redirect answered it */
    CORS_DENY_NO_ORIGIN,           /* no-origin */
    CORS_DENY_CREDENTIALS,         /* credentials-not-allowed: the request
                                      carries credentials the policy does
                                      not allow (browsers refuse it) */
    CORS_DENY_NULL_CREDENTIALS     /* null-origin-with-credentials: "null"
                                      is listed but credentials are on */
} cors_reason;

#define CORS_REASON_COUNT (CORS_DENY_NULL_CREDENTIALS + 1)

const char *cors_reason_token(cors_reason reason);

typedef struct {
    cors_reason reason;
    const char *detail;           /* the refused header or set name, or NULL */
    const cors_entry *entry;      /* the entry that allowed the origin */
    int wildcard_credentials;     /* "*" was ignored: credentials are on */
    /* The response, when allowed (NULL: header not sent). */
    const char *allow_origin;
    int allow_credentials;
    const char *allow_methods;    /* preflight */
    const char *allow_headers;    /* preflight */
    const char *expose_headers;   /* actual request */
    const char *max_age;          /* preflight */
    int allow_private_network;    /* preflight */
    int vary_origin;              /* the answer depends on Origin */
} cors_decision;

/* 1 when a policy's answer depends on the Origin (so Vary: Origin): for
 * every policy but "*" without credentials.  Inline: every response of a
 * CORS scope asks, with or without an Origin. */
static APR_INLINE int cors_policy_varies(const cors_policy *policy)
{
    return !(policy->origins && policy->origins->any
             && !policy->credentials);
}

/* An actual (non-preflight) request; origin is the Origin value (not NULL). */
void cors_decide_actual(const cors_policy *policy, const char *origin,
                        cors_decision *d);

/* A preflight: method is Access-Control-Request-Method, request_headers is
 * Access-Control-Request-Headers or NULL, private_network is 1 when the
 * request asked Access-Control-Request-Private-Network: true. */
void cors_decide_preflight(const cors_policy *policy, const char *origin,
                           const char *method, const char *request_headers,
                           int private_network, apr_pool_t *p,
                           cors_decision *d);

#endif
