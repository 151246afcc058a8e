/* score.c: the relationship score (SCORING.md "Factors", "Decay",
 * "Explanation"). Pure: see score.h. */
#include "core/score.h"

#include <math.h>
#include <stdio.h>

#include "util/error.h"

#define DAY 86400.0
#define SEC_DAY ((rp_time)86400)
#define MONTH_S ((rp_time)(30 * 86400))

static const char *const factor_names[RP_SCORE_FACTOR_COUNT] = {
    "time_known",   "category",  "stage",           "status",     "type",
    "referrals",    "details",   "lifetime_value",  "engagement", "bonding",
    "relationship", "intensity", "reply_intensity", "frequency"};
static const double factor_max[RP_SCORE_FACTOR_COUNT] = {6, 8,  10, 8, 2, 10, 8,
                                                         6, 12, 8,  8, 5, 5,  4};

/* sat(x, k) = 1 - exp(-x / k), SCORING.md notation. */
static double sat(double x, double k) { return -expm1(-x / k); }
/* w(age, h) = 2^(-age / h), age and h in days. */
static double wt(double age_days, double h) { return exp2(-age_days / h); }

double rp_score_round1(double x) { return round(x * 10.0) / 10.0; }
double rp_score_round2(double x) { return round(x * 100.0) / 100.0; }

static bool is_message(unsigned kind) {
  return kind == RP_KIND_EMAIL || kind == RP_KIND_SMS || kind == RP_KIND_SOCIAL ||
         kind == RP_KIND_CALL;
}

/* A connected call (SCORING.md factor 11): inbound, or lasting 60 s or more.
 * As rp_activity_is_two_way (contact.c), a long call logged without a
 * direction is connected too. */
static bool is_connected_call(const rp_score_activity *a) {
  return a->kind == RP_KIND_CALL && (a->direction == RP_DIR_INBOUND || a->duration_s >= 60);
}

/* SCORING.md last_touch: an inbound message or call, a connected call, a
 * meeting, visit, meal or party (same rule as rp_activity_is_two_way). */
static bool is_two_way(const rp_score_activity *a) {
  switch (a->kind) {
  case RP_KIND_EMAIL:
  case RP_KIND_SMS:
  case RP_KIND_SOCIAL: return a->direction == RP_DIR_INBOUND;
  case RP_KIND_CALL: return is_connected_call(a);
  case RP_KIND_MEETING:
  case RP_KIND_VISIT:
  case RP_KIND_MEAL:
  case RP_KIND_PARTY: return true;
  default: return false;
  }
}

/* An outbound message that awaits an answer (SCORING.md Replies): email,
 * sms or social, or a call shorter than 60 s (or of unknown length). */
static bool awaits_answer(const rp_score_activity *a) {
  if (a->direction != RP_DIR_OUTBOUND) return false;
  if (a->kind == RP_KIND_CALL) return a->duration_s < 60;
  return a->kind == RP_KIND_EMAIL || a->kind == RP_KIND_SMS || a->kind == RP_KIND_SOCIAL;
}

/* The numbers behind the detail sentences. */
typedef struct stats {
  int n_public, n_private, n_plans, n_channels;
  double details_x;
  int n_in, n_answered, n_unanswered; /* messages of the last 365 days */
  int n_bonding;
  int n_meet, n_calls, n_cards;
  int n_high;
  int n_replies;
  double median_h, latest_reply_age;
  int n_clusters, n_freq_items;
  double share;
} stats;

static double median_of(double *v, int n) {
  /* n <= 5: insertion sort. */
  for (int i = 1; i < n; i++) {
    double x = v[i];
    int j = i - 1;
    while (j >= 0 && v[j] > x) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static int check_input(const rp_score_input *in) {
  if (in->n_activities && !in->activities)
    return rp_error_set(RP_EINVALID_VALUE, "activities", "activities missing");
  if (in->n_tasks && !in->task_due)
    return rp_error_set(RP_EINVALID_VALUE, "tasks", "task due times missing");
  for (size_t i = 1; i < in->n_activities; i++)
    if (in->activities[i].occurred_at < in->activities[i - 1].occurred_at)
      return rp_error_set(RP_EINVALID_VALUE, "activities", "activities not sorted by time");
  for (size_t i = 1; i < in->n_tasks; i++)
    if (in->task_due[i] < in->task_due[i - 1])
      return rp_error_set(RP_EINVALID_VALUE, "tasks", "task due times not sorted");
  return 0;
}

/* Frequency (factor 14): clusters among the activities and tasks timed in
 * [T - 14 d, T + 14 d], merged in time order; a gap over 48 h starts a new
 * cluster. */
static void frequency_clusters(const rp_score_input *in, stats *st) {
  rp_time lo = in->t - 14 * SEC_DAY, hi = in->t + 14 * SEC_DAY, prev = 0;
  size_t i = 0, j = 0;
  int c = 0, n = 0;
  /* Skip to the window's start in both sorted arrays (linear: the arrays
   * are walked once overall). */
  while (i < in->n_activities && in->activities[i].occurred_at < lo)
    i++;
  while (j < in->n_tasks && in->task_due[j] < lo)
    j++;
  for (;;) {
    rp_time ta = i < in->n_activities ? in->activities[i].occurred_at : INT64_MAX;
    rp_time tt = j < in->n_tasks ? in->task_due[j] : INT64_MAX;
    rp_time x = ta <= tt ? ta : tt;
    if (x > hi) break;
    if (ta <= tt)
      i++;
    else
      j++;
    if (n == 0 || x - prev > 48 * 3600) c++;
    prev = x;
    n++;
  }
  st->n_clusters = c;
  st->n_freq_items = n;
}

static void set_factor(rp_score_result *out, int id, double raw) {
  rp_score_factor *f = &out->factors[id];
  f->name = factor_names[id];
  f->max = factor_max[id];
  f->raw = raw;
  f->points = rp_score_round2(raw);
  f->detail[0] = '\0';
}

static void explain(rp_score_result *out, const rp_score_input *in, const stats *st) {
#define D(id, ...) snprintf(out->factors[id].detail, RP_SCORE_DETAIL_LEN, __VA_ARGS__)
  if (out->touched)
    D(RP_SCORE_TIME_KNOWN, "known %.1f years up to the last two-way interaction", out->years_known);
  else
    D(RP_SCORE_TIME_KNOWN, "no two-way interaction yet");
  if (in->category == RP_CATEGORY_NONE)
    D(RP_SCORE_CATEGORY, "no category");
  else
    D(RP_SCORE_CATEGORY, "category %s", rp_category_name(in->category));
  D(RP_SCORE_STAGE, "stage %s", rp_stage_name(in->stage));
  D(RP_SCORE_STATUS, "status %s", rp_status_name(in->status));
  D(RP_SCORE_TYPE, "type %s", rp_ctype_name(in->type));
  D(RP_SCORE_REFERRALS, "%lld referral%s", (long long)in->referral_count,
    in->referral_count == 1 ? "" : "s");
  D(RP_SCORE_DETAILS, "%d public, %d private, %d of intent/timeframe/budget, %d channel%s",
    st->n_public, st->n_private, st->n_plans, st->n_channels, st->n_channels == 1 ? "" : "s");
  if (in->account_revenue > 0)
    D(RP_SCORE_LIFETIME_VALUE, "%.1f %% of the account's revenue", st->share * 100.0);
  else
    D(RP_SCORE_LIFETIME_VALUE, "no revenue in the account yet");
  D(RP_SCORE_ENGAGEMENT, "%d inbound, %d answered, %d unanswered messages in 365 days", st->n_in,
    st->n_answered, st->n_unanswered);
  D(RP_SCORE_BONDING, "%d meal%s or parties in 730 days", st->n_bonding,
    st->n_bonding == 1 ? "" : "s");
  D(RP_SCORE_RELATIONSHIP, "%d meetings or visits, %d connected calls, %d cards in 730 days",
    st->n_meet, st->n_calls, st->n_cards);
  D(RP_SCORE_INTENSITY, "%d high-importance item%s within 30 days", st->n_high,
    st->n_high == 1 ? "" : "s");
  if (st->n_replies == 0)
    D(RP_SCORE_REPLY_INTENSITY, "no reply yet");
  else
    D(RP_SCORE_REPLY_INTENSITY, "%d repl%s, median reply %.1f h, latest %.0f d ago", st->n_replies,
      st->n_replies == 1 ? "y" : "ies", st->median_h, st->latest_reply_age);
  D(RP_SCORE_FREQUENCY, "%d cluster%s of %d item%s within 14 days", st->n_clusters,
    st->n_clusters == 1 ? "" : "s", st->n_freq_items, st->n_freq_items == 1 ? "" : "s");
#undef D
}

static int compute(rp_score_result *out, const rp_score_input *in, bool with_text) {
  const rp_score_activity *acts = in->activities;
  const rp_time T = in->t;
  stats st = {0};
  int rc = check_input(in);
  if (rc) return rc;

  rp_time known = in->known_since;
  if (known == 0) known = in->created_at - (((in->created_at % SEC_DAY) + SEC_DAY) % SEC_DAY);

  /* p: the activities at or before T are acts[0 .. p-1]. */
  size_t p = in->n_activities;
  while (p > 0 && acts[p - 1].occurred_at > T)
    p--;

  /* One backward pass over the past: the newest first, so the latest
   * two-way interaction, the earliest inbound message after each outbound
   * one and the last five replies are all found on the way. */
  double eng_x = 0, bond_x = 0, rel_x = 0;
  unsigned channels = 0; /* bit per inbound kind */
  rp_time last_touch = 0;
  bool touched = false;
  rp_time next_in = INT64_MAX;              /* earliest inbound message after the current item */
  const rp_score_activity *next_msg = NULL; /* the message after the current one */
  double lat[5];
  int n_rep = 0;
  double latest_reply_age = 0;
  for (size_t k = p; k-- > 0;) {
    const rp_score_activity *a = &acts[k];
    double age = (double)(T - a->occurred_at) / DAY;
    if (!touched && is_two_way(a)) {
      touched = true;
      last_touch = a->occurred_at;
    }
    if (a->direction == RP_DIR_INBOUND && a->kind < 32 &&
        (is_message(a->kind) || a->kind == RP_KIND_WEB))
      channels |= 1u << a->kind;
    if (age <= 730) {
      if (a->kind == RP_KIND_MEAL || a->kind == RP_KIND_PARTY) {
        bond_x += wt(age, 365);
        st.n_bonding++;
      }
      if (a->kind == RP_KIND_MEETING || a->kind == RP_KIND_VISIT) {
        rel_x += 2 * wt(age, 180);
        st.n_meet++;
      } else if (is_connected_call(a)) {
        rel_x += wt(age, 180);
        st.n_calls++;
      } else if (a->kind == RP_KIND_CARD) {
        rel_x += wt(age, 180);
        st.n_cards++;
      }
    }
    if (!is_message(a->kind)) continue;
    if (age <= 365) {
      if (a->direction == RP_DIR_INBOUND) {
        eng_x += wt(age, 90);
        st.n_in++;
      } else if (a->direction == RP_DIR_OUTBOUND) {
        if (next_in != INT64_MAX && next_in - a->occurred_at <= 7 * SEC_DAY) {
          eng_x += 0.5 * wt(age, 90);
          st.n_answered++;
        } else {
          eng_x += 0.1 * wt(age, 90);
          st.n_unanswered++;
        }
      }
    }
    /* Replies: next_msg is a reply to a when a awaits an answer. */
    if (n_rep < 5 && next_msg && next_msg->direction == RP_DIR_INBOUND && awaits_answer(a) &&
        next_msg->occurred_at - a->occurred_at <= 14 * SEC_DAY) {
      if (n_rep == 0) latest_reply_age = (double)(T - next_msg->occurred_at) / DAY;
      lat[n_rep++] = (double)(next_msg->occurred_at - a->occurred_at) / 3600.0;
    }
    if (a->direction == RP_DIR_INBOUND) next_in = a->occurred_at;
    next_msg = a;
  }
  if (!touched) last_touch = known;

  /* Intensity: importance high in [T - 30 d, T + 30 d], planned included. */
  for (size_t k = p; k-- > 0 && acts[k].occurred_at >= T - 30 * SEC_DAY;)
    if (acts[k].importance == RP_IMPORTANCE_HIGH) st.n_high++;
  for (size_t k = p; k < in->n_activities && acts[k].occurred_at <= T + 30 * SEC_DAY; k++)
    if (acts[k].importance == RP_IMPORTANCE_HIGH) st.n_high++;

  frequency_clusters(in, &st);

  /* Y and the decay. */
  double Y = last_touch > known ? (double)(last_touch - known) / (365.25 * DAY) : 0.0;
  int64_t n = T > last_touch ? (T - last_touch) / MONTH_S - 1 : 0;
  if (n < 0) n = 0;
  double F = fmin(0.5, 0.05 * Y);
  double M = fmax(F, 1.0 - (double)n / (12.0 * (1.0 + Y / 5.0)));

  /* Details x. */
  const rp_score_details *d = &in->details;
  st.n_public =
      d->has_email + d->has_phone + d->has_address + d->has_company + d->has_social_or_website;
  int n_custom = d->n_custom < 0 ? 0 : d->n_custom > 3 ? 3 : d->n_custom;
  st.n_private =
      d->birthday + d->anniversary + d->partner + d->children + d->pets + d->interests + n_custom;
  st.n_plans = d->has_intent + d->has_timeframe + d->has_budget;
  st.n_channels = __builtin_popcount(channels);
  st.details_x = 0.5 * st.n_public + st.n_private + 0.75 * st.n_plans + 0.5 * st.n_channels;

  /* Reply intensity. */
  double reply = 0;
  st.n_replies = n_rep;
  if (n_rep) {
    st.median_h = median_of(lat, n_rep);
    st.latest_reply_age = latest_reply_age;
    reply = 5.0 * fmax(0.0, 1.0 - log1p(st.median_h) / log(337.0)) * wt(latest_reply_age, 90);
  }

  st.share = in->account_revenue > 0 && in->revenue > 0 ? in->revenue / in->account_revenue : 0;

  static const double cat_pts[RP_CATEGORY_COUNT] = {0, 8, 6, 3, 1};
  static const double stage_pts[RP_STAGE_COUNT] = {0, 2, 5, 8, 10};
  static const double status_pts[RP_STATUS_COUNT] = {0, 1, 3, 5, 8, 7};
  static const double type_pts[RP_TYPE_COUNT] = {2, 0, 1, 2, 1, 0, 0};
  unsigned cat = in->category, stg = in->stage, sts = in->status, typ = in->type;
  int64_t refs = in->referral_count > 0 ? in->referral_count : 0;

  set_factor(out, RP_SCORE_TIME_KNOWN, 6.0 * sat(Y, 3));
  set_factor(out, RP_SCORE_CATEGORY, cat < RP_CATEGORY_COUNT ? cat_pts[cat] : 0);
  set_factor(out, RP_SCORE_STAGE, stg < RP_STAGE_COUNT ? stage_pts[stg] : 0);
  set_factor(out, RP_SCORE_STATUS, sts < RP_STATUS_COUNT ? status_pts[sts] : 0);
  set_factor(out, RP_SCORE_TYPE, typ < RP_TYPE_COUNT ? type_pts[typ] : 0);
  set_factor(out, RP_SCORE_REFERRALS, 10.0 * sat((double)refs, 1.5));
  set_factor(out, RP_SCORE_DETAILS, 8.0 * sat(st.details_x, 4));
  set_factor(out, RP_SCORE_LIFETIME_VALUE, 6.0 * sat(st.share, 0.02));
  set_factor(out, RP_SCORE_ENGAGEMENT, 12.0 * sat(eng_x, 6));
  set_factor(out, RP_SCORE_BONDING, 8.0 * sat(bond_x, 2));
  set_factor(out, RP_SCORE_RELATIONSHIP, 8.0 * sat(rel_x, 5));
  set_factor(out, RP_SCORE_INTENSITY, 5.0 * sat(st.n_high, 2));
  set_factor(out, RP_SCORE_REPLY_INTENSITY, reply);
  set_factor(out, RP_SCORE_FREQUENCY, 4.0 * sat(st.n_clusters, 3));

  double sum = 0;
  for (int i = 0; i < RP_SCORE_FACTOR_COUNT; i++)
    sum += out->factors[i].points; /* the two-decimal points the explanation shows */
  out->sum = sum;
  out->score = rp_score_round1(M * sum);
  out->decay.months_inactive = n;
  out->decay.multiplier = M;
  out->decay.points_lost = rp_score_round2(sum - M * sum);
  out->last_touch = last_touch;
  out->touched = touched;
  out->years_known = Y;
  if (with_text) explain(out, in, &st);
  return 0;
}

/* rp_score_compute: see score.h (SCORING.md Factors 1-14 and Decay). */
int rp_score_compute(rp_score_result *out, const rp_score_input *in) {
  return compute(out, in, false);
}

/* rp_score_explain: see score.h (SCORING.md Explanation). */
int rp_score_explain(rp_score_result *out, const rp_score_input *in) {
  return compute(out, in, true);
}

/* rp_score_activity_from: see score.h. */
rp_score_activity rp_score_activity_from(const rp_activity *a) {
  rp_score_activity s;
  s.occurred_at = a->occurred_at;
  s.duration_s = a->duration_s < 0           ? -1
                 : a->duration_s > INT32_MAX ? INT32_MAX
                                             : (int32_t)a->duration_s;
  s.kind = (uint8_t)a->kind;
  s.direction = (uint8_t)a->direction;
  s.importance = (uint8_t)a->importance;
  return s;
}

static bool filled(const char *s) { return s && *s; }

/* rp_score_details_from: see score.h (SCORING.md details x, explicit
 * items). */
rp_score_details rp_score_details_from(const rp_contact *c, int n_custom) {
  rp_score_details d = {0};
  for (size_t i = 0; i < c->n_emails && !d.has_email; i++)
    d.has_email = filled(c->emails[i].address);
  for (size_t i = 0; i < c->n_phones && !d.has_phone; i++)
    d.has_phone = filled(c->phones[i].number);
  d.has_address = c->has_address && (filled(c->address.street) || filled(c->address.city));
  d.has_company = filled(c->company);
  d.has_social_or_website = filled(c->website);
  for (size_t i = 0; i < c->n_social && !d.has_social_or_website; i++)
    d.has_social_or_website = filled(c->social[i]);
  d.birthday = filled(c->birthday);
  d.anniversary = filled(c->anniversary);
  d.partner = filled(c->partner);
  d.children = filled(c->children);
  d.pets = filled(c->pets);
  d.interests = filled(c->interests);
  d.n_custom = n_custom;
  d.has_intent = c->intent != RP_INTENT_NONE;
  d.has_timeframe = filled(c->timeframe);
  d.has_budget = c->has_budget;
  return d;
}
