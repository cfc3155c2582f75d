/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * fuzz_request_headers: the input is an Access-Control-Request-Headers
 * value, checked by cors_request_headers_check against three fixed lists
 * (named header names, "*", none) and by a plain reference written here.
 * Both must agree on the result, the offending name (*bad) and the names
 * echoed back (*echo); the check must give the same result when the
 * caller does not ask for *bad or *echo.
 *
 * The reference: split the value on commas; trim spaces and tabs; skip
 * empty items; the 65th name is one too many, as is a value over 4096
 * bytes; lower-case each name, which must be an RFC 9110 token and on the
 * list.  *bad is the offending name, lower case, cut at 64 bytes.
 */
#include <stdint.h>
#include <string.h>

#include "cors_list.h"
#include "fuzz.h"

/* CORSAllowHeaders as an administrator might write it: mixed case, a
 * forbidden name that the list leaves out (browsers never ask for it). */
#define NAMED_ARG "X-Requested-With, content-type,Authorization, X-API-Key, " \
                  "x-custom_header.v2, Cookie"

/* What that list allows, lower case, as the reference knows it. */
static const char *const named_ref[] = {
    "x-requested-with", "content-type", "authorization", "x-api-key",
    "x-custom_header.v2", NULL
};

typedef enum { REF_NAMED, REF_ANY, REF_NONE } ref_list;

static apr_pool_t *fixed, *scratch;
static cors_token_list *named, *any;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *err;

    cors_fuzz_pools(&fixed, &scratch);
    named = cors_token_list_make(fixed, CORS_LIST_ALLOW_HEADERS);
    err = cors_token_list_add(named, fixed, NAMED_ARG,
                              apr_array_make(fixed, 1, sizeof(char *)));
    any = cors_token_list_make(fixed, CORS_LIST_ALLOW_HEADERS);
    if (err || cors_token_list_add(any, fixed, "*", NULL)) {
        cors_fuzz_fail("the fixed lists are refused");
    }
    return 0;
}

/* ---- the reference ------------------------------------------------------ */

static int ref_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9')
           || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int ref_allowed(ref_list list, const char *name)
{
    int i;

    if (list == REF_ANY) {
        return 1;
    }
    if (list == REF_NONE) {
        return 0;
    }
    for (i = 0; named_ref[i]; i++) {
        if (strcmp(named_ref[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static cors_rh_result ref_check(const char *value, ref_list list,
                                const char **bad, const char **echo)
{
    const char *item = value, *comma;
    const char *echoed = "";
    int count = 0;

    *bad = NULL;
    *echo = NULL;
    if (strlen(value) > CORS_REQUEST_HEADERS_MAX_BYTES) {
        return CORS_RH_TOO_LONG;
    }
    for (;;) {
        size_t start = 0, end, i;
        char *name;
        int token = 1;

        comma = strchr(item, ',');
        end = comma ? (size_t)(comma - item) : strlen(item);
        while (start < end && (item[start] == ' ' || item[start] == '\t')) {
            start++;
        }
        while (end > start
               && (item[end - 1] == ' ' || item[end - 1] == '\t')) {
            end--;
        }
        if (end > start) {
            if (++count > CORS_REQUEST_HEADERS_MAX_NAMES) {
                return CORS_RH_TOO_LONG;
            }
            name = apr_pstrmemdup(scratch, item + start, end - start);
            for (i = 0; name[i]; i++) {
                if (name[i] >= 'A' && name[i] <= 'Z') {
                    name[i] += 'a' - 'A';
                }
                token = token && ref_tchar((unsigned char)name[i]);
            }
            if (!token || !ref_allowed(list, name)) {
                *bad = apr_pstrndup(scratch, name, 64);
                return token ? CORS_RH_NOT_ALLOWED : CORS_RH_MALFORMED;
            }
            echoed = apr_pstrcat(scratch, echoed, *echoed ? ", " : "", name,
                                 NULL);
        }
        if (!comma) {
            break;
        }
        item = comma + 1;
    }
    *echo = *echoed ? echoed : NULL;
    return CORS_RH_OK;
}

/* ---- the comparison ------------------------------------------------------ */

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static const char *esc(const char *s)
{
    return s ? cors_fuzz_esc(scratch, s, strlen(s), 300) : "(null)";
}

static void compare(const char *value, ref_list list)
{
    const cors_token_list *allowed = list == REF_NAMED ? named
                                     : list == REF_ANY ? any : NULL;
    const char *listname = list == REF_NAMED ? "named"
                           : list == REF_ANY ? "*" : "none";
    const char *bad = NULL, *echo = NULL, *want_bad, *want_echo;
    cors_rh_result got, want, bare;

    want = ref_check(value, list, &want_bad, &want_echo);
    got = cors_request_headers_check(value, allowed, scratch, &bad, &echo);
    bare = cors_request_headers_check(value, allowed, scratch, NULL, NULL);
    if (got != want || bare != got
        || ((got == CORS_RH_MALFORMED || got == CORS_RH_NOT_ALLOWED)
            && !same(bad, want_bad))
        || (got == CORS_RH_OK && !same(echo, want_echo))) {
        cors_fuzz_fail("Access-Control-Request-Headers '%s' (%lu bytes), "
                       "list %s: got %s (without *bad and *echo: %s), bad "
                       "'%s', echo '%s'; the reference: %s, bad '%s', "
                       "echo '%s'",
                       esc(value), (unsigned long)strlen(value), listname,
                       cors_rh_result_name(got), cors_rh_result_name(bare),
                       esc(bad), esc(echo), cors_rh_result_name(want),
                       esc(want_bad), esc(want_echo));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A header value is a C string in httpd: it ends at a NUL. */
    const char *value = cors_fuzz_cstr(scratch, data, size);

    compare(value, REF_NAMED);
    compare(value, REF_ANY);
    compare(value, REF_NONE);
    apr_pool_clear(scratch);
    return 0;
}
