/* Licensed under the Apache License, Version 2.0; see LICENSE. */

/*
 * The cors-info handler and the decision counters.  (Placeholder: the
 * handler and the counters are being written.)
 */
#include "mod_cors.h"

void cors_info_register_hooks(apr_pool_t *p)
{
}

void cors_info_count(request_rec *r, const cors_note *note)
{
}
