/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * The cors-info handler and the decision counters.
 *
 *     <Location "/cors-info">
 *         SetHandler cors-info
 *         Require local
 *     </Location>
 *
 * The page lists, for the main server and each virtual host, the
 * CORSOriginSet sets it defines or inherits (each entry with its
 * file:line) and how many CORS requests mod_cors decided there: preflights
 * and actual requests, allowed, and denied by reason token.  Given a
 * hypothetical request,
 *
 *     /cors-info?url=/api/users&origin=http://localhost:3000&method=PUT
 *               &headers=authorization&credentials=1
 *
 * it says whether a browser would send a preflight, what mod_cors would
 * answer to it and to the actual request (decision, reason, the sentence
 * that explains it, the response headers) and which directive, at which
 * file:line, set each part of the policy.  The URL is looked up in the
 * virtual host serving the page as a subrequest, with the actual request's
 * method and, for a preflight, with OPTIONS: access rules see the client of
 * this page (its address) without its credentials, as they see a browser's
 * preflight, and a 403, or a 401 under CORSPreflightAuth Enforce, is a
 * preflight the server refuses before mod_cors can answer it.  mod_cors
 * counts and logs nothing for the lookups; other modules' access checks
 * may log as for any subrequest.  The page is HTML; ?format=text gives the
 * same as "name: value" lines, every value with its control characters
 * escaped.  Like server-info it shows configuration, so it does nothing
 * unless an administrator sets the handler, who should restrict it.
 *
 * The counters are one anonymous shared memory segment, created in
 * post_config before the MPM forks its children, so every process and
 * thread counts into the same cells: one atomic increment per decided
 * request, after a pointer hash lookup of r->server.  Each server_rec has a
 * row: a key ("name:port#n"), the time the row started counting, then for
 * preflights and for actual requests one 32-bit cell per outcome token and
 * one for an outcome this file does not know.  `httpd -t` runs no
 * post_config, so it has no segment and counts nothing.  A restart makes a
 * new segment and carries over the rows whose key is unchanged; the old
 * segment is released (children of the old generation keep their mapping
 * until they exit, and what they count after the copy is lost).
 */

#include <string.h>
#include <stdlib.h>

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_status.h"

#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_optional_hooks.h>
#include <apr_shm.h>
#include <apr_strings.h>
#if APR_HAVE_UNISTD_H
#include <unistd.h>             /* getpid */
#endif

#include "mod_cors.h"

/* ------------------------------------------------------------------ */
/* Shared memory layout                                               */

#define COUNTERS_MAGIC   0x434f5253u    /* "CORS" */
#define COUNTERS_VERSION 1u
#define COUNTERS_KEY_MAX 256
#define REASONS_MAX      64
#define SEGMENT_USERDATA "mod_cors cors-info counters"

typedef struct {
    apr_uint32_t magic;
    apr_uint32_t version;
    apr_uint32_t rows;
    apr_uint32_t columns;       /* cells per request type */
} counters_head;

/* A row: this, then 2 * columns apr_uint32_t cells (preflights first). */
typedef struct {
    char key[COUNTERS_KEY_MAX];
    apr_time_t since;
} counters_row;

/* Survives restarts as userdata of the process pool; destroying pool
 * releases the segment. */
typedef struct {
    apr_pool_t *pool;
    counters_head *head;
} counters_segment;

static apr_size_t row_size(apr_uint32_t ncolumns)
{
    apr_size_t n = sizeof(counters_row) + 2 * ncolumns * sizeof(apr_uint32_t);

    return APR_ALIGN_DEFAULT(n);
}

static counters_row *row_at(counters_head *head, apr_uint32_t i)
{
    return (counters_row *)((char *)head + APR_ALIGN_DEFAULT(sizeof(*head))
                            + i * row_size(head->columns));
}

static apr_uint32_t *cells_of(counters_row *row)
{
    return (apr_uint32_t *)(row + 1);
}

/* This generation's view: a pointer hash from server_rec to its cells,
 * built in post_config and read-only afterwards. */
typedef struct {
    const server_rec *s;
    apr_uint32_t *cells;
    counters_row *row;
} counters_slot;

static counters_slot *slots;
static apr_size_t slots_mask;
static apr_uint32_t columns;    /* known outcome tokens + 1 */
static const char *counters_error;

static apr_size_t slot_hash(const server_rec *s)
{
    return (apr_size_t)(((apr_uintptr_t)s >> 4) * 2654435761u);
}

static counters_slot *slot_of(const server_rec *s)
{
    apr_size_t i;

    if (!slots) {
        return NULL;
    }
    for (i = slot_hash(s) & slots_mask; slots[i].s != s;
         i = (i + 1) & slots_mask) {
        if (!slots[i].s) {
            return NULL;
        }
    }
    return &slots[i];
}

void cors_info_count(request_rec *r, const cors_note *note)
{
    const counters_slot *slot = slot_of(r->server);
    apr_uint32_t reason;

    if (!slot || !note) {
        return;
    }
    reason = (apr_uint32_t)note->outcome;
    if (reason >= columns - 1) {
        reason = columns - 1;
    }
    apr_atomic_inc32(slot->cells + (note->preflight ? 0 : columns) + reason);
}

/* The outcome tokens cors_decide.c knows, so that a reason added there
 * gets a column without a change here. */
static apr_uint32_t known_reasons(void)
{
    apr_uint32_t n = 0;

    while (n < REASONS_MAX
           && strcmp(cors_reason_token((cors_reason)n), "unknown") != 0) {
        n++;
    }
    return n;
}

/* "name:port", the port from ServerName or else the first address. */
static const char *server_label(apr_pool_t *p, const server_rec *s)
{
    apr_port_t port = s->port;

    if (!port && s->addrs) {
        port = s->addrs->host_port;
    }
    return port ? apr_psprintf(p, "%s:%u", s->server_hostname
                               ? s->server_hostname : "", (unsigned)port)
                : (s->server_hostname ? s->server_hostname : "");
}

static apr_status_t segment_create(apr_pool_t *pproc, apr_size_t size,
                                   counters_segment **segp)
{
    apr_pool_t *p;
    apr_shm_t *shm;
    counters_segment *seg;
    apr_status_t rv;

    rv = apr_pool_create(&p, pproc);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    apr_pool_tag(p, "cors_counters");
    rv = apr_shm_create(&shm, size, NULL, p);
    if (rv == APR_ENOTIMPL) {
        /* No anonymous shared memory here: a file in the run-time
         * directory, unique to this parent and this generation. */
        const char *file = ap_runtime_dir_relative(p, apr_psprintf(p,
            "mod_cors-counters.%" APR_PID_T_FMT ".%" APR_TIME_T_FMT,
            getpid(), apr_time_now()));

        if (file) {
            apr_shm_remove(file, p);
            rv = apr_shm_create(&shm, size, file, p);
        }
    }
    if (rv != APR_SUCCESS) {
        apr_pool_destroy(p);
        return rv;
    }
    seg = apr_palloc(p, sizeof(*seg));
    seg->pool = p;
    seg->head = apr_shm_baseaddr_get(shm);
    memset(seg->head, 0, size);
    *segp = seg;
    return APR_SUCCESS;
}

/* The rows of the previous generation by key, when its layout matches. */
static apr_hash_t *previous_rows(apr_pool_t *p, const counters_segment *old)
{
    apr_hash_t *rows = apr_hash_make(p);
    apr_uint32_t i;

    if (!old || old->head->magic != COUNTERS_MAGIC
        || old->head->version != COUNTERS_VERSION
        || old->head->columns != columns) {
        return rows;
    }
    for (i = 0; i < old->head->rows; i++) {
        counters_row *row = row_at(old->head, i);

        apr_hash_set(rows, row->key, APR_HASH_KEY_STRING, row);
    }
    return rows;
}

static apr_status_t forget_counters(void *unused)
{
    slots = NULL;
    slots_mask = 0;
    counters_error = NULL;
    return APR_SUCCESS;
}

static int info_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *main_server)
{
    apr_pool_t *pproc = main_server->process->pool;
    counters_segment *seg, *old = NULL;
    apr_hash_t *old_rows, *seen;
    apr_uint32_t n = 0, i, j;
    apr_size_t size, nslots = 4;
    apr_status_t rv;
    server_rec *s;

    forget_counters(NULL);
    apr_pool_cleanup_register(pconf, NULL, forget_counters,
                              apr_pool_cleanup_null);
    columns = known_reasons() + 1;
    for (s = main_server; s; s = s->next) {
        n++;
    }
    size = APR_ALIGN_DEFAULT(sizeof(counters_head)) + n * row_size(columns);
    rv = segment_create(pproc, size, &seg);
    if (rv != APR_SUCCESS) {
        counters_error = apr_psprintf(pconf, "no shared memory (%"
                                      APR_SIZE_T_FMT " bytes) could be "
                                      "created", size);
        ap_log_error(APLOG_MARK, APLOG_WARNING | APLOG_STARTUP, rv, NULL,
                     "mod_cors: warning: %s for the cors-info counters; "
                     "decisions are not counted", counters_error);
        return OK;
    }
    seg->head->magic = COUNTERS_MAGIC;
    seg->head->version = COUNTERS_VERSION;
    seg->head->rows = n;
    seg->head->columns = columns;

    apr_pool_userdata_get((void **)&old, SEGMENT_USERDATA, pproc);
    old_rows = previous_rows(ptemp, old);
    seen = apr_hash_make(ptemp);
    while (nslots < 2 * (apr_size_t)n) {
        nslots *= 2;
    }
    slots = apr_pcalloc(pconf, nslots * sizeof(*slots));
    slots_mask = nslots - 1;

    for (s = main_server, i = 0; s; s = s->next, i++) {
        const char *label = server_label(ptemp, s);
        counters_row *row = row_at(seg->head, i), *was;
        int *count = apr_hash_get(seen, label, APR_HASH_KEY_STRING);
        apr_size_t k;

        /* Two servers may share a name and port (name-based virtual
         * hosts on several addresses): the key counts them. */
        if (!count) {
            count = apr_pcalloc(ptemp, sizeof(*count));
            apr_hash_set(seen, label, APR_HASH_KEY_STRING, count);
        }
        apr_cpystrn(row->key, apr_psprintf(ptemp, "%s#%d", label, (*count)++),
                    sizeof(row->key));
        row->since = apr_time_now();
        was = apr_hash_get(old_rows, row->key, APR_HASH_KEY_STRING);
        if (was) {
            row->since = was->since;
            for (j = 0; j < 2 * columns; j++) {
                cells_of(row)[j] = apr_atomic_read32(cells_of(was) + j);
            }
        }
        k = slot_hash(s) & slots_mask;
        while (slots[k].s) {
            k = (k + 1) & slots_mask;
        }
        slots[k].s = s;
        slots[k].row = row;
        slots[k].cells = cells_of(row);
    }

    /* The old generation's children keep their own mapping. */
    if (old) {
        apr_pool_destroy(old->pool);
    }
    apr_pool_userdata_set(seg, SEGMENT_USERDATA, apr_pool_cleanup_null,
                          pproc);
    return OK;
}

/* What a row holds, summed. */
typedef struct {
    apr_uint32_t preflights, preflights_allowed;
    apr_uint32_t actual, actual_allowed;
} counters_sum;

static void sum_row(const counters_slot *slot, counters_sum *sum)
{
    apr_uint32_t j;

    memset(sum, 0, sizeof(*sum));
    for (j = 0; j < columns; j++) {
        sum->preflights += apr_atomic_read32(slot->cells + j);
        sum->actual += apr_atomic_read32(slot->cells + columns + j);
    }
    sum->preflights_allowed = apr_atomic_read32(slot->cells + CORS_ALLOWED);
    sum->actual_allowed = apr_atomic_read32(slot->cells + columns
                                            + CORS_ALLOWED);
}

static const char *column_token(apr_uint32_t j)
{
    return j < columns - 1 ? cors_reason_token((cors_reason)j)
                           : "other";
}

/* ------------------------------------------------------------------ */
/* mod_status                                                         */

static int cors_status_hook(request_rec *r, int flags)
{
    counters_sum sum, total;
    const server_rec *s;
    const counters_slot *slot;
    int shown = 0;

    if (!slots) {
        return OK;
    }
    memset(&total, 0, sizeof(total));
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("<hr />\n<h2>CORS decisions (mod_cors)</h2>\n", r);
    }
    for (s = ap_server_conf; s; s = s->next) {
        const char *label;
        apr_uint32_t j;

        slot = slot_of(s);
        if (!slot) {
            continue;
        }
        sum_row(slot, &sum);
        total.preflights += sum.preflights;
        total.preflights_allowed += sum.preflights_allowed;
        total.actual += sum.actual;
        total.actual_allowed += sum.actual_allowed;
        if (!sum.preflights && !sum.actual) {
            continue;
        }
        label = server_label(r->pool, s);
        if (flags & AP_STATUS_SHORT) {
            ap_rprintf(r, "CORS %s Preflights: %u\n"
                       "CORS %s ActualRequests: %u\n"
                       "CORS %s Allowed: %u\n"
                       "CORS %s Denied: %u\n",
                       label, sum.preflights, label, sum.actual, label,
                       sum.preflights_allowed + sum.actual_allowed, label,
                       sum.preflights + sum.actual
                       - sum.preflights_allowed - sum.actual_allowed);
            for (j = 1; j < columns; j++) {
                apr_uint32_t n = apr_atomic_read32(slot->cells + j)
                                 + apr_atomic_read32(slot->cells + columns
                                                     + j);

                if (n) {
                    ap_rprintf(r, "CORS %s Denied-%s: %u\n", label,
                               column_token(j), n);
                }
            }
            continue;
        }
        if (!shown++) {
            ap_rputs("<table border=\"1\"><tr><th>Server</th>"
                     "<th>Preflights</th><th>Actual requests</th>"
                     "<th>Allowed</th><th>Denied</th>"
                     "<th>Denied by reason</th></tr>\n", r);
        }
        ap_rprintf(r, "<tr><td>%s</td><td>%u</td><td>%u</td><td>%u</td>"
                   "<td>%u</td><td>", ap_escape_html(r->pool, label),
                   sum.preflights, sum.actual,
                   sum.preflights_allowed + sum.actual_allowed,
                   sum.preflights + sum.actual
                   - sum.preflights_allowed - sum.actual_allowed);
        for (j = 1; j < columns; j++) {
            apr_uint32_t n = apr_atomic_read32(slot->cells + j)
                             + apr_atomic_read32(slot->cells + columns + j);

            if (n) {
                ap_rprintf(r, "%s %u<br />", column_token(j), n);
            }
        }
        ap_rputs("</td></tr>\n", r);
    }
    if (flags & AP_STATUS_SHORT) {
        ap_rprintf(r, "CORSPreflights: %u\nCORSActualRequests: %u\n"
                   "CORSAllowed: %u\nCORSDenied: %u\n",
                   total.preflights, total.actual,
                   total.preflights_allowed + total.actual_allowed,
                   total.preflights + total.actual
                   - total.preflights_allowed - total.actual_allowed);
    }
    else if (shown) {
        ap_rputs("</table>\n", r);
    }
    else {
        ap_rputs("<p>No CORS request decided yet.</p>\n", r);
    }
    return OK;
}

/* ------------------------------------------------------------------ */
/* The page                                                           */

/* Longest value of a parameter, and of the whole query string. */
#define PARAM_MAX 4096
#define QUERY_MAX 16384

typedef struct {
    const char *url;
    const char *origin;
    const char *method;
    const char *headers;
    const char *credentials;
    const char *format;
} info_query;

static const struct {
    const char *name;
    apr_size_t offset;
} params[] = {
    { "url", APR_OFFSETOF(info_query, url) },
    { "origin", APR_OFFSETOF(info_query, origin) },
    { "method", APR_OFFSETOF(info_query, method) },
    { "headers", APR_OFFSETOF(info_query, headers) },
    { "credentials", APR_OFFSETOF(info_query, credentials) },
    { "format", APR_OFFSETOF(info_query, format) }
};

/* Untrusted text for a message: bounded and with control characters
 * escaped. */
static const char *printable(apr_pool_t *p, const char *s)
{
    return ap_escape_logitem(p, strlen(s) > 64
                                ? apr_pstrcat(p, apr_pstrndup(p, s, 64),
                                              "...", NULL)
                                : s);
}

static int has_control(const char *s)
{
    for (; *s; s++) {
        if (apr_iscntrl(*s)) {
            return 1;
        }
    }
    return 0;
}

/* Splits r->args into q; NULL or what is wrong with it. */
static const char *parse_query(request_rec *r, info_query *q)
{
    char *args, *pair, *state;
    apr_size_t i;

    memset(q, 0, sizeof(*q));
    if (!r->args) {
        return NULL;
    }
    if (strlen(r->args) > QUERY_MAX) {
        return apr_psprintf(r->pool, "the query string is longer than %d "
                            "bytes", QUERY_MAX);
    }
    args = apr_pstrdup(r->pool, r->args);
    for (pair = apr_strtok(args, "&", &state); pair;
         pair = apr_strtok(NULL, "&", &state)) {
        char *value = strchr(pair, '=');
        const char **slot = NULL;

        if (value) {
            *value++ = '\0';
        }
        else {
            value = pair + strlen(pair);
        }
        if (ap_unescape_urlencoded(pair) != OK
            || ap_unescape_urlencoded(value) != OK) {
            return "the query string has a malformed or NUL %-escape";
        }
        for (i = 0; i < sizeof(params) / sizeof(*params); i++) {
            if (strcmp(pair, params[i].name) == 0) {
                slot = (const char **)((char *)q + params[i].offset);
                break;
            }
        }
        if (!slot) {
            return apr_psprintf(r->pool, "unknown parameter '%s'; the "
                                "parameters are url, origin, method, "
                                "headers, credentials and format",
                                printable(r->pool, pair));
        }
        if (*slot) {
            return apr_psprintf(r->pool, "the parameter %s is given twice",
                                pair);
        }
        if (strlen(value) > PARAM_MAX) {
            return apr_psprintf(r->pool, "the parameter %s is longer than "
                                "%d bytes", pair, PARAM_MAX);
        }
        *slot = value;
    }
    return NULL;
}

/* 1, 0, or -1 when the word is neither. */
static int parse_yes_no(const char *v)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false", "" };
    apr_size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            return 1;
        }
    }
    for (i = 0; i < sizeof(no) / sizeof(*no); i++) {
        if (strcasecmp(v, no[i]) == 0) {
            return 0;
        }
    }
    return -1;
}

/* A browser upper-cases these six method names and sends others as the
 * page wrote them (fetch's "patch" stays "patch"). */
static const char *normalize_method(const char *method)
{
    static const char *const names[] = {
        "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"
    };
    apr_size_t i;

    for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
        if (strcasecmp(method, names[i]) == 0) {
            return names[i];
        }
    }
    return method;
}

typedef struct {
    request_rec *r;
    int html;
    int table_open;
    /* The explained request. */
    const char *url;
    const char *origin;
    const char *method;
    const char *headers;        /* NULL: none */
    int credentials;
    int credentials_set;
} info_page;

/* Checks q and fills in page; NULL or what is wrong. */
static const char *check_query(info_page *page, const info_query *q)
{
    apr_pool_t *p = page->r->pool;

    page->html = 1;
    if (q->format && strcmp(q->format, "text") == 0) {
        page->html = 0;
    }
    else if (q->format && strcmp(q->format, "html") != 0) {
        return apr_psprintf(p, "format '%s' is neither html nor text",
                            printable(p, q->format));
    }
    if (q->credentials) {
        page->credentials = parse_yes_no(q->credentials);
        if (page->credentials < 0) {
            return apr_psprintf(p, "credentials '%s' is neither 1 nor 0",
                                printable(p, q->credentials));
        }
        page->credentials_set = 1;
    }
    if (!q->url) {
        if (q->origin || q->method || q->headers || q->credentials) {
            return "origin, method, headers and credentials describe a "
                   "request to explain: give its url too, e.g. "
                   "?url=/api/users&origin=https://app.example.com";
        }
        return NULL;
    }
    if (q->url[0] != '/' || has_control(q->url) || strchr(q->url, ' ')) {
        return apr_psprintf(p, "url '%s' is not a path on this server; "
                            "give one that starts with '/', such as "
                            "/api/users", printable(p, q->url));
    }
    if (!q->origin || !*q->origin) {
        return "origin is missing: give the Origin the browser would send, "
               "e.g. origin=https://app.example.com";
    }
    if (has_control(q->origin)) {
        return "origin holds a control character, which no browser sends";
    }
    if (q->method && (!*q->method || has_control(q->method))) {
        return "method is empty or holds a control character; give a "
               "method name such as PUT (the default is GET)";
    }
    if (q->headers && has_control(q->headers)) {
        return "headers holds a control character; give the header names "
               "separated by commas, e.g. headers=authorization,x-token";
    }
    page->url = q->url;
    page->origin = q->origin;
    page->method = normalize_method(q->method ? q->method : "GET");
    page->headers = q->headers && q->headers[strspn(q->headers, " \t,")]
                    ? q->headers : NULL;
    return NULL;
}

/* ---- output: HTML, or "name: value" lines ---- */

/* s with each control character as \xNN: a value from the query string,
 * a decoded path or a configuration file can neither start a line of its
 * own in the text format nor hide in the page. */
static const char *visible(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;

    for (c = s; *c; c++) {
        n += apr_iscntrl(*c) ? 1 : 0;
    }
    if (!n) {
        return s;
    }
    out = o = apr_palloc(p, strlen(s) + 3 * n + 1);
    for (c = s; *c; c++) {
        if (apr_iscntrl(*c)) {
            apr_snprintf(o, 5, "\\x%02x", (unsigned char)*c);
            o += 4;
        }
        else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

/* name for the text format, title for HTML. */
static void put_section(info_page *page, const char *name, const char *title)
{
    request_rec *r = page->r;

    if (!page->html) {
        ap_rprintf(r, "\n[%s]\n", visible(r->pool, name));
        return;
    }
    if (page->table_open) {
        ap_rputs("</table>\n", r);
    }
    ap_rprintf(r, "<h2>%s</h2>\n<table>\n",
               ap_escape_html(r->pool, visible(r->pool, title)));
    page->table_open = 1;
}

static void put_field(info_page *page, const char *name, const char *value)
{
    request_rec *r = page->r;

    name = visible(r->pool, name);
    value = visible(r->pool, value);
    if (!page->html) {
        ap_rprintf(r, "%s: %s\n", name, value);
        return;
    }
    ap_rprintf(r, "<tr><th align=\"left\" valign=\"top\">%s</th>"
               "<td>%s</td></tr>\n", ap_escape_html(r->pool, name),
               ap_escape_html(r->pool, value));
}

static const char *with_where(apr_pool_t *p, const char *value,
                              const char *where)
{
    return apr_pstrcat(p, value, " (", where ? where : "default", ")",
                       NULL);
}

static void put_directive(info_page *page, const char *name,
                          const char *value, const char *where)
{
    put_field(page, name, with_where(page->r->pool, value, where));
}

static const char *on_off(int v, const char *unset)
{
    return v == 1 ? "On" : v == 0 ? "Off" : unset;
}

static const char *origins_text(apr_pool_t *p, const cors_origin_list *list)
{
    const char *text = NULL;
    int i;

    for (i = 0; list && i < list->entries->nelts; i++) {
        const cors_entry *e = APR_ARRAY_IDX(list->entries, i,
                                            const cors_entry *);

        text = text ? apr_pstrcat(p, text, " ", e->text, NULL) : e->text;
    }
    return text ? text : "none: no origin is allowed";
}

/* Which directive, at which file:line, set each part of the policy. */
static void put_policy(info_page *page, const cors_dir_conf *c)
{
    apr_pool_t *p = page->r->pool;

    put_directive(page, "CORSEnable", on_off(c->enable, "Off"),
                  c->enable_where);
    put_directive(page, "CORSAllowOrigin", origins_text(p, c->origins),
                  c->origins_where);
    put_directive(page, "CORSAllowCredentials", on_off(c->credentials, "Off"),
                  c->credentials_where);
    put_directive(page, "CORSAllowMethods", c->methods ? c->methods->joined
                  : "GET, HEAD, POST", c->methods_where);
    put_directive(page, "CORSAllowHeaders", c->headers ? c->headers->joined
                  : "none", c->headers_where);
    put_directive(page, "CORSExposeHeaders", c->expose ? c->expose->joined
                  : "none", c->expose_where);
    put_directive(page, "CORSMaxAge", c->max_age ? c->max_age : "not sent",
                  c->max_age_where);
    put_directive(page, "CORSPreflightStatus",
                  apr_itoa(p, c->preflight_status == CORS_UNSET
                              ? HTTP_NO_CONTENT : c->preflight_status),
                  c->preflight_status_where);
    put_directive(page, "CORSPreflightPassthrough",
                  on_off(c->passthrough, "Off"), c->passthrough_where);
    put_directive(page, "CORSPreflightAuth", c->preflight_auth
                  == CORS_AUTH_ENFORCE ? "Enforce" : "Skip",
                  c->preflight_auth_where);
    put_directive(page, "CORSBackendHeaders", c->backend_headers
                  == CORS_BACKEND_KEEP ? "Keep" : "Replace",
                  c->backend_headers_where);
    put_directive(page, "CORSAllowPrivateNetwork",
                  on_off(c->private_network, "Off"),
                  c->private_network_where);
    put_directive(page, "CORSAllowInsecureOrigins",
                  on_off(c->insecure_origins, "Off"),
                  c->insecure_origins_where);
    put_directive(page, "CORSDebugHeaders", on_off(c->debug_headers, "Off"),
                  c->debug_headers_where);
    put_directive(page, "CORSMode", c->mode == CORS_MODE_REPORT_ONLY
                  ? "ReportOnly" : "Enforce", c->mode_where);
}

static void put_header(info_page *page, const char *prefix,
                       const char *name, const char *value)
{
    put_field(page, apr_pstrcat(page->r->pool, prefix, " header", NULL),
              apr_pstrcat(page->r->pool, name, ": ", value, NULL));
}

/* The Access-Control-* and Vary headers mod_cors sends for n, as the
 * CORS_OUT filter writes them. */
static void put_headers(info_page *page, const char *prefix,
                        const cors_note *n)
{
    const cors_decision *d = &n->d;
    const char *vary = NULL;

    if (d->reason == CORS_ALLOWED) {
        put_header(page, prefix, "Access-Control-Allow-Origin",
                   d->allow_origin);
        if (d->allow_credentials) {
            put_header(page, prefix, "Access-Control-Allow-Credentials",
                       "true");
        }
        if (n->preflight) {
            if (d->allow_methods) {
                put_header(page, prefix, "Access-Control-Allow-Methods",
                           d->allow_methods);
            }
            if (d->allow_headers) {
                put_header(page, prefix, "Access-Control-Allow-Headers",
                           d->allow_headers);
            }
            if (d->max_age) {
                put_header(page, prefix, "Access-Control-Max-Age",
                           d->max_age);
            }
        }
        else if (d->expose_headers) {
            put_header(page, prefix, "Access-Control-Expose-Headers",
                       d->expose_headers);
        }
    }
    if (n->preflight) {
        vary = "*";
    }
    else if (d->vary_origin) {
        vary = "Origin";
    }
    if (vary) {
        put_header(page, prefix, "Vary", vary);
    }
}

/* The status of the preflight answer.  refused is the status the server
 * answers before mod_cors can, or 0; lookup_status is the OPTIONS
 * lookup's. */
static const char *preflight_status(apr_pool_t *p, const cors_note *n,
                                    int refused, int lookup_status)
{
    const cors_dir_conf *c = n->conf;
    int login = lookup_status == HTTP_UNAUTHORIZED;
    const char *status;

    if (refused) {
        return apr_itoa(p, refused);
    }
    /* The cases where mod_cors lets authentication run. */
    if (c->mode == CORS_MODE_REPORT_ONLY) {
        return login ? "401 (CORSMode ReportOnly: mod_cors answers nothing "
                       "and lets authentication run)"
                     : "the handler's (CORSMode ReportOnly: mod_cors "
                       "answers nothing)";
    }
    if (c->passthrough == 1) {
        if (login && n->d.reason != CORS_ALLOWED) {
            return "401 (CORSPreflightPassthrough On: only an allowed "
                   "preflight goes on without a login)";
        }
        status = "the handler's (CORSPreflightPassthrough On)";
    }
    else if (n->d.reason != CORS_ALLOWED) {
        status = "403";
    }
    else {
        status = apr_itoa(p, c->preflight_status == CORS_UNSET
                             ? HTTP_NO_CONTENT : c->preflight_status);
    }
    if (!login) {
        return status;
    }
    return apr_pstrcat(p, status, "; this URL needs a login, but under "
                       "CORSPreflightAuth Skip (", c->preflight_auth_where
                       ? c->preflight_auth_where : "default", ") the "
                       "preflight goes on without one", NULL);
}

/* One evaluated request: its decision, reason, why, matched entry, status
 * (when given) and headers. */
static void put_note(info_page *page, const char *prefix, const cors_note *n,
                     const char *status)
{
    apr_pool_t *p = page->r->pool;

    put_field(page, apr_pstrcat(p, prefix, " decision", NULL),
              cors_outcome_word(n->outcome));
    put_field(page, apr_pstrcat(p, prefix, " reason", NULL),
              cors_reason_token(n->outcome));
    if (n->why) {
        put_field(page, apr_pstrcat(p, prefix, " why", NULL), n->why);
    }
    if (n->d.entry) {
        put_field(page, apr_pstrcat(p, prefix, " matched entry", NULL),
                  with_where(p, n->d.entry->text, n->d.entry->where));
    }
    if (status) {
        put_field(page, apr_pstrcat(p, prefix, " status", NULL), status);
    }
    if (n->conf->mode == CORS_MODE_REPORT_ONLY) {
        put_field(page, apr_pstrcat(p, prefix, " note", NULL),
                  "CORSMode ReportOnly: the response is left as it is; "
                  "these are the headers Enforce would send");
    }
    put_headers(page, prefix, n);
}

/* Why the browser sends a preflight first, or NULL when it does not. */
static const char *preflight_cause(info_page *page)
{
    apr_pool_t *p = page->r->pool;

    if (!cors_method_is_safelisted(page->method)) {
        return apr_pstrcat(p, "yes: ", page->method, " is not GET, HEAD "
                           "or POST", NULL);
    }
    if (page->headers) {
        return "yes: the page sets request headers";
    }
    return NULL;
}

/* page->url as a request line carries it.  The query string was decoded
 * once; the subrequest decodes the path again, so it is escaped here
 * (a %25 in the query string is a % in the path, never a byte). */
static const char *request_uri(apr_pool_t *p, const char *url)
{
    const char *query = strchr(url, '?');

    if (!query) {
        return ap_escape_uri(p, url);
    }
    return apr_pstrcat(p, ap_escape_uri(p, apr_pstrmemdup(p, url,
                                                          query - url)),
                       query, NULL);
}

/* Looks the URL up in this virtual host as a subrequest with method: its
 * per-directory configuration is the scope that decides, its status what
 * access control answers.  The subrequest copies r's request headers;
 * without the credentials, access rules see the client of this page as
 * they see a browser's preflight.  Returns OK, or HTTP_BAD_REQUEST when
 * httpd cannot parse the URL. */
static int lookup(info_page *page, const char *method, request_rec **subp)
{
    request_rec *r = page->r;
    apr_table_t *headers_in = r->headers_in;
    request_rec *sub;

    r->headers_in = apr_table_copy(r->pool, headers_in);
    apr_table_unset(r->headers_in, "Authorization");
    apr_table_unset(r->headers_in, "Proxy-Authorization");
    apr_table_unset(r->headers_in, "Cookie");
    sub = ap_sub_req_method_uri(method, request_uri(r->pool, page->url), r,
                                NULL);
    r->headers_in = headers_in;
    if (sub->status == HTTP_BAD_REQUEST || !sub->per_dir_config) {
        ap_destroy_sub_req(sub);
        return HTTP_BAD_REQUEST;
    }
    *subp = sub;
    return OK;
}

static const char *lookup_line(apr_pool_t *p, const request_rec *sub,
                               const char *method)
{
    return apr_psprintf(p, "%d for %s%s%s", sub->status,
                        method ? method : "", method ? " " : "",
                        sub->uri ? sub->uri : "?");
}

/* The status the server answers a preflight with before mod_cors can
 * (access control, as the OPTIONS lookup pre met it), and why in *why;
 * 0 when mod_cors answers it.  Under CORSPreflightAuth Skip mod_cors lets
 * a preflight past authentication, so only Enforce turns a 401 into a
 * refusal. */
static int refused_by_server(apr_pool_t *p, const request_rec *pre,
                             const cors_dir_conf *c, const char **why)
{
    if (pre->status == HTTP_FORBIDDEN) {
        *why = "the server answers the OPTIONS request 403 before mod_cors "
               "can: an access rule (Require) of this URL refuses it to a "
               "client like the one viewing this page, without "
               "credentials, as browsers send preflights";
        return HTTP_FORBIDDEN;
    }
    if (pre->status == HTTP_UNAUTHORIZED
        && c->preflight_auth == CORS_AUTH_ENFORCE) {
        *why = apr_pstrcat(p, "the server answers the OPTIONS request 401 "
                           "before mod_cors can: this URL needs a login and "
                           "CORSPreflightAuth is Enforce (",
                           c->preflight_auth_where
                           ? c->preflight_auth_where : "default",
                           "), but browsers send preflights without "
                           "credentials", NULL);
        return HTTP_UNAUTHORIZED;
    }
    return 0;
}

/* A refused preflight: no Access-Control-Allow-* header, as CORS_OUT
 * writes it on the server's error response. */
static void refuse_preflight(apr_pool_t *p, cors_note *pre, const char *why)
{
    int vary_origin = pre->d.vary_origin;

    if (pre->outcome != CORS_ALLOWED) {
        why = apr_pstrcat(p, why, "; were it answered, mod_cors would "
                          "refuse it too (",
                          cors_reason_token(pre->outcome), ")", NULL);
    }
    memset(&pre->d, 0, sizeof(pre->d));
    pre->d.reason = CORS_DENY_NOT_ANSWERED;
    pre->d.vary_origin = vary_origin;
    pre->outcome = CORS_DENY_NOT_ANSWERED;
    pre->why = why;
}

/* The status of the actual request when access control answers it, or
 * NULL when it reaches the handler. */
static const char *actual_status(apr_pool_t *p, const request_rec *sub,
                                 const cors_note *act)
{
    const char *what;

    if (sub->status == HTTP_FORBIDDEN) {
        what = "403: an access rule (Require) of this URL refuses it to a "
               "client like the one viewing this page";
    }
    else if (sub->status == HTTP_UNAUTHORIZED) {
        what = "401: this URL needs a login, and the lookup sent no "
               "credentials";
    }
    else {
        return NULL;
    }
    if (act->outcome != CORS_ALLOWED) {
        return what;
    }
    return apr_pstrcat(p, what, "; mod_cors adds its headers to error "
                       "responses too, so the page can read this one", NULL);
}

static void put_explanation(info_page *page, request_rec *sub,
                            request_rec *pre_sub)
{
    request_rec *r = page->r;
    apr_pool_t *p = r->pool;
    const cors_dir_conf *c = ap_get_module_config(sub->per_dir_config,
                                                  &cors_module);
    const char *cause = preflight_cause(page);
    const char *status = NULL;
    cors_note *pre = NULL, *act = NULL;

    put_section(page, "explain", "Explanation");
    put_field(page, "url", page->url);
    put_field(page, "origin", page->origin);
    put_field(page, "method", page->method);
    put_field(page, "headers", page->headers ? page->headers : "none");
    put_field(page, "credentials", page->credentials ? "yes" : "no");
    put_field(page, "lookup", lookup_line(p, sub, NULL));
    put_field(page, "access rules", "evaluated as for the client viewing "
              "this page (its IP address, no credentials)");
    put_field(page, "preflight", cause ? cause : "no: a simple request");
    if (!c || c->enable != 1) {
        put_field(page, "verdict", "denied: mod_cors is off for this URL "
                  "(see CORSEnable below) and adds no "
                  "Access-Control-Allow-Origin");
        if (c) {
            put_policy(page, c);
        }
        return;
    }
    if (cause) {
        const char *refusal = NULL;
        int refused = refused_by_server(p, pre_sub, c, &refusal);

        put_field(page, "preflight lookup", lookup_line(p, pre_sub,
                                                        "OPTIONS"));
        pre = cors_evaluate(sub, c, 1, page->origin, page->method,
                            page->headers, 0);
        /* The browser checks Access-Control-Allow-Credentials in the
         * preflight answer too when the request carries credentials; a
         * real preflight cannot tell, so only the explainer sees this. */
        if (page->credentials && pre->outcome == CORS_ALLOWED
            && !pre->d.allow_credentials) {
            pre->outcome = CORS_DENY_CREDENTIALS;
            pre->why = apr_pstrcat(p, "the request is sent with "
                                   "credentials, so the browser requires "
                                   "Access-Control-Allow-Credentials: true "
                                   "in the preflight answer too, but "
                                   "CORSAllowCredentials is Off (",
                                   c->credentials_where
                                   ? c->credentials_where : "default",
                                   ")", NULL);
        }
        if (refused) {
            refuse_preflight(p, pre, refusal);
        }
        put_note(page, "preflight", pre,
                 preflight_status(p, pre, refused, pre_sub->status));
    }
    if (pre && pre->outcome != CORS_ALLOWED) {
        put_field(page, "actual request", "not sent: the preflight failed");
    }
    else {
        act = cors_evaluate(sub, c, 0, page->origin, page->method, NULL,
                            page->credentials);
        status = actual_status(p, sub, act);
        put_note(page, "actual", act, status);
    }
    if (act && act->outcome == CORS_ALLOWED) {
        put_field(page, "verdict", status
                  ? apr_psprintf(p, "allowed, but the server answers %d "
                                 "(see actual status)", sub->status)
                  : "allowed");
    }
    else {
        const cors_note *n = act ? act : pre;

        put_field(page, "verdict", apr_pstrcat(p, "denied (",
                  cors_reason_token(n->outcome), ")", NULL));
    }
    put_policy(page, c);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_counters(info_page *page, const server_rec *s)
{
    apr_pool_t *p = page->r->pool;
    const counters_slot *slot = slot_of(s);
    counters_sum sum;
    apr_uint32_t j;
    char date[APR_RFC822_DATE_LEN];

    if (!slot) {
        put_field(page, "counters", counters_error ? counters_error
                  : "not available");
        return;
    }
    sum_row(slot, &sum);
    apr_rfc822_date(date, slot->row->since);
    put_field(page, "counting since", date);
    put_field(page, "preflights", apr_psprintf(p, "%u (allowed %u, denied "
              "%u)", sum.preflights, sum.preflights_allowed,
              sum.preflights - sum.preflights_allowed));
    put_field(page, "actual requests", apr_psprintf(p, "%u (allowed %u, "
              "denied %u)", sum.actual, sum.actual_allowed,
              sum.actual - sum.actual_allowed));
    for (j = 1; j < columns; j++) {
        apr_uint32_t pre = apr_atomic_read32(slot->cells + j);
        apr_uint32_t act = apr_atomic_read32(slot->cells + columns + j);

        if (pre || act) {
            put_field(page, apr_pstrcat(p, "denied ", column_token(j), NULL),
                      apr_psprintf(p, "%u (preflights %u, actual requests "
                                   "%u)", pre + act, pre, act));
        }
    }
}

static void put_server(info_page *page, const server_rec *s)
{
    apr_pool_t *p = page->r->pool;
    const cors_server_conf *sc = ap_get_module_config(s->module_config,
                                                      &cors_module);
    apr_array_header_t *names = apr_array_make(p, 8, sizeof(const char *));
    const char *label = server_label(p, s);
    apr_hash_index_t *hi;
    int i, j;

    put_section(page, apr_pstrcat(p, "server ", label, NULL),
                apr_pstrcat(p, "Server ", label, NULL));
    if (s->defn_name) {
        put_field(page, "defined at", apr_psprintf(p, "%s:%u", s->defn_name,
                                                   s->defn_line_number));
    }
    for (hi = sc && sc->sets ? apr_hash_first(p, sc->sets) : NULL; hi;
         hi = apr_hash_next(hi)) {
        const void *key;

        apr_hash_this(hi, &key, NULL, NULL);
        APR_ARRAY_PUSH(names, const char *) = key;
    }
    qsort(names->elts, names->nelts, sizeof(const char *), compare_strings);
    for (i = 0; i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        const cors_origin_list *set = apr_hash_get(sc->sets, name,
                                                   APR_HASH_KEY_STRING);

        for (j = 0; j < set->entries->nelts; j++) {
            const cors_entry *e = APR_ARRAY_IDX(set->entries, j,
                                                const cors_entry *);

            put_field(page, apr_pstrcat(p, "set ", name, NULL),
                      with_where(p, e->text, e->where));
        }
    }
    put_counters(page, s);
}

static void put_form(info_page *page)
{
    request_rec *r = page->r;
    apr_pool_t *p = r->pool;

    ap_rprintf(r, "<h2>Explain a request</h2>\n<form method=\"get\" "
               "action=\"%s\">\n"
               "<p>URL on this server <input name=\"url\" size=\"40\" "
               "value=\"%s\" /> Origin <input name=\"origin\" size=\"30\" "
               "value=\"%s\" /></p>\n<p>Method <input name=\"method\" "
               "size=\"8\" value=\"%s\" /> Request headers <input "
               "name=\"headers\" size=\"30\" value=\"%s\" /> <label><input "
               "type=\"checkbox\" name=\"credentials\" value=\"1\"%s /> "
               "with credentials</label> <input type=\"submit\" "
               "value=\"Explain\" /></p>\n</form>\n",
               ap_escape_html(p, r->uri),
               ap_escape_html(p, page->url ? page->url : ""),
               ap_escape_html(p, page->origin ? page->origin : ""),
               ap_escape_html(p, page->method ? page->method : "GET"),
               ap_escape_html(p, page->headers ? page->headers : ""),
               page->credentials ? " checked=\"checked\"" : "");
}

static int refuse_query(request_rec *r, int status, const char *message)
{
    r->status = status;
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_rprintf(r, "cors-info: %s\n", message);
    return OK;
}

static CORS_NOINLINE int info_handler(request_rec *r)
{
    info_page page;
    info_query q;
    request_rec *sub = NULL, *pre_sub = NULL;
    const char *err;
    server_rec *s;

    if (strcmp(r->handler, "cors-info") != 0) {
        return DECLINED;
    }
    r->allowed |= (AP_METHOD_BIT << M_GET);
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    memset(&page, 0, sizeof(page));
    page.r = r;
    err = parse_query(r, &q);
    if (!err) {
        err = check_query(&page, &q);
    }
    if (err) {
        return refuse_query(r, HTTP_BAD_REQUEST, err);
    }
    if (page.url && (lookup(&page, page.method, &sub) != OK
                     || (preflight_cause(&page)
                         && lookup(&page, "OPTIONS", &pre_sub) != OK))) {
        return refuse_query(r, HTTP_BAD_REQUEST, apr_psprintf(r->pool,
                            "url '%s' is not a valid path (its lookup was "
                            "refused as a bad request)",
                            printable(r->pool, page.url)));
    }

    if (page.html) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\" />"
                 "<title>mod_cors: cors-info</title></head><body>\n"
                 "<h1>mod_cors: CORS policy and decisions</h1>\n", r);
        ap_rprintf(r, "<p>Served by %s, process %" APR_PID_T_FMT ".</p>\n",
                   ap_escape_html(r->pool, server_label(r->pool, r->server)),
                   getpid());
        put_form(&page);
    }
    else {
        ap_set_content_type(r, "text/plain; charset=utf-8");
        ap_rputs("cors-info: mod_cors\n", r);
        ap_rprintf(r, "served by: %s\nprocess: %" APR_PID_T_FMT "\n",
                   visible(r->pool, server_label(r->pool, r->server)),
                   getpid());
    }
    if (sub) {
        put_explanation(&page, sub, pre_sub);
        if (pre_sub) {
            ap_destroy_sub_req(pre_sub);
        }
        ap_destroy_sub_req(sub);
    }
    for (s = ap_server_conf; s; s = s->next) {
        put_server(&page, s);
    }
    if (page.html) {
        ap_rputs(page.table_open ? "</table>\n</body></html>\n"
                                 : "</body></html>\n", r);
    }
    return OK;
}

/* Every request that reaches the handler phase passes here: the test is
 * kept apart from info_handler's large stack frame. */
static int cors_info_handler(request_rec *r)
{
    const char *h = r->handler;

    /* Every request of the server comes here: the first letter decides
     * for nearly all, before info_handler's stack frame is made. */
    if (!h || h[0] != 'c') {
        return DECLINED;
    }
    return info_handler(r);
}

void cors_info_register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(info_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cors_info_handler, NULL, NULL, APR_HOOK_MIDDLE);
    /* Runs only when mod_status is loaded. */
    APR_OPTIONAL_HOOK(ap, status_hook, cors_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
}
