#include "http/routes.h"

#include <string.h>

#include "http/handlers.h"

static const char *const q_contacts_list[] = {
    "q",         "status",  "stage",    "category", "type",  "tag",    "owner_id", "score_min",
    "score_max", "overdue", "archived", "sort",     "limit", "cursor", "count",    NULL};
static const char *const q_purge[] = {"purge", NULL};
static const char *const q_page[] = {"limit", "cursor", "count", NULL};
static const char *const q_activities_list[] = {"contact_id", "kind",   "from",  "to",
                                                "limit",      "cursor", "count", NULL};
static const char *const q_deals_list[] = {"status", "contact_id", "limit",
                                           "cursor", "count",      NULL};
static const char *const q_timeline[] = {"limit", "before", NULL};
static const char *const q_as_of[] = {"as_of", NULL};
static const char *const q_from_to[] = {"from", "to", NULL};
static const char *const q_reach_out[] = {"reason", "limit", NULL};
static const char *const q_none[] = {NULL};
static const char *const q_limit[] = {"limit", NULL};
static const char *const q_export_vcf[] = {"version", NULL};
static const char *const q_imports[] = {"on_duplicate", "file_name", NULL};
static const char *const q_tasks_list[] = {"due",   "assignee_id", "contact_id", "done",
                                           "limit", "cursor",      "count",      NULL};

static const char *const q_runs_list[] = {"contact_id", "workflow_id", "status",
                                          "limit",      "cursor",      NULL};
static const char *const q_messages_list[] = {"contact_id", "status", "limit", "cursor", NULL};

static const rp_route routes[] = {
    {"GET", "/healthz", rp_h_healthz, RP_ROUTE_PUBLIC | RP_ROUTE_NO_TXN},
    {"GET", "/metrics", rp_h_metrics, RP_ROUTE_PUBLIC | RP_ROUTE_NO_TXN},

    /* no request transaction: the argon2 check must not hold the write lock */
    {"POST", "/api/v1/auth/login", rp_h_login, RP_ROUTE_PUBLIC | RP_ROUTE_NO_TXN},
    {"POST", "/api/v1/auth/logout", rp_h_logout, 0},
    {"GET", "/api/v1/me", rp_h_me, 0},

    {"GET", "/api/v1/users", rp_h_users_list, RP_ROUTE_ADMIN, q_page},
    {"POST", "/api/v1/users", rp_h_users_create, RP_ROUTE_ADMIN},
    {"GET", "/api/v1/users/:id", rp_h_users_get, RP_ROUTE_ADMIN},
    {"PATCH", "/api/v1/users/:id", rp_h_users_patch, RP_ROUTE_ADMIN},
    {"DELETE", "/api/v1/users/:id", rp_h_users_delete, RP_ROUTE_ADMIN},

    {"GET", "/api/v1/tokens", rp_h_tokens_list, 0},
    {"POST", "/api/v1/tokens", rp_h_tokens_create, 0},
    {"DELETE", "/api/v1/tokens/:id", rp_h_tokens_delete, 0},

    {"GET", "/api/v1/contacts", rp_h_contacts_list, 0, q_contacts_list},
    {"POST", "/api/v1/contacts", rp_h_contacts_create, 0},
    {"GET", "/api/v1/contacts/:id", rp_h_contacts_get, 0},
    {"PATCH", "/api/v1/contacts/:id", rp_h_contacts_patch, 0},
    {"DELETE", "/api/v1/contacts/:id", rp_h_contacts_delete, 0, q_purge},
    {"GET", "/api/v1/contacts/:id/history", rp_h_contacts_history, 0},
    {"POST", "/api/v1/contacts/:id/merge", rp_h_contacts_merge, 0},
    {"GET", "/api/v1/contacts/:id/timeline", rp_h_contacts_timeline, 0, q_timeline},
    {"GET", "/api/v1/contacts/:id/score", rp_h_contacts_score, 0, q_as_of},
    {"GET", "/api/v1/contacts/:id/score/history", rp_h_contacts_score_history, 0, q_from_to},

    {"GET", "/api/v1/activities", rp_h_activities_list, 0, q_activities_list},
    {"POST", "/api/v1/activities", rp_h_activities_create, 0},
    {"GET", "/api/v1/activities/:id", rp_h_activities_get, 0},
    {"PATCH", "/api/v1/activities/:id", rp_h_activities_patch, 0},
    {"DELETE", "/api/v1/activities/:id", rp_h_activities_delete, 0},

    {"GET", "/api/v1/properties", rp_h_properties_list, 0, q_deals_list},
    {"POST", "/api/v1/properties", rp_h_properties_create, 0},
    {"GET", "/api/v1/properties/:id", rp_h_properties_get, 0},
    {"PATCH", "/api/v1/properties/:id", rp_h_properties_patch, 0},
    {"DELETE", "/api/v1/properties/:id", rp_h_properties_delete, 0},

    {"GET", "/api/v1/transactions", rp_h_transactions_list, 0, q_deals_list},
    {"POST", "/api/v1/transactions", rp_h_transactions_create, 0},
    {"GET", "/api/v1/transactions/:id", rp_h_transactions_get, 0},
    {"PATCH", "/api/v1/transactions/:id", rp_h_transactions_patch, 0},
    {"DELETE", "/api/v1/transactions/:id", rp_h_transactions_delete, 0},

    {"GET", "/api/v1/settings", rp_h_settings_get, 0},
    {"PUT", "/api/v1/settings", rp_h_settings_put, RP_ROUTE_ADMIN},

    {"GET", "/api/v1/reach-out", rp_h_reach_out, 0, q_reach_out},
    {"POST", "/api/v1/alerts/:id/dismiss", rp_h_alerts_dismiss, 0},
    {"GET", "/api/v1/stage-averages", rp_h_stage_averages, 0, q_as_of},
    {"GET", "/api/v1/rfactor", rp_h_rfactor, 0, q_as_of},
    {"GET", "/api/v1/rfactor/history", rp_h_rfactor_history, 0},
    {"GET", "/api/v1/dashboard", rp_h_dashboard, 0},
    {"POST", "/api/v1/jobs/daily", rp_h_jobs_daily, RP_ROUTE_ADMIN | RP_ROUTE_NO_TXN | RP_ROUTE_OWN_THREAD},
    {"POST", "/api/v1/jobs/mail-sync", rp_h_jobs_mail_sync,
     RP_ROUTE_ADMIN | RP_ROUTE_NO_TXN | RP_ROUTE_OWN_THREAD},

    {"POST", "/api/v1/imports", rp_h_imports_create, 0, q_imports},
    {"GET", "/api/v1/imports/:id", rp_h_imports_get, 0},
    {"GET", "/api/v1/duplicates", rp_h_duplicates, 0, q_limit},
    {"GET", "/api/v1/export/contacts.csv", rp_h_export_csv, RP_ROUTE_OWN_THREAD, q_none},
    {"GET", "/api/v1/export/contacts.vcf", rp_h_export_vcf, RP_ROUTE_OWN_THREAD, q_export_vcf},
    {"GET", "/api/v1/export/all.jsonl", rp_h_export_all, RP_ROUTE_ADMIN | RP_ROUTE_OWN_THREAD, q_none},

    {"GET", "/api/v1/tasks", rp_h_tasks_list, 0, q_tasks_list},
    {"POST", "/api/v1/tasks", rp_h_tasks_create, 0},
    {"GET", "/api/v1/tasks/:id", rp_h_tasks_get, 0},
    {"PATCH", "/api/v1/tasks/:id", rp_h_tasks_patch, 0},
    {"DELETE", "/api/v1/tasks/:id", rp_h_tasks_delete, 0},

    {"GET", "/api/v1/workflows", rp_h_workflows_list, 0},
    {"POST", "/api/v1/workflows", rp_h_workflows_create, RP_ROUTE_ADMIN},
    {"POST", "/api/v1/workflows/preview", rp_h_workflows_preview, RP_ROUTE_NO_TXN},
    {"GET", "/api/v1/workflows/:id", rp_h_workflows_get, 0},
    {"PATCH", "/api/v1/workflows/:id", rp_h_workflows_patch, RP_ROUTE_ADMIN},
    {"DELETE", "/api/v1/workflows/:id", rp_h_workflows_delete, RP_ROUTE_ADMIN},
    {"POST", "/api/v1/workflows/:id/enroll", rp_h_workflows_enroll, 0},
    {"GET", "/api/v1/workflow-runs", rp_h_runs_list, 0, q_runs_list},
    {"GET", "/api/v1/workflow-runs/:id", rp_h_runs_get, 0},
    {"DELETE", "/api/v1/workflow-runs/:id", rp_h_runs_stop, 0},
    {"GET", "/api/v1/messages", rp_h_messages_list, 0, q_messages_list},
    {"POST", "/api/v1/messages", rp_h_messages_create, 0},
    {"GET", "/api/v1/messages/:id", rp_h_messages_get, 0},
    {"POST", "/api/v1/hooks/sms/:key", rp_h_sms_hook, RP_ROUTE_PUBLIC},

    /* channels.c */
    {"GET", "/api/v1/settings/channels", rp_h_channels_get, RP_ROUTE_ADMIN},
    {"PUT", "/api/v1/settings/channels", rp_h_channels_put, RP_ROUTE_ADMIN},
    /* public: the message id is the token; the handler opens its own
     * write transaction (a GET would get a read one) */
    {"GET", "/unsubscribe/:id", rp_h_unsubscribe, RP_ROUTE_PUBLIC | RP_ROUTE_NO_TXN},
    {"POST", "/unsubscribe/:id", rp_h_unsubscribe, RP_ROUTE_PUBLIC | RP_ROUTE_NO_TXN},

    /* leads.c: lead capture; the public form is found by its key */
    {"POST", "/api/v1/leads", rp_h_leads_create, 0},
    {"GET", "/api/v1/capture-forms", rp_h_capture_forms_list, 0},
    {"POST", "/api/v1/capture-forms", rp_h_capture_forms_create, RP_ROUTE_ADMIN},
    {"GET", "/api/v1/capture-forms/:id", rp_h_capture_forms_get, 0},
    {"PATCH", "/api/v1/capture-forms/:id", rp_h_capture_forms_patch, RP_ROUTE_ADMIN},
    {"DELETE", "/api/v1/capture-forms/:id", rp_h_capture_forms_delete, RP_ROUTE_ADMIN},
    {"POST", "/capture/:key", rp_h_capture, RP_ROUTE_PUBLIC},
    {"OPTIONS", "/capture/:key", rp_h_capture_preflight, RP_ROUTE_PUBLIC | RP_ROUTE_NO_TXN},
};

/* Matches path against pattern; captures go into r->params. */
static bool match(rp_req *r, const char *pattern, const char *path) {
  size_t n = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p != '/' || *s != '/') return false;
    p++;
    s++;
    const char *pe = strchr(p, '/'), *se = strchr(s, '/');
    size_t pl = pe ? (size_t)(pe - p) : strlen(p);
    size_t sl = se ? (size_t)(se - s) : strlen(s);
    if (*p == ':') {
      if (sl == 0 || n >= RP_MAX_PARAMS) return false;
      r->params[n++] = rp_arena_strndup(&r->arena, s, sl);
    } else if (pl != sl || memcmp(p, s, pl) != 0) {
      return false;
    }
    p += pl;
    s += sl;
  }
  if (*p || *s) return false;
  r->n_params = n;
  return true;
}

const rp_route *rp_routes_match(rp_req *r, const char *method, const char *path, bool *path_known) {
  *path_known = false;
  const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    if (!match(r, routes[i].pattern, path)) continue;
    if (strcmp(routes[i].method, m) == 0) return &routes[i];
    *path_known = true;
  }
  r->n_params = 0;
  return NULL;
}
