/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * unit.h: a tiny TAP producer for the unit tests of the pure logic.
 *
 * Every check prints "ok N - name" or "not ok N - name"; a failed check
 * prints what it expected and what it got as "# " comments.  unit_done()
 * prints the plan ("1..N") last and returns the exit status: non-zero when
 * any check failed.  Values are printed escaped (\r, \n, \0, \xNN) and cut
 * short, because many inputs here are deliberately hostile.
 *
 * unit_apr_init() and unit_apr_done() start and end a test program that
 * works in an APR pool; unit_predicate() runs a table of string cases.
 */
#ifndef CORS_UNIT_H
#define CORS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <apr_general.h>
#include <apr_pools.h>

static int unit_count;
static int unit_failed;

/* Escapes s[0..len) into one of a few rotating static buffers, so that
 * several escaped values may appear in one printf. */
static inline const char *unit_escn(const char *s, size_t len)
{
    static char bufs[8][400];
    static int next;
    char *buf, *o;
    size_t i;

    if (s == NULL) {
        return "(null)";
    }
    buf = bufs[next];
    next = (next + 1) % 8;
    o = buf;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (o - buf > 340) {
            o += sprintf(o, "...(%lu bytes)", (unsigned long)len);
            break;
        }
        if (c == '\r') {
            *o++ = '\\';
            *o++ = 'r';
        }
        else if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        }
        else if (c == '\t') {
            *o++ = '\\';
            *o++ = 't';
        }
        else if (c < 0x20 || c >= 0x7f) {
            o += sprintf(o, "\\x%02x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return buf;
}

static inline const char *unit_esc(const char *s)
{
    return s == NULL ? "(null)" : unit_escn(s, strlen(s));
}

static inline void unit_diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

static inline int unit_vok(int pass, const char *fmt, va_list ap)
{
    unit_count++;
    if (!pass) {
        unit_failed++;
    }
    printf("%sok %d - ", pass ? "" : "not ", unit_count);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    return pass;
}

/* A check of a plain condition; name is a printf format. */
static inline int unit_ok(int pass, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    unit_vok(pass, fmt, ap);
    va_end(ap);
    return pass;
}

static inline int unit_is_int(long got, long want, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    unit_vok(got == want, fmt, ap);
    va_end(ap);
    if (got != want) {
        unit_diag("  expected: %ld", want);
        unit_diag("       got: %ld", got);
    }
    return got == want;
}

/* Two strings, either of which may be NULL (NULL equals only NULL). */
static inline int unit_is_str(const char *got, const char *want,
                              const char *fmt, ...)
{
    va_list ap;
    int pass;

    if (got == NULL || want == NULL) {
        pass = (got == want);
    }
    else {
        pass = (strcmp(got, want) == 0);
    }
    va_start(ap, fmt);
    unit_vok(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        unit_diag("  expected: %s%s%s", want ? "'" : "", unit_esc(want),
                  want ? "'" : "");
        unit_diag("       got: %s%s%s", got ? "'" : "", unit_esc(got),
                  got ? "'" : "");
    }
    return pass;
}

/* 1 when needle occurs in haystack, ignoring ASCII case. */
static inline int unit_strcasestr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    const char *h;

    for (h = haystack; *h != '\0'; h++) {
        size_t i;

        for (i = 0; i < n; i++) {
            if (h[i] == '\0' || tolower((unsigned char)h[i])
                                != tolower((unsigned char)needle[i])) {
                break;
            }
        }
        if (i == n) {
            return 1;
        }
    }
    return n == 0;
}

/* A message (not NULL) that contains needle, ignoring ASCII case. */
static inline int unit_contains(const char *got, const char *needle,
                                const char *fmt, ...)
{
    va_list ap;
    int pass = (got != NULL && unit_strcasestr(got, needle));

    va_start(ap, fmt);
    unit_vok(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        unit_diag("  expected a message containing: '%s'", unit_esc(needle));
        unit_diag("                            got: %s%s%s",
                  got ? "'" : "", unit_esc(got), got ? "'" : "");
    }
    return pass;
}

/* Prints the plan; the return value is the exit status. */
static inline int unit_done(void)
{
    printf("1..%d\n", unit_count);
    if (unit_failed) {
        unit_diag("failed %d of %d checks", unit_failed, unit_count);
    }
    fflush(stdout);
    return unit_failed ? 1 : 0;
}

/* Initialises APR and creates the program's pool. */
static inline void unit_apr_init(apr_pool_t **pool)
{
    apr_initialize();
    apr_pool_create(pool, NULL);
}

/* Frees the pool, ends APR and returns unit_done(). */
static inline int unit_apr_done(apr_pool_t *pool)
{
    apr_pool_destroy(pool);
    apr_terminate();
    return unit_done();
}

/* A string and what a predicate must answer for it. */
typedef struct {
    const char *s;
    int want;
} unit_case;

/* One check a case, up to the case whose s is NULL: fn(s) must be want.
 * Each check is named "<what> '<s>' -> <want>". */
static inline void unit_predicate(const char *what, int (*fn)(const char *),
                                  const unit_case *cases)
{
    for (; cases->s != NULL; cases++) {
        unit_is_int(fn(cases->s), cases->want, "%s '%s' -> %d", what,
                    unit_esc(cases->s), cases->want);
    }
}

#endif
