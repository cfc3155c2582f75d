/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * What the httpd glue of mod_cors shares between its files: the
 * configuration records, the per-request decision (cors_note), and the
 * functions cors_info.c uses to evaluate and count decisions.  Private to
 * the module: nothing here is installed.
 */
#ifndef MOD_CORS_H
#define MOD_CORS_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "cors_origin.h"
#include "cors_list.h"
#include "cors_decide.h"

APLOG_USE_MODULE(cors);

extern module AP_MODULE_DECLARE_DATA cors_module;

#define CORS_UNSET (-1)

/* Keeps a cold function with a large stack frame out of a hot caller. */
#if defined(__GNUC__)
#define CORS_NOINLINE __attribute__((noinline))
#else
#define CORS_NOINLINE
#endif

/* In the order of the words each directive takes (see set_choice). */
enum { CORS_AUTH_SKIP, CORS_AUTH_ENFORCE };
enum { CORS_BACKEND_REPLACE, CORS_BACKEND_KEEP };
enum { CORS_MODE_ENFORCE, CORS_MODE_REPORT_ONLY };

/* A setting and the "file:line" that made it, for messages. */
typedef struct {
    int enable;
    const char *enable_where;
    cors_origin_list *origins;
    const char *origins_where;
    int credentials;
    const char *credentials_where;
    cors_token_list *methods;
    const char *methods_where;
    cors_token_list *headers;
    const char *headers_where;
    cors_token_list *expose;
    const char *expose_where;
    const char *max_age;
    const char *max_age_where;
    int private_network;
    const char *private_network_where;
    int preflight_status;
    const char *preflight_status_where;
    int passthrough;
    const char *passthrough_where;
    int preflight_auth;         /* CORS_AUTH_* */
    const char *preflight_auth_where;
    int backend_headers;        /* CORS_BACKEND_* */
    const char *backend_headers_where;
    int insecure_origins;
    const char *insecure_origins_where;
    int mode;                   /* CORS_MODE_* */
    const char *mode_where;
    int debug_headers;
    const char *debug_headers_where;
    unsigned int set;           /* bit i: this section makes setting i
                                   (see settings[] in mod_cors.c) */
} cors_dir_conf;

typedef struct {
    apr_hash_t *sets;           /* name -> cors_origin_list * */
} cors_server_conf;

/* What mod_cors decided about one request the browser sent. */
typedef struct {
    cors_decision d;            /* what the response gets */
    const cors_dir_conf *conf;  /* the configuration that decided */
    const char *origin;
    int preflight;              /* 1: a preflight, 0: an actual request */
    /* What the browser will make of it: d.reason, or a refusal that the
     * response cannot show (credentials-not-allowed). */
    cors_reason outcome;
    /* Why, in one sentence naming the directive and its file:line, for
     * logs, CORS-Debug and cors-info; NULL for a plain "allowed". */
    const char *why;
    int explained;              /* why is computed (it is, lazily, only
                                   when a log line or header needs it) */
    int reached_fixups;         /* preflight: the fixups hook saw it */
    int recorded;               /* logged, annotated and counted */
} cors_note;

/* Evaluates a request in scope c without touching r's response, logs or
 * counters: preflight, origin, method (Access-Control-Request-Method) and
 * request_headers (Access-Control-Request-Headers, may be NULL) as a
 * browser would send them; for an actual request, with_cookie says whether
 * it carries a Cookie.  The note comes from r->pool. */
cors_note *cors_evaluate(request_rec *r, const cors_dir_conf *c,
                         int preflight, const char *origin,
                         const char *method, const char *request_headers,
                         int with_cookie);

/* "allowed" or "denied", for an outcome. */
const char *cors_outcome_word(cors_reason outcome);

/* cors_info.c: the cors-info handler and the decision counters. */
void cors_info_register_hooks(apr_pool_t *p);
void cors_info_count(request_rec *r, const cors_note *note);

#endif
