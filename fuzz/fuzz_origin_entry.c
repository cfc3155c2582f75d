/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * fuzz_origin_entry: the input is one argument of CORSAllowOrigin or
 * CORSOriginSet, given to cors_origin_list_add with both flag values.
 *
 * Whatever the input, the parser must either refuse it with a message
 * that names the directive, or accept it; and what it accepts must behave
 * as the entry says:
 *  - an exact entry's text is a well-formed origin (cors_origin_parse
 *    takes it apart into the entry's own scheme, host and port), and
 *    cors_origin_match finds it, directly and through an "@name" set;
 *  - an http(s) or ws(s) host that ends in a number, in an exact entry or
 *    in an origin made from a pattern, is an IPv4 address as browsers
 *    write it (four decimal numbers from 0 to 255, no leading zero):
 *    browsers rewrite any other such host, or refuse it;
 *  - a "*." or ":*" pattern matches an origin made from it, and neither
 *    a pattern nor a regex stands for every name under a public suffix;
 *  - an origin that the list matches is really covered by the entry
 *    returned: the same text, the pattern's scheme, host and port, the
 *    regular expression's literal host and the expression itself;
 *    "null" is only ever matched by the null entry, and a malformed
 *    origin by nothing;
 *  - a list that may be a set matches the same origins when reached
 *    through "@name" as when used directly;
 *  - CORSOriginSet accepts exactly what CORSAllowOrigin accepts less "*"
 *    and "@name", into the same entries;
 *  - cors_origin_near_miss, cors_entry_is_loopback and
 *    cors_entry_is_insecure run on everything that was accepted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <apr_lib.h>

#include "cors_origin.h"
#include "fuzz.h"

#define WHERE "fuzz.conf:1"

/* The one set name that resolves: to the list under test itself. */
#define SET_NAME "fuzzset"

/* Entries beyond this many are checked for their shape only: probing
 * each one against the whole list would make long inputs quadratic. */
#define PROBED_ENTRIES 16

/* A host no entry of a short input can name by accident. */
#define EVIL ".evil-fuzz.example"

static apr_pool_t *fixed, *scratch;
static pcre2_match_context *recheck_limits;

/* One argument parsed with one flag value, and what the checks need. */
typedef struct {
    const char *arg;
    int flags;
    cors_origin_list *list;
    const char *err;
    cors_origin_list *by_set;   /* "@fuzzset" for a list that may be a
                                   set, else NULL */
} entry_run;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    cors_fuzz_origin_setup(&fixed, &scratch);
    /* Rechecking a regex that matched must stay bounded too; these are
     * well above the core's own limits, so a match it found is found. */
    recheck_limits = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(recheck_limits, 10000000);
    pcre2_set_depth_limit(recheck_limits, 1000000);
    return 0;
}

static const cors_origin_list *lookup(void *ctx, const char *name)
{
    return strcmp(name, SET_NAME) == 0 ? ctx : NULL;
}

static void broken(const entry_run *r, const char *origin, apr_size_t len,
                   const char *what)
{
    cors_fuzz_fail("%s argument '%s': %s%s%s%s",
                   r->flags & CORS_ENTRY_IN_SET ? "CORSOriginSet"
                                                : "CORSAllowOrigin",
                   cors_fuzz_esc(scratch, r->arg, strlen(r->arg), 400),
                   what, origin ? " (origin '" : "",
                   origin ? cors_fuzz_esc(scratch, origin, len, 400) : "",
                   origin ? "')" : "");
}

static int is_null(const char *origin, apr_size_t len)
{
    return len == 4 && memcmp(origin, "null", 4) == 0;
}

/* host is parent, or with subdomains a name under it (at least one more
 * label before a dot). */
static int host_under(const char *host, apr_size_t len, const char *parent,
                      int subdomains)
{
    apr_size_t n = strlen(parent);

    if (!subdomains) {
        return len == n && memcmp(host, parent, n) == 0;
    }
    return len >= n + 2 && host[len - n - 1] == '.'
           && memcmp(host + len - n, parent, n) == 0;
}

/* NULL when entry e may allow origin[0..len), else why it may not. */
static const char *covers(const cors_entry *e, const char *origin,
                          apr_size_t len)
{
    cors_origin_parts o;
    pcre2_match_data *md;
    int rc;

    if (e->kind == CORS_ENTRY_NULL) {
        return is_null(origin, len) ? NULL
               : "the null entry matched another origin";
    }
    if (is_null(origin, len)) {
        return apr_pstrcat(scratch, "'null' was matched by ", e->text, NULL);
    }
    if (e->kind == CORS_ENTRY_EXACT) {
        return strlen(e->text) == len && memcmp(e->text, origin, len) == 0
               ? NULL : apr_pstrcat(scratch, "the exact entry ", e->text,
                                    " matched another origin", NULL);
    }
    if (!cors_origin_parse(origin, len, &o)) {
        return apr_pstrcat(scratch, "a malformed origin was matched by ",
                           e->text, NULL);
    }
    if (e->kind == CORS_ENTRY_PATTERN) {
        int port = e->port == CORS_PORT_DEFAULT ? -1 : e->port;

        if (o.scheme_len != strlen(e->scheme)
            || memcmp(o.scheme, e->scheme, o.scheme_len) != 0
            || (e->port != CORS_PORT_ANY && o.port != port)
            || !host_under(o.host, o.host_len, e->host, e->subdomains)) {
            return apr_pstrcat(scratch, "the pattern ", e->text,
                               " matched an origin outside it", NULL);
        }
        return NULL;
    }
    if (e->kind == CORS_ENTRY_REGEX) {
        if (!host_under(o.host, o.host_len, e->regex_host,
                        e->regex_host_is_suffix)) {
            return apr_pstrcat(scratch, "the regex ", e->text, " matched a "
                               "host outside its literal host ",
                               e->regex_host, NULL);
        }
        md = pcre2_match_data_create(1, NULL);
        rc = pcre2_match(e->regex, (PCRE2_SPTR)origin, len, 0, 0, md,
                         recheck_limits);
        pcre2_match_data_free(md);
        return rc == PCRE2_ERROR_NOMATCH
               ? apr_pstrcat(scratch, "the regex ", e->text, " was said to "
                             "match an origin it does not match", NULL)
               : NULL;
    }
    return apr_pstrcat(scratch, "cors_origin_match returned the entry ",
                       e->text, ", which is not for matching", NULL);
}

/*
 * Matches origin[0..len) against r's list and checks the answer: the
 * malformed flag is exactly "neither null nor well-formed", a match is
 * covered by its entry, and a set reference gives the same answer.  When
 * must_match, an entry has to match.  Returns the entry.
 */
static const cors_entry *probe(const entry_run *r, const char *origin,
                               apr_size_t len, int must_match)
{
    const cors_entry *e, *via;
    const char *why, *unknown = NULL;
    cors_origin_parts o;
    int malformed, malformed_via;
    int want_malformed = !is_null(origin, len)
                         && !cors_origin_parse(origin, len, &o);

    e = cors_origin_match(r->list, origin, len, lookup, r->list, &malformed,
                          NULL);
    if (malformed != want_malformed) {
        broken(r, origin, len, want_malformed
               ? "a malformed origin was not reported malformed"
               : "a well-formed origin was reported malformed");
    }
    if (e && (why = covers(e, origin, len)) != NULL) {
        broken(r, origin, len, why);
    }
    if (must_match && !e) {
        broken(r, origin, len, "an origin made from an entry matches "
               "nothing");
    }
    if (r->by_set) {
        via = cors_origin_match(r->by_set, origin, len, lookup, r->list,
                                &malformed_via, &unknown);
        if ((via != NULL) != (e != NULL) || malformed_via != malformed) {
            broken(r, origin, len, apr_psprintf(scratch, "through @%s the "
                   "answer differs: %s%s, directly: %s%s", SET_NAME,
                   via ? "matched" : "no match",
                   malformed_via ? " (malformed)" : "",
                   e ? "matched" : "no match",
                   malformed ? " (malformed)" : ""));
        }
        if (unknown) {
            broken(r, origin, len, "the set was reported unknown");
        }
    }
    return e;
}

/* The same, for a NUL-terminated origin; near misses too when it is not
 * allowed, as mod_cors asks for them. */
static void probe_str(const entry_run *r, const char *origin, int must_match)
{
    const char *near;

    if (!probe(r, origin, strlen(origin), must_match)) {
        near = cors_origin_near_miss(r->list, origin, lookup, r->list,
                                     scratch);
        if (near && !*near) {
            broken(r, origin, strlen(origin), "an empty near-miss message");
        }
    }
}

static const char *port_text(int port)
{
    return port == CORS_PORT_DEFAULT ? ""
           : port == CORS_PORT_ANY ? ":8081"
           : apr_psprintf(scratch, ":%d", port);
}

/* 1 unless host, of an origin with scheme, is one that browsers rewrite
 * or refuse: in an http(s) or ws(s) URL, a host whose last label is a
 * number (digits, or 0x and hex digits) is an IPv4 address, and they
 * write it as a dotted quad. */
static int host_as_sent(const char *scheme, const char *host)
{
    const char *last = strrchr(host, '.');
    unsigned int a, b, c, d;
    char quad[16];
    apr_size_t i = 0;

    if (strcmp(scheme, "http") && strcmp(scheme, "https")
        && strcmp(scheme, "ws") && strcmp(scheme, "wss")) {
        return 1;
    }
    last = last ? last + 1 : host;
    if (last[0] == '0' && last[1] == 'x') {
        i = 2;
        while (apr_isxdigit(last[i])) {
            i++;
        }
    }
    else {
        while (apr_isdigit(last[i])) {
            i++;
        }
    }
    if (i == 0 || last[i]) {
        return 1;
    }
    if (strlen(host) > 15
        || sscanf(host, "%u.%u.%u.%u", &a, &b, &c, &d) != 4
        || a > 255 || b > 255 || c > 255 || d > 255) {
        return 0;
    }
    snprintf(quad, sizeof(quad), "%u.%u.%u.%u", a, b, c, d);
    return strcmp(quad, host) == 0;
}

/* Exact entries: well-formed, split as the entry says, found. */
static void check_exact(const entry_run *r, const cors_entry *e)
{
    cors_origin_parts o;
    const cors_entry *found;
    char *upper, *c;

    if (!cors_origin_parse(e->text, strlen(e->text), &o)) {
        broken(r, e->text, strlen(e->text), "an exact entry is not a "
               "well-formed origin, so no browser can send it (and "
               "through a set it never matches)");
    }
    if (o.scheme_len != strlen(e->scheme)
        || memcmp(o.scheme, e->scheme, o.scheme_len) != 0
        || o.host_len != strlen(e->host)
        || memcmp(o.host, e->host, o.host_len) != 0
        || o.port != (e->port == CORS_PORT_DEFAULT ? -1 : e->port)
        || e->port == 0) {
        broken(r, e->text, strlen(e->text), "an exact entry's text and "
               "its scheme, host and port disagree");
    }
    if (!host_as_sent(e->scheme, e->host)) {
        broken(r, e->text, strlen(e->text), "an exact entry's host ends "
               "in a number and is not an IPv4 address as browsers write "
               "it, so no Origin names it");
    }
    found = probe(r, e->text, strlen(e->text), 1);
    if (found->kind != CORS_ENTRY_EXACT || strcmp(found->text, e->text)) {
        broken(r, e->text, strlen(e->text), "an exact entry's own text "
               "matched another entry");
    }
    probe_str(r, apr_pstrcat(scratch, e->text, "/", NULL), 0);
    upper = apr_pstrdup(scratch, e->text);
    for (c = upper; *c; c++) {
        *c = apr_toupper(*c);
    }
    probe_str(r, upper, 0);
    probe_str(r, apr_pstrcat(scratch, e->scheme, "://www.", e->host,
                             port_text(e->port), NULL), 0);
    probe_str(r, apr_pstrcat(scratch, e->scheme, "://", e->host, EVIL,
                             port_text(e->port), NULL), 0);
}

/* Patterns: an origin made from one matches; its neighbours are only
 * matched by entries that cover them. */
static void check_pattern(const entry_run *r, const cors_entry *e)
{
    const char *made, *sub = e->subdomains ? "a." : "";
    cors_origin_parts o;

    if (!e->subdomains && e->port != CORS_PORT_ANY) {
        broken(r, e->text, strlen(e->text), "a pattern without a wildcard");
    }
    if (e->subdomains && cors_is_public_suffix(e->host)) {
        broken(r, e->text, strlen(e->text), "subdomains of a public "
               "suffix");
    }
    if (!host_as_sent(e->scheme, apr_pstrcat(scratch, sub, e->host,
                                             NULL))) {
        broken(r, e->text, strlen(e->text), "a pattern's host ends in a "
               "number and is not an IPv4 address as browsers write it, "
               "so no Origin names it");
    }
    made = apr_pstrcat(scratch, e->scheme, "://", sub, e->host,
                       port_text(e->port), NULL);
    /* ":8081" may make a ":*" entry's Origin too long; without a port,
     * or with the entry's own, the shortest Origin it stands for must be
     * well-formed: entries that no Origin can match are refused. */
    if (e->port == CORS_PORT_ANY) {
        probe_str(r, made, cors_origin_parse(made, strlen(made), &o));
        made = apr_pstrcat(scratch, e->scheme, "://", sub, e->host, NULL);
        probe_str(r, made, 1);
        probe_str(r, apr_pstrcat(scratch, made, ":65535", NULL), 0);
    }
    else {
        probe_str(r, made, 1);
    }
    probe_str(r, apr_pstrcat(scratch, e->scheme, "://", e->host,
                             port_text(e->port), NULL), 0);
    probe_str(r, apr_pstrcat(scratch, e->scheme, "://", sub, e->host, EVIL,
                             port_text(e->port), NULL), 0);
    probe_str(r, apr_pstrcat(scratch, e->scheme, "://", sub, e->host, ":1",
                             NULL), 0);
}

/* Regexes: whatever they match is under their literal host. */
static void check_regex(const entry_run *r, const cors_entry *e)
{
    static const char *const schemes[] = { "https://", "http://", "wss://" };
    const char *h = e->regex_host;
    int i;

    if (!e->regex || !h || !*h || h[0] == '.' || h[strlen(h) - 1] == '.'
        || strstr(h, "..") || e->text[0] != '~') {
        broken(r, e->text, strlen(e->text), "a regex entry without a "
               "usable literal host");
    }
    if (e->regex_host_is_suffix && cors_is_public_suffix(h)) {
        broken(r, e->text, strlen(e->text), "a regex over the subdomains "
               "of a public suffix");
    }
    for (i = 0; i < 3; i++) {
        probe_str(r, apr_pstrcat(scratch, schemes[i], h, NULL), 0);
        probe_str(r, apr_pstrcat(scratch, schemes[i], "a.", h, NULL), 0);
        probe_str(r, apr_pstrcat(scratch, schemes[i], "a.", h, ":8443",
                                 NULL), 0);
        probe_str(r, apr_pstrcat(scratch, schemes[i], h, EVIL, NULL), 0);
        probe_str(r, apr_pstrcat(scratch, schemes[i], "a", h, NULL), 0);
    }
}

/* Every entry of r's list, then the origins the input suggests. */
static void check_list(const entry_run *r, const uint8_t *data, size_t size)
{
    const apr_array_header_t *all = r->list->entries;
    const cors_entry *e;
    int i;

    for (i = 0; i < all->nelts; i++) {
        e = APR_ARRAY_IDX(all, i, const cors_entry *);
        if (!e->text || !*e->text || !e->where || strcmp(e->where, WHERE)) {
            broken(r, NULL, 0, "an entry without its text or its line");
        }
        /* Run for the sanitizers: is_insecure answers 0 for loopback
         * entries first thing, so comparing the two proves nothing. */
        (void)cors_entry_is_loopback(e);
        (void)cors_entry_is_insecure(e);
        switch (e->kind) {
        case CORS_ENTRY_SET:
            if ((r->flags & CORS_ENTRY_IN_SET) || !e->set_name
                || !*e->set_name) {
                broken(r, e->text, strlen(e->text), "a bad @name entry");
            }
            break;
        case CORS_ENTRY_ANY:
            if ((r->flags & CORS_ENTRY_IN_SET) || r->list->any == NULL) {
                broken(r, e->text, strlen(e->text), "a bad * entry");
            }
            break;
        case CORS_ENTRY_NULL:
            if (r->list->null_origin == NULL) {
                broken(r, e->text, strlen(e->text), "null is not recorded");
            }
            break;
        case CORS_ENTRY_EXACT:
            if (i < PROBED_ENTRIES) {
                check_exact(r, e);
            }
            break;
        case CORS_ENTRY_PATTERN:
            if (i < PROBED_ENTRIES) {
                check_pattern(r, e);
            }
            break;
        case CORS_ENTRY_REGEX:
            if (i < PROBED_ENTRIES) {
                check_regex(r, e);
            }
            break;
        default:
            broken(r, NULL, 0, "an entry of no known kind");
        }
    }
    /* No regex may match null: only a null entry lets it in. */
    e = probe(r, "null", 4, 0);
    if ((e != NULL) != (r->list->null_origin != NULL)) {
        broken(r, "null", 4, "null matched without a null entry, or not "
               "with one");
    }
    /* The input itself, as a request Origin, with its NULs. */
    probe(r, (const char *)data, size, 0);
    probe_str(r, r->arg, 0);
}

/* Runs cors_origin_list_add on the argument with flags, and the checks. */
static void run(entry_run *r, const char *arg, int flags,
                const uint8_t *data, size_t size)
{
    apr_array_header_t *warnings = apr_array_make(scratch, 2,
                                                  sizeof(const char *));
    const char *d = flags & CORS_ENTRY_IN_SET ? "CORSOriginSet: "
                                              : "CORSAllowOrigin: ";
    int i;

    memset(r, 0, sizeof(*r));
    r->arg = arg;
    r->flags = flags;
    r->list = cors_origin_list_make(scratch);
    r->err = cors_origin_list_add(r->list, scratch, arg, WHERE, flags,
                                  warnings);
    if (r->err && strncmp(r->err, d, strlen(d)) != 0) {
        broken(r, NULL, 0, apr_pstrcat(scratch, "a refusal that does not "
                                       "name the directive: ", r->err,
                                       NULL));
    }
    for (i = 0; i < warnings->nelts; i++) {
        const char *w = APR_ARRAY_IDX(warnings, i, const char *);

        if (!w || strncmp(w, d, strlen(d)) != 0) {
            broken(r, NULL, 0, "a warning that does not name the "
                   "directive");
        }
    }
    /* What a set may hold: reach it through "@fuzzset" as well. */
    if (!r->list->any && r->list->sets->nelts == 0) {
        r->by_set = cors_origin_list_make(scratch);
        if (cors_origin_list_add(r->by_set, scratch, "@" SET_NAME, WHERE, 0,
                                 NULL)) {
            broken(r, NULL, 0, "@" SET_NAME " is refused");
        }
    }
    /* Entries before a refused one are in the list: they must hold up
     * too (a refusal stops httpd, but the entries are real ones). */
    check_list(r, data, size);
}

/* CORSOriginSet is CORSAllowOrigin without "*" and "@name". */
static void compare_flags(const entry_run *plain, const entry_run *set)
{
    int i, has_special = plain->list->any || plain->list->sets->nelts;

    if (!set->err && plain->err) {
        broken(set, NULL, 0, "accepted in a set, refused by "
               "CORSAllowOrigin");
    }
    if (!plain->err && !has_special && set->err) {
        broken(set, NULL, 0, apr_pstrcat(scratch, "accepted by "
                                         "CORSAllowOrigin, refused in a "
                                         "set: ", set->err, NULL));
    }
    if (!plain->err && has_special && !set->err) {
        broken(set, NULL, 0, "\"*\" or \"@name\" accepted in a set");
    }
    if (plain->err || set->err) {
        return;
    }
    if (plain->list->entries->nelts != set->list->entries->nelts) {
        broken(set, NULL, 0, "not the same entries as CORSAllowOrigin");
    }
    for (i = 0; i < plain->list->entries->nelts; i++) {
        const cors_entry *a = APR_ARRAY_IDX(plain->list->entries, i,
                                            const cors_entry *);
        const cors_entry *b = APR_ARRAY_IDX(set->list->entries, i,
                                            const cors_entry *);

        if (a->kind != b->kind || strcmp(a->text, b->text) != 0) {
            broken(set, a->text, strlen(a->text), "not the same entry as "
                   "CORSAllowOrigin");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    entry_run plain, set;
    const char *arg = cors_fuzz_cstr(scratch, data, size);

    run(&plain, arg, 0, data, size);
    run(&set, arg, CORS_ENTRY_IN_SET, data, size);
    compare_flags(&plain, &set);
    /* Also frees the compiled regexes (a cleanup of the pool). */
    apr_pool_clear(scratch);
    return 0;
}
