/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * cors_list: the method and header-name lists of CORSAllowMethods,
 * CORSAllowHeaders and CORSExposeHeaders, and the parsing of a request's
 * Access-Control-Request-Headers.  APR only.
 */
#ifndef CORS_LIST_H
#define CORS_LIST_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>

typedef enum {
    CORS_LIST_METHODS,          /* case-sensitive, like HTTP methods */
    CORS_LIST_ALLOW_HEADERS,    /* header names: case-insensitive */
    CORS_LIST_EXPOSE_HEADERS
} cors_list_kind;

typedef struct cors_token_list {
    cors_list_kind kind;
    apr_hash_t *names;          /* method, or lower-cased header name -> "" */
    const char *joined;         /* "PUT, DELETE": the response header value */
    int any;                    /* "*" */
    int count;
} cors_token_list;

cors_token_list *cors_token_list_make(apr_pool_t *p, cors_list_kind kind);

/* A hash table for the module's lookups (origins, pattern hosts, methods,
 * header names): APR's, with a hash function that is the same on every
 * start and reads eight bytes a step.  APR's default is seeded at start-up
 * against tables filled from the network; these are filled only from the
 * configuration, and a request can only look keys up. */
apr_hash_t *cors_hash_make(apr_pool_t *p);

/*
 * Adds one directive argument (a name, several names separated by commas,
 * or "*") to list.  Returns NULL or an error message from p naming the
 * value.  Values that are legal but have no effect in a browser (a method
 * browsers never send, a forbidden request header, Set-Cookie to expose)
 * are left out and described in a message pushed onto warnings; a method
 * with a lower-case letter that fetch() does not upper-case ("patch") is
 * kept, with a warning that pages send it in upper case.
 */
const char *cors_token_list_add(cors_token_list *list, apr_pool_t *p,
                                const char *arg,
                                apr_array_header_t *warnings);

/* 1 for an RFC 9110 token. */
int cors_is_token(const char *s, apr_size_t len);

/* GET, HEAD and POST: the methods a browser sends without a preflight. */
int cors_method_is_safelisted(const char *method);

/* 1 when a browser never lets a page set this request header (the Fetch
 * standard's forbidden request-header names, Proxy-* and Sec-*). */
int cors_header_is_forbidden(const char *name, apr_size_t len);

/* Limits on Access-Control-Request-Headers. */
#define CORS_REQUEST_HEADERS_MAX_NAMES 64
#define CORS_REQUEST_HEADERS_MAX_BYTES 4096

typedef enum {
    CORS_RH_OK,
    CORS_RH_MALFORMED,          /* an item is not a token */
    CORS_RH_TOO_LONG,           /* over the count or byte limit */
    CORS_RH_NOT_ALLOWED         /* a name the list does not allow */
} cors_rh_result;

/*
 * Checks every name of an Access-Control-Request-Headers value (a comma
 * list; optional white space, any case, empty items ignored) against
 * allowed (NULL: no name is allowed).  On CORS_RH_NOT_ALLOWED and
 * CORS_RH_MALFORMED, *bad (allocated from p, lower case, bounded) names
 * the offending item.  When echo is not NULL and the result is CORS_RH_OK,
 * *echo receives the names, lower case, joined with ", " (from p), or NULL
 * when there were none.
 */
cors_rh_result cors_request_headers_check(const char *value,
                                          const cors_token_list *allowed,
                                          apr_pool_t *p, const char **bad,
                                          const char **echo);

/* The enumerator's name without its prefix ("OK", "TOO_LONG"), for the
 * messages of the unit tests and fuzzers. */
const char *cors_rh_result_name(cors_rh_result r);

#endif
