/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * Unit tests of cors_origin: parsing a request's Origin, parsing and
 * normalising origin entries (and every refusal the spec lists), and
 * matching an Origin against a list of entries.
 */
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cors_origin.h"
#include "unit.h"

#define LEN_STRLEN ((apr_size_t)-1)

static apr_pool_t *pool;

static const char *dupn(const char *s, apr_size_t n)
{
    return s ? apr_pstrmemdup(pool, s, n) : NULL;
}

static const char *kind_name(int kind)
{
    static const char *const names[] = {
        "EXACT", "PATTERN", "REGEX", "SET", "ANY", "NULL"
    };

    return kind >= 0 && kind <= 5 ? names[kind] : "?";
}

/* "https://" + labels of 'a' + ".myapp.com", exactly len bytes. */
/* "https://" and a host of host_len bytes under myapp.com, in labels of
 * at most 49 bytes. */
static const char *long_origin(apr_size_t host_len)
{
    static const char suffix[] = ".myapp.com";
    apr_size_t len = 8 + host_len;
    char *s = apr_palloc(pool, len + 1);
    apr_size_t i, body = len - 8 - (sizeof(suffix) - 1);

    memcpy(s, "https://", 8);
    for (i = 0; i < body; i++) {
        s[8 + i] = (i % 50 == 49) ? '.' : 'a';
    }
    if (s[8 + body - 1] == '.') {
        s[8 + body - 1] = 'a';
    }
    memcpy(s + 8 + body, suffix, sizeof(suffix));
    return s;
}

/* An origin of len bytes made long by its scheme: "aaa...a://x.example". */
static const char *long_scheme_origin(apr_size_t len)
{
    static const char rest[] = "://x.example";
    char *s = apr_palloc(pool, len + 1);
    apr_size_t scheme = len - (sizeof(rest) - 1);

    memset(s, 'a', scheme);
    memcpy(s + scheme, rest, sizeof(rest));
    return s;
}

/* ---- cors_origin_parse ---------------------------------------------- */

typedef struct {
    const char *value;
    apr_size_t len;             /* LEN_STRLEN: strlen(value) */
    int ok;
    const char *scheme;         /* when ok */
    const char *host;
    int port;
} parse_case;

static const parse_case parse_cases[] = {
    /* well-formed */
    { "http://localhost:3000", LEN_STRLEN, 1, "http", "localhost", 3000 },
    { "https://myapp.com", LEN_STRLEN, 1, "https", "myapp.com", -1 },
    { "capacitor://localhost", LEN_STRLEN, 1, "capacitor", "localhost", -1 },
    { "ionic://localhost", LEN_STRLEN, 1, "ionic", "localhost", -1 },
    { "http://[::1]:8080", LEN_STRLEN, 1, "http", "[::1]", 8080 },
    { "http://[::1]", LEN_STRLEN, 1, "http", "[::1]", -1 },
    { "http://127.0.0.1", LEN_STRLEN, 1, "http", "127.0.0.1", -1 },
    { "https://a.b.myapp.com:8443", LEN_STRLEN, 1, "https", "a.b.myapp.com",
      8443 },
    { "https://my-app.com", LEN_STRLEN, 1, "https", "my-app.com", -1 },
    { "https://xn--mnchen-3ya.de", LEN_STRLEN, 1, "https",
      "xn--mnchen-3ya.de", -1 },
    { "http://x:0", LEN_STRLEN, 1, "http", "x", 0 },
    { "http://x:65535", LEN_STRLEN, 1, "http", "x", 65535 },
    /* len bounds the value: what follows is not looked at */
    { "https://myapp.com/path", 17, 1, "https", "myapp.com", -1 },

    /* malformed */
    { "null", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com/", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com/api", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com:8443/", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com?x=1", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com?", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com#top", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://user@myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://user:pw@myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com@evil.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://my app.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { " https://myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com ", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com\r\nX-Evil: 1", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com\r", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com\n", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://my\tapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com\0.evil.com", 26, 0, NULL, NULL, 0 },
    { "https://myapp.com\0", 18, 0, NULL, NULL, 0 },
    { "https://myapp.com, https://evil.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com,https://evil.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "localhost:3000", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "//myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "://myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https:/myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://:443", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:65536", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:100000", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:99999999999999999999", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:-1", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:+80", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:8o", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://x:80:80", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://[::1", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "http://::1", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://ex\xc3\xa4mple.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com\x7f", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://my<app>.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "https://myapp.com\\evil.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { "1http://myapp.com", LEN_STRLEN, 0, NULL, NULL, 0 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

static void check_parse(const char *value, apr_size_t len, int want_ok,
                        const char *scheme, const char *host, int port)
{
    cors_origin_parts parts;
    const char *shown = unit_escn(value, len > 80 ? 80 : len);
    int got;

    memset(&parts, 0, sizeof(parts));
    got = cors_origin_parse(value, len, &parts);
    if (!unit_is_int(got, want_ok, "parse '%s' (%lu bytes) -> %d", shown,
                     (unsigned long)len, want_ok) || !want_ok) {
        return;
    }
    unit_is_str(dupn(parts.scheme, parts.scheme_len), scheme,
                "parse '%s': scheme", shown);
    unit_is_str(dupn(parts.host, parts.host_len), host,
                "parse '%s': host", shown);
    unit_is_int(parts.port, port, "parse '%s': port", shown);
}

static void test_parse(void)
{
    const parse_case *c;
    const char *s;

    for (c = parse_cases; c->value; c++) {
        apr_size_t len = c->len == LEN_STRLEN ? strlen(c->value) : c->len;

        check_parse(c->value, len, c->ok, c->scheme, c->host, c->port);
    }

    /* CORS_ORIGIN_MAX bytes is the longest Origin that may match. */
    /* A host is at most 253 bytes, as DNS allows. */
    s = long_origin(253);
    check_parse(s, strlen(s), 1, "https", s + 8, -1);
    s = long_origin(254);
    check_parse(s, strlen(s), 0, NULL, NULL, 0);
    /* CORS_ORIGIN_MAX bytes in all, whatever makes them up. */
    s = long_scheme_origin(CORS_ORIGIN_MAX);
    check_parse(s, strlen(s), 1, apr_pstrndup(pool, s, strlen(s) - 12),
                "x.example", -1);
    s = long_scheme_origin(CORS_ORIGIN_MAX + 1);
    check_parse(s, strlen(s), 0, NULL, NULL, 0);
    s = long_origin(100000);
    check_parse(s, strlen(s), 0, NULL, NULL, 0);
}

/* ---- cors_is_public_suffix ------------------------------------------ */

static void test_public_suffix(void)
{
    static const unit_case cases[] = {
        { "com", 1 },
        { "co.uk", 1 },
        { "github.io", 1 },     /* the list's private section */
        { "test", 1 },          /* unknown top-level label */
        { "internal", 1 },
        { "localhost", 0 },
        { "myapp.com", 0 },
        { "myapp.test", 0 },
        { "example.co.uk", 0 },
        { "user.github.io", 0 },
        { NULL, 0 }
    };

    unit_predicate("public suffix", cors_is_public_suffix, cases);
}

/* ---- cors_origin_list_add: accepted entries ------------------------- */

typedef struct {
    const char *arg;
    int kind;
    const char *text;
    const char *scheme;
    const char *host;
    int subdomains;
    int port;
} entry_case;

static const entry_case entry_cases[] = {
    { "https://myapp.com", CORS_ENTRY_EXACT, "https://myapp.com", "https",
      "myapp.com", 0, CORS_PORT_DEFAULT },
    { "HTTPS://MyApp.COM:443", CORS_ENTRY_EXACT, "https://myapp.com",
      "https", "myapp.com", 0, CORS_PORT_DEFAULT },
    { "http://x:80", CORS_ENTRY_EXACT, "http://x", "http", "x", 0,
      CORS_PORT_DEFAULT },
    { "https://x:80", CORS_ENTRY_EXACT, "https://x:80", "https", "x", 0,
      80 },
    { "http://x:443", CORS_ENTRY_EXACT, "http://x:443", "http", "x", 0,
      443 },
    { "http://LOCALHOST:3000", CORS_ENTRY_EXACT, "http://localhost:3000",
      "http", "localhost", 0, 3000 },
    { "http://127.0.0.1", CORS_ENTRY_EXACT, "http://127.0.0.1", "http",
      "127.0.0.1", 0, CORS_PORT_DEFAULT },
    { "http://[::1]:8080", CORS_ENTRY_EXACT, "http://[::1]:8080", "http",
      "[::1]", 0, 8080 },
    { "http://[::1]:80", CORS_ENTRY_EXACT, "http://[::1]", "http", "[::1]",
      0, CORS_PORT_DEFAULT },
    { "capacitor://localhost", CORS_ENTRY_EXACT, "capacitor://localhost",
      "capacitor", "localhost", 0, CORS_PORT_DEFAULT },
    { "Ionic://LocalHost", CORS_ENTRY_EXACT, "ionic://localhost", "ionic",
      "localhost", 0, CORS_PORT_DEFAULT },
    { "https://*.myapp.com", CORS_ENTRY_PATTERN, "https://*.myapp.com",
      "https", "myapp.com", 1, CORS_PORT_DEFAULT },
    { "HTTPS://*.MyApp.COM:443", CORS_ENTRY_PATTERN, "https://*.myapp.com",
      "https", "myapp.com", 1, CORS_PORT_DEFAULT },
    { "https://*.myapp.com:8443", CORS_ENTRY_PATTERN,
      "https://*.myapp.com:8443", "https", "myapp.com", 1, 8443 },
    { "http://localhost:*", CORS_ENTRY_PATTERN, "http://localhost:*",
      "http", "localhost", 0, CORS_PORT_ANY },
    { "https://*.myapp.test:*", CORS_ENTRY_PATTERN,
      "https://*.myapp.test:*", "https", "myapp.test", 1, CORS_PORT_ANY },
    { "http://*.localhost:*", CORS_ENTRY_PATTERN, "http://*.localhost:*",
      "http", "localhost", 1, CORS_PORT_ANY },
    { "https://*.example.co.uk", CORS_ENTRY_PATTERN,
      "https://*.example.co.uk", "https", "example.co.uk", 1,
      CORS_PORT_DEFAULT },
    { "https://*.me.github.io", CORS_ENTRY_PATTERN,
      "https://*.me.github.io", "https", "me.github.io", 1,
      CORS_PORT_DEFAULT },
    /* IPv4 addresses as browsers write them, and host names whose last
     * label is not a number */
    { "http://127.0.0.1:*", CORS_ENTRY_PATTERN, "http://127.0.0.1:*",
      "http", "127.0.0.1", 0, CORS_PORT_ANY },
    { "http://10.0.0.1:8080", CORS_ENTRY_EXACT, "http://10.0.0.1:8080",
      "http", "10.0.0.1", 0, 8080 },
    { "wss://255.255.255.255", CORS_ENTRY_EXACT, "wss://255.255.255.255",
      "wss", "255.255.255.255", 0, CORS_PORT_DEFAULT },
    { "http://a.b1", CORS_ENTRY_EXACT, "http://a.b1", "http", "a.b1", 0,
      CORS_PORT_DEFAULT },
    { "http://a.0xg", CORS_ENTRY_EXACT, "http://a.0xg", "http", "a.0xg", 0,
      CORS_PORT_DEFAULT },
    { "http://[::1]", CORS_ENTRY_EXACT, "http://[::1]", "http", "[::1]", 0,
      CORS_PORT_DEFAULT },
    /* only http(s) and ws(s) hosts are read as IPv4 addresses */
    { "capacitor://127.1", CORS_ENTRY_EXACT, "capacitor://127.1",
      "capacitor", "127.1", 0, CORS_PORT_DEFAULT },
    { NULL, 0, NULL, NULL, NULL, 0, 0 }
};

static const cors_entry *entry_at(const cors_origin_list *list, int i)
{
    if (list == NULL || list->entries == NULL || i < 0
        || i >= list->entries->nelts) {
        return NULL;
    }
    return APR_ARRAY_IDX(list->entries, i, const cors_entry *);
}

/* One argument that must be accepted; its entries, or NULL. */
static cors_origin_list *add_ok(const char *arg, int flags,
                                apr_array_header_t *warnings)
{
    cors_origin_list *list = cors_origin_list_make(pool);
    const char *err = cors_origin_list_add(list, pool, arg, "test.conf:1",
                                           flags, warnings);

    if (!unit_is_str(err, NULL, "add '%s' is accepted", unit_esc(arg))) {
        return NULL;
    }
    return list;
}

/* One argument that must be accepted and make one entry: that entry (and
 * its list in *list), or NULL. */
static const cors_entry *add_one(const char *arg, cors_origin_list **list)
{
    *list = add_ok(arg, 0, NULL);
    if (*list == NULL
        || !unit_is_int((*list)->entries->nelts, 1, "add '%s': one entry",
                        arg)) {
        return NULL;
    }
    return entry_at(*list, 0);
}

static void test_entries(void)
{
    const entry_case *c;

    for (c = entry_cases; c->arg; c++) {
        cors_origin_list *list;
        const cors_entry *e = add_one(c->arg, &list);

        if (e == NULL) {
            continue;
        }
        unit_is_str(kind_name(e->kind), kind_name(c->kind), "add '%s': kind",
                    c->arg);
        unit_is_str(e->text, c->text, "add '%s': text", c->arg);
        unit_is_str(e->scheme, c->scheme, "add '%s': scheme", c->arg);
        unit_is_str(e->host, c->host, "add '%s': host", c->arg);
        unit_is_int(e->subdomains, c->subdomains, "add '%s': subdomains",
                    c->arg);
        unit_is_int(e->port, c->port, "add '%s': port", c->arg);
        unit_is_str(e->where, "test.conf:1", "add '%s': where", c->arg);
        if (c->kind == CORS_ENTRY_EXACT) {
            unit_ok(apr_hash_get(list->exact, c->text, APR_HASH_KEY_STRING)
                    == e, "add '%s': exact hash holds '%s'", c->arg,
                    c->text);
        }
        else {
            unit_ok(list->patterns->nelts == 1
                    && APR_ARRAY_IDX(list->patterns, 0, const cors_entry *)
                       == e, "add '%s': in patterns", c->arg);
        }
    }
}

typedef struct {
    const char *arg;
    const char *regex_host;
    int suffix;
} regex_case;

static const regex_case regex_cases[] = {
    { "~^https://myapp\\.com$", "myapp.com", 0 },
    { "~^https://[a-z]+\\.myapp\\.com$", "myapp.com", 1 },
    { "~^https://.*\\.myapp\\.com$", "myapp.com", 1 },
    { "~https://[a-z]+\\.myapp\\.com", "myapp.com", 1 },
    { "~^https://myapp\\.com:8443$", "myapp.com", 0 },
    { "~^https://[a-z]+\\.myapp\\.com:8443$", "myapp.com", 1 },
    { "~^https?://(www|app)\\.myapp\\.com$", "myapp.com", 1 },
    /* a comma inside a "~" entry belongs to the regex */
    { "~^https://[a-z]{1,8}\\.myapp\\.com$", "myapp.com", 1 },
    { "~^https://(a|b),?\\.myapp\\.com$", "myapp.com", 1 },
    { "~^http://[a-z]+\\.localhost$", "localhost", 1 },
    { NULL, NULL, 0 }
};

static void test_regex_entries(void)
{
    const regex_case *c;

    for (c = regex_cases; c->arg; c++) {
        cors_origin_list *list;
        const cors_entry *e = add_one(c->arg, &list);

        if (e == NULL) {
            continue;
        }
        unit_is_str(kind_name(e->kind), "REGEX", "add '%s': kind", c->arg);
        unit_ok(e->regex != NULL, "add '%s': compiled", c->arg);
        unit_is_str(e->regex_host, c->regex_host, "add '%s': literal host",
                    c->arg);
        unit_is_int(e->regex_host_is_suffix, c->suffix,
                    "add '%s': literal host is a parent domain", c->arg);
        unit_ok(list->regexes->nelts == 1
                && APR_ARRAY_IDX(list->regexes, 0, const cors_entry *) == e,
                "add '%s': in regexes", c->arg);
    }
}

static void test_special_entries(void)
{
    cors_origin_list *list;
    apr_array_header_t *warnings;
    const cors_entry *e;
    int i;

    list = add_ok("*", 0, NULL);
    if (list) {
        e = entry_at(list, 0);
        unit_ok(e != NULL && e->kind == CORS_ENTRY_ANY, "add '*': kind ANY");
        unit_ok(list->any != NULL && list->any == e, "add '*': list->any");
    }

    warnings = apr_array_make(pool, 2, sizeof(const char *));
    list = add_ok("null", 0, warnings);
    if (list) {
        e = entry_at(list, 0);
        unit_ok(e != NULL && e->kind == CORS_ENTRY_NULL,
                "add 'null': kind NULL");
        unit_ok(list->null_origin != NULL && list->null_origin == e,
                "add 'null': list->null_origin");
        unit_is_int(warnings->nelts, 1, "add 'null': one warning");
        if (warnings->nelts > 0) {
            unit_contains(APR_ARRAY_IDX(warnings, 0, const char *), "null",
                          "add 'null': the warning names null");
        }
    }

    list = add_ok("@frontend", 0, NULL);
    if (list) {
        e = entry_at(list, 0);
        unit_ok(e != NULL && e->kind == CORS_ENTRY_SET,
                "add '@frontend': kind SET");
        unit_is_str(e ? e->set_name : NULL, "frontend",
                    "add '@frontend': set name");
        unit_ok(list->sets->nelts == 1
                && APR_ARRAY_IDX(list->sets, 0, const cors_entry *) == e,
                "add '@frontend': in sets");
    }

    /* A legal exact entry produces no warning. */
    warnings = apr_array_make(pool, 2, sizeof(const char *));
    list = add_ok("https://myapp.com", 0, warnings);
    unit_is_int(warnings->nelts, 0, "add 'https://myapp.com': no warning");

    /* CORSOriginSet takes exact entries, patterns, regexes and null. */
    list = add_ok("https://myapp.com,https://*.myapp.com,"
                  "~^https://[a-z]+\\.myapp\\.com$", CORS_ENTRY_IN_SET, NULL);
    if (list) {
        unit_is_int(list->entries->nelts, 3, "CORSOriginSet: three entries");
    }

    /* Several entries in one argument, as ${ALLOWED_ORIGINS} gives them. */
    list = add_ok("http://localhost:3000,http://localhost:5173", 0, NULL);
    if (list && unit_is_int(list->entries->nelts, 2,
                            "two comma-separated entries")) {
        unit_is_str(entry_at(list, 0)->text, "http://localhost:3000",
                    "first of two entries");
        unit_is_str(entry_at(list, 1)->text, "http://localhost:5173",
                    "second of two entries");
        unit_is_int(apr_hash_count(list->exact), 2,
                    "two entries in the exact hash");
    }

    list = add_ok("HTTPS://A.COM,https://*.b.com,http://localhost:*,null",
                  0, NULL);
    if (list && unit_is_int(list->entries->nelts, 4,
                            "four comma-separated entries")) {
        static const char *const want[] = {
            "https://a.com", "https://*.b.com", "http://localhost:*"
        };

        for (i = 0; i < 3; i++) {
            unit_is_str(entry_at(list, i)->text, want[i],
                        "entry %d of four", i + 1);
        }
        unit_ok(entry_at(list, 3)->kind == CORS_ENTRY_NULL,
                "entry 4 of four is null");
    }

    /* A "~" entry runs to the end of the argument, commas included. */
    list = add_ok("https://a.com,~^https://[a-z]{1,3}\\.myapp\\.com$", 0,
                  NULL);
    if (list && unit_is_int(list->entries->nelts, 2,
                            "exact entry, then a regex with a comma")) {
        unit_is_str(entry_at(list, 0)->text, "https://a.com",
                    "entry before the regex");
        unit_is_str(kind_name(entry_at(list, 1)->kind), "REGEX",
                    "the regex with a comma is one entry");
        unit_is_str(entry_at(list, 1)->regex_host, "myapp.com",
                    "the regex with a comma: literal host");
    }

    /* Several arguments (several directive lines) add up. */
    list = cors_origin_list_make(pool);
    unit_is_str(cors_origin_list_add(list, pool, "https://a.com", "t:1", 0,
                                     NULL), NULL, "add up: first line");
    unit_is_str(cors_origin_list_add(list, pool, "https://*.b.com", "t:2", 0,
                                     NULL), NULL, "add up: second line");
    unit_is_str(cors_origin_list_add(list, pool, "~^https://c\\.com$", "t:3",
                                     0, NULL), NULL, "add up: third line");
    unit_is_int(list->entries->nelts, 3, "add up: three entries");
    unit_is_str(entry_at(list, 1) ? entry_at(list, 1)->where : NULL, "t:2",
                "add up: second entry knows its line");
}

/* ---- cors_origin_list_add: refusals ---------------------------------- */

/*
 * Every needle must occur in the message (ignoring case).  A needle that
 * starts with '+' must occur once the value itself (with and without its
 * "~") is taken out of the message: it is the fix, not an echo.
 */
typedef struct {
    const char *arg;
    int flags;
    const char *needles[3];
} refusal_case;

static const refusal_case refusal_cases[] = {
    /* path, trailing slash, query, fragment, userinfo */
    { "https://myapp.com/", 0,
      { "https://myapp.com/", "+did you mean", "+https://myapp.com" } },
    { "https://myapp.com/api", 0,
      { "https://myapp.com/api", "+https://myapp.com" } },
    { "http://localhost:3000/", 0,
      { "http://localhost:3000/", "+http://localhost:3000" } },
    { "https://myapp.com?x=1", 0,
      { "https://myapp.com?x=1", "+https://myapp.com" } },
    { "https://myapp.com#top", 0,
      { "https://myapp.com#top", "+https://myapp.com" } },
    { "https://user@myapp.com", 0,
      { "https://user@myapp.com", "+https://myapp.com" } },
    { "https://user:pw@myapp.com", 0,
      { "https://user:pw@myapp.com", "+https://myapp.com" } },
    /* no scheme, no host, bad port */
    { "myapp.com", 0, { "myapp.com", "+://" } },
    { "https:/myapp.com", 0, { "https:/myapp.com" } },
    { "https://", 0, { "https://" } },
    { "https://myapp.com:65536", 0, { "https://myapp.com:65536" } },
    { "https://myapp.com:443443", 0, { "https://myapp.com:443443" } },
    { "https://myapp.com:x", 0, { "https://myapp.com:x" } },
    { "https://my app.com", 0, { "https://my app.com" } },
    /* "*" anywhere but a leading label or the port */
    { "https://a*.x.com", 0, { "https://a*.x.com", "+*" } },
    { "https://*.*.x.com", 0, { "https://*.*.x.com", "+*" } },
    { "https://x.*.com", 0, { "https://x.*.com", "+*" } },
    { "https://my*app.com", 0, { "https://my*app.com", "+*" } },
    { "https://*myapp.com", 0, { "https://*myapp.com", "+*" } },
    { "https://*", 0, { "https://*" } },
    { "*://myapp.com", 0, { "*://myapp.com" } },
    { "*.myapp.com", 0, { "*.myapp.com" } },
    { "https://myapp.com:8*", 0, { "https://myapp.com:8*" } },
    { "https://*.myapp.com:*0", 0, { "https://*.myapp.com:*0" } },
    /* a variable httpd left unresolved */
    { "${ALLOWED_ORIGINS}", 0, { "${ALLOWED_ORIGINS}", "+define" } },
    { "https://${APP_HOST}", 0, { "${APP_HOST}", "+define" } },
    { "@${APP_ENV}", 0, { "${APP_ENV}", "+define" } },
    /* no host: browsers send null */
    { "file://", 0, { "file://", "+null" } },
    { "file:///home/me/app.html", 0,
      { "file:///home/me/app.html", "+null" } },
    /* wildcards over a public suffix */
    { "https://*.com", 0, { "https://*.com", "+suffix" } },
    { "https://*.co.uk", 0, { "https://*.co.uk", "+suffix" } },
    { "https://*.github.io", 0, { "https://*.github.io", "+suffix" } },
    { "https://*.test", 0, { "https://*.test", "+suffix" } },
    { "https://*.internal", 0, { "https://*.internal", "+suffix" } },
    { "https://*.com:*", 0, { "https://*.com:*", "+suffix" } },
    /* a host that ends in a number: browsers send it as a dotted quad,
     * or refuse the URL when it is no IPv4 address */
    { "http://127.1", 0, { "http://127.1", "+http://127.0.0.1",
                           "+browsers send" } },
    { "http://0x7f000001", 0, { "http://0x7f000001", "+http://127.0.0.1" } },
    { "http://0x7F.0.0.1", 0, { "http://0x7F.0.0.1", "+http://127.0.0.1" } },
    { "http://127.000.0.1", 0,
      { "http://127.000.0.1", "+http://127.0.0.1" } },
    { "http://2130706433:3000", 0,
      { "http://2130706433:3000", "+http://127.0.0.1:3000" } },
    { "https://010.0.0.1:443", 0,
      { "https://010.0.0.1:443", "+https://8.0.0.1" } },
    { "ws://1.256", 0, { "ws://1.256", "+ws://1.0.1.0" } },
    { "http://127.1:*", 0, { "http://127.1:*", "+http://127.0.0.1:*" } },
    { "http://256.1.1.1", 0, { "http://256.1.1.1", "+four numbers" } },
    { "http://1.2.3.4.5", 0, { "http://1.2.3.4.5", "+four numbers" } },
    { "http://4294967296", 0, { "http://4294967296", "+four numbers" } },
    { "http://09.1.1.1", 0, { "http://09.1.1.1", "+four numbers" } },
    { "http://app.1", 0, { "http://app.1", "+four numbers" } },
    { "http://app.0x1:*", 0, { "http://app.0x1:*", "+four numbers" } },
    { "https://*.127.0.0.1", 0, { "https://*.127.0.0.1", "+IP address" } },
    { "https://*.app.1", 0, { "https://*.app.1", "+IP address" } },
    { "https://*.app.0x1:*", 0, { "https://*.app.0x1:*", "+IP address" } },
    /* regexes */
    { "~^https://(\\.myapp\\.com$", 0, { "^https://(\\.myapp\\.com$" } },
    { "~^null$|^https://myapp\\.com$", 0, { "+null" } },
    { "~.*|^https://myapp\\.com$", 0, { "+null" } },
    { "~^https://.*\\.myapp.com$", 0, { "^https://.*\\.myapp.com$" } },
    { "~^https://.*.myapp\\.com$", 0, { "^https://.*.myapp\\.com$" } },
    { "~^https://(.*\\.)?myapp\\.com$", 0,
      { "https://myapp.com", "https://*.myapp.com" } },
    { "~^https://(www\\.)?myapp\\.com$", 0,
      { "^https://(www\\.)?myapp\\.com$" } },
    { "~^https://[a-z]*myapp\\.com$", 0,
      { "^https://[a-z]*myapp\\.com$" } },
    { "~^https://.*\\.com$", 0, { "^https://.*\\.com$", "+suffix" } },
    { "~^https://.*\\.co\\.uk$", 0, { "^https://.*\\.co\\.uk$", "+suffix" } },
    { "~^https://.*\\.github\\.io$", 0,
      { "^https://.*\\.github\\.io$", "+suffix" } },
    { "~^https://.*$", 0, { "^https://.*$" } },
    { "~^https://myapp\\.com(:8443)?$", 0,
      { "^https://myapp\\.com(:8443)?$" } },
    { "~^https://myapp\\.com|evil", 0, { "^https://myapp\\.com|evil" } },
    { "~", 0, { "~" } },
    /* malformed IPv6, set names */
    { "http://[::1", 0, { "http://[::1" } },
    { "http://[::1]x", 0, { "http://[::1]x" } },
    { "@", 0, { "@" } },
    { "@front end", 0, { "@front end" } },
    /* a bad entry among good ones is named */
    { "https://ok.com,https://bad.com/", 0, { "https://bad.com/" } },
    { "https://ok.com,https://*.com", 0, { "https://*.com" } },
    /* CORSOriginSet: no "*" and no "@name" */
    { "*", CORS_ENTRY_IN_SET, { "*" } },
    { "@other", CORS_ENTRY_IN_SET, { "@other" } },
    { "https://a.com,@other", CORS_ENTRY_IN_SET, { "@other" } },
    { NULL, 0, { NULL } }
};

/* msg with every occurrence of what taken out. */
static char *strip(char *msg, const char *what)
{
    apr_size_t n = strlen(what);
    char *at;

    if (n == 0) {
        return msg;
    }
    while ((at = strstr(msg, what)) != NULL) {
        memmove(at, at + n, strlen(at + n) + 1);
    }
    return msg;
}

static void test_refusals(void)
{
    const refusal_case *c;

    for (c = refusal_cases; c->arg; c++) {
        cors_origin_list *list = cors_origin_list_make(pool);
        const char *err = cors_origin_list_add(list, pool, c->arg,
                                               "test.conf:1", c->flags,
                                               NULL);
        int i;

        if (!unit_ok(err != NULL, "add '%s'%s is refused", c->arg,
                     c->flags & CORS_ENTRY_IN_SET ? " (in a set)" : "")) {
            continue;
        }
        for (i = 0; i < 3 && c->needles[i]; i++) {
            const char *needle = c->needles[i];
            const char *msg = err;

            if (needle[0] == '+') {
                char *m = apr_pstrdup(pool, err);

                needle++;
                strip(m, c->arg);
                if (c->arg[0] == '~') {
                    strip(m, c->arg + 1);
                }
                msg = m;
            }
            if (!unit_contains(msg, needle, "add '%s': message %s '%s'",
                               c->arg, c->needles[i][0] == '+' ? "adds"
                               : "names", needle) && msg != err) {
                unit_diag("  (the value taken out of: '%s')", unit_esc(err));
            }
        }
    }
}

/* Reserved names (RFC 2606, RFC 6761) are public suffixes that nobody can
 * register: the refusal must not say that anyone can. */
static void test_suffix_wording(void)
{
    static const char *const args[] = {
        "https://*.test", "https://*.example", "https://*.invalid",
        "https://*.com", "~^https://[a-z]+\\.test$", NULL
    };
    int i;

    for (i = 0; args[i]; i++) {
        cors_origin_list *list = cors_origin_list_make(pool);
        const char *err = cors_origin_list_add(list, pool, args[i],
                                               "test.conf:1", 0, NULL);

        if (unit_contains(err, "public suffix", "add '%s': refused as a "
                          "public suffix", args[i])) {
            unit_ok(strstr(err, "register") == NULL, "add '%s': the message "
                    "does not say its names can be registered", args[i]);
        }
    }
}

/* ---- cors_origin_match ----------------------------------------------- */

typedef struct {
    const char *origin;
    int want;                   /* index of the matching entry, or -1 */
    int malformed;
} match_case;

typedef struct {
    const char *const *entries;
    const match_case *cases;
} match_group;

static const char *const l_exact[] = {
    "https://myapp.com", "http://localhost:3000", "capacitor://localhost",
    "http://[::1]:8080", NULL
};
static const match_case m_exact[] = {
    { "https://myapp.com", 0, 0 },
    { "http://localhost:3000", 1, 0 },
    { "capacitor://localhost", 2, 0 },
    { "http://[::1]:8080", 3, 0 },
    { "http://myapp.com", -1, 0 },
    { "https://myapp.com:8443", -1, 0 },
    { "https://myapp.com:443", -1, 0 },
    { "https://www.myapp.com", -1, 0 },
    { "https://myapp.co", -1, 0 },
    { "https://myapp.com.evil.com", -1, 0 },
    { "http://localhost", -1, 0 },
    { "http://localhost:3001", -1, 0 },
    { "https://localhost:3000", -1, 0 },
    { "ionic://localhost", -1, 0 },
    { "HTTPS://MYAPP.COM", -1, -1 },
    { "https://MyApp.com", -1, -1 },
    { "https://myapp.com/", -1, 1 },
    { "https://myapp.com/api", -1, 1 },
    { "https://myapp.com ", -1, 1 },
    { "https://myapp.com, https://myapp.com", -1, 1 },
    { "https://user@myapp.com", -1, 1 },
    { "https://myapp.com\r\n", -1, 1 },
    { "", -1, 1 },
    { "null", -1, 0 },
    { NULL, 0, 0 }
};

static const char *const l_sub[] = { "https://*.myapp.com", NULL };
static const match_case m_sub[] = {
    { "https://a.myapp.com", 0, 0 },
    { "https://a.b.myapp.com", 0, 0 },
    { "https://x-1.myapp.com", 0, 0 },
    { "https://myapp.com", -1, 0 },
    { "http://a.myapp.com", -1, 0 },
    { "https://a.myapp.com:8443", -1, 0 },
    { "https://a.myapp.com:443", -1, 0 },
    { "https://myapp.com.evil.com", -1, 0 },
    { "https://a.myapp.com.evil.com", -1, 0 },
    { "https://evilmyapp.com", -1, 0 },
    { "https://a.evilmyapp.com", -1, 0 },
    { "https://a.myapp.co", -1, 0 },
    { "https://.myapp.com", -1, -1 },
    { "https://..myapp.com", -1, -1 },
    { "https://A.MYAPP.COM", -1, -1 },
    { "https://a.myapp.com/", -1, 1 },
    { "https://evil.com/.myapp.com", -1, 1 },
    { "https://evil.com?.myapp.com", -1, 1 },
    { "https://evil.com#.myapp.com", -1, 1 },
    { "https://evil.com@a.myapp.com", -1, 1 },
    { NULL, 0, 0 }
};

static const char *const l_port[] = { "http://localhost:*", NULL };
static const match_case m_port[] = {
    { "http://localhost", 0, 0 },
    { "http://localhost:3000", 0, 0 },
    { "http://localhost:80", 0, 0 },
    { "http://localhost:65535", 0, 0 },
    { "https://localhost", -1, 0 },
    { "https://localhost:3000", -1, 0 },
    { "http://localhost.evil.com", -1, 0 },
    { "http://localhost.evil.com:3000", -1, 0 },
    { "http://a.localhost:3000", -1, 0 },
    { "http://127.0.0.1:3000", -1, 0 },
    { "http://localhost:3000/", -1, 1 },
    { NULL, 0, 0 }
};

static const char *const l_both[] = { "https://*.myapp.test:*", NULL };
static const match_case m_both[] = {
    { "https://a.myapp.test", 0, 0 },
    { "https://a.myapp.test:8443", 0, 0 },
    { "https://a.b.myapp.test:3000", 0, 0 },
    { "https://myapp.test:8443", -1, 0 },
    { "https://myapp.test", -1, 0 },
    { "http://a.myapp.test:8443", -1, 0 },
    { "https://a.myapp.test.evil.com:8443", -1, 0 },
    { "https://evilmyapp.test:8443", -1, 0 },
    { NULL, 0, 0 }
};

static const char *const l_subport[] = { "https://*.myapp.com:8443", NULL };
static const match_case m_subport[] = {
    { "https://a.myapp.com:8443", 0, 0 },
    { "https://a.myapp.com", -1, 0 },
    { "https://a.myapp.com:9443", -1, 0 },
    { "https://myapp.com:8443", -1, 0 },
    { NULL, 0, 0 }
};

static const char *const l_regex[] = {
    "~https://[a-z]+\\.myapp\\.com", NULL
};
static const match_case m_regex[] = {
    { "https://a.myapp.com", 0, 0 },
    { "https://abc.myapp.com", 0, 0 },
    { "https://a.myapp.com.evil.com", -1, 0 },
    { "xhttps://a.myapp.com", -1, 0 },
    { "http://a.myapp.com", -1, 0 },
    { "https://a.myapp.com:8443", -1, 0 },
    { "https://1.myapp.com", -1, 0 },
    { "https://a.b.myapp.com", -1, 0 },
    { "https://myapp.com", -1, 0 },
    { "https://a.myapp.com/", -1, 1 },
    { NULL, 0, 0 }
};

static const char *const l_regex_any[] = {
    "~^https://.*\\.myapp\\.com$", NULL
};
static const match_case m_regex_any[] = {
    { "https://a.myapp.com", 0, 0 },
    { "https://a.b.myapp.com", 0, 0 },
    { "https://evil.com/.myapp.com", -1, 1 },
    { "https://evil.com?.myapp.com", -1, 1 },
    { "https://evil.com#.myapp.com", -1, 1 },
    { "https://evil.com@a.myapp.com", -1, 1 },
    { "https://evil.com .myapp.com", -1, 1 },
    { "https://evil.com\r\n.myapp.com", -1, 1 },
    { "https://evil.com,https://a.myapp.com", -1, 1 },
    { NULL, 0, 0 }
};

/* The pattern itself lets evil.com through; the literal host does not. */
static const char *const l_regex_alt[] = {
    "~^https://evil\\.com$|^https://[a-z]+\\.myapp\\.com$", NULL
};
static const match_case m_regex_alt[] = {
    { "https://a.myapp.com", 0, 0 },
    { "https://evil.com", -1, 0 },
    { NULL, 0, 0 }
};

static const char *const l_regex_alt2[] = {
    "~^https://evil\\.com$|^https://myapp\\.com$", NULL
};
static const match_case m_regex_alt2[] = {
    { "https://myapp.com", 0, 0 },
    { "https://evil.com", -1, 0 },
    { "https://a.myapp.com", -1, 0 },
    { NULL, 0, 0 }
};

static const char *const l_regex_accept[] = {
    "~^https://(?:evil\\.com(*ACCEPT)|myapp\\.com\\.evil\\.com(*ACCEPT))?"
    "[a-z]+\\.myapp\\.com$", NULL
};
static const match_case m_regex_accept[] = {
    { "https://a.myapp.com", 0, 0 },
    { "https://evil.com", -1, 0 },
    { "https://myapp.com.evil.com", -1, 0 },
    { NULL, 0, 0 }
};

/* The literal host may sit in a comment: it still binds the match. */
static const char *const l_regex_comment[] = {
    "~(?x)^https://evil\\.com$#\\.myapp\\.com", NULL
};
static const match_case m_regex_comment[] = {
    { "https://evil.com", -1, 0 },
    { "https://a.myapp.com", -1, 0 },
    { NULL, 0, 0 }
};

static const char *const l_regex_port[] = {
    "~^https://[a-z]+\\.myapp\\.com:8443$", "~^https://myapp\\.com$", NULL
};
static const match_case m_regex_port[] = {
    { "https://a.myapp.com:8443", 0, 0 },
    { "https://a.myapp.com", -1, 0 },
    { "https://myapp.com", 1, 0 },
    { "https://myapp.com:8443", -1, 0 },
    { "https://a.myapp.com:8443.evil.com", -1, -1 },
    { NULL, 0, 0 }
};

static const char *const l_null[] = { "https://myapp.com", "null", NULL };
static const match_case m_null[] = {
    { "null", 1, 0 },
    { "https://myapp.com", 0, 0 },
    { "Null", -1, 1 },
    { "null ", -1, 1 },
    { NULL, 0, 0 }
};

/* "*" is the caller's business: cors_origin_match never consults it. */
static const char *const l_any[] = { "*", NULL };
static const match_case m_any[] = {
    { "https://myapp.com", -1, 0 },
    { "null", -1, 0 },
    { "https://myapp.com/", -1, 1 },
    { NULL, 0, 0 }
};

static const match_group match_groups[] = {
    { l_exact, m_exact },
    { l_sub, m_sub },
    { l_port, m_port },
    { l_both, m_both },
    { l_subport, m_subport },
    { l_regex, m_regex },
    { l_regex_any, m_regex_any },
    { l_regex_alt, m_regex_alt },
    { l_regex_alt2, m_regex_alt2 },
    { l_regex_accept, m_regex_accept },
    { l_regex_comment, m_regex_comment },
    { l_regex_port, m_regex_port },
    { l_null, m_null },
    { l_any, m_any },
    { NULL, NULL }
};

/* A list from several arguments, or NULL (reported) when one is refused. */
static cors_origin_list *make_list(const char *const *args)
{
    cors_origin_list *list = cors_origin_list_make(pool);
    int i;

    for (i = 0; args[i]; i++) {
        const char *err = cors_origin_list_add(list, pool, args[i], "t:1",
                                               0, NULL);

        if (err) {
            unit_ok(0, "setup: add '%s'", args[i]);
            unit_diag("  refused: %s", unit_esc(err));
            return NULL;
        }
    }
    return list;
}

static void check_match(const cors_origin_list *list, const char *listname,
                        const char *origin, apr_size_t len,
                        const cors_entry *want, int want_malformed)
{
    int malformed = 0;
    const char *unknown = NULL;
    const cors_entry *got;
    const char *shown = unit_escn(origin, len > 80 ? 80 : len);

    got = cors_origin_match(list, origin, len, NULL, NULL, &malformed,
                            &unknown);
    if (!unit_ok(got == want, "[%s] '%s' %s", listname, shown,
                 want ? "matches" : "matches nothing")) {
        unit_diag("  expected: %s", want ? unit_esc(want->text) : "NULL");
        unit_diag("       got: %s", got ? unit_esc(got->text) : "NULL");
    }
    if (want_malformed >= 0) {
        unit_is_int(malformed, want_malformed, "[%s] '%s' malformed = %d",
                    listname, shown, want_malformed);
    }
}

static void test_match(void)
{
    const match_group *g;
    const char *s;
    cors_origin_list *list;

    for (g = match_groups; g->entries; g++) {
        const char *listname = g->entries[1]
                               ? apr_pstrcat(pool, g->entries[0], " ...",
                                             NULL)
                               : g->entries[0];
        const match_case *c;

        list = make_list(g->entries);
        if (list == NULL) {
            continue;
        }
        for (c = g->cases; c->origin; c++) {
            check_match(list, listname, c->origin, strlen(c->origin),
                        c->want >= 0 ? entry_at(list, c->want) : NULL,
                        c->malformed);
        }
    }

    /* NUL inside, bounded by len */
    list = make_list(l_exact);
    if (list) {
        check_match(list, "exact", "https://myapp.com\0.evil.com", 26, NULL,
                    1);
        check_match(list, "exact", "https://myapp.com/x", 17,
                    entry_at(list, 0), 0);
    }

    /* the length limit */
    list = make_list(l_sub);
    if (list) {
        s = long_origin(253);
        check_match(list, "https://*.myapp.com", s, strlen(s),
                    entry_at(list, 0), 0);
        s = long_origin(254);
        check_match(list, "https://*.myapp.com", s, strlen(s), NULL, 1);
    }
    list = make_list(l_regex_any);
    if (list) {
        s = long_origin(CORS_ORIGIN_MAX + 1);
        check_match(list, l_regex_any[0], s, strlen(s), NULL, 1);
    }
}

/* ---- "@name" ---------------------------------------------------------- */

typedef struct {
    const char *name;
    const cors_origin_list *list;
    int calls;
    int bad_ctx;
} lookup_ctx;

static lookup_ctx *the_ctx;

static const cors_origin_list *lookup(void *ctx, const char *name)
{
    lookup_ctx *l = ctx;

    if (l != the_ctx) {
        the_ctx->bad_ctx = 1;
        return NULL;
    }
    l->calls++;
    return strcmp(name, l->name) == 0 ? l->list : NULL;
}

static void check_set_match(const cors_origin_list *list, const char *what,
                            const char *origin, lookup_ctx *ctx,
                            const char *want_text, const char *want_unknown)
{
    int malformed = 0;
    const char *unknown = NULL;
    const cors_entry *got;

    got = cors_origin_match(list, origin, strlen(origin), lookup, ctx,
                            &malformed, &unknown);
    unit_is_str(got ? got->text : NULL, want_text, "[%s] '%s' %s", what,
                origin, want_text ? "matches" : "matches nothing");
    unit_is_str(unknown, want_unknown, "[%s] '%s': unknown set %s", what,
                origin, want_unknown ? want_unknown : "none");
}

static void test_sets(void)
{
    static const char *const frontend[] = {
        "http://localhost:3000", "https://*.myapp.com",
        "~^https://[a-z]+\\.myapp\\.dev$", NULL
    };
    static const char *const main_list[] = {
        "https://api.example.com", "@frontend", NULL
    };
    static const char *const missing_list[] = { "@missing", NULL };
    static const char *const both_list[] = {
        "@missing", "@frontend", NULL
    };
    lookup_ctx ctx;
    cors_origin_list *list;

    memset(&ctx, 0, sizeof(ctx));
    the_ctx = &ctx;
    ctx.name = "frontend";
    ctx.list = make_list(frontend);
    if (ctx.list == NULL) {
        return;
    }

    list = make_list(main_list);
    if (list) {
        check_set_match(list, "@frontend", "http://localhost:3000", &ctx,
                        "http://localhost:3000", NULL);
        check_set_match(list, "@frontend", "https://a.myapp.com", &ctx,
                        "https://*.myapp.com", NULL);
        check_set_match(list, "@frontend", "https://api.example.com", &ctx,
                        "https://api.example.com", NULL);
        check_set_match(list, "@frontend", "http://localhost:5173", &ctx,
                        NULL, NULL);
        check_set_match(list, "@frontend", "https://myapp.com", &ctx,
                        NULL, NULL);
        unit_ok(ctx.calls > 0, "@frontend: lookup called");
        unit_ok(!ctx.bad_ctx, "@frontend: lookup gets the caller's ctx");
    }

    list = make_list(main_list);
    if (list) {
        int malformed = 0;
        const cors_entry *e;

        e = cors_origin_match(list, "https://a.myapp.dev", 19, lookup, &ctx,
                              &malformed, NULL);
        unit_ok(e != NULL && e->kind == CORS_ENTRY_REGEX,
                "[@frontend] regex inside the set matches");
        e = cors_origin_match(list, "https://a.myapp.com/", 20, lookup, &ctx,
                              &malformed, NULL);
        unit_ok(e == NULL && malformed == 1,
                "[@frontend] malformed origin: no match, malformed set");
    }

    list = make_list(missing_list);
    if (list) {
        check_set_match(list, "@missing", "https://myapp.com", &ctx, NULL,
                        "missing");
        check_set_match(list, "@missing", "http://localhost:3000", &ctx,
                        NULL, "missing");
    }

    /* An unknown set does not hide the sets after it. */
    list = make_list(both_list);
    if (list) {
        const cors_entry *e;
        int malformed = 0;

        e = cors_origin_match(list, "http://localhost:3000", 21, lookup,
                              &ctx, &malformed, NULL);
        unit_is_str(e ? e->text : NULL, "http://localhost:3000",
                    "[@missing @frontend] 'http://localhost:3000' matches");
    }
}

/* ---- entries longer than an Origin may be ---------------------------- */

/*
 * An exact entry is found by its text before the Origin is parsed, so an
 * entry longer than a well-formed Origin may be (a host over 253 bytes,
 * more than CORS_ORIGIN_MAX in all) matched such an Origin directly, yet
 * never through a set.  Found by fuzz/fuzz_origin_entry: such entries are
 * refused, and the longest that are accepted match both ways.
 */
static void check_pattern_entry(const char *what, const char *arg,
                                const char *origin, const char *needle);

/* A long exact entry: as check_pattern_entry with its own text as the
 * Origin, and, when accepted, matched through "@long" too. */
static void check_long_entry(const char *what, const char *arg,
                             const char *needle)
{
    static const char *const by_set[] = { "@long", NULL };
    cors_origin_list *list = cors_origin_list_make(pool), *ref;
    lookup_ctx ctx;

    check_pattern_entry(what, arg, arg, needle);
    if (needle || cors_origin_list_add(list, pool, arg, "t:1", 0, NULL)) {
        return;
    }
    memset(&ctx, 0, sizeof(ctx));
    the_ctx = &ctx;
    ctx.name = "long";
    ctx.list = list;
    ref = make_list(by_set);
    if (ref) {
        check_set_match(ref, what, arg, &ctx, entry_at(list, 0)->text, NULL);
    }
}

/* host with every '.' written "\\." for a regular expression. */
static const char *regex_escaped(const char *host)
{
    char *out = apr_palloc(pool, 2 * strlen(host) + 1), *o = out;

    for (; *host; host++) {
        if (*host == '.') {
            *o++ = '\\';
        }
        *o++ = *host;
    }
    *o = '\0';
    return out;
}

/* A pattern or regex entry arg: refused with a message containing needle,
 * or (needle NULL) accepted and matching origin. */
static void check_pattern_entry(const char *what, const char *arg,
                                const char *origin, const char *needle)
{
    cors_origin_list *list = cors_origin_list_make(pool);
    const char *err = cors_origin_list_add(list, pool, arg, "t:1", 0, NULL);
    int malformed = -1;

    if (needle) {
        if (unit_ok(err != NULL, "%s is refused", what)) {
            unit_contains(err, needle, "%s: the message says why", what);
            unit_ok(strlen(err) < 400, "%s: the message is short (%lu)",
                    what, (unsigned long)strlen(err));
        }
        return;
    }
    if (unit_is_str(err, NULL, "%s is accepted", what)) {
        unit_ok(cors_origin_match(list, origin, strlen(origin), NULL, NULL,
                                  &malformed, NULL) != NULL
                && malformed == 0, "%s: matches the longest Origin", what);
    }
}

static void test_long_entries(void)
{
    const char *s;

    check_long_entry("a host of 253 bytes", long_origin(253), NULL);
    check_long_entry("a host of 254 bytes", long_origin(254), "253");
    s = long_origin(254);
    check_long_entry("a pattern over a host of 254 bytes",
                     apr_pstrcat(pool, "https://*.", s + 8, NULL), "253");
    check_long_entry("an origin of CORS_ORIGIN_MAX bytes",
                     long_scheme_origin(CORS_ORIGIN_MAX), NULL);
    check_long_entry("an origin of CORS_ORIGIN_MAX + 1 bytes",
                     long_scheme_origin(CORS_ORIGIN_MAX + 1), "2048");

    /* A subdomain needs "x." in front of its parent: 251 bytes at most. */
    s = long_origin(251) + 8;
    check_pattern_entry("a pattern over a parent of 251 bytes",
                        apr_pstrcat(pool, "https://*.", s, NULL),
                        apr_pstrcat(pool, "https://a.", s, NULL), NULL);
    check_pattern_entry("a pattern over a parent of 252 bytes",
                        apr_pstrcat(pool, "https://*.", long_origin(252) + 8,
                                    NULL), NULL, "251");
    check_pattern_entry("a regex over a parent of 251 bytes",
                        apr_pstrcat(pool, "~^https://[a-z]+\\.",
                                    regex_escaped(s), "$", NULL),
                        apr_pstrcat(pool, "https://a.", s, NULL), NULL);
    check_pattern_entry("a regex over a parent of 252 bytes",
                        apr_pstrcat(pool, "~^https://[a-z]+\\.",
                                    regex_escaped(long_origin(252) + 8), "$",
                                    NULL), NULL, "251");
    check_pattern_entry("a regex over a host of 254 bytes",
                        apr_pstrcat(pool, "~^https://",
                                    regex_escaped(long_origin(254) + 8), "$",
                                    NULL), NULL, "253");
    /* ":*" also matches the Origin without a port. */
    s = long_scheme_origin(CORS_ORIGIN_MAX);
    check_pattern_entry("a ':*' entry whose Origins without a port have "
                        "CORS_ORIGIN_MAX bytes",
                        apr_pstrcat(pool, s, ":*", NULL), s, NULL);
    check_pattern_entry("a ':*' entry one byte longer",
                        apr_pstrcat(pool, long_scheme_origin(
                                        CORS_ORIGIN_MAX + 1), ":*", NULL),
                        NULL, "2048");
}

/* ---- cors_entry_is_loopback ------------------------------------------ */

static void test_loopback(void)
{
    static const struct {
        const char *arg;
        int want;
    } cases[] = {
        { "http://localhost", 1 },
        { "http://localhost:3000", 1 },
        { "http://127.0.0.1", 1 },
        { "http://127.0.0.1:8080", 1 },
        { "http://[::1]", 1 },
        { "http://[::1]:8080", 1 },
        { "http://localhost:*", 1 },
        { "http://*.localhost", 1 },
        { "http://*.localhost:*", 1 },
        { "https://localhost:3000", 1 },
        { "https://myapp.com", 0 },
        { "http://myapp.com", 0 },
        { "http://localhost.evil.com", 0 },
        { "http://localhost.evil.com:3000", 0 },
        { "http://*.myapp.com", 0 },
        { "http://127.0.0.1.evil.com", 0 },
        { "http://10.0.0.1", 0 },
        { "http://[::2]", 0 },
        { "http://evil-localhost", 0 },
        { "~^http://[a-z]+\\.myapp\\.com$", 0 },
        { "null", 0 },
        { "*", 0 },
        { "@frontend", 0 },
        { NULL, 0 }
    };
    int i;

    for (i = 0; cases[i].arg; i++) {
        const char *const args[] = { cases[i].arg, NULL };
        cors_origin_list *list = make_list(args);

        if (list == NULL) {
            continue;
        }
        unit_is_int(cors_entry_is_loopback(entry_at(list, 0)), cases[i].want,
                    "loopback '%s' -> %d", cases[i].arg, cases[i].want);
    }
}

/* ---- many patterns: found by their host, not by a walk --------------- */

static void test_many_patterns(void)
{
    cors_origin_list *list = cors_origin_list_make(pool);
    const cors_entry *e;
    int i, malformed;
    static const struct {
        const char *origin;
        const char *text;   /* the entry that allows it, or NULL */
    } cases[] = {
        { "https://a.d500.example.com", "https://*.d500.example.com" },
        { "https://x.y.d999.example.com", "https://*.d999.example.com" },
        { "https://d500.example.com", NULL },
        { "http://a.d500.example.com", NULL },
        { "https://a.d500.example.com:444", NULL },
        { "https://a.d1000.example.com", NULL },
        { "http://localhost:5173", "http://localhost:*" },
        { "http://app.localhost:5173", NULL },
        { "https://a.d7.example.com.evil.com", NULL },
    };

    for (i = 1; i <= 999; i++) {
        const char *arg = apr_psprintf(pool, "https://*.d%d.example.com", i);

        if (cors_origin_list_add(list, pool, arg, "test.conf:1", 0, NULL)) {
            unit_ok(0, "add '%s'", arg);
            return;
        }
    }
    if (cors_origin_list_add(list, pool, "http://localhost:*", "test.conf:2",
                             0, NULL)) {
        unit_ok(0, "add 'http://localhost:*'");
        return;
    }
    for (i = 0; i < (int)(sizeof(cases) / sizeof(*cases)); i++) {
        e = cors_origin_match(list, cases[i].origin, strlen(cases[i].origin),
                              NULL, NULL, &malformed, NULL);
        unit_is_str(e ? e->text : NULL, cases[i].text,
                    "1000 patterns: '%s'", cases[i].origin);
    }
}

/* ---- near misses ------------------------------------------------------ */

static void test_near_miss(void)
{
    static const char *const entries[] = {
        "https://app.example.com", "http://localhost:3000",
        "https://www.shop.example.com", "https://*.example.org",
        "~^https://[a-z]+\\.example\\.dev$", "@team", NULL
    };
    static const char *const team[] = { "https://team.example.net", NULL };
    static const struct {
        const char *origin;
        const char *why;    /* NULL: nothing comes close */
    } cases[] = {
        { "http://app.example.com",
          "scheme differs from allowed origin https://app.example.com" },
        { "https://app.example.com:8443",
          "port differs from allowed origin https://app.example.com" },
        { "https://localhost:3000",
          "scheme differs from allowed origin http://localhost:3000" },
        { "http://localhost:3001",
          "port differs from allowed origin http://localhost:3000" },
        { "https://www.app.example.com",
          "www. prefix differs from allowed origin https://app.example.com" },
        { "https://shop.example.com",
          "www. prefix differs from allowed origin https://www.shop.example.com" },
        { "https://example.org",
          "https://*.example.org matches subdomains only, not the domain "
          "itself" },
        { "http://a.example.org",
          "scheme differs from allowed origin https://*.example.org" },
        { "https://team.example.net:444",
          "port differs from allowed origin https://team.example.net" },
        { "https://App.example.com",
          "letter case differs from allowed origin https://app.example.com: "
          "browsers send origins in lower case" },
        { "https://app.example.com/",
          "an Origin has no path or trailing slash; without it, it would "
          "match allowed origin https://app.example.com" },
        { "https://app.example.com/path/",
          "an Origin has no path or trailing slash; without it, it would "
          "match allowed origin https://app.example.com" },
        { "https://a1.example.dev",
          "the regular expression ~^https://[a-z]+\\.example\\.dev$ does not "
          "match it" },
        { "https://a.example.dev.evil.com", NULL },
        { "https://evil.example.com", NULL },
        { "http://www.evil.com", NULL },
        { "https://app.example.com.evil.com", NULL },
        { "null", NULL },
        { "", NULL },
        { "https://", NULL },
        { "HTTPS://EVIL.COM/", NULL },
    };
    lookup_ctx ctx;
    cors_origin_list *list;
    size_t i;

    memset(&ctx, 0, sizeof(ctx));
    the_ctx = &ctx;
    ctx.name = "team";
    ctx.list = make_list(team);
    list = make_list(entries);
    if (!ctx.list || !list) {
        return;
    }
    for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        unit_is_str(cors_origin_near_miss(list, cases[i].origin, lookup, &ctx,
                                          pool),
                    cases[i].why, "near miss of '%s'",
                    unit_esc(cases[i].origin));
    }
    unit_is_str(cors_origin_near_miss(NULL, "https://a.com", NULL, NULL, pool),
                NULL, "near miss without a list");
}

int main(void)
{
    unit_apr_init(&pool);
    if (unit_is_str(cors_origin_init(), NULL, "cors_origin_init")) {
        test_parse();
        test_public_suffix();
        test_entries();
        test_regex_entries();
        test_special_entries();
        test_refusals();
        test_suffix_wording();
        test_match();
        test_sets();
        test_long_entries();
        test_loopback();
        test_near_miss();
        test_many_patterns();
    }
    return unit_apr_done(pool);
}
