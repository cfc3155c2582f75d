/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * mod_cors: Cross-Origin Resource Sharing for Apache httpd 2.4.
 *
 * CORSEnable On turns the module on for a scope.  CORSAllowOrigin lists who
 * may read responses: exact origins, "*." subdomain and ":*" port patterns,
 * anchored "~" regexes, "@name" sets, "*" or "null".  CORSOriginSet names a
 * list per server or virtual host, so that one <Directory> shared by a
 * development and a production vhost allows each its own origins.  The
 * other directives shape preflight answers (methods, headers, max-age,
 * private network, status, passthrough, authentication) and actual
 * responses (credentials, exposed headers, what happens to a backend's own
 * CORS headers).
 *
 * Scopes merge in httpd's order: main server, virtual host, <Directory>
 * and .htaccess from the shortest path, <Files>, <Location>, <If>.  A
 * scope that sets a directive overrides what it inherits; for the lists,
 * several lines in one scope add up, and a scope with a list of its own
 * replaces the inherited one.  So a <Location /api> with its own
 * CORSAllowOrigin wins over an .htaccess in the directory it maps to.
 *
 * A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * recognised in the fixups hook, before mod_rewrite's per-directory rules
 * and mod_dir's trailing-slash redirect, and answered there: the handler
 * never runs.  Under CORSPreflightAuth Skip a preflight also passes a login
 * requirement (browsers never send credentials with one), but not an
 * outright denial: the access hook runs after mod_authz_core's userless
 * check and only acts when that check declined for want of a user.
 *
 * Every response header is written by the CORS_OUT output filter, for
 * answered preflights as for actual requests, on success and error paths
 * alike, so that ErrorDocument pages, 304s and proxy errors carry the same
 * headers.  The request the browser sent decides the policy: after an
 * internal redirect the first request's scope still applies.
 *
 * All parsing happens while the configuration is read; cross-directive
 * mistakes are refused in check_config, which `apachectl configtest` runs.
 */

#include <string.h>

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "mod_cors.h"

#define UNSET CORS_UNSET

static ap_filter_rec_t *cors_out_filter_handle;

/* ------------------------------------------------------------------ */
/* Configuration records                                              */

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    cors_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    c->enable = UNSET;
    c->credentials = UNSET;
    c->private_network = UNSET;
    c->preflight_status = UNSET;
    c->passthrough = UNSET;
    c->preflight_auth = UNSET;
    c->backend_headers = UNSET;
    c->insecure_origins = UNSET;
    c->mode = UNSET;
    c->debug_headers = UNSET;
    return c;
}

/* Every setting of cors_dir_conf: where its value and its "file:line"
 * are.  A section's `set` has bit i when the section makes settings[i]. */
typedef struct {
    apr_size_t value;
    apr_size_t size;
    apr_size_t where;
} cors_setting;

#define SETTING(f) { APR_OFFSETOF(cors_dir_conf, f), \
                     sizeof(((cors_dir_conf *)NULL)->f), \
                     APR_OFFSETOF(cors_dir_conf, f##_where) }

enum {
    S_ENABLE, S_ORIGINS, S_CREDENTIALS, S_METHODS, S_HEADERS, S_EXPOSE,
    S_MAX_AGE, S_PRIVATE_NETWORK, S_PREFLIGHT_STATUS, S_PASSTHROUGH,
    S_PREFLIGHT_AUTH, S_BACKEND_HEADERS, S_INSECURE_ORIGINS, S_MODE,
    S_DEBUG_HEADERS, S_COUNT
};

static const cors_setting settings[S_COUNT] = {
    [S_ENABLE] = SETTING(enable),
    [S_ORIGINS] = SETTING(origins),
    [S_CREDENTIALS] = SETTING(credentials),
    [S_METHODS] = SETTING(methods),
    [S_HEADERS] = SETTING(headers),
    [S_EXPOSE] = SETTING(expose),
    [S_MAX_AGE] = SETTING(max_age),
    [S_PRIVATE_NETWORK] = SETTING(private_network),
    [S_PREFLIGHT_STATUS] = SETTING(preflight_status),
    [S_PASSTHROUGH] = SETTING(passthrough),
    [S_PREFLIGHT_AUTH] = SETTING(preflight_auth),
    [S_BACKEND_HEADERS] = SETTING(backend_headers),
    [S_INSECURE_ORIGINS] = SETTING(insecure_origins),
    [S_MODE] = SETTING(mode),
    [S_DEBUG_HEADERS] = SETTING(debug_headers)
};

/*
 * Merges run on every request's walks, so they copy only what the inner
 * section sets: most sections say nothing about CORS (the inherited
 * record serves as it is), and a <Location> that only says CORSEnable Off
 * costs one copy of the record and of one setting.  A value and where it
 * was set travel together.
 */
static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const cors_dir_conf *base = basev, *add = addv;
    cors_dir_conf *c;
    unsigned int bits;
    int i;

    if (!add->set) {
        return basev;
    }
    if (!base->set) {
        return addv;
    }
    c = apr_pmemdup(p, base, sizeof(*c));
    c->set |= add->set;
    for (i = 0, bits = add->set; bits; i++, bits >>= 1) {
        if (bits & 1) {
            const cors_setting *f = &settings[i];

            memcpy((char *)c + f->value, (const char *)add + f->value,
                   f->size);
            *(const char **)((char *)c + f->where) =
                *(const char *const *)((const char *)add + f->where);
        }
    }
    return c;
}

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    cors_server_conf *sc = apr_pcalloc(p, sizeof(*sc));

    sc->sets = apr_hash_make(p);
    return sc;
}

/* A virtual host's own set wins over the main server's of the same name. */
static void *merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    const cors_server_conf *base = basev, *add = addv;
    cors_server_conf *sc = apr_palloc(p, sizeof(*sc));

    sc->sets = apr_hash_overlay(p, add->sets, base->sets);
    return sc;
}

/* ------------------------------------------------------------------ */
/* Directives                                                         */

/* What one line of configuration shares between its arguments: a line of
 * 100 origins calls its function 100 times, and with 100,000 origins a
 * string and an array for each would cost megabytes.  Kept in the
 * directive's own `data` field, which httpd leaves to the module: the
 * tree lives in the pool the line is read into, so the two go together,
 * and an .htaccess tree belongs to the one request reading it. */
typedef struct {
    const char *where;                  /* "file:line" */
    apr_array_header_t *warnings;       /* emptied for each argument */
} cors_line;

static cors_line *line_of(cmd_parms *cmd)
{
    ap_directive_t *d = (ap_directive_t *)cmd->directive;
    cors_line *line = d->data;

    if (!line) {
        line = apr_palloc(cmd->pool, sizeof(*line));
        line->where = apr_psprintf(cmd->pool, "%s:%d", d->filename,
                                   d->line_num);
        line->warnings = apr_array_make(cmd->pool, 1, sizeof(const char *));
        d->data = line;
    }
    return line;
}

static const char *where(cmd_parms *cmd)
{
    return line_of(cmd)->where;
}

static apr_array_header_t *warnings_for(cmd_parms *cmd)
{
    apr_array_header_t *warnings = line_of(cmd)->warnings;

    apr_array_clear(warnings);
    return warnings;
}

/* .htaccess files are read per request: no start-up noise from them. */
static int in_htaccess(cmd_parms *cmd)
{
    return !(cmd->override & (RSRC_CONF | ACCESS_CONF));
}

static void log_warnings(cmd_parms *cmd, apr_array_header_t *warnings)
{
    int i;

    for (i = 0; i < warnings->nelts; i++) {
        const char *w = APR_ARRAY_IDX(warnings, i, const char *);

        if (in_htaccess(cmd)) {
            ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, cmd->server,
                         "CORS0002: %s (%s)", w, where(cmd));
        }
        else {
            ap_log_error(APLOG_MARK, APLOG_WARNING | APLOG_STARTUP, 0, NULL,
                         "mod_cors: warning: %s (%s)", w, where(cmd));
        }
    }
}

/* A directive that sets an int: its value and the line that set it. */
static void set_slot(cmd_parms *cmd, void *cfg, int which, int value)
{
    cors_dir_conf *c = cfg;

    *(int *)((char *)c + settings[which].value) = value;
    *(const char **)((char *)c + settings[which].where) = where(cmd);
    c->set |= 1u << which;
}

static const int enable_slot = S_ENABLE;
static const int credentials_slot = S_CREDENTIALS;
static const int private_network_slot = S_PRIVATE_NETWORK;
static const int passthrough_slot = S_PASSTHROUGH;
static const int insecure_origins_slot = S_INSECURE_ORIGINS;
static const int debug_headers_slot = S_DEBUG_HEADERS;

static const char *set_flag(cmd_parms *cmd, void *cfg, int on)
{
    set_slot(cmd, cfg, *(const int *)cmd->info, on);
    return NULL;
}

static const char *add_origin(cmd_parms *cmd, void *cfg, const char *arg)
{
    cors_dir_conf *c = cfg;
    apr_array_header_t *warnings = warnings_for(cmd);
    const char *err;

    if (!c->origins) {
        c->origins = cors_origin_list_make(cmd->pool);
        c->origins_where = where(cmd);
    }
    c->set |= 1u << S_ORIGINS;
    err = cors_origin_list_add(c->origins, cmd->pool, arg, where(cmd), 0,
                               warnings);
    log_warnings(cmd, warnings);
    return err;
}

static const char *add_origin_set(cmd_parms *cmd, void *cfg,
                                  const char *name, const char *arg)
{
    cors_server_conf *sc = ap_get_module_config(cmd->server->module_config,
                                                &cors_module);
    cors_origin_list *set = apr_hash_get(sc->sets, name, APR_HASH_KEY_STRING);
    apr_array_header_t *warnings = warnings_for(cmd);
    const char *c, *err;

    for (c = name; *c; c++) {
        if (!apr_isalnum(*c) && *c != '_' && *c != '-' && *c != '.') {
            return apr_psprintf(cmd->pool, "CORSOriginSet: '%s' is not a "
                                "set name (letters, digits, '_', '-' and "
                                "'.'); the syntax is CORSOriginSet name "
                                "origin [origin] ...", name);
        }
    }
    if (!set) {
        set = cors_origin_list_make(cmd->pool);
        apr_hash_set(sc->sets, apr_pstrdup(cmd->pool, name),
                     APR_HASH_KEY_STRING, set);
    }
    err = cors_origin_list_add(set, cmd->pool, arg, where(cmd),
                               CORS_ENTRY_IN_SET, warnings);
    log_warnings(cmd, warnings);
    return err;
}

static const char *add_token(cmd_parms *cmd, cors_token_list **list,
                             const char **list_where, cors_list_kind kind,
                             const char *arg)
{
    apr_array_header_t *warnings = warnings_for(cmd);
    const char *err;

    if (!*list) {
        *list = cors_token_list_make(cmd->pool, kind);
        *list_where = where(cmd);
    }
    err = cors_token_list_add(*list, cmd->pool, arg, warnings);
    log_warnings(cmd, warnings);
    return err;
}

static const char *add_method(cmd_parms *cmd, void *cfg, const char *arg)
{
    cors_dir_conf *c = cfg;

    c->set |= 1u << S_METHODS;
    return add_token(cmd, &c->methods, &c->methods_where, CORS_LIST_METHODS,
                     arg);
}

static const char *add_header(cmd_parms *cmd, void *cfg, const char *arg)
{
    cors_dir_conf *c = cfg;

    c->set |= 1u << S_HEADERS;
    return add_token(cmd, &c->headers, &c->headers_where,
                     CORS_LIST_ALLOW_HEADERS, arg);
}

static const char *add_expose(cmd_parms *cmd, void *cfg, const char *arg)
{
    cors_dir_conf *c = cfg;

    c->set |= 1u << S_EXPOSE;
    return add_token(cmd, &c->expose, &c->expose_where,
                     CORS_LIST_EXPOSE_HEADERS, arg);
}

/* A whole decimal number from lo to hi, or -1. */
static int parse_number(const char *arg, int lo, int hi)
{
    apr_int64_t n;
    char *end;

    if (!apr_isdigit(*arg)) {
        return -1;
    }
    n = apr_strtoi64(arg, &end, 10);
    return (*end || n < lo || n > hi) ? -1 : (int)n;
}

static const char *set_max_age(cmd_parms *cmd, void *cfg, const char *arg)
{
    cors_dir_conf *c = cfg;
    int n = parse_number(arg, 0, 86400);

    if (n < 0) {
        return apr_psprintf(cmd->pool, "CORSMaxAge: '%s' is not a number of "
                            "seconds from 0 to 86400", arg);
    }
    if (n > 7200 && !in_htaccess(cmd)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING | APLOG_STARTUP, 0, NULL,
                     "mod_cors: warning: CORSMaxAge %d: Chromium caches a "
                     "preflight for at most 7200 seconds and Firefox for "
                     "86400, so part of it has no effect in Chromium (%s)",
                     n, where(cmd));
    }
    c->set |= 1u << S_MAX_AGE;
    c->max_age = apr_itoa(cmd->pool, n);
    c->max_age_where = where(cmd);
    return NULL;
}

static const char *set_preflight_status(cmd_parms *cmd, void *cfg,
                                        const char *arg)
{
    cors_dir_conf *c = cfg;

    c->set |= 1u << S_PREFLIGHT_STATUS;
    c->preflight_status = parse_number(arg, 200, 299);
    c->preflight_status_where = where(cmd);
    if (c->preflight_status < 0) {
        return apr_psprintf(cmd->pool, "CORSPreflightStatus: '%s' is not a "
                            "status from 200 to 299 (browsers accept only a "
                            "2xx answer to a preflight); the default is 204",
                            arg);
    }
    return NULL;
}

/* A directive that takes one of two words, stored as 0 or 1. */
typedef struct {
    int slot;
    const char *words[2];
} cors_choice;

static const cors_choice preflight_auth_choice = {
    S_PREFLIGHT_AUTH, { "Skip", "Enforce" }
};
static const cors_choice backend_headers_choice = {
    S_BACKEND_HEADERS, { "Replace", "Keep" }
};
static const cors_choice mode_choice = {
    S_MODE, { "Enforce", "ReportOnly" }
};

static const char *set_choice(cmd_parms *cmd, void *cfg, const char *arg)
{
    const cors_choice *choice = cmd->info;
    int i;

    for (i = 0; i < 2; i++) {
        if (strcasecmp(arg, choice->words[i]) == 0) {
            set_slot(cmd, cfg, choice->slot, i);
            return NULL;
        }
    }
    return apr_psprintf(cmd->pool, "%s: '%s' is neither %s nor %s",
                        cmd->cmd->name, arg, choice->words[0],
                        choice->words[1]);
}

#define SVDH (RSRC_CONF | ACCESS_CONF | OR_FILEINFO)
#define SVD (RSRC_CONF | ACCESS_CONF)

static const command_rec cors_cmds[] = {
    AP_INIT_FLAG("CORSEnable", set_flag, (void *)&enable_slot, SVDH,
                 "On to apply the CORS policy in this scope"),
    AP_INIT_ITERATE("CORSAllowOrigin", add_origin, NULL, SVDH,
                    "origins that may read responses: scheme://host[:port], "
                    "https://*.domain, scheme://host:*, ~regex, @set, * or "
                    "null"),
    AP_INIT_ITERATE2("CORSOriginSet", add_origin_set, NULL, RSRC_CONF,
                     "a name, then the origins of that set for this server"),
    AP_INIT_FLAG("CORSAllowCredentials", set_flag, (void *)&credentials_slot,
                 SVDH,
                 "On to let cookies and HTTP authentication cross origins"),
    AP_INIT_ITERATE("CORSAllowMethods", add_method, NULL, SVDH,
                    "methods a preflight may ask for, or *"),
    AP_INIT_ITERATE("CORSAllowHeaders", add_header, NULL, SVDH,
                    "request headers a preflight may ask for, or *"),
    AP_INIT_ITERATE("CORSExposeHeaders", add_expose, NULL, SVDH,
                    "response headers a page may read, or *"),
    AP_INIT_TAKE1("CORSMaxAge", set_max_age, NULL, SVDH,
                  "seconds a browser may cache a preflight answer (0-86400)"),
    AP_INIT_FLAG("CORSAllowPrivateNetwork", set_flag,
                 (void *)&private_network_slot, SVDH, "On to answer Private Network Access preflights"),
    AP_INIT_TAKE1("CORSPreflightStatus", set_preflight_status, NULL, SVDH,
                  "status of a successful preflight answer (200-299)"),
    AP_INIT_FLAG("CORSPreflightPassthrough", set_flag,
                 (void *)&passthrough_slot, SVDH, "On to let preflights go on to the handler"),
    AP_INIT_TAKE1("CORSPreflightAuth", set_choice,
                  (void *)&preflight_auth_choice, SVD,
                  "Skip (answer preflights without a login) or Enforce"),
    AP_INIT_TAKE1("CORSBackendHeaders", set_choice,
                  (void *)&backend_headers_choice, SVDH,
                  "Replace or Keep the handler's own Access-Control-* "
                  "headers"),
    AP_INIT_FLAG("CORSAllowInsecureOrigins", set_flag,
                 (void *)&insecure_origins_slot, SVD,
                 "On to allow credentials from http:// origins other than "
                 "loopback"),
    AP_INIT_TAKE1("CORSMode", set_choice, (void *)&mode_choice, SVDH,
                  "Enforce, or ReportOnly to log and annotate decisions "
                  "without changing any response"),
    AP_INIT_FLAG("CORSDebugHeaders", set_flag, (void *)&debug_headers_slot,
                 SVD,
                 "On to add a CORS-Debug header with the decision and its "
                 "reason to CORS responses"),
    {NULL}
};

/* ------------------------------------------------------------------ */
/* Start-up checks                                                    */

typedef struct {
    apr_pool_t *p;
    apr_hash_t *said;            /* messages already logged */
    apr_hash_t *all_sets;        /* set names any server defines */
    int errors;
} cors_check;

static void check_say(cors_check *ck, int error, const char *msg)
{
    if (apr_hash_get(ck->said, msg, APR_HASH_KEY_STRING)) {
        return;
    }
    apr_hash_set(ck->said, msg, APR_HASH_KEY_STRING, msg);
    if (error) {
        ck->errors++;
    }
    ap_log_error(APLOG_MARK, (error ? APLOG_EMERG : APLOG_WARNING)
                 | APLOG_STARTUP, 0, NULL, "mod_cors: %s: %s",
                 error ? "error" : "warning", msg);
}

/* source: "CORSAllowOrigin", or "CORSOriginSet name" for a set's entries. */
static void check_insecure(cors_check *ck, const cors_dir_conf *c,
                           const cors_origin_list *list, const char *source)
{
    int i;

    for (i = 0; i < list->entries->nelts; i++) {
        const cors_entry *e = APR_ARRAY_IDX(list->entries, i,
                                            const cors_entry *);

        if (!cors_entry_is_insecure(e)) {
            continue;
        }
        check_say(ck, 1, apr_psprintf(ck->p,
            "%s %s (%s) with CORSAllowCredentials On (%s): "
            "cookies and passwords from an http:// origin cross the "
            "network unencrypted, so anyone on the path can replay "
            "them; %s%s%s instead, or set CORSAllowInsecureOrigins On if "
            "you accept the risk", source, e->text, e->where,
            c->credentials_where,
            e->kind == CORS_ENTRY_REGEX ? "make the pattern match https:// "
            "only" : "allow https://", e->kind == CORS_ENTRY_REGEX ? ""
            : e->subdomains ? "*." : "", e->kind == CORS_ENTRY_REGEX ? ""
            : e->host));
    }
}

/* The fix for "null" with credentials, shared by the start-up check and
 * the request-time fail-safe. */
#define NULL_CREDENTIALS_FIX "make the app send a real origin and list " \
    "that (Capacitor's server.hostname, for instance), or set " \
    "CORSAllowCredentials Off for this location"

/* A "null" entry e as messages name it: in CORSAllowOrigin, or in the set
 * that the @name entry ref uses. */
static const char *null_entry_named(apr_pool_t *p, const cors_entry *e,
                                    const cors_entry *ref)
{
    return ref ? apr_psprintf(p, "CORSOriginSet %s null (%s), used by "
                              "CORSAllowOrigin %s (%s),", ref->set_name,
                              e->where, ref->text, ref->where)
               : apr_psprintf(p, "CORSAllowOrigin null (%s)", e->where);
}

/* e: a "null" entry of CORSAllowOrigin, or of the set ref names. */
static void check_null(cors_check *ck, const cors_dir_conf *c,
                       const cors_entry *e, const cors_entry *ref)
{
    check_say(ck, 1, apr_psprintf(ck->p,
        "%s cannot be combined with CORSAllowCredentials On (%s): any site "
        "can send 'Origin: null' from a sandboxed iframe, so every site "
        "could read the user's data with the user's credentials; "
        NULL_CREDENTIALS_FIX, null_entry_named(ck->p, e, ref),
        c->credentials_where));
}

/* Checks one effective configuration: what the merge of a scope and all
 * it inherits would give a request. */
static void check_conf(cors_check *ck, server_rec *s, const cors_dir_conf *c)
{
    const cors_server_conf *sc = ap_get_module_config(s->module_config,
                                                      &cors_module);
    const cors_origin_list *list = c->origins;
    int i;

    if (c->enable == 1 && (!list || list->entries->nelts == 0)) {
        check_say(ck, 0, apr_psprintf(ck->p, "CORSEnable On (%s) with no "
                                      "CORSAllowOrigin has no effect: every "
                                      "cross-origin request is refused",
                                      c->enable_where));
    }
    if (c->credentials != 1) {
        return;
    }
    if (list && list->any) {
        check_say(ck, 1, apr_psprintf(ck->p,
            "CORSAllowOrigin * (%s) cannot be combined with "
            "CORSAllowCredentials On (%s): browsers refuse a response that "
            "allows any origin with credentials, and echoing every origin "
            "instead would hand any site the user's session; list the "
            "origins that may send credentials (CORSAllowOrigin "
            "https://app.example.com), or set CORSAllowCredentials Off for "
            "a public API", list->any->where, c->credentials_where));
    }
    if (list && list->null_origin) {
        check_null(ck, c, list->null_origin, NULL);
    }
    for (i = 0; list && i < list->sets->nelts; i++) {
        const cors_entry *ref = APR_ARRAY_IDX(list->sets, i,
                                              const cors_entry *);
        const cors_origin_list *set = apr_hash_get(sc->sets, ref->set_name,
                                                   APR_HASH_KEY_STRING);

        if (set && set->null_origin) {
            check_null(ck, c, set->null_origin, ref);
        }
    }
    if (c->expose && c->expose->any) {
        check_say(ck, 1, apr_psprintf(ck->p,
            "CORSExposeHeaders * (%s) with CORSAllowCredentials On (%s): "
            "browsers read '*' as a header named '*' when credentials are "
            "on; list the header names to expose", c->expose_where,
            c->credentials_where));
    }
    if (list && c->insecure_origins != 1) {
        check_insecure(ck, c, list, "CORSAllowOrigin");
        for (i = 0; i < list->sets->nelts; i++) {
            const cors_entry *ref = APR_ARRAY_IDX(list->sets, i,
                                                  const cors_entry *);
            const cors_origin_list *set = apr_hash_get(sc->sets,
                                                       ref->set_name,
                                                       APR_HASH_KEY_STRING);
            if (set) {
                check_insecure(ck, c, set,
                               apr_pstrcat(ck->p, "CORSOriginSet ",
                                           ref->set_name, NULL));
            }
        }
    }
}

static void check_sets_defined(cors_check *ck, const cors_dir_conf *c)
{
    int i;

    for (i = 0; c->origins && i < c->origins->sets->nelts; i++) {
        const cors_entry *ref = APR_ARRAY_IDX(c->origins->sets, i,
                                              const cors_entry *);

        if (!apr_hash_get(ck->all_sets, ref->set_name, APR_HASH_KEY_STRING)) {
            check_say(ck, 1, apr_psprintf(ck->p,
                "CORSAllowOrigin %s (%s): no server or virtual host defines "
                "the set '%s'; add 'CORSOriginSet %s origin ...' to the "
                "server or to each virtual host", ref->text, ref->where,
                ref->set_name, ref->set_name));
        }
    }
}

/* 1 when section a applies to everything section b applies to: a
 * <Directory> or <Location> whose path is a prefix of b's. */
static int section_contains(const core_dir_config *a, const core_dir_config *b)
{
    apr_size_t n;

    if (a->r || b->r || !a->d || !b->d) {
        return 0;
    }
    n = strlen(a->d);
    return strncmp(a->d, b->d, n) == 0
           && (n == 0 || a->d[n - 1] == '/' || b->d[n] == '/'
               || b->d[n] == '\0');
}

/*
 * Checks each section merged over base and over the sections before it
 * that contain it (a <Directory /srv/api> inherits from <Directory /srv>),
 * then the <Files> and <If> sections nested in it.
 */
static void check_sections(cors_check *ck, server_rec *s,
                           const cors_dir_conf *base,
                           apr_array_header_t *sections)
{
    int i, j;

    for (i = 0; sections && i < sections->nelts; i++) {
        ap_conf_vector_t *v = APR_ARRAY_IDX(sections, i, ap_conf_vector_t *);
        const cors_dir_conf *own = ap_get_module_config(v, &cors_module);
        core_dir_config *core = ap_get_core_module_config(v);
        const cors_dir_conf *c = base;

        for (j = 0; j < i; j++) {
            ap_conf_vector_t *u = APR_ARRAY_IDX(sections, j,
                                                ap_conf_vector_t *);
            const cors_dir_conf *outer = ap_get_module_config(u, &cors_module);

            if (outer && section_contains(ap_get_core_module_config(u),
                                          core)) {
                c = merge_dir_conf(ck->p, (void *)c, (void *)outer);
            }
        }
        /* A section without a directive of ours has no record. */
        if (own) {
            c = merge_dir_conf(ck->p, (void *)c, (void *)own);
            check_sets_defined(ck, own);
            check_conf(ck, s, c);
        }
        check_sections(ck, s, c, core->sec_file);
        check_sections(ck, s, c, core->sec_if);
    }
}

static int cors_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *main_server)
{
    cors_check ck;
    server_rec *s;

    ck.p = ptemp;
    ck.said = apr_hash_make(ptemp);
    ck.all_sets = apr_hash_make(ptemp);
    ck.errors = 0;
    for (s = main_server; s; s = s->next) {
        const cors_server_conf *sc = ap_get_module_config(s->module_config,
                                                          &cors_module);

        ck.all_sets = apr_hash_overlay(ptemp, sc->sets, ck.all_sets);
    }
    for (s = main_server; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const cors_dir_conf *c = ap_get_module_config(s->lookup_defaults,
                                                      &cors_module);
        core_dir_config *dcore = ap_get_core_module_config(s->lookup_defaults);

        check_sets_defined(&ck, c);
        check_conf(&ck, s, c);
        check_sections(&ck, s, c, dcore->sec_file);
        check_sections(&ck, s, c, dcore->sec_if);
        check_sections(&ck, s, c, core->sec_dir);
        check_sections(&ck, s, c, core->sec_url);
    }
    return ck.errors ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

static apr_status_t origin_fini(void *unused)
{
    cors_origin_fini();
    return APR_SUCCESS;
}

static int cors_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp)
{
    const char *err = cors_origin_init();

    /* A restart unloads the module: free what this generation loaded. */
    apr_pool_cleanup_register(pconf, NULL, origin_fini,
                              apr_pool_cleanup_null);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_WARNING | APLOG_STARTUP, 0, NULL,
                     "mod_cors: warning: %s; wildcard entries are checked "
                     "against single-label suffixes only", err);
    }
    return OK;
}

/* ------------------------------------------------------------------ */
/* Once-per-process error messages                                    */

/* Problems only a request can reveal (an .htaccess naming an unknown set,
 * "*" or "null" meeting credentials through a merge) are configuration
 * errors, not client errors: log each once per process, so that no client
 * can flood the error log with them. */
static apr_thread_mutex_t *once_lock;
static apr_hash_t *once_said;

#define ONCE_MAX 256

static int first_time(const char *key)
{
    int first = 0;

    if (!once_said) {
        return 0;
    }
    apr_thread_mutex_lock(once_lock);
    if (apr_hash_count(once_said) < ONCE_MAX
        && !apr_hash_get(once_said, key, APR_HASH_KEY_STRING)) {
        apr_pool_t *p = apr_hash_pool_get(once_said);

        apr_hash_set(once_said, apr_pstrdup(p, key), APR_HASH_KEY_STRING,
                     "");
        first = 1;
    }
    apr_thread_mutex_unlock(once_lock);
    return first;
}

static void cors_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_pool_t *p;

    /* A pool of its own: pchild is not for allocating from requests. */
    if (apr_pool_create(&p, pchild) != APR_SUCCESS
        || apr_thread_mutex_create(&once_lock, APR_THREAD_MUTEX_DEFAULT, p)
           != APR_SUCCESS) {
        return;
    }
    once_said = apr_hash_make(p);
}

/* ------------------------------------------------------------------ */
/* Requests                                                           */

static const cors_origin_list *lookup_set(void *ctx, const char *name)
{
    const server_rec *s = ctx;
    const cors_server_conf *sc = ap_get_module_config(s->module_config,
                                                      &cors_module);

    return apr_hash_get(sc->sets, name, APR_HASH_KEY_STRING);
}

static void make_policy(request_rec *r, const cors_dir_conf *c,
                        cors_policy *policy)
{
    policy->origins = c->origins;
    policy->methods = c->methods;
    policy->headers = c->headers;
    policy->expose = c->expose;
    policy->credentials = c->credentials == 1;
    policy->max_age = c->max_age;
    policy->private_network = c->private_network == 1;
    policy->lookup = lookup_set;
    policy->lookup_ctx = r->server;
}

/* The request the browser sent: an internal redirect keeps its scope. */
static request_rec *first_request(request_rec *r)
{
    while (r->prev) {
        r = r->prev;
    }
    return r;
}

/* Where the "null" entry of d comes from: the list itself, or the set of
 * one of its @name entries. */
static const char *null_source(request_rec *r, const cors_dir_conf *c,
                               const cors_decision *d)
{
    const cors_server_conf *sc = ap_get_module_config(r->server->module_config,
                                                      &cors_module);
    const cors_entry *ref = NULL;
    int i;

    for (i = 0; !ref && c->origins && i < c->origins->sets->nelts; i++) {
        const cors_entry *e = APR_ARRAY_IDX(c->origins->sets, i,
                                            const cors_entry *);
        const cors_origin_list *set = apr_hash_get(sc->sets, e->set_name,
                                                   APR_HASH_KEY_STRING);

        ref = set && set->null_origin == d->entry ? e : NULL;
    }
    return null_entry_named(r->pool, d->entry, ref);
}

/* Configuration errors a decision revealed, once per process each. */
static void report_config_errors(request_rec *r, const cors_dir_conf *c,
                                 const cors_decision *d)
{
    /* In ReportOnly mode the decision is only logged. */
    const char *report_only = c->mode == CORS_MODE_REPORT_ONLY
                              ? " (report only: no response is changed yet)"
                              : "";

    if (d->reason == CORS_DENY_UNKNOWN_SET
        && first_time(apr_pstrcat(r->pool, "set:", r->server->server_hostname,
                                  ":", d->detail, NULL))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "CORS0010: CORSAllowOrigin "
                      "@%s (%s): the virtual host %s defines no set '%s', so "
                      "the entry matches nothing; add 'CORSOriginSet %s "
                      "origin ...' to it", d->detail, c->origins_where,
                      r->server->server_hostname, d->detail, d->detail);
    }
    if (d->wildcard_credentials
        && first_time(apr_pstrcat(r->pool, "any:", c->origins_where, ":",
                                  c->credentials_where, NULL))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "CORS0011: CORSAllowOrigin "
                      "* (%s) meets CORSAllowCredentials On (%s) in the "
                      "merged configuration of this request; '*' is ignored "
                      "and only the listed origins are allowed%s: list the "
                      "origins, or turn credentials off", c->origins_where,
                      c->credentials_where, report_only);
    }
    if (d->reason == CORS_DENY_NULL_CREDENTIALS
        && first_time(apr_pstrcat(r->pool, "null:", d->entry->where, ":",
                                  c->credentials_where, NULL))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "CORS0012: %s meets "
                      "CORSAllowCredentials On (%s) in the merged "
                      "configuration of this request; the origin null is "
                      "refused and only the other listed origins are "
                      "allowed%s: " NULL_CREDENTIALS_FIX,
                      null_source(r, c, d), c->credentials_where,
                      report_only);
    }
}

/* The scope r is in, or NULL outside any: the whole cost of mod_cors for
 * a request that no CORSEnable On applies to is this test, in each hook. */
static APR_INLINE const cors_dir_conf *scope_of(const request_rec *r)
{
    const cors_dir_conf *c = ap_get_module_config(r->per_dir_config,
                                                  &cors_module);

    return c->enable == 1 ? c : NULL;
}

/* What a preflight asks for: Access-Control-Request-Method, -Headers and
 * -Private-Network, in one pass over the request headers rather than an
 * apr_table_get for each (all three start alike, and share a bucket of
 * APR's table index). */
typedef struct {
    const char *method;
    const char *headers;
    const char *private_network;
} cors_asked;

static void read_asked(const request_rec *r, cors_asked *a)
{
    const apr_array_header_t *arr = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    memset(a, 0, sizeof(*a));
    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key, *rest;
        const char **slot;

        if (!k || (k[0] | 0x20) != 'a'
            || strncasecmp(k, "Access-Control-Request-", 23) != 0) {
            continue;
        }
        rest = k + 23;
        slot = strcasecmp(rest, "Method") == 0 ? &a->method
               : strcasecmp(rest, "Headers") == 0 ? &a->headers
               : strcasecmp(rest, "Private-Network") == 0
                 ? &a->private_network : NULL;
        /* The first, as apr_table_get would find. */
        if (slot && !*slot) {
            *slot = e[i].val;
        }
    }
}

static int asks_private_network(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

/* ------------------------------------------------------------------ */
/* Decisions and their reasons                                        */

const char *cors_outcome_word(cors_reason outcome)
{
    return outcome == CORS_ALLOWED ? "allowed" : "denied";
}

/* A value from the request, short enough for a sentence. */
static const char *bounded(apr_pool_t *p, const char *v)
{
    return strlen(v) > 64 ? apr_pstrcat(p, apr_pstrndup(p, v, 64), "...",
                                        NULL)
                          : v;
}

static const char *or_default(const char *where)
{
    return where ? where : "default";
}

/* "'*' is ignored with CORSAllowCredentials On (F:L)". */
static const char *star_ignored(apr_pool_t *p, const cors_dir_conf *c)
{
    return apr_pstrcat(p, "'*' is ignored with CORSAllowCredentials On (",
                       c->credentials_where, ")", NULL);
}

/* "allowed: A, B, C, D and 3 more", the first entries of list, without
 * its "*" when WITHOUT_ANY (credentials made it ignored). */
static const char *allowed_entries(apr_pool_t *p,
                                   const cors_origin_list *list,
                                   int without_any)
{
    const char *text = "allowed: ";
    int i, shown = 0, more = 0;

    for (i = 0; i < list->entries->nelts; i++) {
        const cors_entry *e = APR_ARRAY_IDX(list->entries, i,
                                            const cors_entry *);

        if (without_any && e == list->any) {
            continue;
        }
        if (shown == 4) {
            more++;
            continue;
        }
        text = apr_pstrcat(p, text, shown++ ? ", " : "", e->text, NULL);
    }
    if (!shown) {
        return "no other origin is listed";
    }
    return more ? apr_psprintf(p, "%s and %d more", text, more) : text;
}

/* Why the browser will refuse n, in one sentence that names the directive
 * in force and its file:line; NULL when it will not. */
static const char *explain(request_rec *r, const cors_dir_conf *c,
                           const cors_policy *policy, const cors_note *n)
{
    apr_pool_t *p = r->pool;
    const char *detail = n->d.detail ? bounded(p, n->d.detail) : "";
    const char *near = NULL;

    switch (n->outcome) {
    case CORS_DENY_ORIGIN:
        if (!c->origins) {
            return "CORSAllowOrigin is not set for this URL";
        }
        near = cors_origin_near_miss(c->origins, n->origin, policy->lookup,
                                     policy->lookup_ctx, p);
        return apr_pstrcat(p, n->d.wildcard_credentials
                           ? apr_pstrcat(p, star_ignored(p, c),
                                         " and no other entry", NULL)
                           : "no entry",
                           " of CORSAllowOrigin (", c->origins_where,
                           ") matches it; ",
                           near ? near
                                : allowed_entries(p, c->origins,
                                                  n->d.wildcard_credentials),
                           NULL);
    case CORS_DENY_MALFORMED_ORIGIN:
        near = cors_origin_near_miss(c->origins, n->origin, policy->lookup,
                                     policy->lookup_ctx, p);
        return apr_pstrcat(p, "the Origin is not scheme://host[:port] as "
                           "browsers send it", near ? "; " : "", near, NULL);
    case CORS_DENY_NULL_ORIGIN:
        return apr_pstrcat(p, "the origin null (sandboxed frames, file: "
                           "pages, cross-origin redirects) is not listed in "
                           "CORSAllowOrigin (",
                           or_default(c->origins_where), ")",
                           n->d.wildcard_credentials ? ", and " : "",
                           n->d.wildcard_credentials ? star_ignored(p, c)
                                                     : "", NULL);
    case CORS_DENY_UNKNOWN_SET:
        return apr_pstrcat(p, "CORSAllowOrigin @", detail, " (",
                           c->origins_where, "): this virtual host defines "
                           "no set '", detail, "'", NULL);
    case CORS_DENY_METHOD:
        if (!cors_is_token(n->d.detail, strlen(n->d.detail))) {
            return apr_pstrcat(p, "'", detail, "' is not a method name",
                               NULL);
        }
        return apr_pstrcat(p, detail, " is not in CORSAllowMethods (",
                           c->methods ? c->methods->joined
                                      : "GET, HEAD, POST",
                           "; ", or_default(c->methods_where), ")", NULL);
    case CORS_DENY_HEADER:
        if (!c->headers) {
            return apr_pstrcat(p, "the request header ", detail, " is not "
                               "allowed: CORSAllowHeaders is not set", NULL);
        }
        return apr_pstrcat(p, "the request header ", detail, " is not in "
                           "CORSAllowHeaders (", c->headers->joined, "; ",
                           c->headers_where, ")", NULL);
    case CORS_DENY_MALFORMED_HEADERS:
        return "Access-Control-Request-Headers is not a comma-separated "
               "list of header names";
    case CORS_DENY_TOO_MANY_HEADERS:
        return apr_psprintf(p, "Access-Control-Request-Headers names more "
                            "than %d headers or is longer than %d bytes",
                            CORS_REQUEST_HEADERS_MAX_NAMES,
                            CORS_REQUEST_HEADERS_MAX_BYTES);
    case CORS_DENY_NOT_ANSWERED:
        return apr_psprintf(p, "the server answered %d before mod_cors "
                            "could: access control, a login (see "
                            "CORSPreflightAuth) or a redirect applies to "
                            "this OPTIONS request", r->status);
    case CORS_DENY_NULL_CREDENTIALS:
        return apr_pstrcat(p, "the origin null is listed (",
                           n->d.entry->where, ") but CORSAllowCredentials "
                           "is On (", or_default(c->credentials_where),
                           "), and any site can send Origin: null from a "
                           "sandboxed iframe: null is refused with "
                           "credentials", NULL);
    case CORS_DENY_CREDENTIALS:
        return apr_pstrcat(p, "the request carries a Cookie, so the page "
                           "sent credentials, but CORSAllowCredentials is "
                           "Off (", or_default(c->credentials_where),
                           "): the browser will not let it read the "
                           "response", NULL);
    default:
        return NULL;
    }
}

/* with_cookie: 1 or 0, or -1 to look at r's Cookie header if it matters. */
static cors_note *evaluate(request_rec *r, const cors_dir_conf *c,
                           int preflight, const char *origin,
                           const char *method, const char *request_headers,
                           int private_network, int with_cookie)
{
    cors_note *n = apr_pcalloc(r->pool, sizeof(*n));
    cors_policy policy;

    n->conf = c;
    n->origin = origin;
    n->preflight = preflight;
    make_policy(r, c, &policy);
    if (preflight) {
        cors_decide_preflight(&policy, origin, method, request_headers,
                              private_network, r->pool, &n->d);
    }
    else {
        cors_decide_actual(&policy, origin, &n->d);
    }
    n->outcome = n->d.reason;
    /* The response still carries the headers for the origin, so that a
     * cached copy also serves requests without credentials. */
    if (!preflight && n->d.reason == CORS_ALLOWED && !n->d.allow_credentials
        && (with_cookie < 0 ? apr_table_get(r->headers_in, "Cookie") != NULL
                            : with_cookie)) {
        n->outcome = CORS_DENY_CREDENTIALS;
    }
    return n;
}

/* n->why, worked out on first use: a refused request from a hostile
 * client costs no sentence unless someone reads it. */
static const char *why(request_rec *r, cors_note *n)
{
    cors_policy policy;

    if (!n->explained) {
        make_policy(r, n->conf, &policy);
        n->why = explain(r, n->conf, &policy, n);
        n->explained = 1;
    }
    return n->why;
}

cors_note *cors_evaluate(request_rec *r, const cors_dir_conf *c,
                         int preflight, const char *origin,
                         const char *method, const char *request_headers,
                         int with_cookie)
{
    cors_note *n = evaluate(r, c, preflight, origin, method, request_headers,
                            asks_private_network(apr_table_get(r->headers_in,
                                "Access-Control-Request-Private-Network")),
                            with_cookie);

    why(r, n);
    return n;
}

/* CORS_REQUEST_TYPE, CORS_DECISION and CORS_REASON, for LogFormat's %e,
 * mod_rewrite's %{ENV:...} and CGI.  set: replace earlier values (a
 * decision that changed, or an internal redirect's copy); otherwise they
 * are added, which costs a third. */
static void annotate(request_rec *r, const cors_note *n, int set)
{
    void (*put)(apr_table_t *, const char *, const char *) =
        set ? apr_table_setn : apr_table_addn;

    put(r->subprocess_env, "CORS_REQUEST_TYPE",
        n->preflight ? "preflight" : "actual");
    put(r->subprocess_env, "CORS_DECISION", cors_outcome_word(n->outcome));
    put(r->subprocess_env, "CORS_REASON", cors_reason_token(n->outcome));
}

/* The decision about r, the request the browser sent (not a subrequest,
 * not an internal redirect), made once: by the access hook for a
 * preflight, else by the fixups hook, else by CORS_OUT.  NULL when r has
 * no Origin or is outside a CORS scope. */
static cors_note nothing_to_decide;

static CORS_NOINLINE cors_note *decide_origin(request_rec *r,
                                               const cors_dir_conf *c,
                                               const char *origin)
{
    cors_asked asked;
    cors_note *n;
    int preflight = 0;

    if (r->method_number == M_OPTIONS) {
        read_asked(r, &asked);
        preflight = asked.method && *asked.method;
    }
    n = preflight ? evaluate(r, c, 1, origin, asked.method, asked.headers,
                             asks_private_network(asked.private_network), 0)
                  : evaluate(r, c, 0, origin, NULL, NULL, 0, -1);
    ap_set_module_config(r->request_config, &cors_module, n);
    annotate(r, n, 0);
    return n;
}

/* Apart from decide_origin, so that a request without Origin does not
 * pay for its stack frame. */
static CORS_NOINLINE cors_note *decide_now(request_rec *r)
{
    const cors_dir_conf *c = scope_of(r);
    const char *origin = c ? apr_table_get(r->headers_in, "Origin") : NULL;

    if (origin) {
        return decide_origin(r, c, origin);
    }
    /* The later hooks need not look again. */
    ap_set_module_config(r->request_config, &cors_module,
                         &nothing_to_decide);
    return NULL;
}

/* Each hook asks; only the first works it out. */
static APR_INLINE cors_note *decide(request_rec *r)
{
    cors_note *n;

    if (r->main || r->prev) {
        return NULL;
    }
    n = ap_get_module_config(r->request_config, &cors_module);
    if (n) {
        return n == &nothing_to_decide ? NULL : n;
    }
    return decide_now(r);
}

/* The values go in as they are: httpd's error log escapes the whole
 * message (control characters and backslashes), and a second escaping
 * here would show each backslash of a regex entry four times. */
static void log_decision(request_rec *r, cors_note *n)
{
    int level = n->outcome == CORS_ALLOWED ? APLOG_TRACE1 : APLOG_DEBUG;
    const char *w;
    apr_size_t len;

    if (!APLOGrtrace1(r) && !(level == APLOG_DEBUG && APLOGrdebug(r))) {
        return;
    }
    w = why(r, n);
    len = strlen(n->origin);
    ap_log_rerror(APLOG_MARK, level, 0, r,
                  "CORS0001: %s %s%s on %s from origin '%s'%s: %s%s%s%s%s%s",
                  n->preflight ? "preflight" : "actual",
                  r->uri, r->prev ? " (internal redirect)" : "",
                  r->server->server_hostname,
                  len > 200 ? apr_pstrmemdup(r->pool, n->origin, 200)
                            : n->origin,
                  len > 200 ? " (truncated)" : "",
                  cors_outcome_word(n->outcome),
                  n->outcome != CORS_ALLOWED ? ": " : "",
                  n->outcome != CORS_ALLOWED
                      ? cors_reason_token(n->outcome) : "",
                  w ? ": " : "", w ? w : "",
                  n->conf->mode == CORS_MODE_REPORT_ONLY
                      ? " (report only)" : "");
}

/* Logs and counts a decision, once (decide() annotated it). */
static void record(request_rec *r, cors_note *n)
{
    if (n->recorded) {
        return;
    }
    n->recorded = 1;
    log_decision(r, n);
    report_config_errors(r, n->conf, &n->d);
    cors_info_count(r, n);
}

/* Decides as soon as the per-directory configuration is complete, while
 * the method is still the one the browser sent: an ErrorDocument for an
 * access-control refusal turns the request into a GET. */
static int cors_header_parser(request_rec *r)
{
    if (scope_of(r)) {
        decide(r);
    }
    return DECLINED;
}

/*
 * Runs after mod_authz_core's userless check: reached only when every
 * earlier hook declined, which for mod_authz_core means "a user would be
 * needed".  A preflight never carries credentials, so under
 * CORSPreflightAuth Skip it passes here, and the fixups hook answers it;
 * an outright denial (Require all denied, a failing Require ip) has
 * already answered 403.  Under CORSPreflightPassthrough only a preflight
 * the policy allows passes: the handler behind a login must not see
 * anonymous requests from origins nobody allowed.
 */
static int cors_preflight_access(request_rec *r)
{
    const cors_note *note = scope_of(r) ? decide(r) : NULL;

    if (!note || !note->preflight
        || note->conf->mode == CORS_MODE_REPORT_ONLY
        || note->conf->preflight_auth == CORS_AUTH_ENFORCE
        || (note->conf->passthrough == 1 && note->d.reason != CORS_ALLOWED)) {
        return DECLINED;
    }
    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "preflight passes authentication (CORSPreflightAuth Skip)");
    return OK;
}

/* What ap_invoke_handler does after the insert_filter hooks: filters such
 * as mod_filter's need their init function before they see data. */
static int init_output_filters(request_rec *r)
{
    ap_filter_t *f;

    for (f = r->output_filters; f; f = f->next) {
        if (f->frec->filter_init_func) {
            int rv = f->frec->filter_init_func(f);

            if (rv != OK) {
                return rv;
            }
        }
    }
    return OK;
}

/*
 * Answers a preflight before mod_rewrite's per-directory rules, mod_dir's
 * redirects and the handler.  The response headers are left to CORS_OUT,
 * which the insert_filter hooks add, so that answered preflights get the
 * same treatment (and the same `Header always` lines) as everything else.
 */
static int cors_fixups(request_rec *r)
{
    cors_note *note = scope_of(r) ? decide(r) : NULL;
    int rv;

    if (!note) {
        return DECLINED;
    }
    note->reached_fixups = 1;
    record(r, note);
    if (!note->preflight || note->conf->passthrough == 1
        || note->conf->mode == CORS_MODE_REPORT_ONLY) {
        return DECLINED;
    }
    ap_run_insert_filter(r);
    rv = init_output_filters(r);
    if (rv != OK) {
        return rv;
    }
    if (note->d.reason == CORS_ALLOWED) {
        r->status = note->conf->preflight_status == UNSET
                    ? HTTP_NO_CONTENT : note->conf->preflight_status;
        /* A 204 has no body and may not say so: httpd would remove the
         * header again. */
        if (r->status != HTTP_NO_CONTENT) {
            ap_set_content_length(r, 0);
        }
    }
    else {
        r->status = HTTP_FORBIDDEN;
        ap_set_content_type(r, "text/plain; charset=utf-8");
        ap_rputs("Cross-origin request refused by the server's CORS "
                 "policy.\n", r);
    }
    return DONE;
}

/* Whether key k may start with "Access-Control-": the first letter weeds
 * out nearly every key, and the fifth Accept-Ranges (the letters are
 * tested in order, so a shorter key stops at its NUL, which no test
 * passes). */
static APR_INLINE int may_be_cors_key(const char *k)
{
    return k && (k[0] | 0x20) == 'a' && (k[1] | 0x20) == 'c'
           && (k[2] | 0x20) == 'c' && (k[3] | 0x20) == 'e'
           && (k[4] | 0x20) == 's';
}

/* strip_cors_headers from entry e on, once a key there looked like one. */
static CORS_NOINLINE void strip_from(apr_table_t *t,
                                     const apr_array_header_t *arr,
                                     const apr_table_entry_t *e)
{
    const apr_table_entry_t *first = (const apr_table_entry_t *)arr->elts;
    const apr_table_entry_t *end = first + arr->nelts;

    for (; e < end; e++) {
        const char *k = e->key;

        if (may_be_cors_key(k)
            && strncasecmp(k, "Access-Control-", 15) == 0) {
            /* Removes k's entries, all at e or after it (those before
             * were kept), and moves the rest down: look at e again. */
            apr_table_unset(t, k);
            end = first + arr->nelts;
            e--;
        }
    }
}

/* Removes every Access-Control-* header from t.  The scan makes no call
 * until a key looks like one, so it needs no stack frame of its own. */
static void strip_cors_headers(apr_table_t *t)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    const apr_table_entry_t *end = e + arr->nelts;

    for (; e < end; e++) {
        if (may_be_cors_key(e->key)) {
            strip_from(t, arr, e);
            return;
        }
    }
}

/*
 * Writes the headers of decision d, for a preflight or an actual request.
 * CORS_OUT runs on the response being sent, error pages included (httpd
 * has already swapped err_headers_out in for those), so headers_out is
 * final here: writing there spares the header filter an overlay of
 * err_headers_out when nothing else uses it.
 */
static void apply_decision(request_rec *r, const cors_dir_conf *c,
                           const cors_decision *d, int preflight)
{
    apr_table_t *out = r->headers_out;
    /* A preflight answer depends on the Origin, the method and the headers
     * asked for, and Access-Control-Request-Private-Network: no stored
     * copy may answer another preflight.  Browsers and mod_cache never
     * store one; "*" tells any other cache so in one token (httpd re-parses
     * every Vary value of every response).  Whoever writes the rest. */
    const char *vary = preflight ? "*" : d->vary_origin ? "Origin" : NULL;
    /* CORSBackendHeaders Keep: a response that already has an
     * Access-Control-Allow-Origin keeps the backend's headers. */
    int keep = c->backend_headers == CORS_BACKEND_KEEP
               && (apr_table_get(out, "Access-Control-Allow-Origin")
                   || apr_table_get(r->err_headers_out,
                                    "Access-Control-Allow-Origin"));

    if (!keep) {
        strip_cors_headers(out);
        if (!apr_is_empty_table(r->err_headers_out)) {
            strip_cors_headers(r->err_headers_out);
        }
    }
    /* After the strip, which then has one entry less to look at. */
    if (vary) {
        apr_table_mergen(out, "Vary", vary);
    }
    if (keep || d->reason != CORS_ALLOWED) {
        return;
    }
    /* Stripped above: add, no need to look for an old value. */
    apr_table_addn(out, "Access-Control-Allow-Origin", d->allow_origin);
    if (d->allow_credentials) {
        apr_table_addn(out, "Access-Control-Allow-Credentials", "true");
    }
    if (!preflight) {
        if (d->expose_headers) {
            apr_table_addn(out, "Access-Control-Expose-Headers",
                           d->expose_headers);
        }
        return;
    }
    if (d->allow_methods) {
        apr_table_addn(out, "Access-Control-Allow-Methods", d->allow_methods);
    }
    if (d->allow_headers) {
        apr_table_addn(out, "Access-Control-Allow-Headers", d->allow_headers);
    }
    if (d->max_age) {
        apr_table_addn(out, "Access-Control-Max-Age", d->max_age);
    }
    if (d->allow_private_network) {
        apr_table_addn(out, "Access-Control-Allow-Private-Network", "true");
    }
}

/* A refusal, or a request without Origin: no Access-Control-Allow-*. */
static void refuse(cors_decision *d, const cors_policy *policy,
                   cors_reason reason)
{
    memset(d, 0, sizeof(*d));
    d->reason = reason;
    d->vary_origin = cors_policy_varies(policy);
}

/* CORS-Debug: the decision and its reason, for trusted clients. */
static void add_debug_header(request_rec *r, cors_note *n)
{
    const char *w = why(r, n);

    apr_table_setn(r->headers_out, "CORS-Debug", apr_pstrcat(r->pool,
                   cors_outcome_word(n->outcome), "; reason=",
                   cors_reason_token(n->outcome), "; request=",
                   n->preflight ? "preflight" : "actual",
                   n->conf->mode == CORS_MODE_REPORT_ONLY
                       ? "; mode=report-only" : "",
                   w ? "; why=\"" : "",
                   w ? ap_escape_logitem(r->pool, w) : "",
                   w ? "\"" : "", NULL));
}

/* No Origin: the handler's own Access-Control-* headers go, and
 * Vary: Origin comes when the answer would depend on one. */
static void apply_no_origin(request_rec *r, const cors_dir_conf *c)
{
    cors_policy policy;
    cors_decision none;

    /* apply_decision and cors_policy_varies read only these. */
    policy.origins = c->origins;
    policy.credentials = c->credentials == 1;
    none.reason = CORS_DENY_NO_ORIGIN;
    none.vary_origin = cors_policy_varies(&policy);
    apply_decision(r, c, &none, 0);
}

/* add_cors_out gives the scope as the context when the request has no
 * decision (no Origin), NULL when it has one.  A CORS_OUT added by name
 * (SetOutputFilter) has no context either, and may find no decision. */
static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r, *first;
    const cors_dir_conf *c = f->ctx;
    cors_note *note;
    cors_policy policy;

    ap_remove_output_filter(f);
    if (c) {
        if (c->mode != CORS_MODE_REPORT_ONLY) {
            apply_no_origin(r, c);
        }
        return ap_pass_brigade(f->next, bb);
    }
    first = first_request(r);
    note = decide(first);
    if (!note) {
        return ap_pass_brigade(f->next, bb);
    }
    c = note->conf;
    if (note->preflight && !note->reached_fixups
        && c->mode != CORS_MODE_REPORT_ONLY) {
        /* Access control or a redirect answered before the fixups hook
         * could: to the browser this is a failed preflight. */
        make_policy(r, c, &policy);
        refuse(&note->d, &policy, CORS_DENY_NOT_ANSWERED);
        note->outcome = note->d.reason;
        note->explained = 0;
        annotate(first, note, 1);
    }
    record(r, note);
    if (r != first) {
        annotate(r, note, 1);
    }
    if (c->mode != CORS_MODE_REPORT_ONLY) {
        apply_decision(r, c, &note->d, note->preflight);
    }
    if (c->debug_headers == 1) {
        add_debug_header(r, note);
    }
    return ap_pass_brigade(f->next, bb);
}

static CORS_NOINLINE void add_cors_out(request_rec *r, request_rec *first,
                                       const cors_dir_conf *c)
{
    ap_add_output_filter_handle(cors_out_filter_handle,
                                decide(first) ? NULL : (void *)c, r,
                                r->connection);
}

/* Adds CORS_OUT to every response of a CORS scope, on the normal and the
 * error path: even without an Origin, the handler's own Access-Control-*
 * headers may need removing and Vary: Origin adding. */
static void cors_insert_filter(request_rec *r)
{
    request_rec *first;
    const cors_dir_conf *c;

    if (!r->prev) {
        /* Nearly every request: tested apart, and first. */
        c = scope_of(r);
        if (c && !r->main) {
            add_cors_out(r, r, c);
        }
        return;
    }
    if (r->main) {
        return;
    }
    first = first_request(r);
    c = scope_of(first);
    if (c) {
        add_cors_out(r, first, c);
    }
}

static void cors_register_hooks(apr_pool_t *p)
{
    static const char *const after_authz[] = { "mod_authz_core.c", NULL };
    static const char *const after_headers[] = { "mod_headers.c", NULL };

    ap_hook_pre_config(cors_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(cors_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(cors_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_header_parser(cors_header_parser, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_access_ex(cors_preflight_access, after_authz, NULL,
                            APR_HOOK_LAST, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_fixups(cors_fixups, NULL, NULL, APR_HOOK_REALLY_FIRST);
    /* Filters of one type run in the order they were added: inserting
     * after mod_headers puts CORS_OUT behind its `Header` filter, and the
     * CONTENT_SET type before mod_cache's save filter (CONTENT_SET + 1),
     * so a cached response holds the headers and Vary that mod_cors set. */
    ap_hook_insert_filter(cors_insert_filter, after_headers, NULL,
                          APR_HOOK_LAST);
    ap_hook_insert_error_filter(cors_insert_filter, after_headers, NULL,
                                APR_HOOK_LAST);
    cors_out_filter_handle = ap_register_output_filter(
        "CORS_OUT", cors_out_filter, NULL, AP_FTYPE_CONTENT_SET);
    cors_info_register_hooks(p);
}

module AP_MODULE_DECLARE_DATA cors_module = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,        /* per-directory config creator */
    merge_dir_conf,         /* per-directory config merger */
    create_server_conf,     /* per-server config creator */
    merge_server_conf,      /* per-server config merger */
    cors_cmds,              /* command table */
    cors_register_hooks,    /* hook registration */
    AP_MODULE_FLAG_NONE     /* flags */
};
