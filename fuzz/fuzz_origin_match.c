/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * fuzz_origin_match: the input is a request's Origin value, matched by
 * cors_origin_match against three fixed lists, and by a slow reference
 * written here as plainly as possible.  Both must agree on:
 *  - how the value splits into scheme, host and port, or that it is
 *    malformed (cors_origin_parse against ref_parse);
 *  - whether each list allows it, and which entries may be the one that
 *    does (cors_origin_match returns one, the reference every candidate);
 *  - the "malformed" flag, and the unknown "@name" report.
 * cors_origin_near_miss then runs on every refused value.
 *
 * The reference knows the lists from tables of its own, written in the
 * normalised form by hand: the core's normalisation of the configuration
 * is under test too (the lists are configured in other spellings).
 * Regular expressions are the one place it leans on the same library:
 * PCRE2, called the plain way (interpreter, anchoring asked at match time).
 */
#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cors_origin.h"
#include "fuzz.h"

/* ---- the lists, as the configuration gives them ------------------------ */

/* CORSAllowOrigin lines of the main list: every kind of entry. */
static const char *const main_args[] = {
    "https://myapp.com, http://localhost:3000,http://[::1]:8080",
    "capacitor://localhost",
    "HTTPS://Shop.Example.ORG:443",
    "https://api.example.net:8443",
    "https://*.myapp.com",
    "http://localhost:*",
    "https://*.Staging.example.net:*",
    "wss://*.myapp.com:9000",
    "~^https://[a-z0-9-]+\\.preview\\.myapp\\.dev$",
    "~^https?://(app|admin)\\.example\\.com:8443$",
    "null",
    "@frontend",
    NULL
};

/* CORSOriginSet frontend. */
static const char *const frontend_args[] = {
    "https://frontend.example",
    "https://*.cdn.example.io",
    "http://127.0.0.1:*",
    "~^(https|wss)://ws\\.example\\.io$",
    "null",
    NULL
};

/* Sets only (one of them undefined), and no null of its own. */
static const char *const sets_args[] = {
    "@missing", "@frontend", "https://b.example", NULL
};

/* No null and no sets: a refused null and plain patterns. */
static const char *const plain_args[] = {
    "https://myapp.com,https://*.myapp.com:8443", NULL
};

/* ---- the same lists, as the reference knows them ----------------------- */

typedef enum {
    REF_EXACT,      /* text: the serialised origin */
    REF_PATTERN,    /* scheme, host (the parent with subdomains), port */
    REF_REGEX,      /* regex: each is pinned to one literal host, so a
                       match alone says the host is right */
    REF_NULL,
    REF_SET         /* text: the set's name */
} ref_kind;

#define REF_NO_PORT  (-1)
#define REF_ANY_PORT (-2)

typedef struct {
    ref_kind kind;
    const char *text;           /* what the core's entry text must be */
    const char *scheme;
    const char *host;
    int subdomains;
    int port;
    const char *regex;
    pcre2_code *code;           /* compiled at start-up */
} ref_entry;

#define REF_END { REF_EXACT, NULL, NULL, NULL, 0, 0, NULL, NULL }

static ref_entry ref_main[] = {
    { REF_EXACT, "https://myapp.com", NULL, NULL, 0, 0, NULL, NULL },
    { REF_EXACT, "http://localhost:3000", NULL, NULL, 0, 0, NULL, NULL },
    { REF_EXACT, "http://[::1]:8080", NULL, NULL, 0, 0, NULL, NULL },
    { REF_EXACT, "capacitor://localhost", NULL, NULL, 0, 0, NULL, NULL },
    { REF_EXACT, "https://shop.example.org", NULL, NULL, 0, 0, NULL, NULL },
    { REF_EXACT, "https://api.example.net:8443", NULL, NULL, 0, 0, NULL,
      NULL },
    { REF_PATTERN, "https://*.myapp.com", "https", "myapp.com", 1,
      REF_NO_PORT, NULL, NULL },
    { REF_PATTERN, "http://localhost:*", "http", "localhost", 0,
      REF_ANY_PORT, NULL, NULL },
    { REF_PATTERN, "https://*.staging.example.net:*", "https",
      "staging.example.net", 1, REF_ANY_PORT, NULL, NULL },
    { REF_PATTERN, "wss://*.myapp.com:9000", "wss", "myapp.com", 1, 9000,
      NULL, NULL },
    { REF_REGEX, "~^https://[a-z0-9-]+\\.preview\\.myapp\\.dev$", NULL,
      NULL, 0, 0, "^https://[a-z0-9-]+\\.preview\\.myapp"
      "\\.dev$", NULL },
    { REF_REGEX, "~^https?://(app|admin)\\.example\\.com:8443$", NULL,
      NULL, 0, 0, "^https?://(app|admin)\\.example\\.com:8443$",
      NULL },
    { REF_NULL, "null", NULL, NULL, 0, 0, NULL, NULL },
    { REF_SET, "frontend", NULL, NULL, 0, 0, NULL, NULL },
    REF_END
};

static ref_entry ref_frontend[] = {
    { REF_EXACT, "https://frontend.example", NULL, NULL, 0, 0, NULL, NULL },
    { REF_PATTERN, "https://*.cdn.example.io", "https", "cdn.example.io", 1,
      REF_NO_PORT, NULL, NULL },
    { REF_PATTERN, "http://127.0.0.1:*", "http", "127.0.0.1", 0,
      REF_ANY_PORT, NULL, NULL },
    { REF_REGEX, "~^(https|wss)://ws\\.example\\.io$", NULL,
      NULL, 0, 0, "^(https|wss)://ws\\.example\\.io$", NULL },
    { REF_NULL, "null", NULL, NULL, 0, 0, NULL, NULL },
    REF_END
};

static ref_entry ref_sets[] = {
    { REF_SET, "missing", NULL, NULL, 0, 0, NULL, NULL },
    { REF_SET, "frontend", NULL, NULL, 0, 0, NULL, NULL },
    { REF_EXACT, "https://b.example", NULL, NULL, 0, 0, NULL, NULL },
    REF_END
};

static ref_entry ref_plain[] = {
    { REF_EXACT, "https://myapp.com", NULL, NULL, 0, 0, NULL, NULL },
    { REF_PATTERN, "https://*.myapp.com:8443", "https", "myapp.com", 1,
      8443, NULL, NULL },
    REF_END
};

typedef struct {
    const char *name;
    const char *const *args;
    ref_entry *ref;
    cors_origin_list *list;
} fixed_list;

static fixed_list lists[] = {
    { "main", main_args, ref_main, NULL },
    { "sets", sets_args, ref_sets, NULL },
    { "plain", plain_args, ref_plain, NULL },
};

#define LIST_COUNT (sizeof(lists) / sizeof(*lists))

static fixed_list frontend = { "frontend", frontend_args, ref_frontend,
                               NULL };

static apr_pool_t *fixed, *scratch;
static pcre2_match_data *ref_md;

/* The core's "@name" resolution. */
static const cors_origin_list *lookup(void *ctx, const char *name)
{
    return strcmp(name, "frontend") == 0 ? frontend.list : NULL;
}

/* The reference's. */
static const ref_entry *ref_lookup(const char *name)
{
    return strcmp(name, "frontend") == 0 ? ref_frontend : NULL;
}

static cors_origin_list *configure(const fixed_list *l, int flags)
{
    cors_origin_list *list = cors_origin_list_make(fixed);
    const char *err;
    int i;

    for (i = 0; l->args[i]; i++) {
        err = cors_origin_list_add(list, fixed, l->args[i], "fuzz.conf:1",
                                   flags, NULL);
        if (err) {
            cors_fuzz_fail("list %s: %s", l->name, err);
        }
    }
    return list;
}

static void compile_refs(ref_entry *ref)
{
    PCRE2_SIZE offset;
    int err;

    for (; ref->text; ref++) {
        if (ref->kind == REF_REGEX) {
            ref->code = pcre2_compile((PCRE2_SPTR)ref->regex,
                                      PCRE2_ZERO_TERMINATED, 0, &err,
                                      &offset, NULL);
            if (!ref->code) {
                cors_fuzz_fail("reference regex %s does not compile",
                               ref->regex);
            }
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    unsigned i;

    cors_fuzz_origin_setup(&fixed, &scratch);
    frontend.list = configure(&frontend, CORS_ENTRY_IN_SET);
    compile_refs(ref_frontend);
    for (i = 0; i < LIST_COUNT; i++) {
        lists[i].list = configure(&lists[i], 0);
        compile_refs(lists[i].ref);
    }
    ref_md = pcre2_match_data_create(1, NULL);
    return 0;
}

/* ---- the reference ------------------------------------------------------ */

typedef struct {
    const char *scheme;
    size_t scheme_len;
    const char *host;
    size_t host_len;
    int port;                   /* REF_NO_PORT when none is written */
} ref_origin;

static int in(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"

/*
 * An Origin as browsers serialise it: scheme "://" host [":" port], at
 * most CORS_ORIGIN_MAX bytes.  The scheme starts with a lower-case
 * letter; the host is a lower-case DNS name of at most 253 bytes without
 * empty labels, or an IPv6 literal in brackets; the port is 1 to 5
 * digits, 65535 at most.
 */
static int ref_parse(const char *s, size_t len, ref_origin *o)
{
    size_t colon, i, rest, end;
    long port;

    if (len == 0 || len > CORS_ORIGIN_MAX) {
        return 0;
    }
    for (colon = 0; colon < len && s[colon] != ':'; colon++) {
    }
    if (colon == 0 || colon + 3 > len || memcmp(s + colon, "://", 3) != 0
        || !in(s[0], LOWER)) {
        return 0;
    }
    for (i = 0; i < colon; i++) {
        if (!in(s[i], LOWER DIGIT "+-.")) {
            return 0;
        }
    }
    o->scheme = s;
    o->scheme_len = colon;
    rest = colon + 3;
    if (rest < len && s[rest] == '[') {
        for (end = rest; end < len && s[end] != ']'; end++) {
        }
        if (end == len || end == rest + 1) {
            return 0;
        }
        for (i = rest + 1; i < end; i++) {
            if (!in(s[i], DIGIT "abcdefABCDEF:.")) {
                return 0;
            }
        }
        end++;
    }
    else {
        for (end = rest; end < len && s[end] != ':'; end++) {
            if (!in(s[end], LOWER DIGIT "-._")) {
                return 0;
            }
        }
        if (end == rest || end - rest > 253 || s[rest] == '.'
            || s[end - 1] == '.') {
            return 0;
        }
        for (i = rest; i + 1 < end; i++) {
            if (s[i] == '.' && s[i + 1] == '.') {
                return 0;
            }
        }
    }
    o->host = s + rest;
    o->host_len = end - rest;
    o->port = REF_NO_PORT;
    if (end == len) {
        return 1;
    }
    if (s[end] != ':' || len - end < 2 || len - end > 6) {
        return 0;
    }
    port = 0;
    for (i = end + 1; i < len; i++) {
        if (!in(s[i], DIGIT)) {
            return 0;
        }
        port = port * 10 + (s[i] - '0');
    }
    if (port > 65535) {
        return 0;
    }
    o->port = (int)port;
    return 1;
}

/* The host is name, or with subdomains ends with "." name after at least
 * one more byte. */
static int ref_host(const ref_origin *o, const char *name, int subdomains)
{
    size_t n = strlen(name);

    if (!subdomains) {
        return o->host_len == n && memcmp(o->host, name, n) == 0;
    }
    return o->host_len > n + 1 && o->host[o->host_len - n - 1] == '.'
           && memcmp(o->host + o->host_len - n, name, n) == 0;
}

/* Whether entry r allows origin s[0..len) (o: its parts, or NULL when it
 * is "null"). */
static int ref_entry_allows(const ref_entry *r, const char *s, size_t len,
                            const ref_origin *o)
{
    int rc;

    if (!o) {
        return r->kind == REF_NULL;
    }
    switch (r->kind) {
    case REF_EXACT:
        return strlen(r->text) == len && memcmp(r->text, s, len) == 0;
    case REF_PATTERN:
        return o->scheme_len == strlen(r->scheme)
               && memcmp(o->scheme, r->scheme, o->scheme_len) == 0
               && (r->port == REF_ANY_PORT || o->port == r->port)
               && ref_host(o, r->host, r->subdomains);
    case REF_REGEX:
        rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, 0,
                         PCRE2_ANCHORED | PCRE2_ENDANCHORED, ref_md, NULL);
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
            cors_fuzz_fail("reference regex %s: error %d", r->regex, rc);
        }
        return rc >= 0;
    default:
        return 0;
    }
}

#define MAX_CANDIDATES 16

typedef struct {
    int allowed;
    int malformed;
    int unknown_set;            /* an unknown set was consulted */
    int parsed;
    ref_origin parts;
    const char *candidates[MAX_CANDIDATES];    /* texts that may allow it */
    int count;
} ref_answer;

/* Collects the entries of r (not its sets) that allow the origin. */
static void ref_collect(const ref_entry *r, const char *s, size_t len,
                        const ref_origin *o, ref_answer *a)
{
    for (; r->text; r++) {
        if (r->kind != REF_SET && ref_entry_allows(r, s, len, o)
            && a->count < MAX_CANDIDATES) {
            a->candidates[a->count++] = r->text;
        }
    }
}

/* The list's own entries first, then its sets in order: the first set
 * with an entry that allows the origin answers; an undefined set on the
 * way is reported. */
static void ref_match(const ref_entry *list, const char *s, size_t len,
                      ref_answer *a)
{
    const ref_origin *o = NULL;
    const ref_entry *r, *set;

    memset(a, 0, sizeof(*a));
    a->parsed = ref_parse(s, len, &a->parts);
    if (a->parsed) {
        o = &a->parts;
    }
    else if (!(len == 4 && memcmp(s, "null", 4) == 0)) {
        a->malformed = 1;
        return;
    }
    ref_collect(list, s, len, o, a);
    for (r = list; !a->count && r->text; r++) {
        if (r->kind != REF_SET) {
            continue;
        }
        set = ref_lookup(r->text);
        if (!set) {
            a->unknown_set = 1;
            continue;
        }
        ref_collect(set, s, len, o, a);
    }
    a->allowed = a->count > 0;
}

/* ---- the comparison ------------------------------------------------------ */

static void disagree(const char *list, const char *s, size_t len,
                     const char *what)
{
    cors_fuzz_fail("Origin '%s' (%lu bytes), list %s: %s",
                   cors_fuzz_esc(scratch, s, len, 600), (unsigned long)len,
                   list, what);
}

static void compare_parse(const char *s, size_t len, const ref_answer *a)
{
    cors_origin_parts p;
    int ok = cors_origin_parse(s, len, &p);

    if (ok != a->parsed) {
        disagree("-", s, len, apr_psprintf(scratch, "cors_origin_parse "
                 "says %s, the reference %s", ok ? "well-formed"
                 : "malformed", a->parsed ? "well-formed" : "malformed"));
    }
    if (ok && (p.scheme != a->parts.scheme
               || p.scheme_len != a->parts.scheme_len
               || p.host != a->parts.host || p.host_len != a->parts.host_len
               || p.port != a->parts.port)) {
        disagree("-", s, len, apr_psprintf(scratch, "parts differ: "
                 "scheme '%s' host '%s' port %d, the reference: scheme "
                 "'%s' host '%s' port %d",
                 cors_fuzz_esc(scratch, p.scheme, p.scheme_len, 80),
                 cors_fuzz_esc(scratch, p.host, p.host_len, 300), p.port,
                 cors_fuzz_esc(scratch, a->parts.scheme,
                               a->parts.scheme_len, 80),
                 cors_fuzz_esc(scratch, a->parts.host, a->parts.host_len,
                               300), a->parts.port));
    }
}

static void compare_match(const fixed_list *l, const char *s, size_t len)
{
    const cors_entry *e;
    const char *unknown = NULL, *near;
    ref_answer a;
    int malformed = -1, i;

    ref_match(l->ref, s, len, &a);
    if (l == &lists[0]) {
        compare_parse(s, len, &a);
    }
    e = cors_origin_match(l->list, s, len, lookup, NULL, &malformed,
                          &unknown);
    if ((e != NULL) != a.allowed) {
        disagree(l->name, s, len, apr_psprintf(scratch, "cors_origin_match "
                 "%s, the reference %s", e ? "allows it" : "refuses it",
                 a.allowed ? "allows it" : "refuses it"));
    }
    if (malformed != a.malformed) {
        disagree(l->name, s, len, apr_psprintf(scratch, "malformed is %d, "
                 "the reference says %d", malformed, a.malformed));
    }
    if ((unknown != NULL) != a.unknown_set
        || (unknown && strcmp(unknown, "missing") != 0)) {
        disagree(l->name, s, len, apr_psprintf(scratch, "unknown set "
                 "'%s', the reference %s", unknown ? unknown : "(none)",
                 a.unknown_set ? "@missing" : "none"));
    }
    if (e) {
        for (i = 0; i < a.count && strcmp(e->text, a.candidates[i]); i++) {
        }
        if (i == a.count) {
            disagree(l->name, s, len, apr_pstrcat(scratch, "allowed by ",
                     e->text, ", which the reference does not name", NULL));
        }
        return;
    }
    near = cors_origin_near_miss(l->list, cors_fuzz_cstr(scratch,
                                 (const uint8_t *)s, len), lookup, NULL,
                                 scratch);
    if (near && !*near) {
        disagree(l->name, s, len, "an empty near-miss message");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned i;

    for (i = 0; i < LIST_COUNT; i++) {
        compare_match(&lists[i], (const char *)data, size);
    }
    apr_pool_clear(scratch);
    return 0;
}
