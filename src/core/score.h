/* score.h: the relationship score of one contact (SCORING.md), pure.
 *
 * The caller gathers a contact's facts in force at a moment T (lifecycle
 * fields from the change history, its activities sorted by time, its task
 * due times, its and the account's revenue) into an rp_score_input;
 * rp_score_compute returns the score, the fourteen factors and the decay.
 * No I/O, no clock, no allocation, no global state: the same input gives the
 * same output bit for bit. One pass over the activities, so a full rescore
 * streams each contact's rows once and reuses one buffer.
 *
 * The numbers are SCORING.md's defaults; per-account tunables are not read
 * yet. */
#ifndef RP_CORE_SCORE_H
#define RP_CORE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/* The fourteen factors, in SCORING.md order (also the order of
 * rp_score_result.factors and of the sum). */
typedef enum {
  RP_SCORE_TIME_KNOWN,
  RP_SCORE_CATEGORY,
  RP_SCORE_STAGE,
  RP_SCORE_STATUS,
  RP_SCORE_TYPE,
  RP_SCORE_REFERRALS,
  RP_SCORE_DETAILS,
  RP_SCORE_LIFETIME_VALUE,
  RP_SCORE_ENGAGEMENT,
  RP_SCORE_BONDING,
  RP_SCORE_RELATIONSHIP,
  RP_SCORE_INTENSITY,
  RP_SCORE_REPLY_INTENSITY,
  RP_SCORE_FREQUENCY,
  RP_SCORE_FACTOR_COUNT
} rp_score_factor_id;

/* One activity as the score needs it: 16 bytes, so a contact's history is a
 * compact array. kind, direction and importance hold rp_activity_kind,
 * rp_direction and rp_importance values (unknown values count for nothing);
 * duration_s is -1 when absent. */
typedef struct rp_score_activity {
  rp_time occurred_at;
  int32_t duration_s;
  uint8_t kind;
  uint8_t direction;
  uint8_t importance;
} rp_score_activity;

/* The explicit "details" items of SCORING.md (factor 7). The implicit ones
 * (the channels the contact used to reach you) come from the activities. */
typedef struct rp_score_details {
  bool has_email, has_phone;
  bool has_address; /* an address with a street or a city */
  bool has_company;
  bool has_social_or_website; /* any social profile or a website */
  bool birthday, anniversary, partner, children, pets, interests;
  int n_custom;    /* filled custom fields; the formula counts at most 3 */
  bool has_intent; /* intent other than none */
  bool has_timeframe, has_budget;
} rp_score_details;

typedef struct rp_score_input {
  rp_time t; /* T: the moment the score is computed as of */
  /* Lifecycle fields in force at T (DOMAIN.md M3, core/history.h). */
  rp_status status;
  rp_stage stage;
  rp_category category;
  rp_ctype type;
  int64_t referral_count; /* contacts it referred (C1), as of T */
  rp_score_details details;
  rp_time known_since; /* midnight UTC of known_since; 0: the day of created_at */
  rp_time created_at;
  /* All the contact's activities, past and planned, sorted by occurred_at
   * ascending (ties in the store's order); the score filters by T itself.
   * Not copied, not kept. */
  const rp_score_activity *activities;
  size_t n_activities;
  /* Due times of the contact's tasks, sorted ascending (frequency factor). */
  const rp_time *task_due;
  size_t n_tasks;
  /* SCORING.md lifetime_value, both from deals closed at or before T and
   * computed by the caller: the contact's revenue (its closed deals as buyer
   * or seller plus 25 % of its referrals' revenue) and the account's
   * (0: no revenue yet, the factor is 0). */
  double revenue;
  double account_revenue;
} rp_score_input;

#define RP_SCORE_DETAIL_LEN 96

typedef struct rp_score_factor {
  const char *name;                 /* SCORING.md name, static ("time_known", ...) */
  double points;                    /* raw points rounded to two decimals (the explanation) */
  double raw;                       /* unrounded points: what the score sums */
  double max;                       /* the factor's maximum */
  char detail[RP_SCORE_DETAIL_LEN]; /* short human sentence; "" unless explained */
} rp_score_factor;

typedef struct rp_score_result {
  /* round1(decay.multiplier * sum): 0..100, one decimal. */
  double score;
  /* Sum of factors[i].points (two decimals each, as the explanation shows
   * them) in factor order, so that score == round1(multiplier * sum) holds
   * on the JSON a client reads (SCORING.md "Explanation"). */
  double sum;
  rp_score_factor factors[RP_SCORE_FACTOR_COUNT];
  struct {
    int64_t months_inactive; /* n: whole 30-day months since last_touch, minus 1, >= 0 */
    double multiplier;       /* M = max(F, 1 - n / (12 (1 + Y / 5))), unrounded */
    double points_lost;      /* round2(sum - multiplier * sum) */
  } decay;
  rp_time last_touch; /* latest two-way interaction at or before T, else known_since */
  bool touched;       /* true when last_touch is an interaction, not known_since */
  double years_known; /* Y: years of 365.25 days from known_since to last_touch, >= 0 */
} rp_score_result;

/* SCORING.md, all of "Factors" and "Decay": fills *out with the score of
 * the contact described by *in as of in->t. Factor details are left empty
 * (fast path for full and incremental rescores). Does not allocate; keeps
 * no pointer into *in. Returns 0, or RP_EINVALID_VALUE (error set) when an
 * array is NULL with a nonzero count or is not sorted ascending. */
int rp_score_compute(rp_score_result *out, const rp_score_input *in);

/* As rp_score_compute, and also writes each factor's detail sentence
 * ("3 replies, median reply 2 h, latest 5 d ago") for the explanation of
 * GET /contacts/{id}/score. Same numbers, bit for bit. */
int rp_score_explain(rp_score_result *out, const rp_score_input *in);

/* The compact form of a stored activity (duration clamped to int32). */
rp_score_activity rp_score_activity_from(const rp_activity *a);

/* The explicit details of a contact (SCORING.md "details x"); n_custom is
 * the number of filled custom fields, counted by the caller from
 * custom_json. */
rp_score_details rp_score_details_from(const rp_contact *c, int n_custom);

/* Half away from zero to one / two decimals, as the score and points use. */
double rp_score_round1(double x);
double rp_score_round2(double x);

#endif
