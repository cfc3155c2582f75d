/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * cors_origin: origin entries (what CORSAllowOrigin and CORSOriginSet take)
 * and request Origin values (what a browser sends).
 *
 * Entries are parsed, normalised and compiled once, when the configuration
 * is read; a request only looks its Origin up.  Nothing here includes an
 * httpd header: APR, PCRE2 and libpsl only, so the unit tests and fuzzers
 * link this file without a server.
 */
#ifndef CORS_ORIGIN_H
#define CORS_ORIGIN_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>

/* Longest Origin value a request may carry and still match. */
#define CORS_ORIGIN_MAX 2048

/* The parts of a well-formed serialised origin, pointing into the value. */
typedef struct {
    const char *scheme;
    apr_size_t scheme_len;
    const char *host;           /* "[::1]" keeps its brackets */
    apr_size_t host_len;
    int port;                   /* -1 when the value names no port */
} cors_origin_parts;

/* 1 when value[0..len) is scheme "://" host [":" port] and nothing else,
 * within CORS_ORIGIN_MAX; 0 otherwise (the literal "null" included). */
int cors_origin_parse(const char *value, apr_size_t len,
                      cors_origin_parts *parts);

typedef enum {
    CORS_ENTRY_EXACT,           /* https://myapp.com */
    CORS_ENTRY_PATTERN,         /* "*." subdomains and/or ":*" ports */
    CORS_ENTRY_REGEX,           /* ~^https://[a-z]+\.myapp\.com$ */
    CORS_ENTRY_SET,             /* @frontend */
    CORS_ENTRY_ANY,             /* * */
    CORS_ENTRY_NULL             /* null */
} cors_entry_kind;

#define CORS_PORT_DEFAULT (-1)  /* the scheme's default: no port in the Origin */
#define CORS_PORT_ANY     (-2)  /* ":*" */

typedef struct cors_entry {
    cors_entry_kind kind;
    const char *text;           /* normalised, as the administrator meant it */
    const char *where;          /* "file:line" of the directive */
    /* EXACT and PATTERN */
    const char *scheme;
    const char *host;           /* PATTERN with subdomains: the parent domain */
    int subdomains;             /* "*." : one or more labels before host */
    int port;                   /* a number, CORS_PORT_DEFAULT or CORS_PORT_ANY */
    /* REGEX */
    void *regex;                /* pcre2_code_8 *, freed with the pool */
    const char *regex_host;     /* the literal host the pattern ends with */
    int regex_host_is_suffix;   /* 1: "\.host" (a subdomain of host), 0: "://host" */
    int regex_jit;              /* compiled to machine code by PCRE2's JIT */
    /* SET */
    const char *set_name;
} cors_entry;

typedef struct cors_origin_list {
    apr_hash_t *exact;               /* origin text -> cors_entry * */
    apr_array_header_t *patterns;    /* cors_entry * */
    apr_hash_t *pattern_hosts;       /* a pattern's host (the parent domain
                                        for "*.") -> apr_array_header_t * of
                                        its cors_entry *, for a lookup per
                                        label of the Origin's host */
    apr_array_header_t *regexes;     /* cors_entry * */
    apr_hash_t *regex_hosts;         /* the same by the literal host each
                                        names (see regex_host) */
    apr_array_header_t *sets;        /* cors_entry * (@name references) */
    apr_array_header_t *entries;     /* every entry, in the order written */
    const cors_entry *any;           /* "*", or NULL */
    const cors_entry *null_origin;   /* "null", or NULL */
} cors_origin_list;

/* Loads the public suffix list and sets regex match limits; call once
 * before adding entries.  Returns NULL or a message saying why the list
 * could not be loaded.  cors_origin_fini releases both (for a restart). */
const char *cors_origin_init(void);
void cors_origin_fini(void);

/* 1 when domain (lower case, no trailing dot) is a public suffix in the
 * ICANN or private section, or by the implicit rule for an unknown
 * top-level label; "localhost" is never one. */
int cors_is_public_suffix(const char *domain);

cors_origin_list *cors_origin_list_make(apr_pool_t *p);

/* What an entry may be, for the directive that takes it. */
#define CORS_ENTRY_IN_SET 1     /* CORSOriginSet: no "*" and no "@name" */

/*
 * Parses one directive argument, which may hold several entries separated
 * by commas (a "~" entry runs to the end of the argument), and adds them to
 * list.  Returns NULL, or an error message from p that names the value and
 * the fix.  Warnings (entries that are legal but likely mistakes) are
 * pushed onto warnings as const char *, when warnings is not NULL.
 */
const char *cors_origin_list_add(cors_origin_list *list, apr_pool_t *p,
                                 const char *arg, const char *where,
                                 int flags, apr_array_header_t *warnings);

/* Finds the origin list a "@name" entry stands for, or NULL. */
typedef const cors_origin_list *(*cors_set_lookup)(void *ctx,
                                                   const char *name);

/*
 * The entry of list that allows origin (the request's Origin value, as
 * sent), or NULL.  "*" is not consulted here: callers check list->any
 * first.  *malformed is set to 1 when origin is neither "null" nor a
 * well-formed origin.  unknown_set, when not NULL, receives the name of an
 * "@name" that lookup could not resolve.
 */
const cors_entry *cors_origin_match(const cors_origin_list *list,
                                    const char *origin, apr_size_t len,
                                    cors_set_lookup lookup, void *ctx,
                                    int *malformed,
                                    const char **unknown_set);

/*
 * Why origin, which matched no entry of list, is not allowed, when an entry
 * comes close: "scheme differs from allowed origin https://myapp.com",
 * likewise for the port, a www. prefix, letter case or a trailing slash,
 * a "*." pattern that matches subdomains only, and a regular expression
 * for the origin's host that does not match the origin.  Entries of the sets
 * that list refers to are searched too.  NULL when nothing comes close.
 */
const char *cors_origin_near_miss(const cors_origin_list *list,
                                  const char *origin,
                                  cors_set_lookup lookup, void *ctx,
                                  apr_pool_t *p);

/* 1 when the entry can only match loopback hosts (localhost, 127.0.0.1,
 * [::1], *.localhost), which browsers treat as potentially trustworthy. */
int cors_entry_is_loopback(const cors_entry *e);

/* 1 when the entry can match an http:// origin on another host than
 * loopback: credentials from it would cross the network in clear. */
int cors_entry_is_insecure(const cors_entry *e);

#endif
