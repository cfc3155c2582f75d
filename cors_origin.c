/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * Origin entries and request Origin values.
 *
 * An entry is parsed once, when the configuration is read, into one of
 * four shapes: an exact origin (kept in a hash, so that a list of ten
 * thousand costs one lookup), a pattern ("*." subdomains and/or ":*"
 * ports), a regular expression compiled with PCRE2, or a reference to a
 * named set.  Exact origins are normalised the way browsers serialise an
 * origin (lower-case scheme and host, no default port); the request's
 * Origin is never rewritten, only compared.
 *
 * Wildcards and regexes are where CORS policies leak, so both are held to
 * one rule: they must name a literal parent domain that is not a public
 * suffix, and a request's host must end with that domain at a label
 * boundary before anything else is consulted.
 */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <libpsl.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cors_origin.h"
#include "cors_list.h"

/* The directive an entry came from, for messages. */
#define DIRECTIVE(flags) \
    (((flags) & CORS_ENTRY_IN_SET) ? "CORSOriginSet" : "CORSAllowOrigin")

static psl_ctx_t *psl_loaded;        /* from a file: ours to free */
static const psl_ctx_t *psl;

/* Bounds the work a hostile Origin can cause in a regex: a pattern with
 * nested repeats could otherwise take milliseconds per request. */
#define CORS_REGEX_MATCH_LIMIT 100000
#define CORS_REGEX_DEPTH_LIMIT 10000
static pcre2_match_context *match_ctx;

const char *cors_origin_init(void)
{
    if (!match_ctx) {
        match_ctx = pcre2_match_context_create(NULL);
        if (match_ctx) {
            pcre2_set_match_limit(match_ctx, CORS_REGEX_MATCH_LIMIT);
            pcre2_set_depth_limit(match_ctx, CORS_REGEX_DEPTH_LIMIT);
        }
    }
    if (!psl) {
        psl = psl_loaded = psl_latest(NULL);
        if (!psl) {
            psl = psl_builtin();
        }
    }
    return psl ? NULL : "the public suffix list could not be loaded "
                        "(install Debian's publicsuffix package)";
}

void cors_origin_fini(void)
{
    psl_free(psl_loaded);
    psl_loaded = NULL;
    psl = NULL;
    pcre2_match_context_free(match_ctx);
    match_ctx = NULL;
}

int cors_is_public_suffix(const char *domain)
{
    if (strcmp(domain, "localhost") == 0) {
        return 0;
    }
    if (!psl) {
        /* Without a list, only the implicit rule: one label. */
        return strchr(domain, '.') == NULL;
    }
    return psl_is_public_suffix2(psl, domain, PSL_TYPE_ANY);
}

/* Character classes by range, not through the locale's ctype table: the
 * request's Origin is checked byte by byte on every request. */
#define IS_LOWER(c) ((unsigned)((c) - 'a') < 26u)
#define IS_UPPER(c) ((unsigned)((c) - 'A') < 26u)
#define IS_DIGIT(c) ((unsigned)((c) - '0') < 10u)

static int is_scheme_char(unsigned char c)
{
    return IS_LOWER(c) || IS_UPPER(c) || IS_DIGIT(c) || c == '+' || c == '-'
           || c == '.';
}

/* Browsers serialise hosts in lower case: an upper-case letter means the
 * value did not come from one. */
static int is_host_char(unsigned char c)
{
    return IS_LOWER(c) || IS_DIGIT(c) || c == '-' || c == '.' || c == '_';
}

/* The longest host name DNS can carry. */
#define CORS_HOST_MAX 253

static int is_ipv6_char(unsigned char c)
{
    return IS_DIGIT(c) || (unsigned)((c | 0x20) - 'a') < 6u || c == ':'
           || c == '.';
}

/* Parses [":" port] at s[0..len): the port, or -1 when len is 0; -3 when
 * it is not a port. */
static int parse_port(const char *s, apr_size_t len)
{
    apr_size_t i;
    int port = 0;

    if (len == 0) {
        return -1;
    }
    if (s[0] != ':' || len < 2 || len > 6) {
        return -3;
    }
    for (i = 1; i < len; i++) {
        if (!IS_DIGIT((unsigned char)s[i])) {
            return -3;
        }
        port = port * 10 + (s[i] - '0');
    }
    return port > 65535 ? -3 : port;
}

int cors_origin_parse(const char *value, apr_size_t len,
                      cors_origin_parts *parts)
{
    apr_size_t i = 0, h;

    if (len == 0 || len > CORS_ORIGIN_MAX
        || !IS_LOWER((unsigned char)value[0])) {
        return 0;
    }
    while (i < len && is_scheme_char(value[i])
           && !IS_UPPER((unsigned char)value[i])) {
        i++;
    }
    if (len - i < 3 || memcmp(value + i, "://", 3) != 0) {
        return 0;
    }
    parts->scheme = value;
    parts->scheme_len = i;
    i += 3;
    h = i;
    if (i < len && value[i] == '[') {
        i++;
        while (i < len && is_ipv6_char(value[i])) {
            i++;
        }
        if (i >= len || value[i] != ']' || i == h + 1) {
            return 0;
        }
        i++;
    }
    else {
        /* Labels separated by single dots: no empty label. */
        while (i < len && is_host_char(value[i])) {
            if (value[i] == '.' && (i == h || value[i - 1] == '.')) {
                return 0;
            }
            i++;
        }
        if (i == h || value[i - 1] == '.' || i - h > CORS_HOST_MAX) {
            return 0;
        }
    }
    parts->host = value + h;
    parts->host_len = i - h;
    parts->port = parse_port(value + i, len - i);
    return parts->port != -3;
}

cors_origin_list *cors_origin_list_make(apr_pool_t *p)
{
    cors_origin_list *list = apr_pcalloc(p, sizeof(*list));

    list->exact = cors_hash_make(p);
    list->patterns = apr_array_make(p, 2, sizeof(cors_entry *));
    list->pattern_hosts = cors_hash_make(p);
    list->regex_hosts = cors_hash_make(p);
    list->regexes = apr_array_make(p, 1, sizeof(cors_entry *));
    list->sets = apr_array_make(p, 1, sizeof(cors_entry *));
    list->entries = apr_array_make(p, 4, sizeof(cors_entry *));
    return list;
}

/* The schemes nearly every entry has, in lower case, shared rather than
 * copied for each entry; NULL for any other. */
static const char *common_scheme(const char *scheme, apr_size_t len)
{
    static const char *const common[] = { "https", "http", "wss", "ws" };
    apr_size_t i;

    for (i = 0; i < sizeof(common) / sizeof(*common); i++) {
        if (strlen(common[i]) == len
            && strncasecmp(scheme, common[i], len) == 0) {
            return common[i];
        }
    }
    return NULL;
}

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

static int is_ip_literal(const char *host)
{
    if (host[0] == '[') {
        return 1;
    }
    for (; *host; host++) {
        if (!apr_isdigit(*host) && *host != '.') {
            return 0;
        }
    }
    return 1;
}

/*
 * The URL parser of browsers (WHATWG URL, "ends in a number") reads the
 * host of an http(s) or ws(s) URL whose last label is a number, in decimal
 * or 0x hex, as an IPv4 address; no other scheme is parsed that way.
 */
static int host_ends_in_number(const char *scheme, const char *host)
{
    const char *last = strrchr(host, '.');

    if (!default_port(scheme)) {
        return 0;
    }
    last = last ? last + 1 : host;
    if (last[0] == '0' && last[1] == 'x') {
        last += 2;
        while (apr_isxdigit(*last)) {
            last++;
        }
        return !*last;
    }
    if (!*last) {
        return 0;
    }
    while (IS_DIGIT((unsigned char)*last)) {
        last++;
    }
    return !*last;
}

/* One dot-separated part of an IPv4 host, in decimal, 0x hex or 0-led
 * octal; a value over 2^32 stands for any too large.  -1 if not a number. */
static apr_int64_t ipv4_number(const char *s, apr_size_t len)
{
    apr_int64_t n = 0;
    int radix = 10, digit;

    if (len == 0) {
        return -1;
    }
    if (len >= 2 && s[0] == '0' && s[1] == 'x') {
        radix = 16;
        s += 2;
        len -= 2;
    }
    else if (len >= 2 && s[0] == '0') {
        radix = 8;
        s++;
        len--;
    }
    for (; len; s++, len--) {
        digit = IS_DIGIT((unsigned char)*s) ? *s - '0'
                : radix == 16 && apr_isxdigit(*s) ? (*s | 0x20) - 'a' + 10
                : radix;
        if (digit >= radix) {
            return -1;
        }
        n = n > 0xffffffffLL ? n : n * radix + digit;
    }
    return n;
}

/*
 * The dotted quad a browser writes for host (one that ends in a number),
 * or NULL when the host is not an IPv4 address and no URL can have it:
 * one to four parts, each but the last from 0 to 255, the last filling
 * the bytes that remain.
 */
static const char *ipv4_as_sent(apr_pool_t *p, const char *host)
{
    apr_int64_t part[4], addr;
    int n = 0, i;
    const char *s = host, *dot;

    do {
        dot = strchr(s, '.');
        if (n == 4) {
            return NULL;
        }
        part[n] = ipv4_number(s, dot ? (apr_size_t)(dot - s) : strlen(s));
        if (part[n] < 0) {
            return NULL;
        }
        n++;
        s = dot ? dot + 1 : s;
    } while (dot);
    addr = part[n - 1];
    if (addr >= (apr_int64_t)1 << (8 * (5 - n))) {
        return NULL;
    }
    for (i = 0; i < n - 1; i++) {
        if (part[i] > 255) {
            return NULL;
        }
        addr += part[i] << (8 * (3 - i));
    }
    return apr_psprintf(p, "%d.%d.%d.%d", (int)(addr >> 24) & 255,
                        (int)(addr >> 16) & 255, (int)(addr >> 8) & 255,
                        (int)addr & 255);
}

static const char *no_host(apr_pool_t *p, const char *d, const char *text)
{
    return apr_psprintf(p, "%s: '%s' has no host; browsers send "
                        "'Origin: null' for pages without one (file://, "
                        "data: URLs, sandboxed iframes): list null only if "
                        "you must accept those (any site can create such "
                        "a page)", d, text);
}

/* An entry quoted in a message: in full, or its start and its length
 * when it is too long to read in a log line. */
static const char *shown(apr_pool_t *p, const char *text)
{
    apr_size_t len = strlen(text);

    return len <= 100 ? apr_psprintf(p, "'%s'", text)
                      : apr_psprintf(p, "'%.60s...' (%lu bytes)", text,
                                     (unsigned long)len);
}

/*
 * NULL, or why the literal host of an entry is longer than any Origin it
 * could match may have: DNS allows 253 bytes, and a subdomain ("*." or a
 * regex's "\.host") needs at least two more in front.
 */
static const char *host_too_long(apr_pool_t *p, const char *d,
                                 const char *text, const char *host,
                                 int subdomains)
{
    apr_size_t len = strlen(host);
    apr_size_t max = subdomains ? CORS_HOST_MAX - 2 : CORS_HOST_MAX;

    if (len <= max) {
        return NULL;
    }
    return apr_psprintf(p, "%s: %s names a host of %lu bytes, which no "
                        "Origin can match: DNS allows %d%s", d,
                        shown(p, text), (unsigned long)len, CORS_HOST_MAX,
                        subdomains ? ", a subdomain included, so its "
                                     "parent domain may have 251" : "");
}

/* Parses scheme://host[:port] with the "*." and ":*" wildcards into e. */
static const char *parse_origin_entry(apr_pool_t *p, const char *text,
                                      int flags, cors_entry *e)
{
    const char *d = DIRECTIVE(flags);
    const char *sep = strstr(text, "://");
    const char *auth, *stop, *hostend, *s, *normal, *ports, *err;
    char *scheme, *host, *c;
    int port;

    for (s = text; *s; s++) {
        if ((unsigned char)*s > 0x7e || (unsigned char)*s < 0x21) {
            return apr_psprintf(p, "%s: '%s' contains a space, a control "
                                "or a non-ASCII character; write an "
                                "internationalised host name in its "
                                "punycode form (xn--...)", d, text);
        }
    }
    if (!sep || sep == text) {
        return apr_psprintf(p, "%s: '%s' has no scheme; an origin is "
                            "scheme://host[:port], as in https://%s (or "
                            "http://%s for a development server)",
                            d, text, text, text);
    }
    scheme = (char *)common_scheme(text, sep - text);
    if (!scheme) {
        scheme = apr_pstrmemdup(p, text, sep - text);
        for (c = scheme; *c; c++) {
            if (!is_scheme_char(*c) || !apr_isalpha(scheme[0])) {
                return apr_psprintf(p, "%s: '%s' has an invalid scheme "
                                    "'%s'", d, text, scheme);
            }
            *c = apr_tolower(*c);
        }
    }
    auth = sep + 3;
    stop = auth + strcspn(auth, "/?#");
    if (stop == auth) {
        return no_host(p, d, text);
    }
    if (*stop) {
        const char *what = *stop == '/' ? "a path" : *stop == '?'
                           ? "a query" : "a fragment";
        return apr_psprintf(p, "%s: '%s' has %s; an origin is only "
                            "scheme://host[:port], without a trailing "
                            "slash: did you mean %s://%s?", d, text, what,
                            scheme, apr_pstrmemdup(p, auth, stop - auth));
    }
    if (strchr(auth, '@')) {
        return apr_psprintf(p, "%s: '%s' contains user information "
                            "('@'); browsers never send it in an Origin: "
                            "did you mean %s://%s?", d, text, scheme,
                            strchr(auth, '@') + 1);
    }
    if (*auth == '[') {
        hostend = strchr(auth, ']');
        if (!hostend) {
            return apr_psprintf(p, "%s: '%s' has an unterminated IPv6 "
                                "address", d, text);
        }
        hostend++;
    }
    else {
        hostend = auth + strcspn(auth, ":");
    }
    if (hostend == auth) {
        return no_host(p, d, text);
    }
    host = apr_pstrmemdup(p, auth, hostend - auth);
    for (c = host; *c; c++) {
        *c = apr_tolower(*c);
    }
    if (strncmp(host, "*.", 2) == 0) {
        e->subdomains = 1;
        host += 2;
    }
    if (host[0] == '[') {
        if (strlen(host) < 3) {
            return apr_psprintf(p, "%s: '%s' has an empty IPv6 address", d,
                                text);
        }
        for (c = host + 1; c < host + strlen(host) - 1; c++) {
            if (!is_ipv6_char(*c)) {
                return apr_psprintf(p, "%s: '%s' has an invalid IPv6 "
                                    "address", d, text);
            }
        }
    }
    else {
        for (c = host; *c; c++) {
            if (*c == '*') {
                return apr_psprintf(p, "%s: '%s': a '*' may only stand "
                                    "for whole leading labels ('https://"
                                    "*.myapp.com') or for the port "
                                    "('http://localhost:*')", d, text);
            }
            if (!is_host_char(*c)) {
                return apr_psprintf(p, "%s: '%s' has an invalid "
                                    "character '%c' in its host", d, text,
                                    *c);
            }
        }
        if (!*host || host[0] == '.' || host[strlen(host) - 1] == '.'
            || strstr(host, "..")) {
            return apr_psprintf(p, "%s: '%s' has an empty label in its "
                                "host", d, text);
        }
        err = host_too_long(p, d, text, host, e->subdomains);
        if (err) {
            return err;
        }
    }
    if (e->subdomains) {
        if (is_ip_literal(host) || host_ends_in_number(scheme, host)) {
            return apr_psprintf(p, "%s: '%s': '*.' needs a domain name, "
                                "not an IP address%s", d, text,
                                is_ip_literal(host) ? "" : " (browsers read "
                                "a host that ends in a number as one)");
        }
        if (cors_is_public_suffix(host)) {
            return apr_psprintf(p, "%s: '%s' would allow every site under "
                                "'%s', a public suffix, whose names have no "
                                "common owner; name your own domain "
                                "instead, as in %s://*.myapp.%s", d, text,
                                host, scheme, host);
        }
    }
    if (strcmp(hostend, ":*") == 0) {
        port = CORS_PORT_ANY;
    }
    else {
        port = parse_port(hostend, strlen(hostend));
        if (port == -3 || port == 0) {
            return apr_psprintf(p, "%s: '%s' has an invalid port; write a "
                                "number from 1 to 65535, or '*' for any",
                                d, text);
        }
        if (port == -1 || port == default_port(scheme)) {
            port = CORS_PORT_DEFAULT;
        }
    }
    ports = port == CORS_PORT_ANY ? ":*" : port == CORS_PORT_DEFAULT ? ""
            : apr_psprintf(p, ":%d", port);
    if (!e->subdomains && host_ends_in_number(scheme, host)) {
        const char *quad = ipv4_as_sent(p, host);

        if (!quad) {
            return apr_psprintf(p, "%s: %s has a host that ends in a "
                                "number, so browsers read it as an IPv4 "
                                "address, and it is not a valid one: no "
                                "page can have that origin; write four "
                                "numbers from 0 to 255, as in "
                                "%s://192.0.2.1%s, or a host name", d,
                                shown(p, text), scheme, ports);
        }
        if (strcmp(quad, host) != 0) {
            return apr_psprintf(p, "%s: %s names the IPv4 address %s in a "
                                "form no Origin has; write %s://%s%s: "
                                "browsers send that", d, shown(p, text),
                                quad, scheme, quad, ports);
        }
    }
    e->scheme = scheme;
    e->host = host;
    e->port = port;
    e->kind = (e->subdomains || port == CORS_PORT_ANY) ? CORS_ENTRY_PATTERN
                                                       : CORS_ENTRY_EXACT;
    normal = apr_pstrcat(p, scheme, "://", e->subdomains ? "*." : "", host,
                         ports, NULL);
    /* The shortest Origin the entry matches: ":*" also stands for no
     * port at all, and "*." for one letter and a dot. */
    if (strlen(normal) - (port == CORS_PORT_ANY ? 2 : 0) > CORS_ORIGIN_MAX) {
        return apr_psprintf(p, "%s: %s: no Origin that long is matched (%d "
                            "bytes at most)", d, shown(p, text),
                            CORS_ORIGIN_MAX);
    }
    /* Most entries are written as browsers send them: one copy will do. */
    e->text = strcmp(normal, text) == 0 ? text : normal;
    return NULL;
}

static apr_status_t regex_cleanup(void *code)
{
    pcre2_code_free(code);
    return APR_SUCCESS;
}

/* PCRE2's memory for one match, from a buffer on the matching thread's
 * stack: malloc and free for every request would cost more than the JIT
 * match itself.  Anything larger (the interpreter's frames, without JIT)
 * still comes from malloc. */
typedef struct {
    char *start, *next, *end;
} match_arena;

static void *arena_malloc(PCRE2_SIZE size, void *data)
{
    match_arena *a = data;

    size = (size + 15) & ~(PCRE2_SIZE)15;
    if ((PCRE2_SIZE)(a->end - a->next) >= size) {
        void *p = a->next;

        a->next += size;
        return p;
    }
    return malloc(size);
}

static void arena_free(void *p, void *data)
{
    match_arena *a = data;

    if (p && ((char *)p < a->start || (char *)p >= a->end)) {
        free(p);
    }
}

static int regex_matches(const cors_entry *e, const char *s, apr_size_t len)
{
    union {
        char bytes[512];
        long double align;
    } buf;
    match_arena a = { buf.bytes, buf.bytes, buf.bytes + sizeof(buf.bytes) };
    pcre2_general_context *gctx;
    pcre2_match_data *md;
    int rc = -1;

    gctx = pcre2_general_context_create(arena_malloc, arena_free, &a);
    md = gctx ? pcre2_match_data_create(1, gctx) : NULL;
    if (md) {
        /* A compiled pattern goes straight to its machine code, past
         * pcre2_match's checks of what the configuration already fixed. */
        rc = e->regex_jit
             ? pcre2_jit_match(e->regex, (PCRE2_SPTR)s, len, 0, 0, md,
                               match_ctx)
             : pcre2_match(e->regex, (PCRE2_SPTR)s, len, 0, 0, md,
                           match_ctx);
        pcre2_match_data_free(md);
    }
    if (gctx) {
        pcre2_general_context_free(gctx);
    }
    return rc >= 0;
}

static int is_literal_host_char(const char *pat, apr_size_t i)
{
    /* pat[i] is a literal letter, digit or '-' unless a backslash makes it
     * an escape such as \d or \w. */
    unsigned char c = pat[i];

    if (!apr_isalnum(c) && c != '-') {
        return 0;
    }
    return i == 0 || pat[i - 1] != '\\';
}

/* Why the literal run pat[start..end) is not a host at a label boundary,
 * with the entries that usually say what was meant. */
static const char *regex_boundary_error(apr_pool_t *p, const char *text,
                                        const char *pat, apr_size_t start,
                                        apr_size_t end, int flags)
{
    const char *d = DIRECTIVE(flags);
    const char *scheme = strstr(pat, "http://") ? "http" : "https";
    char *plain = apr_palloc(p, end - start + 1), *o = plain;
    apr_size_t k;

    if (start && pat[start - 1] == '.'
        && (start < 2 || pat[start - 2] != '\\')) {
        return apr_psprintf(p, "%s: '%s' has an unescaped '.' "
                            "in its host, which matches any character: "
                            "put one backslash before a literal dot", d,
                            text);
    }
    for (k = start; k < end; k++) {
        if (pat[k] != '\\') {
            *o++ = apr_tolower(pat[k]);
        }
    }
    *o = '\0';
    if (strchr(plain, '.') && plain[0] != '.') {
        /* Such as (.*\.)?myapp\.com: an optional subdomain group. */
        return apr_psprintf(p, "%s: '%s' must end with a "
                            "literal host at a label boundary, as in "
                            "'\\.myapp\\.com$' or '://myapp\\.com$'; to "
                            "allow %s and its subdomains write two entries "
                            "instead: %s://%s %s://*.%s", d, text, plain,
                            scheme, plain, scheme, plain);
    }
    return apr_psprintf(p, "%s: '%s' must end with a literal "
                        "host at a label boundary (then an optional ':port' "
                        "and '$'), as in '~^https://[a-z0-9-]+\\.myapp\\.com$' "
                        "or '~^https://myapp\\.com$'", d, text);
}

/*
 * Finds the literal host a regex ends with: after an optional '$' and an
 * optional literal ":port", a run of letters, digits, '-' and "\." that
 * starts with "\." (a subdomain of what follows) or right after "://".
 */
static const char *regex_literal_host(apr_pool_t *p, const char *text,
                                      const char *pat, int flags,
                                      cors_entry *e)
{
    const char *d = DIRECTIVE(flags);
    const char *err;
    apr_size_t i = strlen(pat), end, start, j;
    char *host;

    if (i && pat[i - 1] == '$' && (i < 2 || pat[i - 2] != '\\')) {
        i--;
    }
    j = i;
    while (j && apr_isdigit(pat[j - 1])) {
        j--;
    }
    if (j < i && j && pat[j - 1] == ':') {
        i = j - 1;
        if (i && pat[i - 1] == '\\') {
            i--;
        }
    }
    end = i;
    while (i) {
        if (i >= 2 && pat[i - 1] == '.' && pat[i - 2] == '\\') {
            i -= 2;
        }
        else if (is_literal_host_char(pat, i - 1)) {
            i--;
        }
        else {
            break;
        }
    }
    start = i;
    if (start < end && pat[start] == '\\') {
        e->regex_host_is_suffix = 1;
        start += 2;
    }
    else if (start < 3 || strncmp(pat + start - 3, "://", 3) != 0) {
        return regex_boundary_error(p, text, pat, i, end, flags);
    }
    host = apr_palloc(p, end - start + 1);
    for (j = 0; start < end; start++) {
        if (pat[start] != '\\') {
            host[j++] = apr_tolower(pat[start]);
        }
    }
    host[j] = '\0';
    if (!*host || host[0] == '.' || host[j - 1] == '.' || strstr(host, "..")) {
        return regex_boundary_error(p, text, pat, i, end, flags);
    }
    err = host_too_long(p, d, text, host, e->regex_host_is_suffix);
    if (err) {
        return err;
    }
    if (e->regex_host_is_suffix && cors_is_public_suffix(host)) {
        return apr_psprintf(p, "%s: '%s' would allow every "
                            "site under '%s', a public suffix, whose names "
                            "have no common owner; end the pattern with "
                            "your own domain, as in '\\.myapp\\.%s$'",
                            d, text, host, host);
    }
    e->regex_host = host;
    return NULL;
}

static const char *parse_regex_entry(apr_pool_t *p, const char *text,
                                     int flags, cors_entry *e)
{
    const char *d = DIRECTIVE(flags);
    const char *pat = text + 1;
    int err;
    PCRE2_SIZE offset;
    pcre2_code *code;
    const char *msg;

    if (!*pat) {
        return apr_psprintf(p, "%s: '~' must be followed by a regular "
                            "expression", d);
    }
    code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                         PCRE2_ANCHORED | PCRE2_ENDANCHORED
                         | PCRE2_NEVER_UTF, &err, &offset, NULL);
    if (!code) {
        PCRE2_UCHAR buf[256];

        pcre2_get_error_message(err, buf, sizeof(buf));
        return apr_psprintf(p, "%s: '%s' is not a valid "
                            "regular expression: %s at offset %lu", d, text,
                            (const char *)buf, (unsigned long)offset);
    }
    apr_pool_cleanup_register(p, code, regex_cleanup,
                              apr_pool_cleanup_null);
    e->regex_jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    e->kind = CORS_ENTRY_REGEX;
    e->regex = code;
    e->text = text;
    if (regex_matches(e, "null", 4)) {
        return apr_psprintf(p, "%s: '%s' matches the origin "
                            "'null', which any site can produce with a "
                            "sandboxed iframe; list null on its own if you "
                            "really mean it", d, text);
    }
    msg = regex_literal_host(p, text, pat, flags, e);
    return msg;
}

/* Files e under host in index, for match_by_host. */
static void file_by_host(apr_hash_t *index, apr_pool_t *p, const char *host,
                         const cors_entry *e)
{
    apr_array_header_t *same = apr_hash_get(index, host, APR_HASH_KEY_STRING);

    if (!same) {
        same = apr_array_make(p, 1, sizeof(cors_entry *));
        apr_hash_set(index, host, APR_HASH_KEY_STRING, same);
    }
    APR_ARRAY_PUSH(same, const cors_entry *) = e;
}

static const char *add_entry(cors_origin_list *list, apr_pool_t *p,
                             const char *text, const char *where, int flags,
                             apr_array_header_t *warnings)
{
    const char *d = DIRECTIVE(flags);
    cors_entry *e = apr_pcalloc(p, sizeof(*e));
    const char *err = NULL;

    e->where = where;
    e->text = text;
    if (strstr(text, "${")) {
        const char *v = strstr(text, "${") + 2;

        return apr_psprintf(p, "%s: '%s': the variable %s is not defined; "
                            "define it with 'Define NAME value' before this "
                            "line, or in the environment httpd starts with "
                            "(/etc/apache2/envvars on Debian)", d, text,
                            apr_pstrmemdup(p, v, strcspn(v, "}")));
    }
    if (strcmp(text, "*") == 0) {
        if (flags & CORS_ENTRY_IN_SET) {
            return "CORSOriginSet: '*' cannot be part of a set; write "
                   "'CORSAllowOrigin *' where any origin is meant";
        }
        e->kind = CORS_ENTRY_ANY;
        list->any = e;
    }
    else if (strcmp(text, "null") == 0) {
        e->kind = CORS_ENTRY_NULL;
        list->null_origin = e;
        if (warnings) {
            APR_ARRAY_PUSH(warnings, const char *) =
                apr_psprintf(p, "%s: null allows documents that have no "
                             "origin of their own (sandboxed iframes, "
                             "file:// pages, data: URLs), which any site "
                             "can create; remove it unless you must accept "
                             "those", d);
        }
    }
    else if (text[0] == '@') {
        const char *c;

        if (flags & CORS_ENTRY_IN_SET) {
            return apr_psprintf(p, "CORSOriginSet: '%s': a set cannot "
                                "refer to another set; list its origins",
                                text);
        }
        for (c = text + 1; *c; c++) {
            if (!apr_isalnum(*c) && *c != '_' && *c != '-' && *c != '.') {
                break;
            }
        }
        if (!text[1] || *c) {
            return apr_psprintf(p, "%s: '%s' is not a set name (letters, "
                                "digits, '_', '-' and '.')", d, text);
        }
        e->kind = CORS_ENTRY_SET;
        e->set_name = text + 1;
        APR_ARRAY_PUSH(list->sets, cors_entry *) = e;
    }
    else if (text[0] == '~') {
        err = parse_regex_entry(p, text, flags, e);
        if (!err) {
            file_by_host(list->regex_hosts, p, e->regex_host, e);
            APR_ARRAY_PUSH(list->regexes, cors_entry *) = e;
        }
    }
    else {
        err = parse_origin_entry(p, text, flags, e);
        if (!err) {
            if (e->kind == CORS_ENTRY_EXACT) {
                apr_hash_set(list->exact, e->text, APR_HASH_KEY_STRING, e);
            }
            else {
                file_by_host(list->pattern_hosts, p, e->host, e);
                APR_ARRAY_PUSH(list->patterns, cors_entry *) = e;
            }
        }
    }
    if (!err) {
        APR_ARRAY_PUSH(list->entries, cors_entry *) = e;
    }
    return err;
}

const char *cors_origin_list_add(cors_origin_list *list, apr_pool_t *p,
                                 const char *arg, const char *where,
                                 int flags, apr_array_header_t *warnings)
{
    const char *s = arg;

    while (*s) {
        const char *end;
        apr_size_t len;
        const char *err;

        while (*s == ' ' || *s == '\t' || *s == ',') {
            s++;
        }
        if (!*s) {
            break;
        }
        /* A regex runs to the end of the argument: its commas are its own. */
        end = *s == '~' ? s + strlen(s) : s + strcspn(s, ",");
        len = (apr_size_t)(end - s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
            len--;
        }
        /* The usual argument is one whole entry: keep it, not a copy. */
        err = add_entry(list, p, (s == arg && !s[len]) ? arg
                                 : apr_pstrmemdup(p, s, len),
                        where, flags, warnings);
        if (err) {
            return err;
        }
        s = end;
    }
    return NULL;
}

static int host_ends_with(const char *host, apr_size_t host_len,
                          const char *parent, int strict_subdomain)
{
    apr_size_t n = strlen(parent);

    if (!strict_subdomain) {
        return host_len == n && memcmp(host, parent, n) == 0;
    }
    return host_len > n + 1 && host[host_len - n - 1] == '.'
           && memcmp(host + host_len - n, parent, n) == 0;
}

static int pattern_matches(const cors_entry *e, const cors_origin_parts *o)
{
    if (o->scheme_len != strlen(e->scheme)
        || memcmp(o->scheme, e->scheme, o->scheme_len) != 0) {
        return 0;
    }
    /* Browsers leave a default port out of the Origin. */
    if (e->port != CORS_PORT_ANY
        && o->port != (e->port == CORS_PORT_DEFAULT ? -1 : e->port)) {
        return 0;
    }
    return host_ends_with(o->host, o->host_len, e->host, e->subdomains);
}

/* The entries of index (pattern_hosts or regex_hosts) filed under the
 * Origin's host or one of its parent domains that match it: one hash
 * lookup per label of the host, however many entries there are. */
static const cors_entry *match_by_host(const apr_hash_t *index, int regexes,
                                       const char *origin, apr_size_t len,
                                       const cors_origin_parts *o)
{
    const char *h = o->host, *end = o->host + o->host_len;
    const cors_entry *e;
    int i;

    while (h < end) {
        const apr_array_header_t *same = apr_hash_get((apr_hash_t *)index,
                                                      h, end - h);

        for (i = 0; same && i < same->nelts; i++) {
            e = APR_ARRAY_IDX(same, i, const cors_entry *);
            if (regexes ? host_ends_with(o->host, o->host_len, e->regex_host,
                                         e->regex_host_is_suffix)
                          && regex_matches(e, origin, len)
                        : pattern_matches(e, o)) {
                return e;
            }
        }
        h = memchr(h, '.', end - h);
        h = h ? h + 1 : end;
    }
    return NULL;
}

/* Patterns, then regexes, of list; exact entries are the caller's. */
static const cors_entry *match_wildcards(const cors_origin_list *list,
                                         const char *origin, apr_size_t len,
                                         const cors_origin_parts *o)
{
    const cors_entry *e = NULL;

    if (list->patterns->nelts) {
        e = match_by_host(list->pattern_hosts, 0, origin, len, o);
    }
    if (!e && list->regexes->nelts) {
        e = match_by_host(list->regex_hosts, 1, origin, len, o);
    }
    return e;
}

const cors_entry *cors_origin_match(const cors_origin_list *list,
                                    const char *origin, apr_size_t len,
                                    cors_set_lookup lookup, void *ctx,
                                    int *malformed,
                                    const char **unknown_set)
{
    cors_origin_parts parts, *o = &parts;
    const cors_entry *e;
    int i;

    *malformed = 0;
    if (len == 4 && memcmp(origin, "null", 4) == 0) {
        o = NULL;
    }
    else {
        /* Exact entries are well-formed: a hit needs no parsing. */
        e = apr_hash_get(list->exact, origin, len);
        if (e) {
            return e;
        }
        if (!cors_origin_parse(origin, len, &parts)) {
            *malformed = 1;
            return NULL;
        }
    }
    e = o ? match_wildcards(list, origin, len, o) : list->null_origin;
    for (i = 0; !e && i < list->sets->nelts; i++) {
        const cors_entry *ref = APR_ARRAY_IDX(list->sets, i,
                                              const cors_entry *);
        const cors_origin_list *set = lookup ? lookup(ctx, ref->set_name)
                                             : NULL;

        if (!set) {
            if (unknown_set) {
                *unknown_set = ref->set_name;
            }
            continue;
        }
        e = !o ? set->null_origin
            : apr_hash_get(set->exact, origin, len);
        if (!e && o) {
            e = match_wildcards(set, origin, len, o);
        }
    }
    return e;
}

/* How a well-formed origin o differs from an EXACT or PATTERN entry e when
 * it differs in one respect only, as the end of a sentence; NULL otherwise. */
static const char *near_entry(const cors_entry *e, const cors_origin_parts *o,
                              apr_pool_t *p)
{
    int same_scheme = o->scheme_len == strlen(e->scheme)
                      && memcmp(o->scheme, e->scheme, o->scheme_len) == 0;
    int same_port = e->port == CORS_PORT_ANY
                    || o->port == (e->port == CORS_PORT_DEFAULT ? -1 : e->port);
    int same_host = host_ends_with(o->host, o->host_len, e->host,
                                   e->subdomains);
    apr_size_t n = strlen(e->host);

    if (same_host && same_port && !same_scheme) {
        return apr_pstrcat(p, "scheme differs from allowed origin ", e->text,
                           NULL);
    }
    if (!same_scheme || (!same_port && !same_host)) {
        return NULL;
    }
    if (same_host) {
        return apr_pstrcat(p, "port differs from allowed origin ", e->text,
                           NULL);
    }
    if (e->subdomains && o->host_len == n && memcmp(o->host, e->host, n) == 0) {
        return apr_pstrcat(p, e->text, " matches subdomains only, not the "
                           "domain itself", NULL);
    }
    if (!e->subdomains
        && ((o->host_len == n + 4 && memcmp(o->host, "www.", 4) == 0
             && memcmp(o->host + 4, e->host, n) == 0)
            || (n == o->host_len + 4 && memcmp(e->host, "www.", 4) == 0
                && memcmp(e->host + 4, o->host, o->host_len) == 0))) {
        return apr_pstrcat(p, "www. prefix differs from allowed origin ",
                           e->text, NULL);
    }
    return NULL;
}

static const char *near_in_list(const cors_origin_list *list,
                                const cors_origin_parts *o,
                                cors_set_lookup lookup, void *ctx,
                                apr_pool_t *p)
{
    const char *why = NULL;
    int i;

    for (i = 0; !why && i < list->entries->nelts; i++) {
        const cors_entry *e = APR_ARRAY_IDX(list->entries, i,
                                            const cors_entry *);

        if (e->kind == CORS_ENTRY_EXACT || e->kind == CORS_ENTRY_PATTERN) {
            why = near_entry(e, o, p);
        }
        else if (e->kind == CORS_ENTRY_REGEX
                 && host_ends_with(o->host, o->host_len, e->regex_host,
                                   e->regex_host_is_suffix)) {
            /* Its host passed the literal-host filter: only the
             * expression itself refused it. */
            why = apr_pstrcat(p, "the regular expression ", e->text,
                              " does not match it", NULL);
        }
        else if (e->kind == CORS_ENTRY_SET && lookup) {
            const cors_origin_list *set = lookup(ctx, e->set_name);

            /* Sets hold no "@name": one level deep. */
            why = set ? near_in_list(set, o, NULL, NULL, p) : NULL;
        }
    }
    return why;
}

const char *cors_origin_near_miss(const cors_origin_list *list,
                                  const char *origin,
                                  cors_set_lookup lookup, void *ctx,
                                  apr_pool_t *p)
{
    apr_size_t len = strlen(origin), i;
    cors_origin_parts parts;
    const cors_entry *e;
    const char *slash;
    char *lower;
    int malformed;

    if (!list || len > CORS_ORIGIN_MAX) {
        return NULL;
    }
    if (cors_origin_parse(origin, len, &parts)) {
        return near_in_list(list, &parts, lookup, ctx, p);
    }
    /* Malformed as sent: would a browser's spelling of it match? */
    slash = strstr(origin, "://");
    slash = slash ? strchr(slash + 3, '/') : NULL;
    if (slash) {
        e = cors_origin_match(list, origin, slash - origin, lookup, ctx,
                              &malformed, NULL);
        if (e) {
            return apr_pstrcat(p, "an Origin has no path or trailing slash; "
                               "without it, it would match allowed origin ",
                               e->text, NULL);
        }
    }
    lower = apr_pstrmemdup(p, origin, len);
    for (i = 0; i < len; i++) {
        lower[i] = apr_tolower(lower[i]);
    }
    if (strcmp(lower, origin) != 0) {
        e = cors_origin_match(list, lower, len, lookup, ctx, &malformed, NULL);
        if (e) {
            return apr_pstrcat(p, "letter case differs from allowed origin ",
                               e->text, ": browsers send origins in lower "
                               "case", NULL);
        }
    }
    return NULL;
}

static int host_is_loopback(const char *host, int subdomains)
{
    apr_size_t n = strlen(host);

    if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0) {
        return 1;
    }
    if (n > 10 && strcmp(host + n - 10, ".localhost") == 0) {
        return 1;
    }
    return !subdomains && strncmp(host, "127.", 4) == 0
           && is_ip_literal(host);
}

int cors_entry_is_loopback(const cors_entry *e)
{
    switch (e->kind) {
    case CORS_ENTRY_EXACT:
    case CORS_ENTRY_PATTERN:
        return host_is_loopback(e->host, e->subdomains);
    case CORS_ENTRY_REGEX:
        return host_is_loopback(e->regex_host, e->regex_host_is_suffix);
    default:
        return 0;
    }
}

int cors_entry_is_insecure(const cors_entry *e)
{
    pcre2_code *probe;
    pcre2_match_data *md;
    PCRE2_SIZE offset;
    int rc, err;

    if (cors_entry_is_loopback(e)) {
        return 0;
    }
    if (e->kind == CORS_ENTRY_EXACT || e->kind == CORS_ENTRY_PATTERN) {
        return strcmp(e->scheme, "http") == 0;
    }
    if (e->kind != CORS_ENTRY_REGEX) {
        return 0;
    }
    /* Could some origin that starts with "http://" match?  Partial
     * matching does not combine with PCRE2_ENDANCHORED: probe a copy. */
    probe = pcre2_compile((PCRE2_SPTR)e->text + 1, PCRE2_ZERO_TERMINATED,
                          PCRE2_ANCHORED | PCRE2_NEVER_UTF, &err, &offset,
                          NULL);
    md = probe ? pcre2_match_data_create(1, NULL) : NULL;
    if (!md) {
        pcre2_code_free(probe);
        return 1;
    }
    rc = pcre2_match(probe, (PCRE2_SPTR)"http://", 7, 0, PCRE2_PARTIAL_SOFT,
                     md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(probe);
    return rc >= 0 || rc == PCRE2_ERROR_PARTIAL;
}
