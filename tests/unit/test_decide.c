/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * Unit tests of cors_decide: what an actual request and a preflight get
 * from a policy, with the reason for each refusal.
 */
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cors_decide.h"
#include "unit.h"

static apr_pool_t *pool;

/* ---- policies ---------------------------------------------------------- */

enum {
    P_CRED,             /* a typical credentialed API */
    P_DEFAULT,          /* one origin, every other setting its default */
    P_STAR,             /* a public API: "*" without credentials */
    P_STAR_CRED,        /* "*" and an origin, with credentials */
    P_STAR_ONLY_CRED,   /* "*" alone, with credentials */
    P_ANY,              /* CORSAllowMethods * and CORSAllowHeaders * */
    P_NULL,             /* "null" listed */
    P_SET,              /* @frontend, defined */
    P_MISSING,          /* @missing, not defined */
    P_NONE,             /* no origin list at all */
    P_STAR_EXPOSE,      /* "*" and CORSExposeHeaders * */
    P_STAR_PLUS,        /* "*" and an origin, without credentials */
    P_NULL_CRED,        /* "null" and an origin, with credentials */
    P_STAR_NULL_CRED,   /* "*", "null" and an origin, with credentials */
    P_SET_NULL_CRED,    /* @mobile, whose set holds "null", with credentials */
    P_COUNT
};

static const char *const policy_names[P_COUNT] = {
    "cred", "default", "star", "star+cred", "star-only+cred", "any",
    "null", "set", "missing", "none", "star+expose*", "star+origin",
    "null+cred", "star+null+cred", "set-with-null+cred"
};

static cors_policy policies[P_COUNT];
static cors_origin_list *frontend, *mobile;

static const cors_origin_list *lookup(void *ctx, const char *name)
{
    return strcmp(name, "frontend") == 0 ? frontend
           : strcmp(name, "mobile") == 0 ? mobile : NULL;
}

static int setup_failed;

static cors_origin_list *origins(const char *arg)
{
    cors_origin_list *list = cors_origin_list_make(pool);
    const char *err = cors_origin_list_add(list, pool, arg, "t:1", 0, NULL);

    if (err) {
        unit_ok(0, "setup: origins '%s'", arg);
        unit_diag("  refused: %s", unit_esc(err));
        setup_failed = 1;
    }
    return list;
}

static cors_token_list *tokens(cors_list_kind kind, const char *arg)
{
    cors_token_list *list = cors_token_list_make(pool, kind);
    const char *err = cors_token_list_add(list, pool, arg, NULL);

    if (err) {
        unit_ok(0, "setup: list '%s'", arg);
        unit_diag("  refused: %s", unit_esc(err));
        setup_failed = 1;
    }
    return list;
}

/* The policies that are an origin list and credentials, nothing else. */
static const struct {
    int policy;
    const char *origins;
    int credentials;
} plain[] = {
    { P_DEFAULT, "https://myapp.com", 0 },
    { P_STAR_CRED, "*,https://myapp.com", 1 },
    { P_STAR_ONLY_CRED, "*", 1 },
    { P_NULL, "null,https://myapp.com", 0 },
    { P_SET, "@frontend", 0 },
    { P_MISSING, "@missing", 0 },
    { P_STAR_PLUS, "*,https://myapp.com", 0 },
    { P_NULL_CRED, "null,https://myapp.com", 1 },
    { P_STAR_NULL_CRED, "*,null,https://myapp.com", 1 },
    { P_SET_NULL_CRED, "@mobile", 1 },
    { -1, NULL, 0 }
};

static void setup(void)
{
    cors_policy *p;
    int i;

    memset(policies, 0, sizeof(policies));
    for (i = 0; i < P_COUNT; i++) {
        policies[i].lookup = lookup;
    }
    frontend = origins("http://localhost:3000");
    mobile = origins("null,capacitor://localhost");
    for (i = 0; plain[i].policy >= 0; i++) {
        p = &policies[plain[i].policy];
        p->origins = origins(plain[i].origins);
        p->credentials = plain[i].credentials;
    }

    p = &policies[P_CRED];
    p->origins = origins("https://myapp.com,https://*.myapp.com");
    p->methods = tokens(CORS_LIST_METHODS, "PUT,DELETE");
    p->headers = tokens(CORS_LIST_ALLOW_HEADERS,
                        "Content-Type,X-Requested-With");
    p->expose = tokens(CORS_LIST_EXPOSE_HEADERS, "X-Total-Count,ETag");
    p->credentials = 1;
    p->max_age = "600";
    p->private_network = 1;

    p = &policies[P_STAR];
    p->origins = origins("*");
    p->expose = tokens(CORS_LIST_EXPOSE_HEADERS, "X-Total-Count");
    p->max_age = "86400";

    p = &policies[P_ANY];
    p->origins = origins("https://myapp.com");
    p->methods = tokens(CORS_LIST_METHODS, "*");
    p->headers = tokens(CORS_LIST_ALLOW_HEADERS, "*");
    p->credentials = 1;

    p = &policies[P_STAR_EXPOSE];
    p->origins = origins("*");
    p->expose = tokens(CORS_LIST_EXPOSE_HEADERS, "*");
}

/* ---- decisions ---------------------------------------------------------- */

#define UNCHECKED "?"

typedef struct {
    int policy;
    int preflight;
    const char *origin;
    const char *method;
    const char *rh;             /* Access-Control-Request-Headers */
    int rpn;                    /* Access-Control-Request-Private-Network */
    cors_reason reason;
    const char *detail;         /* checked for DENY_HEADER, DENY_UNKNOWN_SET */
    const char *ao;             /* allow_origin */
    int ac;                     /* allow_credentials */
    const char *am;             /* allow_methods */
    const char *ah;             /* allow_headers */
    const char *eh;             /* expose_headers */
    const char *ma;             /* max_age */
    int pn;                     /* allow_private_network */
    int vary;                   /* vary_origin */
    int wc;                     /* wildcard_credentials; -1: unchecked */
} decide_case;

static const decide_case cases[] = {
    /* actual requests */
    { .policy = P_CRED, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .eh = "X-Total-Count, ETag", .vary = 1 },
    { .policy = P_CRED, .origin = "https://a.myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://a.myapp.com", .ac = 1,
      .eh = "X-Total-Count, ETag", .vary = 1 },
    { .policy = P_CRED, .origin = "https://evil.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .origin = "https://myapp.com.evil.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .origin = "http://myapp.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .origin = "null",
      .reason = CORS_DENY_NULL_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .origin = "https://myapp.com/",
      .reason = CORS_DENY_MALFORMED_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .origin = "https://myapp.com, https://evil.com",
      .reason = CORS_DENY_MALFORMED_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .origin = "",
      .reason = CORS_DENY_MALFORMED_ORIGIN, .vary = 1 },
    { .policy = P_DEFAULT, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .vary = 1 },
    { .policy = P_STAR, .origin = "https://anything.example",
      .reason = CORS_ALLOWED, .ao = "*", .eh = "X-Total-Count" },
    { .policy = P_STAR, .origin = "null",
      .reason = CORS_ALLOWED, .ao = "*", .eh = "X-Total-Count" },
    { .policy = P_STAR, .origin = "https://x.com/",
      .reason = CORS_ALLOWED, .ao = "*", .eh = "X-Total-Count" },
    { .policy = P_STAR, .origin = "bad origin\r\n",
      .reason = CORS_ALLOWED, .ao = "*", .eh = "X-Total-Count" },
    { .policy = P_STAR_PLUS, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "*" },
    { .policy = P_STAR_PLUS, .origin = "https://evil.com",
      .reason = CORS_ALLOWED, .ao = "*" },
    { .policy = P_STAR_EXPOSE, .origin = "https://x.com",
      .reason = CORS_ALLOWED, .ao = "*", .eh = "*" },
    { .policy = P_STAR_CRED, .origin = "https://evil.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1, .wc = 1 },
    { .policy = P_STAR_CRED, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .vary = 1, .wc = -1 },
    { .policy = P_STAR_ONLY_CRED, .origin = "https://evil.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1, .wc = 1 },
    { .policy = P_STAR_ONLY_CRED, .origin = "null",
      .reason = CORS_DENY_NULL_ORIGIN, .vary = 1, .wc = 1 },
    { .policy = P_STAR_ONLY_CRED, .origin = "https://x.com/",
      .reason = CORS_DENY_MALFORMED_ORIGIN, .vary = 1, .wc = -1 },
    { .policy = P_NULL, .origin = "null",
      .reason = CORS_ALLOWED, .ao = "null", .vary = 1 },
    { .policy = P_NULL, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .vary = 1 },
    { .policy = P_SET, .origin = "http://localhost:3000",
      .reason = CORS_ALLOWED, .ao = "http://localhost:3000", .vary = 1 },
    /* "null" with credentials is refused, as "*" is; the rest stays */
    { .policy = P_NULL_CRED, .origin = "null",
      .reason = CORS_DENY_NULL_CREDENTIALS, .vary = 1 },
    { .policy = P_NULL_CRED, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .vary = 1 },
    { .policy = P_NULL_CRED, .origin = "https://evil.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_STAR_NULL_CRED, .origin = "null",
      .reason = CORS_DENY_NULL_CREDENTIALS, .vary = 1, .wc = 1 },
    { .policy = P_STAR_NULL_CRED, .origin = "https://myapp.com",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .vary = 1, .wc = 1 },
    { .policy = P_SET_NULL_CRED, .origin = "null",
      .reason = CORS_DENY_NULL_CREDENTIALS, .vary = 1 },
    { .policy = P_SET_NULL_CRED, .origin = "capacitor://localhost",
      .reason = CORS_ALLOWED, .ao = "capacitor://localhost", .ac = 1,
      .vary = 1 },
    { .policy = P_SET, .origin = "http://localhost:5173",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_MISSING, .origin = "https://myapp.com",
      .reason = CORS_DENY_UNKNOWN_SET, .detail = "missing", .vary = 1 },
    { .policy = P_NONE, .origin = "https://myapp.com",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },

    /* preflights */
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rh = "content-type",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ah = "Content-Type, X-Requested-With",
      .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://a.b.myapp.com",
      .method = "DELETE", .rh = "Content-Type, X-REQUESTED-WITH",
      .reason = CORS_ALLOWED, .ao = "https://a.b.myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ah = "Content-Type, X-Requested-With",
      .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "DELETE",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rh = "",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "HEAD",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "POST", .rh = "x-requested-with",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ah = "Content-Type, X-Requested-With",
      .ma = "600", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rpn = 1,
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PUT, DELETE", .ma = "600", .pn = 1, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PATCH",
      .reason = CORS_DENY_METHOD, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "put",
      .reason = CORS_DENY_METHOD, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rh = "content-type, Authorization",
      .reason = CORS_DENY_HEADER, .detail = "authorization", .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rh = "x a",
      .reason = CORS_DENY_MALFORMED_HEADERS, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rh = "content-type:",
      .reason = CORS_DENY_MALFORMED_HEADERS, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://evil.com",
      .method = "PUT",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://evil.com",
      .method = "PATCH", .rh = "x-evil",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "null",
      .method = "PUT",
      .reason = CORS_DENY_NULL_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com:443",
      .method = "PUT",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_CRED, .preflight = 1, .origin = "https://myapp.com/x",
      .method = "PUT",
      .reason = CORS_DENY_MALFORMED_ORIGIN, .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com",
      .am = "GET, HEAD, POST", .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET", .rpn = 1,
      .reason = CORS_ALLOWED, .ao = "https://myapp.com",
      .am = "GET, HEAD, POST", .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT",
      .reason = CORS_DENY_METHOD, .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "OPTIONS",
      .reason = CORS_DENY_METHOD, .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "POST", .rh = "content-type",
      .reason = CORS_DENY_HEADER, .detail = "content-type", .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET", .rh = "X-A",
      .reason = CORS_DENY_HEADER, .detail = "x-a", .vary = 1 },
    { .policy = P_DEFAULT, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET", .rh = " , ",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com",
      .am = "GET, HEAD, POST", .vary = 1 },
    { .policy = P_ANY, .preflight = 1, .origin = "https://myapp.com",
      .method = "PATCH", .rh = "Authorization, X-Foo",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "PATCH", .ah = "authorization, x-foo", .vary = 1 },
    { .policy = P_ANY, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "GET", .vary = 1 },
    { .policy = P_ANY, .preflight = 1, .origin = "https://myapp.com",
      .method = "Custom-Method", .rh = "X-A,,x-b",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "Custom-Method", .ah = "x-a, x-b", .vary = 1 },
    { .policy = P_ANY, .preflight = 1, .origin = "https://myapp.com",
      .method = "PUT", .rh = "x:y",
      .reason = CORS_DENY_MALFORMED_HEADERS, .vary = 1 },
    { .policy = P_ANY, .preflight = 1, .origin = "https://evil.com",
      .method = "PUT",
      .reason = CORS_DENY_ORIGIN, .vary = 1 },
    { .policy = P_STAR, .preflight = 1, .origin = "https://any.example",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "*", .am = "GET, HEAD, POST",
      .ma = "86400" },
    { .policy = P_STAR, .preflight = 1, .origin = "null",
      .method = "POST",
      .reason = CORS_ALLOWED, .ao = "*", .am = "GET, HEAD, POST",
      .ma = "86400" },
    { .policy = P_STAR, .preflight = 1, .origin = "https://x.com/",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "*", .am = "GET, HEAD, POST",
      .ma = "86400" },
    { .policy = P_STAR, .preflight = 1, .origin = "https://any.example",
      .method = "PUT",
      .reason = CORS_DENY_METHOD },
    { .policy = P_STAR, .preflight = 1, .origin = "https://any.example",
      .method = "GET", .rh = "x-a",
      .reason = CORS_DENY_HEADER, .detail = "x-a" },
    { .policy = P_STAR_CRED, .preflight = 1, .origin = "https://evil.com",
      .method = "GET",
      .reason = CORS_DENY_ORIGIN, .vary = 1, .wc = 1 },
    { .policy = P_STAR_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "GET, HEAD, POST", .vary = 1, .wc = -1 },
    { .policy = P_SET, .preflight = 1, .origin = "http://localhost:3000",
      .method = "POST",
      .reason = CORS_ALLOWED, .ao = "http://localhost:3000",
      .am = "GET, HEAD, POST", .vary = 1 },
    { .policy = P_MISSING, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET",
      .reason = CORS_DENY_UNKNOWN_SET, .detail = "missing", .vary = 1 },
    { .policy = P_NULL_CRED, .preflight = 1, .origin = "null",
      .method = "PUT", .rh = "content-type",
      .reason = CORS_DENY_NULL_CREDENTIALS, .vary = 1 },
    { .policy = P_SET_NULL_CRED, .preflight = 1, .origin = "null",
      .method = "GET",
      .reason = CORS_DENY_NULL_CREDENTIALS, .vary = 1 },
    { .policy = P_NULL_CRED, .preflight = 1, .origin = "https://myapp.com",
      .method = "GET",
      .reason = CORS_ALLOWED, .ao = "https://myapp.com", .ac = 1,
      .am = "GET, HEAD, POST", .vary = 1 },
    { .policy = -1 }
};

static const char *reason_name(cors_reason r)
{
    const char *t = cors_reason_token(r);

    return t ? t : "(null)";
}

static void check_decision(const char *what, const decide_case *c,
                           const cors_decision *d)
{
    unit_is_str(reason_name(d->reason), reason_name(c->reason), "%s: reason",
                what);
    if (c->reason == CORS_DENY_HEADER || c->reason == CORS_DENY_UNKNOWN_SET) {
        unit_is_str(d->detail, c->detail, "%s: detail", what);
    }
    unit_is_str(d->allow_origin, c->ao, "%s: allow_origin", what);
    unit_is_int(d->allow_credentials, c->ac, "%s: allow_credentials", what);
    unit_is_str(d->allow_methods, c->am, "%s: allow_methods", what);
    unit_is_str(d->allow_headers, c->ah, "%s: allow_headers", what);
    unit_is_str(d->expose_headers, c->eh, "%s: expose_headers", what);
    unit_is_str(d->max_age, c->ma, "%s: max_age", what);
    unit_is_int(d->allow_private_network, c->pn,
                "%s: allow_private_network", what);
    unit_is_int(d->vary_origin, c->vary, "%s: vary_origin", what);
    if (c->wc >= 0) {
        unit_is_int(d->wildcard_credentials, c->wc,
                    "%s: wildcard_credentials", what);
    }
    if (c->reason == CORS_ALLOWED && c->ao && strcmp(c->ao, "*") != 0) {
        unit_ok(d->entry != NULL, "%s: entry", what);
    }
    if (c->reason == CORS_DENY_NULL_CREDENTIALS) {
        unit_ok(d->entry && d->entry->kind == CORS_ENTRY_NULL,
                "%s: the null entry, for the error", what);
    }
}

static void decide(const decide_case *c, const char *what_extra,
                   const char *rh)
{
    cors_decision d;
    const char *what;

    what = apr_psprintf(pool, "[%s] %s '%s'%s%s%s%s%s%s",
                        policy_names[c->policy],
                        c->preflight ? "preflight" : "actual",
                        unit_esc(c->origin),
                        c->method ? " " : "", c->method ? c->method : "",
                        rh && !what_extra ? " headers '" : "",
                        rh && !what_extra ? unit_esc(rh) : "",
                        rh && !what_extra ? "'" : "",
                        c->rpn ? " private-network" : "");
    if (what_extra) {
        what = apr_pstrcat(pool, what, " ", what_extra, NULL);
    }
    /* garbage in, so that a field the decision leaves alone shows */
    memset(&d, 0x5a, sizeof(d));
    if (c->preflight) {
        cors_decide_preflight(&policies[c->policy], c->origin, c->method, rh,
                              c->rpn, pool, &d);
    }
    else {
        cors_decide_actual(&policies[c->policy], c->origin, &d);
    }
    check_decision(what, c, &d);
}

/* A PUT preflight from https://myapp.com refused for too many request
 * headers; the caller picks the policy. */
static const decide_case too_many = {
    .preflight = 1, .origin = "https://myapp.com", .method = "PUT",
    .reason = CORS_DENY_TOO_MANY_HEADERS, .vary = 1
};

/* n header names "x-0, x-1, ..." */
static const char *many_names(int n)
{
    const char *s = "";
    int i;

    for (i = 0; i < n; i++) {
        s = apr_psprintf(pool, "%s%sx-%d", s, i ? ", " : "", i);
    }
    return s;
}

static void test_decisions(void)
{
    const decide_case *c;
    decide_case l;
    char *big;

    for (c = cases; c->policy >= 0; c++) {
        decide(c, NULL, c->rh);
    }

    /* limits on Access-Control-Request-Headers */
    l = too_many;
    l.policy = P_ANY;
    decide(&l, "65 headers", many_names(65));
    l.reason = CORS_ALLOWED;
    l.ao = "https://myapp.com";
    l.ac = 1;
    l.am = "PUT";
    l.ah = many_names(64);
    decide(&l, "64 headers", many_names(64));

    big = apr_palloc(pool, 4098);
    memset(big, 'x', 4097);
    big[4097] = '\0';
    l = too_many;
    l.policy = P_ANY;
    decide(&l, "a 4097-byte header name", big);
}

/* 65 repeats of an allowed name, against a named list */
static void test_repeats(void)
{
    decide_case l;
    const char *s = "content-type";
    int i;

    for (i = 1; i < 65; i++) {
        s = apr_pstrcat(pool, s, ", content-type", NULL);
    }
    l = too_many;
    l.policy = P_CRED;
    decide(&l, "65 x content-type", s);
}

static void test_varies(void)
{
    static const struct {
        int policy;
        int want;
    } cases[] = {
        { P_CRED, 1 }, { P_DEFAULT, 1 }, { P_STAR, 0 }, { P_STAR_CRED, 1 },
        { P_STAR_ONLY_CRED, 1 }, { P_ANY, 1 }, { P_NULL, 1 }, { P_SET, 1 },
        { P_STAR_EXPOSE, 0 }, { P_STAR_PLUS, 0 }, { -1, 0 }
    };
    int i;

    for (i = 0; cases[i].policy >= 0; i++) {
        unit_is_int(cors_policy_varies(&policies[cases[i].policy]),
                    cases[i].want, "[%s] varies -> %d",
                    policy_names[cases[i].policy], cases[i].want);
    }
}

static void test_reason_tokens(void)
{
    static const struct {
        cors_reason reason;
        const char *token;
    } cases[] = {
        { CORS_DENY_ORIGIN, "origin-not-allowed" },
        { CORS_DENY_MALFORMED_ORIGIN, "malformed-origin" },
        { CORS_DENY_NULL_ORIGIN, "null-origin-not-allowed" },
        { CORS_DENY_UNKNOWN_SET, "unknown-origin-set" },
        { CORS_DENY_METHOD, "method-not-allowed" },
        { CORS_DENY_HEADER, "header-not-allowed" },
        { CORS_DENY_MALFORMED_HEADERS, "malformed-request-headers" },
        { CORS_DENY_TOO_MANY_HEADERS, "too-many-request-headers" },
        { CORS_DENY_NOT_ANSWERED, "preflight-refused-by-server" },
        { CORS_DENY_NO_ORIGIN, "no-origin" },
        { CORS_DENY_CREDENTIALS, "credentials-not-allowed" },
        { CORS_DENY_NULL_CREDENTIALS, "null-origin-with-credentials" },
        { CORS_ALLOWED, NULL }
    };
    int i;

    for (i = 0; cases[i].token; i++) {
        unit_is_str(cors_reason_token(cases[i].reason), cases[i].token,
                    "reason %d -> %s", (int)cases[i].reason, cases[i].token);
    }
    unit_ok(cors_reason_token(CORS_ALLOWED) != NULL
            && strcmp(cors_reason_token(CORS_ALLOWED),
                      "origin-not-allowed") != 0,
            "reason CORS_ALLOWED has a token of its own");
}

int main(void)
{
    unit_apr_init(&pool);
    if (unit_is_str(cors_origin_init(), NULL, "cors_origin_init")) {
        setup();
        if (!setup_failed) {
            test_reason_tokens();
            test_decisions();
            test_repeats();
            test_varies();
        }
    }
    return unit_apr_done(pool);
}
