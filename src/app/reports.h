/*
 * reports: the report download of src/app/reports.c, for routes.c.
 */
#ifndef INSPRAAK_APP_REPORTS_H
#define INSPRAAK_APP_REPORTS_H

#include "app/internal.h"
#include "net/http.h"

/*
 * Answers GET /api/v1/sessions/CODE/report?format=F[&session=N|all] for the
 * event of session s: 400 for a bad format or session, else the report
 * rendered on the thread pool and sent as an attachment. The caller has
 * checked the user's access; req is answered exactly once, later.
 */
void reports_get(app_t *a, session_t *s, http_request_t *req);

#endif
