/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * fuzz.h: what the libFuzzer harnesses of fuzz/ share.
 *
 * A harness stops at the first broken invariant with cors_fuzz_fail(),
 * which prints the input escaped (hostile bytes stay readable in a CI log)
 * and calls abort(): libFuzzer then saves the input as a crash file.
 *
 * Each input works in one APR pool that is cleared after it, so that
 * memory grows with the input, not with the number of inputs run; the
 * fixed policies live in a pool of their own, made once.
 */
#ifndef CORS_FUZZ_H
#define CORS_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "cors_origin.h"

/* Escapes s[0..len) (\r, \n, \t, \0, \xNN) into a buffer from p, cut
 * short after max bytes of input. */
static inline char *cors_fuzz_esc(apr_pool_t *p, const char *s,
                                  size_t len, size_t max)
{
    size_t i, n = len > max ? max : len;
    char *buf, *o;

    if (s == NULL) {
        return apr_pstrdup(p, "(null)");
    }
    buf = apr_palloc(p, n * 4 + 40);
    o = buf;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\r' || c == '\n' || c == '\t' || c == '\0') {
            *o++ = '\\';
            *o++ = c == '\r' ? 'r' : c == '\n' ? 'n' : c == '\t' ? 't' : '0';
        }
        else if (c < 0x20 || c >= 0x7f || c == '\\') {
            o += sprintf(o, c == '\\' ? "\\\\" : "\\x%02x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    if (n < len) {
        o += sprintf(o, "...(%lu bytes)", (unsigned long)len);
    }
    *o = '\0';
    return buf;
}

/* Reports a broken invariant and aborts; fmt is printf-like. */
static inline void cors_fuzz_fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static inline void cors_fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("\n*** fuzz invariant broken: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fflush(stderr);
    abort();
}

static apr_pool_t *cors_fuzz_fixed_pool, *cors_fuzz_scratch_pool;

/* APR's allocator takes its blocks with mmap, where LeakSanitizer does
 * not look for pointers: what the pools hold at exit (a compiled regex of
 * a fixed list) would be reported as leaked.  Their cleanups free it. */
static inline void cors_fuzz_destroy_pools(void)
{
    apr_pool_destroy(cors_fuzz_scratch_pool);
    apr_pool_destroy(cors_fuzz_fixed_pool);
}

/* The harness's pools: *fixed for what is built once, *scratch for one
 * input at a time, both destroyed at exit.  APR is initialised here, once
 * per process. */
static inline void cors_fuzz_pools(apr_pool_t **fixed,
                                   apr_pool_t **scratch)
{
    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(fixed, NULL) != APR_SUCCESS
        || apr_pool_create(scratch, NULL) != APR_SUCCESS) {
        cors_fuzz_fail("APR could not be initialised");
    }
    cors_fuzz_fixed_pool = *fixed;
    cors_fuzz_scratch_pool = *scratch;
    atexit(cors_fuzz_destroy_pools);
}

/* cors_fuzz_pools, then the public suffix list and regex limits of the
 * origin code (cors_origin_init), for the harnesses that parse origins. */
static inline void cors_fuzz_origin_setup(apr_pool_t **fixed,
                                          apr_pool_t **scratch)
{
    const char *err;

    cors_fuzz_pools(fixed, scratch);
    err = cors_origin_init();
    if (err) {
        cors_fuzz_fail("cors_origin_init: %s", err);
    }
}

/* A NUL-terminated copy of data[0..size) from p: what a directive
 * argument or a request header value is in httpd (a C string, so it
 * ends at its first NUL). */
static inline const char *cors_fuzz_cstr(apr_pool_t *p,
                                         const uint8_t *data, size_t size)
{
    return apr_pstrmemdup(p, (const char *)data, size);
}

#endif
