/* workflow_json.c: see workflow_json.h. */
#include "jobs/workflow_json.h"

#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "core/template.h"
#include "util/error.h"
#include "util/json_field.h"

#define PATH_LEN 128

static const char *const readonly_keys[] = {"id", "version", "builtin", "created_at", "updated_at"};

bool rp_workflow_key_readonly(const char *key) {
  for (size_t i = 0; i < sizeof readonly_keys / sizeof readonly_keys[0]; i++)
    if (!strcmp(key, readonly_keys[i])) return true;
  return false;
}

/* A required single-line string of 1..max characters. */
static int get_line(const char **out, const json_t *v, const char *field, size_t max) {
  if (!v || json_is_null(v)) return rp_error_set(RP_EVALIDATION, field, "is required");
  if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, field, "must be a string");
  const char *p = json_string_value(v);
  size_t len = json_string_length(v);
  if (!len) return rp_error_set(RP_EVALIDATION, field, "must not be empty");
  if (strlen(p) != len) return rp_error_set(RP_EINVALID_VALUE, field, "must not contain NUL");
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, field, "must not contain control characters");
  if (rp_utf8_chars(p, len) > max)
    return rp_error_set(RP_EINVALID_VALUE, field, "is too long (at most %zu characters)", max);
  *out = p;
  return 0;
}

static int get_bool(bool *out, const json_t *v, const char *field, bool dflt) {
  *out = dflt;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_boolean(v)) return rp_error_set(RP_EINVALID_VALUE, field, "must be true or false");
  *out = json_is_true(v);
  return 0;
}

/* A message template: a string, checked (syntax, bounds, known variables). */
static int get_template(const char **out, const json_t *v, const char *field, bool multiline) {
  if (!v || json_is_null(v)) return rp_error_set(RP_EVALIDATION, field, "is required");
  if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, field, "must be a string");
  const char *p = json_string_value(v);
  size_t len = json_string_length(v);
  if (!len) return rp_error_set(RP_EVALIDATION, field, "must not be empty");
  if (!multiline)
    for (size_t i = 0; i < len; i++)
      if (p[i] == '\r' || p[i] == '\n')
        return rp_error_set(RP_EINVALID_VALUE, field, "must be one line");
  char why[160];
  if (rp_template_check(p, len, rp_template_var_known, NULL, why, sizeof why))
    return rp_error_set(RP_EINVALID_VALUE, field, "%s", why);
  *out = p;
  return 0;
}

static int get_duration(rp_duration *out, const json_t *v, const char *field, bool allow_negative) {
  if (!json_is_string(v))
    return rp_error_set(RP_EINVALID_VALUE, field, "must be an ISO 8601 duration such as \"PT5M\"");
  char why[128];
  if (rp_duration_parse(out, json_string_value(v), json_string_length(v), why, sizeof why))
    return rp_error_set(RP_EINVALID_VALUE, field, "%s", why);
  if (!allow_negative && out->sign < 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "must not be negative");
  return 0;
}

static int enum_error(const char *field, const char *const *names, int n) {
  char list[256];
  size_t off = 0;
  list[0] = '\0';
  for (int i = 0; i < n && off < sizeof list; i++)
    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
  return rp_error_set(RP_EINVALID_VALUE, field, "must be one of: %s", list);
}

static int parse_params(rp_wf_step *st, const json_t *params, const char *at) {
  char f[PATH_LEN + 16];
  int rc;
  snprintf(f, sizeof f, "%.100s.params", at);
  if (!params || json_is_null(params)) params = NULL;
  if (params && !json_is_object(params))
    return rp_error_set(RP_EINVALID_VALUE, f, "must be an object");
  json_t *empty = NULL;
  if (!params) params = empty = json_object();
  static const char *const sms_keys[] = {"body"}, *const email_keys[] = {"subject", "body"},
                           *const task_keys[] = {"title", "kind", "due_in"},
                           *const status_keys[] = {"status"}, *const stage_keys[] = {"stage"},
                           *const tag_keys[] = {"tag"}, *const notify_keys[] = {"body", "channel"};
  char g[PATH_LEN + 48];
#define FIELD(name) (snprintf(g, sizeof g, "%s.%s", f, name), g)
  switch (st->action) {
  case RP_WF_SEND_SMS:
    if (!(rc = rp_jf_keys(params, f, sms_keys, 1, NULL)))
      rc = get_template(&st->body, json_object_get(params, "body"), FIELD("body"), true);
    break;
  case RP_WF_SEND_EMAIL:
    if (!(rc = rp_jf_keys(params, f, email_keys, 2, NULL)) &&
        !(rc = get_template(&st->subject, json_object_get(params, "subject"), FIELD("subject"),
                            false)))
      rc = get_template(&st->body, json_object_get(params, "body"), FIELD("body"), true);
    break;
  case RP_WF_CREATE_TASK: {
    static const char *const kinds[] = {"call", "email", "sms", "todo"};
    if ((rc = rp_jf_keys(params, f, task_keys, 3, NULL))) break;
    if ((rc = get_template(&st->body, json_object_get(params, "title"), FIELD("title"), false)))
      break;
    const json_t *k = json_object_get(params, "kind");
    st->value = "todo";
    if (k && !json_is_null(k)) {
      int i = 0;
      while (i < 4 && !(json_is_string(k) && !strcmp(json_string_value(k), kinds[i])))
        i++;
      if (i == 4) {
        rc = enum_error(FIELD("kind"), kinds, 4);
        break;
      }
      st->value = kinds[i];
    }
    const json_t *d = json_object_get(params, "due_in");
    if (d && !json_is_null(d)) rc = get_duration(&st->due_in, d, FIELD("due_in"), false);
    break;
  }
  case RP_WF_SET_STATUS: {
    rp_status s;
    const json_t *v = json_object_get(params, "status");
    if ((rc = rp_jf_keys(params, f, status_keys, 1, NULL))) break;
    if ((rc = get_line(&st->value, v, FIELD("status"), 32))) break;
    if (rp_status_parse(&s, st->value))
      rc = rp_error_set(RP_EINVALID_VALUE, FIELD("status"),
                        "must be one of: none, suspect, prospect, lead, client, past_client");
    break;
  }
  case RP_WF_SET_STAGE: {
    rp_stage s;
    const json_t *v = json_object_get(params, "stage");
    if ((rc = rp_jf_keys(params, f, stage_keys, 1, NULL))) break;
    if ((rc = get_line(&st->value, v, FIELD("stage"), 32))) break;
    if (rp_stage_parse(&s, st->value))
      rc = rp_error_set(RP_EINVALID_VALUE, FIELD("stage"),
                        "must be one of: none, aware, know, like, trust");
    break;
  }
  case RP_WF_ADD_TAG:
    if (!(rc = rp_jf_keys(params, f, tag_keys, 1, NULL)))
      rc = get_line(&st->value, json_object_get(params, "tag"), FIELD("tag"), RP_WF_TAG_MAX);
    break;
  case RP_WF_NOTIFY: {
    static const char *const channels[] = {"email", "sms"};
    if ((rc = rp_jf_keys(params, f, notify_keys, 2, NULL))) break;
    if ((rc = get_template(&st->body, json_object_get(params, "body"), FIELD("body"), true))) break;
    const json_t *c = json_object_get(params, "channel");
    st->value = "email";
    if (c && !json_is_null(c)) {
      if (json_is_string(c) && !strcmp(json_string_value(c), "sms"))
        st->value = "sms";
      else if (!(json_is_string(c) && !strcmp(json_string_value(c), "email")))
        rc = enum_error(FIELD("channel"), channels, 2);
    }
    break;
  }
  default: rc = rp_error_set(RP_EINTERNAL, at, "unknown action");
  }
#undef FIELD
  json_decref(empty);
  return rc;
}

static int parse_step(rp_wf_step *st, const json_t *v, int i) {
  static const char *const keys[] = {"after", "on",       "relative_to", "offset", "occurrence",
                                     "at",    "any_time", "action",      "params"};
  static const char *const anchors[] = {"birthday", "anniversary", "close_date"};
  char at[PATH_LEN], f[PATH_LEN + 16];
  int rc;
  snprintf(at, sizeof at, "steps[%d]", i);
  memset(st, 0, sizeof *st);
  st->at_sec = -1;
  st->occurrence = 1;
  if (!json_is_object(v)) return rp_error_set(RP_EINVALID_VALUE, at, "must be an object");
  if ((rc = rp_jf_keys(v, at, keys, sizeof keys / sizeof keys[0], NULL))) return rc;
#define FIELD(name) (snprintf(f, sizeof f, "%s.%s", at, name), f)
  const json_t *after = json_object_get(v, "after"), *on = json_object_get(v, "on"),
               *rel = json_object_get(v, "relative_to");
  int timings = (after != NULL) + (on != NULL) + (rel != NULL);
  if (timings > 1)
    return rp_error_set(RP_EVALIDATION, at, "give one of \"after\", \"on\" or \"relative_to\"");
  if (rel) {
    st->timing = RP_WF_RELATIVE;
    int k = 0;
    while (k < 3 && !(json_is_string(rel) && !strcmp(json_string_value(rel), anchors[k])))
      k++;
    if (k == 3) return enum_error(FIELD("relative_to"), anchors, 3);
    st->relative_to = (rp_wf_anchor)k;
    const json_t *off = json_object_get(v, "offset");
    if (off && (rc = get_duration(&st->offset, off, FIELD("offset"), true))) return rc;
    const json_t *occ = json_object_get(v, "occurrence");
    if (occ) {
      if (st->relative_to == RP_WF_CLOSE_DATE)
        return rp_error_set(RP_EINVALID_VALUE, FIELD("occurrence"),
                            "only for a yearly date (birthday, anniversary)");
      if (!json_is_integer(occ) || json_integer_value(occ) < 1 || json_integer_value(occ) > 10)
        return rp_error_set(RP_EINVALID_VALUE, FIELD("occurrence"),
                            "must be a whole number from 1 to 10");
      st->occurrence = (int)json_integer_value(occ);
    }
    const json_t *tod = json_object_get(v, "at");
    if (tod &&
        (!json_is_string(tod) ||
         rp_office_time_parse(&st->at_sec, json_string_value(tod), json_string_length(tod)) ||
         st->at_sec >= 86400))
      return rp_error_set(RP_EINVALID_VALUE, FIELD("at"), "must be a local time \"HH:MM\"");
  } else {
    if (json_object_get(v, "offset") || json_object_get(v, "occurrence") ||
        json_object_get(v, "at"))
      return rp_error_set(RP_EINVALID_VALUE, at,
                          "\"offset\", \"occurrence\" and \"at\" go with \"relative_to\"");
    if (on) {
      st->timing = RP_WF_ON;
      if (!json_is_string(on) ||
          rp_time_parse(&st->on, json_string_value(on), json_string_length(on)))
        return rp_error_set(RP_EINVALID_VALUE, FIELD("on"),
                            "must be an RFC 3339 time such as \"2026-12-01T09:00:00Z\"");
    } else {
      st->timing = RP_WF_AFTER; /* no timing: at once after the previous step */
      if (after && (rc = get_duration(&st->after, after, FIELD("after"), false))) return rc;
    }
  }
  if ((rc = get_bool(&st->any_time, json_object_get(v, "any_time"), FIELD("any_time"), false)))
    return rc;
  const json_t *action = json_object_get(v, "action");
  if (!action || json_is_null(action))
    return rp_error_set(RP_EVALIDATION, FIELD("action"), "is required");
  int a = json_is_string(action) ? rp_wf_action_parse(json_string_value(action)) : -1;
  if (a < 0) {
    const char *names[RP_WF_ACTION_COUNT];
    for (int k = 0; k < RP_WF_ACTION_COUNT; k++)
      names[k] = rp_wf_action_name((rp_wf_action)k);
    return enum_error(FIELD("action"), names, RP_WF_ACTION_COUNT);
  }
  st->action = (rp_wf_action)a;
#undef FIELD
  return parse_params(st, json_object_get(v, "params"), at);
}

static int parse_trigger(rp_workflow_def *def, const json_t *t) {
  static const char *const keys[] = {"event", "filter"};
  int rc;
  if (!t || json_is_null(t)) return rp_error_set(RP_EVALIDATION, "trigger", "is required");
  if (!json_is_object(t))
    return rp_error_set(RP_EINVALID_VALUE, "trigger", "must be an object {event, filter}");
  if ((rc = rp_jf_keys(t, "trigger", keys, 2, NULL))) return rc;
  const json_t *ev = json_object_get(t, "event");
  int e = json_is_string(ev) ? rp_wf_event_parse(json_string_value(ev)) : -1;
  if (e < 0) {
    const char *names[RP_WF_EV_COUNT];
    for (int k = 0; k < RP_WF_EV_COUNT; k++)
      names[k] = rp_wf_event_name((rp_wf_event)k);
    if (!ev || json_is_null(ev))
      return rp_error_set(RP_EVALIDATION, "trigger.event", "is required");
    return enum_error("trigger.event", names, RP_WF_EV_COUNT);
  }
  def->event = (rp_wf_event)e;
  const json_t *filter = json_object_get(t, "filter");
  def->n_filters = 0;
  if (!filter || json_is_null(filter)) return 0;
  if (!json_is_object(filter))
    return rp_error_set(RP_EINVALID_VALUE, "trigger.filter", "must be an object");
  if (json_object_size(filter) > RP_WF_MAX_FILTERS)
    return rp_error_set(RP_EINVALID_VALUE, "trigger.filter", "has more than %d keys",
                        RP_WF_MAX_FILTERS);
  const char *k;
  const json_t *x;
  json_object_foreach((json_t *)filter, k, x) {
    char f[PATH_LEN];
    snprintf(f, sizeof f, "trigger.filter.%.60s", k);
    if (!rp_workflow_filter_key_known(k))
      return rp_error_set(RP_EUNKNOWN_FIELD, f,
                          "unknown filter key: use status, stage, category, type, intent, "
                          "source, owner_id, tag or to");
    rp_wf_filter *flt = &def->filters[def->n_filters++];
    flt->key = k;
    flt->n_values = 0;
    if (json_is_string(x)) {
      if ((rc = get_line(&flt->values[0], x, f, 200))) return rc;
      flt->n_values = 1;
      continue;
    }
    if (!json_is_array(x) || !json_array_size(x) || json_array_size(x) > RP_WF_MAX_FILTER_VALUES)
      return rp_error_set(RP_EINVALID_VALUE, f, "must be a string or a list of 1 to %d strings",
                          RP_WF_MAX_FILTER_VALUES);
    size_t i;
    const json_t *y;
    json_array_foreach(x, i, y) {
      char g[PATH_LEN + 32];
      snprintf(g, sizeof g, "%s[%zu]", f, i);
      if ((rc = get_line(&flt->values[flt->n_values++], y, g, 200))) return rc;
    }
  }
  return 0;
}

static int parse_steps(rp_workflow_def *def, const json_t *steps) {
  if (!steps || json_is_null(steps)) return rp_error_set(RP_EVALIDATION, "steps", "is required");
  if (!json_is_array(steps) || !json_array_size(steps) || json_array_size(steps) > RP_WF_MAX_STEPS)
    return rp_error_set(RP_EINVALID_VALUE, "steps", "must be a list of 1 to %d steps",
                        RP_WF_MAX_STEPS);
  def->n_steps = 0;
  size_t i;
  const json_t *v;
  json_array_foreach(steps, i, v) {
    int rc = parse_step(&def->steps[def->n_steps], v, (int)i);
    if (rc) return rc;
    def->n_steps++;
  }
  return 0;
}

int rp_workflow_body_parse(rp_workflow_body *out, const json_t *body) {
  static const char *const keys[] = {"name", "enabled", "stop_on_reply", "trigger", "steps"};
  int rc;
  memset(out, 0, sizeof *out);
  if (!json_is_object(body)) return rp_error_set(RP_EINVALID_JSON, NULL, "expected a JSON object");
  if ((rc = rp_jf_keys(body, "", keys, 5, rp_workflow_key_readonly))) return rc;
  if ((rc = get_line(&out->name, json_object_get(body, "name"), "name", RP_WF_NAME_MAX))) return rc;
  if ((rc = get_bool(&out->enabled, json_object_get(body, "enabled"), "enabled", true))) return rc;
  if ((rc = get_bool(&out->stop_on_reply, json_object_get(body, "stop_on_reply"), "stop_on_reply",
                     false)))
    return rc;
  out->trigger = json_object_get(body, "trigger");
  out->steps = json_object_get(body, "steps");
  if ((rc = parse_trigger(&out->def, out->trigger))) return rc;
  if ((rc = parse_steps(&out->def, out->steps))) return rc;
  out->def.stop_on_reply = out->stop_on_reply;
  return 0;
}

int rp_workflow_def_load(rp_workflow_def *def, json_t *roots[2], const char *trigger_json,
                         const char *steps_json, bool stop_on_reply) {
  memset(def, 0, sizeof *def);
  roots[0] = json_loads(trigger_json ? trigger_json : "", 0, NULL);
  roots[1] = json_loads(steps_json ? steps_json : "", 0, NULL);
  if (!roots[0] || !roots[1])
    return rp_error_set(RP_EINTERNAL, NULL, "a stored workflow is not valid JSON");
  int rc = parse_trigger(def, roots[0]);
  if (!rc) rc = parse_steps(def, roots[1]);
  def->stop_on_reply = stop_on_reply;
  return rc;
}
