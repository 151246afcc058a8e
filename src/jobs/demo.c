/* demo.c: the demo data generator (demo.h, docs/demo.md).
 *
 * The plan decides, for every contact in order, who it is (culture, name,
 * type), what it is drawn as (a suspect, a contact who answers, one under
 * contract today, a past client of long ago, an agent or vendor), when it
 * was created, its first answer (DOMAIN.md L2) and who referred it (an
 * earlier contact already engaged at that time, C1). Then, once every
 * contact's referrals are known, the outcome model decides from each
 * contact's planned behaviour (its "beats": answers, conversations it
 * opens, meetings, referrals, silences) whether and when it gets serious
 * (L3), signs (L4, L7) and closes (L5); and its deals -- listings and
 * transactions, with their steps from pre-listing or pending to closed or
 * dead (L4 to L7). Those moments become events, sorted by time over the
 * whole database.
 *
 * The write pass replays the events in time order through the same code
 * as the API: a contact is created with the creation rules (L1, S1/S2) and
 * its activities (the beats among them); a reply, a field change, a deal
 * write or a referral goes through the lifecycle (jobs/lifecycle.h), which
 * applies the rules (core/rules.c) at the event's time and writes the
 * changes and their history rows. No status, stage or category is set by
 * hand except the category a contact was imported with: whatever the
 * contacts end up as, the rules decided it. The activities of each status
 * phase are generated so they agree with the rules (a suspect sends
 * nothing before the answer that makes it a prospect, L2). Scores are left
 * to the daily job, run at the end for the last days (jobs/scoring.h).
 *
 * Randomness comes from xoshiro256** seeded per contact and purpose with
 * splitmix64 from (seed, contact index); a contact's referrer and the trade
 * contacts on its deals are earlier contacts, so contact i does not depend
 * on the number of contacts after it, but for the referrals later contacts
 * credit it with. All times derive from opts->now. */
#include "jobs/demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "core/deal_events.h"
#include "jobs/lifecycle.h"
#include "jobs/scoring.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/uuid.h"

#define MINUTE ((rp_time)60)
#define HOUR ((rp_time)3600)
#define DAY ((rp_time)86400)
#define YEAR ((rp_time)31557600) /* 365.25 days */
#define NEVER INT64_MAX
#define MAX_ACTS 320 /* activities per contact, a safety cap */
/* ---------------------------------------------------------------- PRNG */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* One independent stream per (seed, contact index, purpose). */
static void rng_init(rng *r, uint64_t seed, uint64_t index, uint64_t purpose) {
  uint64_t x = seed;
  x = splitmix64(&x) ^ (index * 0xD1B54A32D192ED03ull) ^ (purpose * 0x8CB92BA72F3D8DD7ull);
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnext(rng *r) {
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

static double runif(rng *r) { return (double)(rnext(r) >> 11) * 0x1.0p-53; }
static bool rchance(rng *r, double p) { return runif(r) < p; }
/* Uniform in [lo, hi] (inclusive). */
static int64_t rint64(rng *r, int64_t lo, int64_t hi) {
  return hi <= lo ? lo : lo + (int64_t)(rnext(r) % (uint64_t)(hi - lo + 1));
}
static rp_time rtime(rng *r, rp_time lo, rp_time hi) {
  return hi <= lo ? lo : lo + (rp_time)(runif(r) * (double)(hi - lo));
}
static const char *rpick(rng *r, rp_demo_list l) { return l.items[rnext(r) % l.n]; }
static size_t rweighted(rng *r, const unsigned *w, size_t n) {
  unsigned sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += w[i];
  unsigned x = (unsigned)(rnext(r) % sum);
  for (size_t i = 0; i < n; i++) {
    if (x < w[i]) return i;
    x -= w[i];
  }
  return n - 1;
}
/* A log-normal delay: median m, spread sigma (natural log units). */
static double rlognormal(rng *r, double m, double sigma) {
  double u1 = runif(r), u2 = runif(r);
  if (u1 < 1e-12) u1 = 1e-12;
  double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
  return m * exp(sigma * z);
}
/* An exponential gap with mean m, at least lo. */
static rp_time rexp(rng *r, rp_time mean, rp_time lo) {
  double u = runif(r);
  rp_time t = (rp_time)(-log(1.0 - u) * (double)mean);
  return t < lo ? lo : t;
}

/* ---------------------------------------------------------------- ids */

/* UUIDv7 ids for the demo's rows (RFC 9562, "monotonic random", method 2):
 * the millisecond time of the run's start, then a 40-bit counter that
 * starts at a random point, then 34 random bits. Seeded once from
 * rp_uuid_v7's entropy, so two runs never share ids; one system random call
 * per run instead of one per row, and ids that grow (index appends). */
typedef struct idgen {
  uint64_t ms, counter;
  rng r;
} idgen;

static void idgen_init(idgen *g) {
  char base[RP_ID_LEN];
  rp_uuid_v7(base);
  uint64_t ms = 0, h = 0;
  for (int i = 0, n = 0; base[i] && n < 12; i++) {
    if (base[i] == '-') continue;
    ms = ms << 4 | (uint64_t)(base[i] <= '9' ? base[i] - '0' : base[i] - 'a' + 10);
    n++;
  }
  for (int i = 0; base[i]; i++) {
    uint64_t x = h ^ (uint64_t)(unsigned char)base[i];
    h = splitmix64(&x);
  }
  g->ms = ms;
  rng_init(&g->r, h, 0, 99);
  g->counter = rnext(&g->r) & ((1ull << 39) - 1);
}

static void idgen_next(idgen *g, char out[static RP_ID_LEN]) {
  static const char hex[] = "0123456789abcdef";
  uint64_t c = g->counter++, lo = rnext(&g->r) & ((1ull << 34) - 1);
  uint64_t rand_a = (c >> 28) & 0xfff, rand_b = ((c & 0xfffffffull) << 34) | lo;
  unsigned char b[16];
  for (int i = 0; i < 6; i++)
    b[i] = (unsigned char)(g->ms >> (40 - 8 * i));
  b[6] = (unsigned char)(0x70 | (rand_a >> 8));
  b[7] = (unsigned char)(rand_a & 0xff);
  b[8] = (unsigned char)(0x80 | ((rand_b >> 56) & 0x3f));
  for (int i = 9; i < 16; i++)
    b[i] = (unsigned char)(rand_b >> (8 * (15 - i)));
  int o = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 15];
  }
  out[o] = '\0';
}

/* ---------------------------------------------------------------- local time */

/* The agent works in Austin: America/Chicago, US daylight saving rules. */
static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}
static int weekday(int64_t day) { return (int)(((day % 7) + 7 + 4) % 7); } /* 0 = Sunday */

static rp_time tz_offset(rp_time t) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(floordiv(t, DAY), &y, &m, &d);
  int64_t mar1 = rp_days_from_civil(y, 3, 1), nov1 = rp_days_from_civil(y, 11, 1);
  int64_t start = mar1 + (7 - weekday(mar1)) % 7 + 7; /* second Sunday of March */
  int64_t end = nov1 + (7 - weekday(nov1)) % 7;       /* first Sunday of November */
  bool dst = t >= start * DAY + 8 * HOUR && t < end * DAY + 7 * HOUR;
  return dst ? -5 * HOUR : -6 * HOUR;
}
static int64_t local_day(rp_time t) { return floordiv(t + tz_offset(t), DAY); }
static rp_time local_at(int64_t day, int hour, int minute) {
  rp_time guess = day * DAY + hour * HOUR + minute * MINUTE + 6 * HOUR;
  return day * DAY + hour * HOUR + minute * MINUTE - tz_offset(guess);
}

/* A working moment on the local day of t: mostly 9:00-17:59 on a weekday
 * (a weekend moves to Monday most of the time), sometimes early or late. */
static rp_time biz_time(rng *r, rp_time t) {
  int64_t d = local_day(t);
  int wd = weekday(d);
  if ((wd == 0 || wd == 6) && rchance(r, 0.7)) d += wd == 6 ? 2 : 1;
  int h = rchance(r, 0.85) ? (int)rint64(r, 9, 17) : (int)rint64(r, 7, 20);
  return local_at(d, h, (int)rint64(r, 0, 59));
}

/* ---------------------------------------------------------------- the plan */

enum {
  SRC_ZILLOW,
  SRC_REALTOR,
  SRC_WEBSITE,
  SRC_FACEBOOK,
  SRC_OPEN_HOUSE,
  SRC_SIGN_CALL,
  SRC_REFERRAL,
  SRC_SPHERE,
  SRC_NONE,
  SRC_COUNT
};
static const char *const source_names[SRC_COUNT] = {"zillow",   "realtor.com", "website",
                                                    "facebook", "open house",  "sign call",
                                                    "referral", "sphere",      NULL};

enum { SIDE_BUY, SIDE_SELL, SIDE_BOTH };

typedef struct milestone {
  rp_time t;
  uint8_t status; /* rp_status reached at t */
} milestone;

/* A deal of the plan: a listing of the contact (it sells), the transaction
 * that sells that listing (the contact is seller on both: one closed deal,
 * DOMAIN.md), or a purchase (a transaction in which it buys). Its steps are
 * the statuses it goes through (rp_property_status or rp_tx_status) and
 * when; a step after now has not happened yet. */
enum { DK_LISTING, DK_SALE, DK_PURCHASE };
#define MAX_STEPS 5

typedef struct deal {
  uint32_t contact; /* the buyer or seller (plan index) */
  int32_t other;    /* a vendor or another agent, role other (plan index), -1 = none */
  int32_t listing;  /* DK_SALE: the deal (index) of the listing it sells, else -1 */
  uint8_t kind, role, n_steps;
  uint8_t status[MAX_STEPS];
  rp_time at[MAX_STEPS];
  rp_time close;      /* the closing (or the death) */
  double price;       /* list price, or a transaction's price */
  double close_price; /* a listing's sale price */
  double rate;        /* commission rate */
  uint32_t mls;       /* a listing's MLS number */
  bool dies;          /* its last step is a dead status */
  /* write pass */
  int64_t version;
  char id[RP_ID_LEN];
  rp_address addr; /* a listing's address (strings in the run's arena) */
} deal;

typedef struct plan {
  uint8_t type, status, cat0, side, culture, female, source;
  uint8_t intent;                /* rp_intent at creation, or from t_fields */
  uint8_t reply_kind, reply_dir; /* its first answer's activity (write pass) */
  bool imported, repeat;
  bool pool; /* its deals follow the outcome model (plan_outcome) */
  uint16_t first, last;
  int64_t known_day;  /* known_since, days since the epoch */
  rp_time created;    /* created_at, always as a suspect or none (L1) */
  rp_time t_prospect; /* its first answer, an inbound message or a meeting (L2); 0 = none */
  rp_time t_import;   /* its past deals entered after the import (L5); 0 = none */
  rp_time t_fields;   /* intent and timeframe told (L3 for a prospect); 0 = none */
  rp_time t_client;   /* agreement signed: its deals open (L4, L7); 0 = none */
  rp_time close;      /* its (last) closing, past or planned; 0 = none */
  rp_time prev_close; /* a repeat client's earlier closing; 0 = none */
  rp_time timeframe;  /* the date it gave at t_fields */
  double budget;      /* 0 = none */
  uint8_t n_ms;       /* status phases after creation, for the activities */
  milestone ms[5];
  rp_time engaged;        /* from when it is more than a suspect (NEVER) */
  int32_t referrer;       /* index of the contact who referred it, -1 = none */
  uint32_t ref_at, n_ref; /* its referrals: refs[ref_at .. ref_at + n_ref) */
  uint32_t deal_at, n_deals;
  uint32_t pending; /* events after its creation still to replay (write pass) */
} plan;

/* One moment of the replay. Sorted by (t, i, seq): a contact's own events
 * keep the order they were planned in when they share a second. */
enum { EV_CREATE, EV_REPLY, EV_FIELDS, EV_DEAL };
typedef struct event {
  rp_time t;
  uint32_t i, deal;
  uint16_t seq;
  uint8_t kind, step;
} event;

typedef struct world {
  rp_time now, w0; /* w0: two years ago, when the agent started with rapport */
  size_t n;
  plan *p;
  uint32_t *refs; /* indices of referred contacts, grouped by referrer */
  deal *deals;
  size_t n_deals, cap_deals;
  uint32_t *trade; /* vendors and agents planned so far, for role other */
  size_t n_trade;
  event *ev;
  size_t n_ev, cap_ev;
} world;

/* Weights in a thousand. With the classes' weights (plan_contact) and the
 * outcome model, of 1000 contacts about 70 have no status (agents,
 * vendors, hidden), 450 end as suspects, 300 prospects, 50 leads, 30
 * clients and 100 past clients. */
static const unsigned type_w[RP_TYPE_COUNT] = {480, 30, 60, 80, 280, 30, 10};
static const unsigned cat_w[RP_CATEGORY_COUNT] = {62, 4, 10, 14, 10};
static const unsigned cat_w_trade[RP_CATEGORY_COUNT] = {70, 10, 10, 10, 0};
static const unsigned side_w[3] = {60, 30, 10};
static const unsigned new_source_w[SRC_COUNT] = {24, 16, 16, 10, 14, 8, 0, 0, 0};

static bool trade_type(int type) {
  return type == RP_TYPE_AGENT || type == RP_TYPE_VENDOR || type == RP_TYPE_HIDDEN;
}

static rp_time later(rp_time a, rp_time b) { return a > b ? a : b; }

/* Dollars rounded to `step`. */
static double round_to(double v, double step) { return floor(v / step + 0.5) * step; }

/* A price within the market's range, 250,000 to 1,500,000, rounded to
 * 5,000. */
static double market_price(double v) {
  if (v < 250000) v = 250000;
  if (v > 1500000) v = 1500000;
  return round_to(v, 5000);
}

/* A home price: median 450,000. */
static double home_price(rng *r) { return market_price(rlognormal(r, 450000, 0.4)); }

/* A new deal of contact i (index in w->deals; pointers move as it grows). */
static uint32_t deal_new(world *w, rng *r, size_t i, uint8_t kind) {
  if (w->n_deals == w->cap_deals) {
    w->cap_deals = w->cap_deals ? w->cap_deals * 2 : 1024;
    w->deals = rp_xrealloc(w->deals, w->cap_deals * sizeof *w->deals);
  }
  deal *d = &w->deals[w->n_deals];
  memset(d, 0, sizeof *d);
  d->contact = (uint32_t)i;
  d->other = d->listing = -1;
  d->kind = kind;
  d->role = kind == DK_PURCHASE ? RP_DEAL_BUYER : RP_DEAL_SELLER;
  d->price = home_price(r);
  d->close_price = round_to(d->price * (0.95 + 0.07 * runif(r)), 1000);
  d->rate = 0.025 + 0.0025 * (double)rint64(r, 0, 2); /* 2.5 to 3 % */
  d->mls = (uint32_t)rint64(r, 1000000, 9999999);
  return (uint32_t)w->n_deals++;
}

/* A working moment near t (biz_time), when that keeps it strictly
 * between lo and hi; else t itself. */
static rp_time biz_between(rng *r, rp_time t, rp_time lo, rp_time hi) {
  rp_time b = biz_time(r, t);
  return b > lo && b < hi ? b : t;
}

/* A fraction f of the way from a to b, at a working moment. */
static rp_time biz_frac(rng *r, rp_time a, rp_time b, double f) {
  return biz_between(r, a + (rp_time)(f * (double)(b - a)), a, b);
}

static void step(deal *d, rp_time t, int status) {
  if (d->n_steps >= MAX_STEPS) return;
  d->at[d->n_steps] = t;
  d->status[d->n_steps++] = (uint8_t)status;
}

/* Half of the transactions name a lender, title officer, inspector or the
 * other side's agent: an earlier vendor or agent already in the database
 * when the deal opens. */
static void pick_other(world *w, rng *r, deal *d) {
  if (!w->n_trade || !rchance(r, 0.5)) return;
  for (int tries = 0; tries < 8; tries++) {
    uint32_t j = w->trade[rnext(r) % w->n_trade];
    if (w->p[j].created < d->at[0]) {
      d->other = (int32_t)j;
      return;
    }
  }
}

/* A deal that closed long ago, entered at `at` with its closing date. */
static uint32_t deal_imported(world *w, rng *r, size_t i, uint8_t kind, rp_time at, rp_time close) {
  uint32_t k = deal_new(w, r, i, kind);
  deal *d = &w->deals[k];
  d->close = close;
  step(d, at, kind == DK_LISTING ? RP_PROP_CLOSED : RP_TX_CLOSED);
  return k;
}

/* A listing from `open` (a pre-listing first, sometimes), under contract at
 * `offer` and closed at `end`; or, with dead_as >= 0, dead at `end`. */
static uint32_t deal_listing(world *w, rng *r, size_t i, rp_time open, rp_time offer, rp_time end,
                             int dead_as) {
  uint32_t k = deal_new(w, r, i, DK_LISTING);
  deal *d = &w->deals[k];
  d->close = end;
  if (rchance(r, 0.4)) {
    step(d, open, RP_PROP_PRE_LISTING);
    step(d, biz_frac(r, open, dead_as >= 0 ? end : offer, 0.25), RP_PROP_ACTIVE);
  } else {
    step(d, open, RP_PROP_ACTIVE);
  }
  if (dead_as >= 0) {
    step(d, end, dead_as);
    d->dies = true;
  } else {
    step(d, offer, RP_PROP_PENDING);
    step(d, end, RP_PROP_CLOSED);
  }
  return k;
}

/* The transaction that sells listing l, under contract at `open`. */
static uint32_t deal_sale(world *w, rng *r, size_t i, uint32_t l, rp_time open, rp_time end) {
  uint32_t k = deal_new(w, r, i, DK_SALE);
  deal *d = &w->deals[k];
  d->listing = (int32_t)l;
  d->price = w->deals[l].close_price;
  d->rate = w->deals[l].rate;
  d->close = end;
  step(d, open, RP_TX_PENDING);
  rp_time gap = (end - open) / 3 < 5 * DAY ? (end - open) / 3 : 5 * DAY;
  step(d, biz_between(r, end - gap, open, end), RP_TX_CLEAR_TO_CLOSE);
  step(d, end, RP_TX_CLOSED);
  pick_other(w, r, d);
  return k;
}

/* A purchase: agreement at `open`, under contract at `offer`, closed at
 * `end`; or canceled then when it dies. */
static uint32_t deal_purchase(world *w, rng *r, size_t i, rp_time open, rp_time offer, rp_time end,
                              bool dies) {
  uint32_t k = deal_new(w, r, i, DK_PURCHASE);
  deal *d = &w->deals[k];
  d->close = end;
  d->dies = dies;
  step(d, open, RP_TX_PENDING);
  step(d, offer, RP_TX_CONTINGENCY);
  if (dies) {
    step(d, end, RP_TX_CANCELED);
  } else {
    rp_time ctc = end - rint64(r, 3, 7) * DAY;
    if (ctc <= offer) ctc = offer + (end - offer) / 2;
    step(d, biz_between(r, ctc, offer, end), RP_TX_CLEAR_TO_CLOSE);
    step(d, end, RP_TX_CLOSED);
  }
  pick_other(w, r, d);
  return k;
}

/* The deals behind contact i's life (DOMAIN.md L4-L7): a repeat client's
 * earlier purchase; an old client's deals, entered closed after the
 * import; a client's listing (with, half the time, the transaction that
 * sells it) and/or purchase from agreement to closing, some after a first
 * deal that died (an expired listing relisted, a contract canceled in the
 * option period); a lead whose only deal died. */
static void plan_deals(world *w, size_t i, uint64_t seed) {
  plan *p = &w->p[i];
  rng r;
  rng_init(&r, seed, i, 3);
  bool sells = p->side != SIDE_BUY, buys = p->side != SIDE_SELL;
  p->deal_at = (uint32_t)w->n_deals;
  if (p->prev_close) {
    uint32_t k = deal_imported(w, &r, i, DK_PURCHASE, p->t_import, p->prev_close);
    w->deals[k].price = round_to(w->deals[k].price * 0.7, 5000); /* years ago */
  }
  if (p->t_import && !p->t_client && p->status == RP_STATUS_PAST_CLIENT) {
    rp_time end_l = p->side == SIDE_BOTH ? p->close - rint64(&r, 0, 4) * DAY : p->close;
    if (sells) {
      uint32_t l = deal_imported(w, &r, i, DK_LISTING, p->t_import, end_l);
      if (rchance(&r, 0.5)) {
        uint32_t k = deal_imported(w, &r, i, DK_SALE, p->t_import, end_l);
        w->deals[k].listing = (int32_t)l;
        w->deals[k].price = w->deals[l].close_price;
        w->deals[k].rate = w->deals[l].rate;
      }
    }
    if (buys) deal_imported(w, &r, i, DK_PURCHASE, p->t_import, p->close);
  } else if (p->t_client) {
    rp_time tc = p->t_client, end = p->close;
    rp_time end_l = p->side == SIDE_BOTH ? end - rint64(&r, 0, 4) * DAY : end;
    bool dead_first = rchance(&r, 0.15);
    bool sell_dies = dead_first && sells && (!buys || rchance(&r, 0.5));
    bool buy_dies = dead_first && buys && !sell_dies;
    if (sells) {
      uint32_t l;
      rp_time offer;
      if (sell_dies) {
        /* relisted at a lower price a minute before the old one expires:
         * still a client all along */
        rp_time relist = biz_frac(&r, tc, end, 0.35);
        uint32_t old = deal_listing(w, &r, i, tc, 0, relist + MINUTE,
                                    rchance(&r, 0.7) ? RP_PROP_EXPIRED : RP_PROP_WITHDRAWN);
        offer = biz_frac(&r, relist, end_l, 0.4);
        l = deal_listing(w, &r, i, relist, offer, end_l, -1);
        w->deals[l].price = market_price(w->deals[old].price * 0.95);
        w->deals[l].close_price = round_to(w->deals[l].price * (0.97 + 0.03 * runif(&r)), 1000);
      } else {
        offer = biz_frac(&r, tc, end_l, 0.4);
        l = deal_listing(w, &r, i, tc, offer, end_l, -1);
      }
      if (rchance(&r, 0.5)) deal_sale(w, &r, i, l, offer + 10 * MINUTE, end_l);
    }
    if (buys) {
      if (buy_dies) {
        /* back to lead (L5) until the next contract (L4) */
        rp_time cancel = biz_frac(&r, tc, end, 0.35), again = biz_frac(&r, cancel, end, 0.12);
        uint32_t k1 = deal_purchase(w, &r, i, tc, biz_frac(&r, tc, cancel, 0.55), cancel, true);
        uint32_t k2 = deal_purchase(w, &r, i, again, biz_frac(&r, again, end, 0.3), end, false);
        w->deals[k2].price = market_price(w->deals[k1].price * (0.92 + 0.16 * runif(&r)));
      } else {
        deal_purchase(w, &r, i, tc, biz_frac(&r, tc, end, 0.4), end, false);
      }
    }
  } else if (p->status == RP_STATUS_LEAD && p->t_fields && rchance(&r, 0.15)) {
    /* signed, then the deal died: back to lead (L4, then L5) */
    rp_time open = biz_time(&r, p->t_fields + rtime(&r, 5 * DAY, 40 * DAY));
    rp_time end = biz_time(&r, open + rtime(&r, 12 * DAY, 60 * DAY));
    if (end <= w->now - 2 * DAY) {
      if (sells && (!buys || rchance(&r, 0.5)))
        deal_listing(w, &r, i, open, 0, end,
                     rchance(&r, 0.4)    ? RP_PROP_WITHDRAWN
                     : rchance(&r, 0.67) ? RP_PROP_EXPIRED
                                         : RP_PROP_CANCELED);
      else
        deal_purchase(w, &r, i, open, biz_frac(&r, open, end, 0.5), end, true);
    }
  }
  p->n_deals = (uint32_t)w->n_deals - p->deal_at;
  /* a buyer's budget fits the home it buys */
  for (uint32_t k = p->deal_at; k < p->deal_at + p->n_deals; k++)
    if (p->budget > 0 && w->deals[k].kind == DK_PURCHASE && w->deals[k].at[0] > p->created)
      p->budget = round_to(w->deals[k].price * 1.05, 5000);
}

/* What a contact is drawn as, before its life is planned. The pool are the
 * contacts who answer and then live by the outcome model (docs/demo.md):
 * they start as prospects, and whether and when they get serious (L3),
 * sign (L4) and close (L5) follows from their behaviour. Contacts under
 * contract today are drawn as such (a busy pipeline to show; their
 * closings lie ahead of now), and so are the past clients whose closing
 * came with the import, years ago. */
enum { CL_NONE, CL_SUSPECT, CL_POOL, CL_CLIENT, CL_OLD_PAST, CL_COUNT };
static const unsigned class_w_default[CL_COUNT] = {0, 498, 419, 26, 53};
static const unsigned class_w_personal[CL_COUNT] = {0, 200, 585, 40, 165};
static const unsigned class_w_farm[CL_COUNT] = {0, 700, 300, 0, 0};

/* Decides contact i's identity, class, creation, first answer, source and
 * referrer (pass 1: in index order, reading only earlier contacts). */
static void plan_contact(world *w, size_t i, uint64_t seed, uint32_t *hubs, size_t *n_hubs) {
  plan *p = &w->p[i];
  rng r;
  rng_init(&r, seed, i, 0);
  const rp_time now = w->now, w0 = w->w0;
  unsigned cw[32];
  for (size_t k = 0; k < rp_demo_n_cultures; k++)
    cw[k] = rp_demo_cultures[k].weight;
  p->culture = (uint8_t)rweighted(&r, cw, rp_demo_n_cultures);
  const rp_demo_culture *cu = &rp_demo_cultures[p->culture];
  p->female = rchance(&r, 0.5);
  p->first = (uint16_t)(rnext(&r) % (p->female ? cu->female.n : cu->male.n));
  p->last = (uint16_t)(rnext(&r) % cu->last.n);
  p->type = (uint8_t)rweighted(&r, type_w, RP_TYPE_COUNT);
  p->cat0 = (uint8_t)rweighted(&r, trade_type(p->type) ? cat_w_trade : cat_w, RP_CATEGORY_COUNT);
  if (p->type == RP_TYPE_HIDDEN) p->cat0 = RP_CATEGORY_NONE;
  p->side = (uint8_t)rweighted(&r, side_w, 3);
  p->referrer = -1;
  p->source = SRC_NONE;

  const unsigned *clw = p->type == RP_TYPE_PERSONAL ? class_w_personal
                        : p->type == RP_TYPE_FARM   ? class_w_farm
                                                    : class_w_default;
  int cl = trade_type(p->type) ? CL_NONE : (int)rweighted(&r, clw, CL_COUNT);
  static const uint8_t class_status[CL_COUNT] = {RP_STATUS_NONE, RP_STATUS_SUSPECT,
                                                 RP_STATUS_PROSPECT, RP_STATUS_CLIENT,
                                                 RP_STATUS_PAST_CLIENT};
  p->status = class_status[cl];
  p->pool = cl == CL_POOL;
  if ((p->status == RP_STATUS_CLIENT || p->status == RP_STATUS_PAST_CLIENT) &&
      p->type == RP_TYPE_FARM)
    p->type = RP_TYPE_CLIENT;

  /* the import: the agent's existing database went in over three weeks */
  rp_time import = biz_time(&r, w0 + rtime(&r, 0, 20 * DAY));
  rp_time known = now - rtime(&r, 2 * YEAR, 8 * YEAR);
  rp_time created_ideal = 0, tp = 0, tl = 0, tc = 0;
  p->close = p->prev_close = 0;

  switch (p->status) {
  case RP_STATUS_NONE:
    p->imported = rchance(&r, 0.6);
    created_ideal = p->imported ? known : biz_time(&r, rtime(&r, w0 + 30 * DAY, now - 2 * DAY));
    break;
  case RP_STATUS_SUSPECT:
    p->imported = rchance(&r, p->type == RP_TYPE_FARM || p->type == RP_TYPE_PERSONAL ? 0.9 : 0.5);
    created_ideal = p->imported ? known : rtime(&r, w0 + 30 * DAY, now - HOUR);
    break;
  case RP_STATUS_PROSPECT: { /* the pool */
    p->imported = rchance(&r, 0.35);
    rp_time c = biz_time(&r, rtime(&r, w0 + 30 * DAY, now - 10 * DAY));
    tp = c + (rp_time)(rlognormal(&r, 1.0, 1.3) * (double)DAY);
    if (tp < c + 20 * MINUTE) tp = c + 20 * MINUTE;
    if (tp > c + 12 * DAY) tp = c + 12 * DAY;
    created_ideal = p->imported ? known : c;
    break;
  }
  case RP_STATUS_CLIENT: {
    p->close = biz_time(&r, now + rtime(&r, 5 * DAY, 60 * DAY));
    tc = biz_time(&r, now - rtime(&r, 3 * DAY, 100 * DAY));
    p->repeat = rchance(&r, 0.25);
    if (p->repeat) { /* a past client buying or selling again (L7) */
      p->prev_close = biz_time(&r, now - rtime(&r, 3 * YEAR, 9 * YEAR));
      created_ideal = known < p->prev_close ? known : p->prev_close - 90 * DAY;
      break;
    }
    tl = biz_time(&r, tc - rtime(&r, 7 * DAY, 90 * DAY));
    tp = tl - rtime(&r, 5 * DAY, 150 * DAY);
    created_ideal = biz_time(&r, tp - rtime(&r, HOUR, 10 * DAY));
    break;
  }
  case RP_STATUS_PAST_CLIENT: { /* closed before the import */
    p->close = biz_time(&r, rtime(&r, now - 8 * YEAR, w0 - 30 * DAY));
    tc = biz_time(&r, p->close - rtime(&r, 25 * DAY, 70 * DAY));
    tl = biz_time(&r, tc - rtime(&r, 7 * DAY, 90 * DAY));
    tp = tl - rtime(&r, 5 * DAY, 150 * DAY);
    created_ideal = biz_time(&r, tp - rtime(&r, HOUR, 7 * DAY));
    p->repeat = rchance(&r, 0.08);
    if (p->repeat) { /* it had bought its home with the agent before */
      p->prev_close = biz_time(&r, p->close - rtime(&r, 3 * YEAR, 9 * YEAR));
      created_ideal = known < p->prev_close ? known : p->prev_close - 90 * DAY;
    }
    break;
  }
  }
  if (p->repeat)
    p->imported = true;
  else if (p->status == RP_STATUS_CLIENT || p->status == RP_STATUS_PAST_CLIENT)
    p->imported = created_ideal < w0 + 30 * DAY;
  p->created = p->imported ? import : created_ideal;
  if (p->created > now) p->created = now;
  rp_time k0 = created_ideal < p->created ? created_ideal : p->created;
  p->known_day = floordiv(k0, DAY);

  /* its life after creation, each step after the one before: what
   * happened before the import is left to the import; the pool's steps
   * after its first answer come from the outcome model (plan_outcome) */
  p->t_prospect = p->t_import = p->t_fields = p->t_client = 0;
  if (p->repeat || (p->status == RP_STATUS_PAST_CLIENT && p->close < p->created)) {
    /* its closed deals entered right after the import (L5); a repeat
     * client signs again (L7) */
    p->t_import = p->created + rint64(&r, 10, 90) * MINUTE;
    if (p->close > p->t_import) {
      p->t_client = later(tc, p->t_import + 7 * DAY);
      p->t_fields = later(p->t_client - rint64(&r, 3, 20) * DAY, p->t_import + HOUR);
    }
    /* the old CRM had typed it a client */
    if (p->type == RP_TYPE_PROSPECT) p->type = RP_TYPE_CLIENT;
  } else if (p->status >= RP_STATUS_PROSPECT) {
    if (tp <= p->created) {
      double d = rlognormal(&r, 3.0, 1.0);
      tp = p->created + (d < 0.05 ? HOUR : d > 20 ? 20 * DAY : (rp_time)(d * (double)DAY));
    }
    p->t_prospect = tp;
    if (p->status >= RP_STATUS_CLIENT) {
      p->t_fields = tl > tp + DAY ? tl : tp + rint64(&r, 1, 5) * DAY;
      p->t_client = tc > p->t_fields + DAY ? tc : p->t_fields + rint64(&r, 1, 5) * DAY;
    }
  }

  /* where it came from */
  if (trade_type(p->type))
    p->source = SRC_NONE;
  else if (p->imported || p->type == RP_TYPE_PERSONAL)
    p->source = rchance(&r, 0.7) ? SRC_SPHERE : (uint8_t)rweighted(&r, new_source_w, SRC_COUNT);
  else {
    p->source = (uint8_t)rweighted(&r, new_source_w, SRC_COUNT);
    /* a sign call is an inbound call: the contact answers at once (L2) */
    if (p->source == SRC_SIGN_CALL && p->t_prospect)
      p->t_prospect = p->created;
    else if (p->source == SRC_SIGN_CALL)
      p->source = SRC_WEBSITE;
  }
  if (p->type == RP_TYPE_FARM && p->source != SRC_SPHERE) p->source = SRC_NONE;
  /* an open house sign-in happens on a weekend afternoon */
  if (p->source == SRC_OPEN_HOUSE && !p->imported) {
    int64_t d = local_day(p->created);
    d -= (weekday(d) + 1) % 7; /* back to Saturday */
    if (rchance(&r, 0.4) && local_at(d + 1, 16, 0) <= p->created) d++;
    rp_time t = local_at(d, (int)rint64(&r, 13, 15), (int)rint64(&r, 0, 59));
    if (t <= p->created && t > w0) {
      p->created = t;
      p->known_day = floordiv(t, DAY);
    }
  }
  p->engaged = p->t_prospect ? p->t_prospect : p->t_import ? p->t_import : NEVER;

  /* referred by an earlier contact engaged a few days before (C1); people
   * who referred before are likelier to refer again (hubs), up to five */
  if (i > 0 && !trade_type(p->type) && rchance(&r, 0.15)) {
    for (int tries = 0; tries < 12; tries++) {
      size_t j =
          (*n_hubs && rchance(&r, 0.3)) ? hubs[rnext(&r) % *n_hubs] : (size_t)(rnext(&r) % i);
      plan *q = &w->p[j];
      if (q->type == RP_TYPE_HIDDEN || q->engaged == NEVER || q->engaged + 3 * DAY > p->created ||
          q->n_ref >= 5)
        continue;
      p->referrer = (int32_t)j;
      p->source = SRC_REFERRAL;
      q->n_ref++; /* a running count here; plan_all recounts */
      hubs[(*n_hubs)++] = (uint32_t)j;
      break;
    }
  }
}

/* ---------------------------------------------------------------- behaviour */

static int64_t year_of(rp_time t);

/* The behaviour of a contact, planned as "beats" (docs/demo.md
 * "Behaviour"): while it is a prospect, the agent's outreach, answered or
 * not, the conversations the contact opens and the times they meet; while
 * it is a past client, the agent's check-ins, answered or not, the
 * questions it asks, lunches and the yearly client party. The plan pass
 * reads them (the outcome model), the write pass turns each into
 * activities; both draw them from the same streams, so they agree. They
 * are drawn from the start of the mode (its first answer; the import or
 * its closing) to now, whatever happens after: a phase keeps the beats
 * inside it. */
enum { B_QUIET, B_ANSWERED, B_OPENS, B_COFFEE, B_VISIT, B_MEAL, B_PARTY };
enum { MODE_PROSPECT, MODE_PAST };
#define MAX_BEATS 240

typedef struct beat {
  rp_time t;
  uint8_t kind;
} beat;

/* A contact's warmth e(m) in month m is its own level z ~ N(0, 1) (+0.8
 * for friends and family) plus a mood s(m), an AR(1) process (0.75, sd
 * 0.6): cold spells and warm ones. Rates are a month. */
#define BHV_FRIEND 0.8
#define BHV_MOOD_SD 0.6
#define BHV_MOOD_AR 0.75
#define BHV_OUTREACH 0.5 /* prospect: the agent's messages */
#define BHV_ANSWER_A 0.1 /* P(answered) = logistic(A + B e) */
#define BHV_ANSWER_B 1.6
#define BHV_OPENS 0.06 /* conversations it opens: OPENS exp(OPENS_E e) */
#define BHV_OPENS_E 1.2
#define BHV_MEETS 0.025 /* coffees, open-house visits, meals: MEETS exp(MEETS_E e) */
#define BHV_MEETS_E 0.9
#define PAST_OUTREACH 0.4 /* past client: check-in emails and calls */
#define PAST_ANSWER_A (-1.2)
#define PAST_OPENS 0.02
#define PAST_LUNCH 0.015    /* lunches: LUNCH exp(MEETS_E e) */
#define PAST_PARTY_A (-0.8) /* P(comes to the party) = logistic(A + e) */
#define BHV_MONTH (30 * DAY)

static double rgauss(rng *r) {
  double u1 = runif(r), u2 = runif(r);
  if (u1 < 1e-12) u1 = 1e-12;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Poisson with a small mean (Knuth). */
static int rpoisson(rng *r, double mean) {
  double l = exp(-mean), p = runif(r);
  int k = 0;
  while (p > l && k < 30) {
    p *= runif(r);
    k++;
  }
  return k;
}

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

static int beat_cmp(const void *x, const void *y) {
  const beat *a = x, *b = y;
  return a->t < b->t ? -1 : a->t > b->t;
}

/* Where the beats of a mode start: the first answer; the import (a past
 * client whose closing came with it), else the closing. */
static rp_time beats_start(const plan *p, int mode) {
  if (mode == MODE_PROSPECT) return p->t_prospect;
  return p->t_import ? p->t_import : p->close;
}

/* The client appreciation party: the second Saturday of May of year y. */
static int64_t party_day(int64_t y) {
  int64_t may1 = rp_days_from_civil(y, 5, 1);
  return may1 + (6 - weekday(may1) + 7) % 7 + 7;
}

/* The beats of contact i in `mode` from its start to now, in time order,
 * into out[MAX_BEATS]; returns how many (0 without a start). */
static size_t plan_beats(const plan *p, size_t i, uint64_t seed, rp_time now, int mode, beat *out) {
  rp_time start = beats_start(p, mode);
  if (!start) return 0;
  rng r;
  rng_init(&r, seed, i, 7); /* the level is the contact's, in both modes */
  bool friend = p->type == RP_TYPE_PERSONAL;
  double z = rgauss(&r) + (friend ? BHV_FRIEND : 0.0);
  rng_init(&r, seed, i, mode == MODE_PROSPECT ? 4 : 6);
  double s = BHV_MOOD_SD * rgauss(&r);
  size_t n = 0;
  for (rp_time m0 = start; m0 < now; m0 += BHV_MONTH) {
    double e = z + s;
    beat b[50]; /* three Poisson counts of at most 16 each, and the party */
    size_t nb = 0;
    if (mode == MODE_PROSPECT) {
      int k[3] = {rpoisson(&r, BHV_OUTREACH), rpoisson(&r, BHV_OPENS * exp(BHV_OPENS_E * e)),
                  rpoisson(&r, BHV_MEETS * exp(BHV_MEETS_E * e))};
      double answer = logistic(BHV_ANSWER_A + BHV_ANSWER_B * e);
      for (int kind = 0; kind < 3; kind++)
        for (int j = 0; j < k[kind] && j < 16; j++) {
          rp_time t = biz_time(&r, m0 + rtime(&r, HOUR, BHV_MONTH));
          uint8_t bk = kind == 0   ? (rchance(&r, answer) ? B_ANSWERED : B_QUIET)
                       : kind == 1 ? B_OPENS
                       : friend
                           ? (rchance(&r, 0.7) ? B_MEAL : B_COFFEE)
                           : (uint8_t)(rweighted(&r, (const unsigned[]){5, 3, 2}, 3) + B_COFFEE);
          if (bk == B_MEAL && friend) t = local_at(local_day(t), 18, 30); /* dinner */
          b[nb++] = (beat){t, bk};
        }
    } else {
      int k[3] = {rpoisson(&r, PAST_OUTREACH), rpoisson(&r, PAST_OPENS * exp(BHV_OPENS_E * e)),
                  rpoisson(&r, PAST_LUNCH * exp(BHV_MEETS_E * e))};
      double answer = logistic(PAST_ANSWER_A + BHV_ANSWER_B * e);
      for (int kind = 0; kind < 3; kind++)
        for (int j = 0; j < k[kind] && j < 16; j++) {
          rp_time t = biz_time(&r, m0 + rtime(&r, HOUR, BHV_MONTH));
          uint8_t bk = kind == 0   ? (rchance(&r, answer) ? B_ANSWERED : B_QUIET)
                       : kind == 1 ? B_OPENS
                                   : B_MEAL;
          if (bk == B_MEAL) t = local_at(local_day(t), 12, 0);
          b[nb++] = (beat){t, bk};
        }
      int64_t party = party_day(year_of(m0 + BHV_MONTH));
      rp_time pt = local_at(party, 14, 0);
      if (pt >= m0 && pt < m0 + BHV_MONTH && rchance(&r, logistic(PAST_PARTY_A + e)))
        b[nb++] = (beat){pt + rint64(&r, 0, 90) * MINUTE, B_PARTY};
    }
    for (size_t k = 0; k < nb; k++)
      if (b[k].t > start && b[k].t < now && n < MAX_BEATS) out[n++] = b[k];
    s = BHV_MOOD_AR * s + BHV_MOOD_SD * sqrt(1 - BHV_MOOD_AR * BHV_MOOD_AR) * rgauss(&r);
  }
  qsort(out, n, sizeof *out, beat_cmp);
  return n;
}

/* ---------------------------------------------------------------- outcomes */

/* The outcome model (docs/demo.md "Outcomes"). Each month (from a week
 * after a prospect's first answer; from a month after a past client's
 * import) the contact gets serious -- a prospect tells its needs and
 * timeframe (L3), a past client calls about moving again -- with
 * probability logistic(x), where
 *   x = B0 + B_R min(R, 8) + B_M min(M, 4) + B_F min(F, 3)
 *         + B_D min(D, 12) + u
 * R: conversations it answered or opened in the last 90 days (a
 * prospect's first answer included), M: coffees, visits, meals and
 * parties in the last 90 days, F: referrals it has given so far, D:
 * months since its last two-way contact, u ~ N(0, OUT_NOISE) for each
 * contact: what the agent never sees. A serious prospect signs with
 * probability P_SIGN 7 to 90 days later, else stays a lead; a past client
 * signs 3 to 20 days later. Both close 25 to 70 days after signing. */
#define OUT_B0 (-5.1)
#define OUT_B0_PAST (-7.2)
#define OUT_B_R 0.8
#define OUT_B_M 1.2
#define OUT_B_F 0.6
#define OUT_B_D (-0.4)
#define OUT_NOISE 0.5
#define OUT_P_SIGN 0.57

/* The month the contact gets serious, by the model from `first` (its
 * first check) on; 0 when it does not before now. last: its last two-way
 * contact before its beats; answer: a prospect's first answer, or 0. */
static rp_time plan_serious(const world *w, const plan *p, const beat *b, size_t nb, double b0,
                            rp_time first, rp_time last0, rp_time answer, rng *r) {
  const uint32_t *refs = w->refs + p->ref_at;
  double u = OUT_NOISE * rgauss(r);
  for (rp_time tm = first; tm < w->now; tm += BHV_MONTH) {
    int R = answer && tm - answer <= 90 * DAY, M = 0, F = 0;
    rp_time last = last0;
    for (size_t k = 0; k < nb && b[k].t < tm; k++) {
      bool recent = b[k].t >= tm - 90 * DAY;
      if (b[k].kind != B_QUIET) last = b[k].t;
      if (recent && (b[k].kind == B_ANSWERED || b[k].kind == B_OPENS)) R++;
      if (recent && b[k].kind >= B_COFFEE) M++;
    }
    for (uint32_t k = 0; k < p->n_ref && w->p[refs[k]].created < tm; k++) {
      F++;
      last = later(last, w->p[refs[k]].created - HOUR); /* the call that brought it */
    }
    double D = (double)(tm - last) / (double)BHV_MONTH;
    double x = b0 + OUT_B_R * (R < 8 ? R : 8) + OUT_B_M * (M < 4 ? M : 4) +
               OUT_B_F * (F < 3 ? F : 3) + OUT_B_D * (D < 12 ? D : 12) + u;
    if (rchance(r, logistic(x))) {
      rp_time t = biz_time(r, tm + rtime(r, 0, BHV_MONTH));
      return t < w->now - HOUR ? t : 0;
    }
  }
  return 0;
}

/* A closing c days after signing at tc, never in the last three days
 * (a past client's closing is a day before today). */
static rp_time plan_close(const world *w, rng *r, rp_time tc) {
  rp_time close = biz_time(r, tc + rtime(r, 25 * DAY, 70 * DAY));
  if (close <= w->now && close > w->now - 3 * DAY) close = biz_time(r, w->now + 3 * DAY);
  return close;
}

/* Decides when pool contact i gets serious, signs and closes, and so its
 * status now. */
static void plan_outcome(world *w, size_t i, uint64_t seed, rng *r) {
  plan *p = &w->p[i];
  beat b[MAX_BEATS];
  size_t nb = plan_beats(p, i, seed, w->now, MODE_PROSPECT, b);
  rp_time serious =
      plan_serious(w, p, b, nb, OUT_B0, p->t_prospect + 7 * DAY, p->t_prospect, p->t_prospect, r);
  if (!serious) return; /* a prospect */
  p->status = RP_STATUS_LEAD;
  p->t_fields = serious;
  if (!rchance(r, OUT_P_SIGN)) return;
  rp_time tc = biz_time(r, serious + rtime(r, 7 * DAY, 90 * DAY));
  rp_time close = plan_close(w, r, tc);
  if (tc >= w->now - HOUR) return; /* signs after now: a lead today */
  p->t_client = tc;
  p->close = close;
  p->status = close <= w->now ? RP_STATUS_PAST_CLIENT : RP_STATUS_CLIENT;
  if (p->type == RP_TYPE_FARM) p->type = RP_TYPE_CLIENT;
}

/* Decides whether a past client whose closing came with the import buys
 * or sells again (L7), and when: its earlier closing becomes the one
 * before. */
static void plan_repeat(world *w, size_t i, uint64_t seed, rng *r) {
  plan *p = &w->p[i];
  if (!p->t_import || p->repeat || p->status != RP_STATUS_PAST_CLIENT) return;
  beat b[MAX_BEATS];
  size_t nb = plan_beats(p, i, seed, w->now, MODE_PAST, b);
  rp_time serious =
      plan_serious(w, p, b, nb, OUT_B0_PAST, p->t_import + BHV_MONTH, p->t_import, 0, r);
  if (!serious) return;
  p->t_fields = serious; /* its plans, told */
  rp_time tc = biz_time(r, serious + rtime(r, 3 * DAY, 20 * DAY));
  if (tc >= w->now - HOUR) return; /* signs after now */
  p->repeat = true;
  p->prev_close = p->close;
  p->close = plan_close(w, r, tc);
  p->t_client = tc;
  p->status = p->close <= w->now ? RP_STATUS_PAST_CLIENT : RP_STATUS_CLIENT;
}

/* What it wants: intent and timeframe once told (L3), a budget for
 * buyers; a few prospects said what they want but not when. */
static void plan_wants(world *w, plan *p, rng *r) {
  rp_intent side_intent = p->side == SIDE_BUY    ? RP_INTENT_BUY
                          : p->side == SIDE_SELL ? RP_INTENT_SELL
                                                 : RP_INTENT_BUY_SELL;
  bool buys = p->side != SIDE_SELL;
  p->intent = RP_INTENT_NONE;
  p->timeframe = 0;
  p->budget = 0;
  if (p->t_fields) {
    p->intent = side_intent;
    p->timeframe = p->t_client ? p->close : w->now + rtime(r, 14 * DAY, 270 * DAY);
    if (buys && rchance(r, 0.7)) p->budget = home_price(r);
  } else if (p->status == RP_STATUS_PROSPECT && rchance(r, 0.25)) {
    p->intent = side_intent;
    if (buys && rchance(r, 0.3)) p->budget = home_price(r);
  }
}

/* The status phases the activities follow. */
static void plan_milestones(const world *w, plan *p) {
  p->n_ms = 0;
  if (p->t_prospect) p->ms[p->n_ms++] = (milestone){p->t_prospect, RP_STATUS_PROSPECT};
  if (p->t_import) p->ms[p->n_ms++] = (milestone){p->t_import, RP_STATUS_PAST_CLIENT};
  if (p->t_fields && !p->t_import) p->ms[p->n_ms++] = (milestone){p->t_fields, RP_STATUS_LEAD};
  if (p->t_client) p->ms[p->n_ms++] = (milestone){p->t_client, RP_STATUS_CLIENT};
  if (p->t_client && p->close <= w->now)
    p->ms[p->n_ms++] = (milestone){p->close, RP_STATUS_PAST_CLIENT};
}

/* Appends an event of contact i at t unless it lies ahead of now; every
 * event after the creation is one more the contact waits for. */
static void push_event(world *w, rp_time t, size_t i, uint8_t kind, uint32_t k, uint8_t s,
                       uint16_t *seq) {
  if (t > w->now) return;
  if (w->n_ev == w->cap_ev) {
    w->cap_ev = w->cap_ev ? w->cap_ev * 2 : 4096;
    w->ev = rp_xrealloc(w->ev, w->cap_ev * sizeof *w->ev);
  }
  w->ev[w->n_ev++] = (event){t, (uint32_t)i, k, (*seq)++, kind, s};
  if (kind != EV_CREATE) w->p[i].pending++;
}

static int event_cmp(const void *x, const void *y) {
  const event *a = x, *b = y;
  if (a->t != b->t) return a->t < b->t ? -1 : 1;
  if (a->i != b->i) return a->i < b->i ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Plans every contact (pass 1), groups the referrals by referrer (each
 * group in time order), plans the contacts' outcomes and deals (pass 2)
 * and lists the events in time order. */
static void plan_all(world *w, uint64_t seed) {
  uint32_t *hubs = rp_xcalloc(w->n + 1, sizeof *hubs);
  size_t n_hubs = 0;
  for (size_t i = 0; i < w->n; i++)
    plan_contact(w, i, seed, hubs, &n_hubs);
  free(hubs);
  for (size_t i = 0; i < w->n; i++)
    w->p[i].n_ref = 0;
  for (size_t i = 0; i < w->n; i++)
    if (w->p[i].referrer >= 0) w->p[w->p[i].referrer].n_ref++;
  uint32_t at = 0;
  for (size_t i = 0; i < w->n; i++) {
    w->p[i].ref_at = at;
    at += w->p[i].n_ref;
    w->p[i].n_ref = 0;
  }
  w->refs = rp_xcalloc(at + 1, sizeof *w->refs);
  for (size_t i = 0; i < w->n; i++) {
    int32_t j = w->p[i].referrer;
    if (j < 0) continue;
    plan *q = &w->p[j];
    /* insertion in created order */
    uint32_t k = q->n_ref++;
    uint32_t *g = w->refs + q->ref_at;
    while (k > 0 && w->p[g[k - 1]].created > w->p[i].created) {
      g[k] = g[k - 1];
      k--;
    }
    g[k] = (uint32_t)i;
  }

  /* pass 2: outcomes, wants and deals, in index order (the trade
   * contacts a deal may name are earlier ones) */
  w->trade = rp_xcalloc(w->n + 1, sizeof *w->trade);
  for (size_t i = 0; i < w->n; i++) {
    plan *p = &w->p[i];
    rng r;
    rng_init(&r, seed, i, 5);
    if (p->pool) plan_outcome(w, i, seed, &r);
    plan_repeat(w, i, seed, &r);
    plan_wants(w, p, &r);
    plan_milestones(w, p);
    plan_deals(w, i, seed);
    if (p->type == RP_TYPE_VENDOR || p->type == RP_TYPE_AGENT) w->trade[w->n_trade++] = (uint32_t)i;
  }

  for (size_t i = 0; i < w->n; i++) {
    plan *p = &w->p[i];
    uint16_t seq = 0;
    p->pending = p->n_ref; /* each referral it receives is an event for it */
    push_event(w, p->created, i, EV_CREATE, 0, 0, &seq);
    if (p->t_prospect) push_event(w, p->t_prospect, i, EV_REPLY, 0, 0, &seq);
    if (p->t_fields) push_event(w, p->t_fields, i, EV_FIELDS, 0, 0, &seq);
    for (uint32_t k = p->deal_at; k < p->deal_at + p->n_deals; k++)
      for (uint8_t s = 0; s < w->deals[k].n_steps; s++)
        push_event(w, w->deals[k].at[s], i, EV_DEAL, k, s, &seq);
  }
  qsort(w->ev, w->n_ev, sizeof *w->ev, event_cmp);
}
static void plan_name(const plan *p, const char **first, const char **last) {
  const rp_demo_culture *cu = &rp_demo_cultures[p->culture];
  *first = p->female ? cu->female.items[p->first] : cu->male.items[p->first];
  *last = p->female && cu->last_female.n ? cu->last_female.items[p->last] : cu->last.items[p->last];
}

/* ---------------------------------------------------------------- ASCII */

/* Latin-1 Supplement and Latin Extended-A (U+00C0..U+017F) without their
 * diacritics, lower case; 0 for characters to drop. */
static const char latin_base[] = "aaaaaaaceeeeiiii"  /* C0-CF */
                                 "dnooooo\0ouuuuyts" /* D0-DF (D7 x, DE thorn, DF sharp s) */
                                 "aaaaaaaceeeeiiii"  /* E0-EF */
                                 "dnooooo\0ouuuuyty" /* F0-FF */
                                 "aaaaaaccccccccdd"  /* 100-10F */
                                 "ddeeeeeeeeeegggg"  /* 110-11F */
                                 "gggghhhhiiiiiiii"  /* 120-12F */
                                 "iiiijjkkklllllll"  /* 130-13F */
                                 "lllnnnnnnnnnoooo"  /* 140-14F */
                                 "oooorrrrrrssssss"  /* 150-15F */
                                 "sssstttttuuuuuuu"  /* 160-16F */
                                 "uuuuwwyyyzzzzzzs"; /* 170-17F */

size_t rp_demo_ascii(char *out, size_t cap, const char *p, size_t len) {
  size_t o = 0;
  const unsigned char *s = (const unsigned char *)p;
  if (!cap) return 0;
  for (size_t i = 0; i < len;) {
    uint32_t c = s[i];
    size_t n = 1;
    if (c >= 0xC0 && c < 0xE0 && i + 1 < len) {
      c = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
      n = 2;
    } else if (c >= 0xE0 && c < 0xF0 && i + 2 < len) {
      c = ((c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      n = 3;
    } else if (c >= 0xF0 && i + 3 < len) {
      n = 4;
      c = 0xFFFF; /* outside every table: dropped */
    } else if (c >= 0x80) {
      c = 0xFFFF; /* a stray continuation byte */
    }
    i += n;
    const char *rep = NULL;
    char one[2] = {0, 0};
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') one[0] = (char)(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) one[0] = (char)c;
    } else if (c == 0xC4 || c == 0xE4) {
      rep = "ae";
    } else if (c == 0xD6 || c == 0xF6) {
      rep = "oe";
    } else if (c == 0xDC || c == 0xFC) {
      rep = "ue";
    } else if (c == 0xDF) {
      rep = "ss";
    } else if (c == 0xC6 || c == 0xE6) {
      rep = "ae";
    } else if (c == 0x152 || c == 0x153) {
      rep = "oe";
    } else if (c >= 0xC0 && c <= 0x17F) {
      one[0] = latin_base[c - 0xC0];
    } else if (c == 0x1A0 || c == 0x1A1) {
      one[0] = 'o'; /* Vietnamese o with horn */
    } else if (c == 0x1AF || c == 0x1B0) {
      one[0] = 'u';                          /* u with horn */
    } else if (c >= 0x1EA0 && c <= 0x1EF9) { /* Vietnamese letters with tone marks */
      one[0] = c <= 0x1EB7   ? 'a'
               : c <= 0x1EC7 ? 'e'
               : c <= 0x1ECB ? 'i'
               : c <= 0x1EE3 ? 'o'
               : c <= 0x1EF1 ? 'u'
                             : 'y';
    }
    if (!rep) rep = one;
    for (; *rep && o + 1 < cap; rep++)
      out[o++] = *rep;
  }
  out[o] = '\0';
  return o;
}

/* ---------------------------------------------------------------- details */

static const char *const free_domains[] = {"gmail.com",   "yahoo.com", "outlook.com", "icloud.com",
                                           "hotmail.com", "aol.com",   "comcast.net", "att.net"};
static const unsigned free_domain_w[] = {44, 13, 12, 12, 7, 4, 4, 4};

static const char *email_for(rng *r, rp_arena *ar, const char *first, const char *last,
                             const char *domain, int year) {
  char f[48], l[48];
  size_t fl = first ? rp_demo_ascii(f, sizeof f, first, strlen(first)) : 0;
  size_t ll = last ? rp_demo_ascii(l, sizeof l, last, strlen(last)) : 0;
  if (!fl && !ll) return NULL;
  if (!fl) return rp_arena_printf(ar, "%s%d@%s", l, (int)rint64(r, 1, 99), domain);
  if (!ll) return rp_arena_printf(ar, "%s%d@%s", f, (int)rint64(r, 1, 99), domain);
  if (!domain) domain = free_domains[rweighted(r, free_domain_w, 8)];
  switch (rint64(r, 0, 9)) {
  case 0:
  case 1:
  case 2: return rp_arena_printf(ar, "%s.%s@%s", f, l, domain);
  case 3: return rp_arena_printf(ar, "%s%s@%s", f, l, domain);
  case 4:
  case 5: return rp_arena_printf(ar, "%c%s@%s", f[0], l, domain);
  case 6: return rp_arena_printf(ar, "%s.%s%02d@%s", f, l, (int)rint64(r, 1, 99), domain);
  case 7: return rp_arena_printf(ar, "%s%c%d@%s", f, l[0], (int)rint64(r, 1, 999), domain);
  case 8: return rp_arena_printf(ar, "%s%s%d@%s", f, l, year, domain);
  default: return rp_arena_printf(ar, "%s_%s@%s", f, l, domain);
  }
}

/* The n-th space-separated word of s (n taken modulo their count). */
static const char *word(rp_arena *ar, const char *s, uint64_t n) {
  size_t count = 1;
  for (const char *c = s; *c; c++)
    count += *c == ' ';
  n %= count;
  while (n--)
    s = strchr(s, ' ') + 1;
  size_t len = strcspn(s, " ");
  return rp_arena_strndup(ar, s, len);
}

/* A valid NANP number in E.164: area code of the city, exchange 2xx-9xx
 * (no N11, no 555), any line. */
static const char *us_phone(rng *r, rp_arena *ar, const rp_demo_city *city) {
  const char *area = word(ar, city->area_codes, rnext(r));
  int ex;
  do
    ex = (int)rint64(r, 200, 999);
  while (ex == 555 || ex % 100 == 11);
  return rp_arena_printf(ar, "+1%s%03d%04d", area, ex, (int)rint64(r, 0, 9999));
}

/* A foreign number in E.164 (UK drama-range mobiles, Mexico City, French
 * mobiles). */
static const char *intl_phone(rng *r, rp_arena *ar, const char *prefix) {
  if (!strcmp(prefix, "+44")) return rp_arena_printf(ar, "+447700900%03d", (int)rint64(r, 0, 999));
  if (!strcmp(prefix, "+52")) return rp_arena_printf(ar, "+5255%08d", (int)rint64(r, 0, 99999999));
  return rp_arena_printf(ar, "+336%08d", (int)rint64(r, 0, 99999999));
}

static const rp_demo_city *pick_city(rng *r, bool home) {
  size_t n_home = 0;
  for (size_t k = 0; k < rp_demo_n_cities; k++)
    n_home += rp_demo_cities[k].home;
  size_t want = (size_t)(rnext(r) % (home ? n_home : rp_demo_n_cities - n_home));
  for (size_t k = 0; k < rp_demo_n_cities; k++)
    if (rp_demo_cities[k].home == home && want-- == 0) return &rp_demo_cities[k];
  return &rp_demo_cities[0];
}

static const char *street_line(rng *r, rp_arena *ar) {
  const char *name = rpick(r, rp_demo_streets), *type = rpick(r, rp_demo_street_types);
  int number = (int)rint64(r, 1, 40) * 100 + (int)rint64(r, 0, 99) * (rchance(r, 0.5) ? 1 : 2);
  if (rchance(r, 0.06))
    return rp_arena_printf(ar, "%d %s %s, Apt %d%c", number, name, type, (int)rint64(r, 1, 4),
                           (char)('A' + rint64(r, 0, 5)));
  return rp_arena_printf(ar, "%d %s %s", number, name, type);
}

static const char *date_str(rp_arena *ar, rp_time t) {
  char d[11];
  return rp_arena_strdup(ar, rp_date_format(t, d));
}

static int64_t year_of(rp_time t) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(floordiv(t, DAY), &y, &m, &d);
  return y;
}

typedef struct tagset {
  const char *v[12];
  size_t n;
} tagset;

static void tag(tagset *t, const char *s) {
  for (size_t k = 0; k < t->n; k++)
    if (!strcmp(t->v[k], s)) return;
  if (t->n < 12) t->v[t->n++] = s;
}

/* Everything a person record holds beyond status: names, emails, phones,
 * address, company, personal details, tags, intent. */
static void fill_details(rng *r, rp_arena *ar, const world *w, const plan *p, rp_contact *c,
                         const rp_demo_city **city_out, rp_address *home, tagset *tags) {
  const rp_demo_culture *cu = &rp_demo_cultures[p->culture];
  const char *first, *last;
  plan_name(p, &first, &last);
  bool person = true;
  const rp_demo_company *co = NULL;
  int64_t birth_year = year_of(w->now) - rint64(r, 24, 78);

  if (p->type == RP_TYPE_AGENT)
    co = &rp_demo_brokerages[rnext(r) % rp_demo_n_brokerages];
  else if (p->type == RP_TYPE_VENDOR)
    co = &rp_demo_vendors[rnext(r) % rp_demo_n_vendors];
  else if (p->type != RP_TYPE_HIDDEN && rchance(r, 0.3))
    co = &rp_demo_employers[rnext(r) % rp_demo_n_employers];
  if (p->type == RP_TYPE_VENDOR && rchance(r, 0.2)) person = false; /* the business itself */
  if (person) {
    c->first_name = first;
    c->last_name = last;
  }
  if (co) c->company = co->name;
  if (co && co->tag) tag(tags, co->tag);

  /* where they live: most in the agent's market; relocations come from afar */
  bool relocating = (p->side == SIDE_BUY || p->side == SIDE_BOTH) &&
                    p->status >= RP_STATUS_PROSPECT && p->status <= RP_STATUS_CLIENT &&
                    rchance(r, 0.15);
  const rp_demo_city *city = pick_city(r, !relocating && rchance(r, 0.85));
  *city_out = city;
  double p_addr = p->status == RP_STATUS_PAST_CLIENT ? 0.92
                  : p->status == RP_STATUS_CLIENT    ? 0.75
                  : p->status == RP_STATUS_LEAD      ? 0.5
                  : p->type == RP_TYPE_FARM          ? 1.0
                  : p->status == RP_STATUS_PROSPECT  ? 0.4
                                                     : 0.25;
  if (rchance(r, p_addr)) {
    c->has_address = true;
    c->address = (rp_address){.street = street_line(r, ar),
                              .city = city->city,
                              .region = city->region,
                              .postal_code = word(ar, city->postal_codes, rnext(r)),
                              .country = "US"};
  }

  /* the property of its deal (or inquiry) in the agent's market: the home
   * a seller lists (it lives there until it sold), the one a buyer buys
   * (it lives there once it closed) */
  const rp_demo_city *dc = pick_city(r, true);
  *home = (rp_address){.street = street_line(r, ar),
                       .city = dc->city,
                       .region = dc->region,
                       .postal_code = word(ar, dc->postal_codes, rnext(r)),
                       .country = "US"};
  if ((p->status == RP_STATUS_PAST_CLIENT && p->side != SIDE_SELL && rchance(r, 0.9)) ||
      (p->side != SIDE_BUY && (p->status == RP_STATUS_LEAD || p->status == RP_STATUS_CLIENT))) {
    c->has_address = true;
    c->address = *home;
  }

  /* emails */
  bool web = p->source <= SRC_FACEBOOK;
  size_t n_e = rchance(r, web ? 0.97 : trade_type(p->type) ? 0.9 : 0.82) ? 1 : 0;
  if (n_e && co && rchance(r, 0.12)) n_e = 2;
  c->emails = rp_arena_calloc(ar, 2 * sizeof *c->emails);
  for (size_t k = 0; k < n_e; k++) {
    bool work = co && (k == 1 ? !trade_type(p->type) : trade_type(p->type) || rchance(r, 0.2));
    const char *addr =
        person ? email_for(r, ar, first, last, work ? co->domain : NULL, (int)birth_year)
               : rp_arena_printf(ar, "info@%s", co->domain);
    if (addr && (k == 0 || strcmp(addr, c->emails[0].address)))
      c->emails[c->n_emails++] = (rp_email){addr, work ? "work" : "home"};
  }

  /* phones */
  size_t n_p = rchance(r, web ? 0.7 : 0.85) ? 1 : 0;
  if (n_p && rchance(r, 0.15)) n_p = 2;
  if (!c->n_emails && !n_p) n_p = 1; /* a contact always has a way to reach it */
  c->phones = rp_arena_calloc(ar, 2 * sizeof *c->phones);
  for (size_t k = 0; k < n_p; k++) {
    const char *num;
    if (cu->intl_prefix && rchance(r, k ? 0.25 : 0.03))
      num = intl_phone(r, ar, cu->intl_prefix);
    else
      num = us_phone(r, ar, rchance(r, 0.8) ? city : pick_city(r, rchance(r, 0.5)));
    if (k && !strcmp(num, c->phones[0].number)) continue;
    const char *label = k == 0 ? (rchance(r, 0.85) ? "mobile" : "home") : co ? "work" : "home";
    c->phones[c->n_phones++] = (rp_phone){num, label};
  }

  if (co && trade_type(p->type)) c->website = rp_arena_printf(ar, "https://www.%s", co->domain);
  if (person && rchance(r, 0.1)) {
    char f[48], l[48];
    rp_demo_ascii(f, sizeof f, first, strlen(first));
    rp_demo_ascii(l, sizeof l, last, strlen(last));
    c->social = rp_arena_calloc(ar, sizeof *c->social);
    c->social[0] = rp_arena_printf(ar, "https://www.linkedin.com/in/%s-%s-%x", f, l,
                                   (unsigned)(rnext(r) & 0xfffff));
    c->n_social = 1;
  }

  /* the personal side, richer for people the agent knows well */
  bool close_rel = p->status == RP_STATUS_PAST_CLIENT || p->type == RP_TYPE_PERSONAL ||
                   p->status == RP_STATUS_CLIENT;
  if (person && p->type != RP_TYPE_HIDDEN) {
    if (rchance(r, close_rel ? 0.6 : 0.2)) {
      unsigned m = (unsigned)rint64(r, 1, 12), d = (unsigned)rint64(r, 1, 28);
      c->birthday = rchance(r, 0.1) ? rp_arena_printf(ar, "--%02u-%02u", m, d)
                                    : rp_arena_printf(ar, "%04d-%02u-%02u", (int)birth_year, m, d);
    }
    if (rchance(r, close_rel ? 0.6 : 0.3)) {
      const rp_demo_culture *pc =
          rchance(r, 0.85) ? cu : &rp_demo_cultures[rnext(r) % rp_demo_n_cultures];
      bool pf = rchance(r, 0.9) ? !p->female : p->female;
      c->partner = rpick(r, pf ? pc->female : pc->male);
      if (rchance(r, 0.4)) {
        unsigned m = (unsigned)rint64(r, 1, 12), d = (unsigned)rint64(r, 1, 28);
        int64_t y = birth_year + rint64(r, 22, 40);
        if (y >= year_of(w->now)) y = year_of(w->now) - 1;
        c->anniversary = rp_arena_printf(ar, "%04d-%02u-%02u", (int)y, m, d);
      }
    }
    if (rchance(r, close_rel ? 0.4 : 0.15)) {
      int nk = (int)rint64(r, 1, 3), age = (int)rint64(r, 1, 17);
      const char *k1 = rpick(r, rp_demo_kid_names), *k2 = rpick(r, rp_demo_kid_names);
      const char *k3 = rpick(r, rp_demo_kid_names);
      c->children = nk == 1   ? rp_arena_printf(ar, "%s (%d)", k1, age)
                    : nk == 2 ? rp_arena_printf(ar, "%s (%d), %s (%d)", k1, age + 3, k2, age)
                              : rp_arena_printf(ar, "%s (%d), %s (%d), %s (%d)", k1, age + 5, k2,
                                                age + 2, k3, age);
    }
    if (rchance(r, close_rel ? 0.35 : 0.1)) c->pets = rpick(r, rp_demo_pets);
    if (rchance(r, close_rel ? 0.5 : 0.15)) {
      const char *a = rpick(r, rp_demo_interests), *b = rpick(r, rp_demo_interests);
      c->interests = strcmp(a, b) ? rp_arena_printf(ar, "%s, %s", a, b) : a;
    }
  }
  if (rchance(r, 0.08))
    c->custom_json =
        rchance(r, 0.5) ? "{\"preferred_contact\":\"text\"}" : "{\"preferred_contact\":\"email\"}";
  c->sms_opt_out = rchance(r, 0.02);
  c->email_opt_out = rchance(r, 0.03);
  if (p->source != SRC_NONE) c->source = source_names[p->source];
}

/* ---------------------------------------------------------------- activities */

typedef struct act {
  rp_activity_kind kind;
  rp_direction dir;
  rp_time at;
  const char *subject, *body;
  int64_t dur;
  bool high;
  uint32_t seq;
} act;

typedef struct gen {
  rng *r;
  rp_arena *ar;
  rp_time now, lo, hi; /* activities kept: lo <= at < hi, at <= now */
  act v[MAX_ACTS];
  size_t n;
  uint32_t seq;
  const char *first;     /* the contact's first name (or company) for texts */
  const char *city;      /* where the action is */
  const char *deal_addr; /* the property of the deal */
  bool buyer, seller;
  uint64_t seed; /* the run's seed and the contact's index: its beats */
  size_t index;
} gen;

static void add_at(gen *g, bool planned, rp_activity_kind k, rp_direction d, rp_time t,
                   const char *subject, const char *body, int64_t dur, bool high) {
  if (planned ? (t <= g->now || t > g->now + 120 * DAY) : (t < g->lo || t >= g->hi || t > g->now))
    return;
  if (g->n >= MAX_ACTS) return;
  if (!high && rchance(g->r, 0.01)) high = true;
  g->v[g->n++] = (act){k, d, t, subject, body, dur, high, g->seq++};
}
static void add(gen *g, rp_activity_kind k, rp_direction d, rp_time t, const char *subject,
                const char *body, int64_t dur, bool high) {
  add_at(g, false, k, d, t, subject, body, dur, high);
}

/* A reply delay: SMS in minutes, email and calls back in hours. */
static rp_time reply_delay(gen *g, rp_activity_kind k, double speed) {
  double h = k == RP_KIND_SMS ? rlognormal(g->r, 0.4, 1.2) : rlognormal(g->r, 3.0, 1.1);
  h *= speed;
  if (h < 0.05) h = 0.05;
  if (h > 96) h = 96;
  return (rp_time)(h * (double)HOUR);
}

static rp_activity_kind channel(gen *g, unsigned sms, unsigned email, unsigned call) {
  unsigned w[3] = {sms, email, call};
  static const rp_activity_kind k[3] = {RP_KIND_SMS, RP_KIND_EMAIL, RP_KIND_CALL};
  return k[rweighted(g->r, w, 3)];
}

static int64_t call_length(gen *g, bool connected) {
  return connected ? rint64(g->r, 75, 1200) : rint64(g->r, 12, 45);
}

/* One conversation on a topic: the opening (by the agent, or the contact
 * when inbound_first), perhaps an answer after a realistic delay, perhaps
 * a second round. speed < 1 makes answers quicker (a busy deal). */
static rp_time exchange(gen *g, rp_time t, rp_activity_kind k, bool inbound_first, double p_reply,
                        double speed, const char *subject, const char *out_text,
                        const char *in_text) {
  rp_direction d1 = inbound_first ? RP_DIR_INBOUND : RP_DIR_OUTBOUND;
  rp_direction d2 = inbound_first ? RP_DIR_OUTBOUND : RP_DIR_INBOUND;
  const char *t1 = inbound_first ? in_text : out_text, *t2 = inbound_first ? out_text : in_text;
  if (k == RP_KIND_CALL) {
    bool connected = inbound_first || rchance(g->r, 0.55);
    add(g, k, d1, t, subject, connected ? t1 : "Left a voicemail", call_length(g, connected),
        false);
    if (!connected && rchance(g->r, p_reply)) {
      rp_time back = t + reply_delay(g, k, speed);
      add(g, k, RP_DIR_INBOUND, back, rp_arena_printf(g->ar, "Call back: %s", subject), t2,
          call_length(g, true), false);
      return back;
    }
    return t;
  }
  const char *subj = k == RP_KIND_EMAIL ? subject : NULL;
  add(g, k, d1, t, subj, t1, -1, false);
  if (inbound_first ? !rchance(g->r, 0.92) : !rchance(g->r, p_reply)) return t;
  rp_time t2t = t + reply_delay(g, k, inbound_first ? 0.4 : speed);
  add(g, k, d2, t2t, k == RP_KIND_EMAIL ? rp_arena_printf(g->ar, "Re: %s", subject) : NULL, t2, -1,
      false);
  if (rchance(g->r, 0.3)) {
    rp_time t3 = t2t + reply_delay(g, k, 0.5);
    add(g, k, d1, t3, k == RP_KIND_EMAIL ? rp_arena_printf(g->ar, "Re: %s", subject) : NULL,
        inbound_first ? "Thanks!" : "Sounds good, talk soon.", -1, false);
    return t3;
  }
  return t2t;
}

/* A topic of conversation. who: 'b' buyers, 's' sellers, 0 anyone. lo..hi:
 * when in a deal (0 = agreement, 1 = closing) it comes up. ask: the contact
 * opens (in is the question, out the agent's answer); else the agent opens
 * (out) and the contact answers (in). In texts, {c} is the city, {a} the
 * property's address. */
typedef struct topic {
  char who;
  bool ask;
  float lo, hi;
  const char *subject, *out, *in;
} topic;

static const topic prospect_topics[] = {
    {0, false, 0, 1, "New listings in {c}",
     "Three new listings in {c} this week that fit what you described.",
     "Thanks! The second one looks great, is it still available?"},
    {0, false, 0, 1, "Market update for {c}",
     "Prices in {c} were flat this month; inventory is up 8%.",
     "Interesting, thanks for keeping me posted."},
    {0, false, 0, 1, "Open house this weekend",
     "I'm hosting an open house Saturday 1-4 in {c}, stop by!", "We might swing by, thanks."},
    {0, false, 0, 1, "Checking in", "Hi! Just checking in, any changes in your plans?",
     "Still thinking about next spring, we'll let you know."},
    {'b', false, 0, 1, "Mortgage rates",
     "Rates dipped this week; happy to connect you with a lender.",
     "Yes please, send me their info."},
    {'s', false, 0, 1, "Home value estimate", "Here is a value estimate for your home in {c}.",
     "Wow, more than I expected. Let's talk."},
    {'b', false, 0, 1, "Schools in {c}", "Here is the school district map for {c} you asked about.",
     "Very helpful, thank you."},
    {'b', true, 0, 1, "Question about a listing",
     "Happy to look into it; I'll send the comps tonight.",
     "Saw a house in {c} online, what do you think of it?"},
    {0, true, 0, 1, "Rates", "Hard to say; my lender can give you a quote this week.",
     "Do you think rates will come down this year?"},
    {'s', true, 0, 1, "What's my home worth?",
     "Let me run the numbers and get back to you tomorrow.",
     "A neighbour just sold, what do you think ours would go for?"},
};

static const topic lead_topics[] = {
    {'b', false, 0, 1, "Homes matching your search",
     "5 homes in {c} match your search; want to see them Saturday?",
     "Yes! Saturday morning works."},
    {'b', false, 0, 1, "Showing schedule", "Showings confirmed for Saturday 10am-1pm in {c}.",
     "Perfect, see you then."},
    {'b', false, 0, 1, "Pre-approval letter", "Do you have your pre-approval letter yet?",
     "Just got it, forwarding it now."},
    {'s', false, 0, 1, "Comparable sales", "Here are the recent sales near you in {c}.",
     "Thanks, that helps us think about price."},
    {'s', false, 0, 1, "Pricing strategy", "Let's go over pricing strategy before we list.",
     "Can we do Thursday evening?"},
    {'s', false, 0, 1, "Getting the house ready", "Here's my list of quick fixes before photos.",
     "We'll start on the painting this weekend."},
    {0, false, 0, 1, "Following up", "Following up on our conversation; any questions?",
     "We talked it over and want to move forward."},
    {'b', true, 0, 1, "Can we see it again?", "Sure, I'll book a second showing for Saturday.",
     "Can we see the one in {c} again this weekend?"},
    {'s', true, 0, 1, "Timing", "We can list in three weeks if the repairs are done by then.",
     "How soon could we be on the market?"},
};

static const topic deal_topics[] = {
    {'b', false, 0.0f, 0.4f, "New listing in {c}",
     "A new listing in {c} just hit the market, want to see it?", "Yes, can we go tomorrow?"},
    {'b', false, 0.0f, 0.4f, "Showing feedback", "What did you think of the homes we saw?",
     "We keep thinking about the one with the big kitchen."},
    {'b', false, 0.25f, 0.4f, "Offer strategy for {a}",
     "Here's my suggested offer strategy for {a}.", "Let's go a bit higher on earnest money."},
    {'b', false, 0.45f, 0.65f, "Inspection report",
     "The inspection report for {a} is in; nothing major.",
     "Relieved! What about the water heater?"},
    {'b', false, 0.45f, 0.65f, "Option period", "Reminder: the option period ends Friday at 5pm.",
     "Got it, thanks."},
    {'b', false, 0.6f, 0.85f, "Loan conditions", "The lender needs two more bank statements.",
     "Uploaded them this morning."},
    {'s', false, 0.0f, 0.3f, "Listing photos", "The photographer comes Tuesday at 10 for {a}.",
     "We'll have the house ready."},
    {'s', false, 0.1f, 0.4f, "Listing is live", "{a} is live on the MLS!", "So exciting!!"},
    {'s', false, 0.15f, 0.45f, "Showing feedback", "Feedback from this week's showings at {a}.",
     "Hmm, should we adjust the price?"},
    {'s', false, 0.4f, 0.5f, "Offer received on {a}",
     "We have an offer on {a}; let's review it tonight.", "Great, call us at 7."},
    {'s', false, 0.5f, 0.7f, "Repair amendment", "The buyer sent a repair amendment for {a}.",
     "We can do the roof repair but not the fence."},
    {0, false, 0.6f, 0.9f, "Appraisal", "Good news: the appraisal came in at contract price.",
     "Great news!!"},
    {0, false, 0.85f, 1.0f, "Closing disclosure", "Your closing disclosure is ready to review.",
     "Reviewed and signed, thanks."},
    {0, false, 0.85f, 1.0f, "Wire instructions",
     "Call the title company to verify wire instructions before sending anything.",
     "Called them, all verified."},
    {'b', false, 0.8f, 1.0f, "Utilities and move-in", "Here is the utilities checklist for {a}.",
     "Super helpful, thanks."},
    {'s', false, 0.8f, 1.0f, "Moving checklist",
     "Here's the moving checklist and the movers I trust.", "Booked them for the 28th."},
    {0, true, 0.0f, 1.0f, "Quick question", "Good question, I'll check with the title company.",
     "Quick question: what do we need to bring to closing?"},
    {'b', true, 0.45f, 0.7f, "Inspection", "Not required, but I recommend it; I'll be there.",
     "Do we need to be at the inspection?"},
    {'s', true, 0.1f, 0.5f, "Showings", "Yes, please leave the lights on and take the dog out.",
     "We have three showings tomorrow, anything we should do?"},
};

static const topic past_topics[] = {
    {0, false, 0, 1, "Your home's value this year", "Your home gained about 4% in value this year.",
     "Good to know, thanks!"},
    {0, false, 0, 1, "Property tax protest",
     "Protest season: here are the comps to protest your appraisal.", "Thanks, filing this week."},
    {0, false, 0, 1, "Quarterly market report", "The quarterly market report for {c} is attached.",
     "Thanks for sending."},
    {0, false, 0, 1, "Home maintenance tips",
     "Time to service the AC before summer; here's my HVAC guy.",
     "Perfect timing, ours is making a noise."},
    {0, true, 0, 1, "Contractor recommendation",
     "Call Austin Roof Pros, they're great; tell them I sent you.", "Do you know a good roofer?"},
};

static const topic trade_topics[] = {
    {0, false, 0, 1, "Co-op on {a}", "Following up on the co-op for {a}; my buyers loved it.",
     "Great, send over the offer."},
    {0, false, 0, 1, "Buyer feedback", "Feedback from our showing at {a}.", "Appreciate it!"},
    {0, false, 0, 1, "Rate sheet", "Do you have this week's rate sheet?",
     "Attached, rates ticked down."},
    {0, false, 0, 1, "Inspection at {a}", "Can we book an inspection for {a} Tuesday?",
     "Tuesday 10am works."},
    {0, false, 0, 1, "Title commitment", "Title commitment for {a} received?",
     "Yes, sending it over now."},
    {0, true, 0, 1, "Referral", "Thanks! I'll reach out to them today.",
     "I have a client moving to {c}, can I send them your way?"},
};

#define N_OF(a) (sizeof a / sizeof a[0])

/* t with {c} replaced by the city and {a} by the property's address. */
static const char *fill(gen *g, const char *t) {
  if (!strchr(t, '{')) return t; /* a literal of the tables */
  rp_sb sb = {0};
  for (const char *p = t; *p; p++) {
    if (p[0] == '{' && (p[1] == 'c' || p[1] == 'a') && p[2] == '}') {
      rp_sb_puts(&sb, p[1] == 'c' ? g->city : g->deal_addr);
      p += 2;
    } else {
      rp_sb_putc(&sb, *p);
    }
  }
  const char *out = rp_arena_strdup(g->ar, rp_sb_str(&sb));
  rp_sb_free(&sb);
  return out;
}

/* A conversation on a topic of the list that fits the contact's side, who
 * opens it and the moment of the deal (frac, 0..1). */
static rp_time converse(gen *g, rp_time t, const topic *list, size_t n, rp_activity_kind k,
                        bool inbound_first, double p_reply, double speed, double frac) {
  const topic *tp = NULL;
  for (int tries = 0; tries < 24 && !tp; tries++) {
    const topic *c = &list[rnext(g->r) % n];
    if (c->ask != inbound_first || frac < c->lo || frac > c->hi) continue;
    if ((c->who == 'b' && !g->buyer) || (c->who == 's' && !g->seller)) continue;
    tp = c;
  }
  if (!tp) return t;
  const char *subject = fill(g, tp->subject), *out = fill(g, tp->out), *in = fill(g, tp->in);
  if (k == RP_KIND_CALL) /* a call's note says what was discussed */
    out = in = rp_arena_printf(g->ar, "Talked about: %s", subject);
  return exchange(g, t, k, inbound_first, p_reply, speed, subject, out, in);
}

/* Status suspect (DOMAIN.md L1): one-way only. A web lead's inquiry and the
 * agent's unanswered follow-ups; imported names get a newsletter now and
 * then. No inbound message and no meeting: that would be L2. */
static void phase_suspect(gen *g, const plan *p, rp_time a, rp_time b) {
  g->lo = a;
  g->hi = b;
  if (!p->imported && p->source <= SRC_FACEBOOK) {
    static const char *const ask[] = {"Is this home still available? I'd like to see it.",
                                      "Can you send more photos and the HOA fees?",
                                      "We'd like to schedule a tour this weekend.",
                                      "What are the property taxes on this one?"};
    add(g, RP_KIND_WEB, RP_DIR_INBOUND, a,
        rp_arena_printf(g->ar, "%s inquiry: %s", source_names[p->source],
                        g->deal_addr ? g->deal_addr : g->city),
        ask[rnext(g->r) % 4], -1, false);
    add(g, RP_KIND_SMS, RP_DIR_OUTBOUND, a + rint64(g->r, 2, 9) * MINUTE, NULL,
        rp_arena_printf(g->ar, "Hi %s, thanks for your inquiry! When is a good time to talk?",
                        g->first),
        -1, false);
    if (rchance(g->r, 0.7))
      add(g, RP_KIND_CALL, RP_DIR_OUTBOUND, a + rint64(g->r, 6, 50) * MINUTE, "Speed-to-lead call",
          "Left a voicemail", call_length(g, false), false);
    if (rchance(g->r, 0.5))
      add(g, RP_KIND_EMAIL, RP_DIR_OUTBOUND, biz_time(g->r, a + rint64(g->r, 1, 3) * DAY),
          "Following up on your inquiry", "Happy to set up a showing whenever suits you.", -1,
          false);
    if (rchance(g->r, 0.25))
      add(g, RP_KIND_EMAIL, RP_DIR_OUTBOUND, biz_time(g->r, a + rint64(g->r, 7, 14) * DAY),
          "Still looking?", "Homes like the one you asked about are going fast.", -1, false);
    return;
  }
  if (!p->imported && p->source == SRC_OPEN_HOUSE) {
    add(g, RP_KIND_NOTE, RP_DIR_NONE, a, "Open house sign-in",
        rp_arena_printf(g->ar, "Signed in at the open house at %s", g->deal_addr), -1, false);
    add(g, RP_KIND_EMAIL, RP_DIR_OUTBOUND, biz_time(g->r, a + DAY), "Thanks for stopping by",
        "Great to meet you at the open house! Let me know if you'd like to see similar homes.", -1,
        false);
    return;
  }
  /* an imported name or a farm neighbour: a newsletter now and then */
  double every = p->type == RP_TYPE_FARM ? 120 : 300;
  for (rp_time t = a + rexp(g->r, (rp_time)(every * (double)DAY), 20 * DAY); t < b;
       t += rexp(g->r, (rp_time)(every * (double)DAY), 20 * DAY))
    add(g, RP_KIND_EMAIL, RP_DIR_OUTBOUND, biz_time(g->r, t),
        rp_arena_printf(g->ar, "%s market report", g->city),
        "Homes sold, new listings and prices in your neighbourhood this quarter.", -1, false);
}

/* The contact's first answer, which makes a suspect a prospect (L2): an
 * inbound message, or for an old acquaintance a coffee. The activity is
 * remembered in p for the replay of the rules. */
static void first_inbound(gen *g, plan *p, rp_time t) {
  if (p->source == SRC_SIGN_CALL) {
    add(g, RP_KIND_CALL, RP_DIR_INBOUND, t,
        rp_arena_printf(g->ar, "Sign call: %s", g->deal_addr ? g->deal_addr : g->city),
        "Called from the yard sign; asked about price and schools.", rint64(g->r, 90, 600), false);
    p->reply_kind = RP_KIND_CALL;
    p->reply_dir = RP_DIR_INBOUND;
    return;
  }
  if (p->imported && rchance(g->r, 0.2)) {
    add(g, RP_KIND_MEETING, RP_DIR_NONE, t, "Coffee to catch up",
        rp_arena_printf(g->ar, "%s is starting to think about moving.", g->first),
        rint64(g->r, 1800, 4500), false);
    p->reply_kind = RP_KIND_MEETING;
    p->reply_dir = RP_DIR_NONE;
    return;
  }
  rp_activity_kind k = channel(g, 45, 35, 20);
  p->reply_kind = (uint8_t)k;
  p->reply_dir = RP_DIR_INBOUND;
  const char *re = p->source == SRC_OPEN_HOUSE ? "Re: Thanks for stopping by"
                   : p->imported               ? "Hello again"
                                               : "Re: Following up on your inquiry";
  add(g, k, RP_DIR_INBOUND, t, k == RP_KIND_EMAIL ? re : NULL,
      k == RP_KIND_CALL ? "Called back; looking to move in the next year or so."
                        : "Hi! Sorry for the slow reply, yes we're still looking.",
      k == RP_KIND_CALL ? rint64(g->r, 90, 900) : -1, false);
  add(g, RP_KIND_NOTE, RP_DIR_NONE, t + rint64(g->r, 5, 30) * MINUTE, "First conversation",
      rp_arena_printf(g->ar, "%s is starting to look around %s.", g->first, g->city), -1, false);
}

/* Status prospect: its behaviour as planned (plan_beats), beat by beat:
 * the agent's outreach, answered or not, the conversations it opens, the
 * coffees, open-house visits and meals. */
static void phase_prospect(gen *g, plan *p, rp_time a, rp_time b, bool via_l2) {
  g->lo = a;
  g->hi = b;
  if (via_l2) first_inbound(g, p, a);
  beat bt[MAX_BEATS];
  size_t n = plan_beats(p, g->index, g->seed, g->now, MODE_PROSPECT, bt);
  for (size_t k = 0; k < n; k++) {
    rp_time t = bt[k].t;
    if (t <= a || t >= b) continue;
    rp_activity_kind ch = channel(g, 35, 40, 25);
    switch (bt[k].kind) {
    case B_QUIET:
      if (ch == RP_KIND_CALL)
        add(g, ch, RP_DIR_OUTBOUND, t, "Checking in", "Left a voicemail", call_length(g, false),
            false);
      else
        converse(g, t, prospect_topics, N_OF(prospect_topics), ch, false, 0.0, 1.0, 0);
      break;
    case B_ANSWERED:
      converse(g, t, prospect_topics, N_OF(prospect_topics), ch, false, 1.0, 1.0, 0);
      break;
    case B_OPENS:
      converse(g, t, prospect_topics, N_OF(prospect_topics), ch, true, 1.0, 1.0, 0);
      break;
    case B_COFFEE:
      add(g, RP_KIND_MEETING, RP_DIR_NONE, t, "Coffee to talk about the market", NULL,
          rint64(g->r, 1800, 5400), false);
      break;
    case B_VISIT:
      add(g, RP_KIND_VISIT, RP_DIR_NONE, t,
          rp_arena_printf(g->ar, "Came by my open house in %s", g->city), NULL,
          rint64(g->r, 1800, 5400), false);
      break;
    default:
      add(g, RP_KIND_MEAL, RP_DIR_NONE, t, p->type == RP_TYPE_PERSONAL ? "Dinner" : "Lunch", NULL,
          rint64(g->r, 3600, 9000), false);
      break;
    }
  }
}

/* Status lead (L3: intent and timeframe known): weekly touches, a
 * consultation, showings for buyers. */
static void phase_lead(gen *g, rp_time a, rp_time b) {
  g->lo = a;
  g->hi = b;
  add(g, RP_KIND_MEETING, RP_DIR_NONE, a, g->seller ? "Listing consultation" : "Buyer consultation",
      g->seller ? "Walked through the home, talked timing and pricing."
                : "Talked budget, neighbourhoods, must-haves and timeline.",
      rint64(g->r, 2700, 5400), rchance(g->r, 0.4));
  /* weekly at first, then every few weeks while they wait for the timeframe */
  for (rp_time t = a + rint64(g->r, 3, 8) * DAY; t < b;
       t += (t - a < 60 * DAY ? rint64(g->r, 6, 14) : rint64(g->r, 14, 30)) * DAY) {
    rp_time at = biz_time(g->r, t);
    converse(g, at, lead_topics, N_OF(lead_topics), channel(g, 40, 35, 25), rchance(g->r, 0.25),
             0.7, 0.7, 0);
    if (g->buyer && rchance(g->r, 0.25))
      add(g, RP_KIND_VISIT, RP_DIR_NONE, biz_time(g->r, t + 2 * DAY),
          rp_arena_printf(g->ar, "Showing: %d homes in %s", (int)rint64(g->r, 2, 6), g->city), NULL,
          rint64(g->r, 3600, 10800), false);
  }
}

/* Status client: the busy weeks from agreement to closing (close may be
 * ahead: the closing and the walkthrough are then planned calendar items). */
static void phase_client(gen *g, rp_time a, rp_time b, rp_time close) {
  g->lo = a;
  g->hi = b == close ? b + 1 : b; /* the closing itself belongs to this phase */
  add(g, RP_KIND_MEETING, RP_DIR_NONE, a,
      g->seller ? "Signed the listing agreement" : "Signed the buyer representation agreement",
      NULL, rint64(g->r, 1800, 3600), true);
  rp_time span = close - a;
  if (span < 10 * DAY) span = 10 * DAY;
  for (rp_time t = a + rint64(g->r, 1, 2) * DAY; t < close - DAY;) {
    double left = (double)(close - t) / (double)span; /* 1 at the start, 0 at closing */
    rp_time at = biz_time(g->r, t);
    converse(g, at, deal_topics, N_OF(deal_topics), channel(g, 45, 35, 20), rchance(g->r, 0.3),
             0.85, 0.3, 1.0 - left);
    if (g->buyer && left > 0.6 && rchance(g->r, 0.35))
      add(g, RP_KIND_VISIT, RP_DIR_NONE, biz_time(g->r, t + DAY),
          rp_arena_printf(g->ar, "Showing: %d homes in %s", (int)rint64(g->r, 2, 5), g->city), NULL,
          rint64(g->r, 3600, 10800), false);
    t += (rp_time)((1.5 + 5.0 * left) * (double)DAY * (0.6 + 0.8 * runif(g->r)));
  }
  rp_time offer = biz_time(g->r, a + (rp_time)(0.4 * (double)span));
  add(g, RP_KIND_CALL, RP_DIR_OUTBOUND, offer,
      g->seller ? "Offer received" : rp_arena_printf(g->ar, "Offer on %s", g->deal_addr),
      "Went through the terms together.", rint64(g->r, 600, 1800), true);
  add(g, RP_KIND_CALL, RP_DIR_INBOUND, biz_time(g->r, offer + rint64(g->r, 3, 30) * HOUR),
      "Offer accepted!", "Under contract. Celebrated!", rint64(g->r, 120, 600), true);
  add(g, RP_KIND_VISIT, RP_DIR_NONE, biz_time(g->r, offer + rint64(g->r, 3, 6) * DAY),
      rp_arena_printf(g->ar, "Inspection at %s", g->deal_addr), NULL, rint64(g->r, 7200, 12600),
      false);
  bool ahead = close > g->now;
  add_at(g, ahead, RP_KIND_VISIT, RP_DIR_NONE, biz_time(g->r, close - DAY),
         rp_arena_printf(g->ar, "Final walkthrough at %s", g->deal_addr), NULL, 3600, false);
  add_at(g, ahead, RP_KIND_MEETING, RP_DIR_NONE, close, "Closing at Independence Title",
         "Keys handed over.", 5400, true);
}

/* Status past_client (A5): the closing gift, a yearly rhythm of
 * anniversary and holiday cards, birthday texts and the party invitation;
 * and its behaviour as planned (plan_beats): market reports and check-in
 * calls, answered or not, its questions, lunches, the client party. */
static void phase_past(gen *g, const plan *p, const rp_contact *c, rp_time a, rp_time b,
                       rp_time close) {
  g->lo = a;
  g->hi = b;
  rng *r = g->r;
  if (close >= a) {
    add(g, RP_KIND_VISIT, RP_DIR_NONE, biz_time(r, close + rint64(r, 1, 4) * DAY),
        "Dropped off a closing gift", "Brought a housewarming basket and a doormat.", 1200, false);
    exchange(g, biz_time(r, close + rint64(r, 7, 12) * DAY), RP_KIND_SMS, false, 0.85, 1.0, NULL,
             "How's the new home treating you?", "We love it! Unpacking slowly :)");
    add(g, RP_KIND_EMAIL, RP_DIR_OUTBOUND, biz_time(r, close + rint64(r, 30, 60) * DAY),
        "Homestead exemption reminder", "Don't forget to file your homestead exemption.", -1,
        false);
  }
  for (int64_t y = year_of(a); y <= year_of(b); y++) {
    /* the closing anniversary */
    if (close) {
      int64_t cy;
      unsigned m, d;
      rp_civil_from_days(floordiv(close, DAY), &cy, &m, &d);
      if (y > cy) {
        rp_time t = local_at(rp_days_from_civil(y, m, d > 28 ? 28 : d), 10, 0);
        add(g, RP_KIND_CARD, RP_DIR_OUTBOUND, t - rint64(r, 0, 3) * DAY, "Happy home anniversary!",
            rp_arena_printf(g->ar, "%d year%s in your home!", (int)(y - cy),
                            y - cy == 1 ? "" : "s"),
            -1, false);
        if (rchance(r, 0.35))
          add(g, RP_KIND_SMS, RP_DIR_INBOUND, t + rint64(r, 1, 4) * DAY, NULL,
              "Got your card, thank you! Can't believe it's been that long.", -1, false);
      }
    }
    /* birthday text */
    if (c->birthday) {
      unsigned m = (unsigned)atoi(c->birthday + (c->birthday[0] == '-' ? 2 : 5));
      unsigned d = (unsigned)atoi(c->birthday + (c->birthday[0] == '-' ? 5 : 8));
      rp_time t =
          local_at(rp_days_from_civil(y, m, d), (int)rint64(r, 8, 10), (int)rint64(r, 0, 59));
      exchange(g, t, RP_KIND_SMS, false, 0.7, 1.0, NULL,
               rp_arena_printf(g->ar, "Happy birthday, %s! Hope it's a great one.", g->first),
               "Thank you so much!!");
    }
    /* the client appreciation party, second Saturday of May */
    add(g, RP_KIND_EMAIL, RP_DIR_OUTBOUND,
        local_at(party_day(y) - 21, 10, rchance(r, 0.5) ? 0 : 30),
        "You're invited: client appreciation party", "BBQ, live music and a bounce house.", -1,
        false);
    /* holiday card */
    add(g, RP_KIND_CARD, RP_DIR_OUTBOUND,
        local_at(rp_days_from_civil(y, 12, (unsigned)rint64(r, 8, 16)), 11, 0), "Holiday card",
        "Happy holidays from our family to yours.", -1, false);
  }
  beat bt[MAX_BEATS];
  size_t n = plan_beats(p, g->index, g->seed, g->now, MODE_PAST, bt);
  for (size_t k = 0; k < n; k++) {
    rp_time t = bt[k].t;
    if (t <= a || t >= b) continue;
    rp_activity_kind ch = rchance(r, 0.65) ? RP_KIND_EMAIL : RP_KIND_CALL;
    switch (bt[k].kind) {
    case B_QUIET:
      if (ch == RP_KIND_CALL)
        add(g, ch, RP_DIR_OUTBOUND, t, "Checking in", "Left a voicemail", call_length(g, false),
            false);
      else
        converse(g, t, past_topics, N_OF(past_topics), ch, false, 0.0, 1.0, 0);
      break;
    case B_ANSWERED: converse(g, t, past_topics, N_OF(past_topics), ch, false, 1.0, 1.0, 0); break;
    case B_OPENS:
      converse(g, t, past_topics, N_OF(past_topics), channel(g, 40, 30, 30), true, 1.0, 1.0, 0);
      break;
    case B_PARTY:
      add(g, RP_KIND_PARTY, RP_DIR_NONE, t, "Client appreciation party", "Came with the family.",
          rint64(r, 3600, 10800), false);
      break;
    default:
      add(g, RP_KIND_MEAL, RP_DIR_NONE, t, "Lunch", "Caught up over tacos.", rint64(r, 3600, 5400),
          false);
      break;
    }
  }
}

/* Friends and family (type personal), while they are more than a name. */
static void personal_extras(gen *g, rp_time a, rp_time b) {
  g->lo = a;
  g->hi = b;
  rng *r = g->r;
  for (rp_time t = a + rint64(r, 10, 90) * DAY; t < b; t += rint64(r, 45, 110) * DAY)
    exchange(g, t + rint64(r, 9, 20) * HOUR, RP_KIND_SMS, rchance(r, 0.5), 0.8, 0.6, NULL,
             "How are you guys doing?", "All good here! We should get together soon.");
  for (rp_time t = a + rint64(r, 30, 150) * DAY; t < b; t += rint64(r, 90, 200) * DAY)
    add(g, rchance(r, 0.7) ? RP_KIND_MEAL : RP_KIND_PARTY, RP_DIR_NONE,
        local_at(local_day(t), 18, 30), rchance(r, 0.5) ? "Dinner" : "Backyard BBQ", NULL,
        rint64(r, 5400, 10800), false);
}

/* Other agents and vendors (status none): working emails and calls. */
static void phase_trade(gen *g, const plan *p, rp_time a, rp_time b) {
  g->lo = a;
  g->hi = b;
  rp_time mean = (p->type == RP_TYPE_VENDOR ? 90 : 150) * DAY;
  for (rp_time t = a + rexp(g->r, mean, 3 * DAY); t < b; t += rexp(g->r, mean, 3 * DAY))
    converse(g, biz_time(g->r, t), trade_topics, N_OF(trade_topics), channel(g, 15, 60, 25),
             rchance(g->r, 0.3), 0.8, 0.8, 0);
}

static int act_cmp(const void *x, const void *y) {
  const act *a = x, *b = y;
  if (a->at != b->at) return a->at < b->at ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}
/* ---------------------------------------------------------------- writing */

typedef struct owners {
  const char **ids;
  size_t n;
} owners;

/* Agents round robin when the account is a team with agents; else its
 * owner; else its first user; else nobody. */
static int load_owners(rp_store *s, rp_arena *ar, const char *account_id, owners *o) {
  rp_user *u = NULL;
  size_t n = 0;
  int rc = rp_store_user_list(s, ar, account_id, &u, &n);
  if (rc) return rc;
  o->ids = rp_arena_calloc(ar, (n + 1) * sizeof *o->ids);
  o->n = 0;
  if (n > 1)
    for (size_t k = 0; k < n; k++)
      if (u[k].role == RP_ROLE_AGENT && !u[k].disabled_at)
        o->ids[o->n++] = rp_arena_strdup(ar, u[k].id);
  if (!o->n)
    for (size_t k = 0; k < n; k++)
      if (u[k].role == RP_ROLE_OWNER) {
        o->ids[o->n++] = rp_arena_strdup(ar, u[k].id);
        break;
      }
  if (!o->n && n) o->ids[o->n++] = rp_arena_strdup(ar, u[0].id);
  return 0;
}

/* The write pass. */
typedef struct replayer {
  rp_store *s;
  world *w;
  uint64_t seed;
  const char *account_id;
  owners own;
  char (*ids)[RP_ID_LEN]; /* contact i's id once created */
  gen *g;
  idgen idg;
  rp_demo_stats *st;
  rp_lifecycle lc; /* lc.now and lc.actor are set for each event */
  bool derive;     /* no daily job after the replay: derived fields and counts in settle */
  rp_arena ev_ar;  /* freed after each event */
  rp_arena keep;   /* lives as long as the run (listing addresses) */
} replayer;

static const char *owner_of(const replayer *x, size_t i) {
  return x->own.n ? x->own.ids[i % x->own.n] : NULL;
}

/* The contact's last event has been replayed: unless the daily job
 * follows (it writes them), its derived fields (last touch, overdue) as of
 * now, and its final status in the counts. */
static int settle(replayer *x, size_t i) {
  plan *p = &x->w->p[i];
  if (p->pending == 0 || --p->pending > 0 || !x->derive) return 0;
  rp_contact out;
  rp_time at = x->lc.now;
  x->lc.now = x->w->now;
  int rc = rp_lifecycle_refresh(&x->lc, x->ids[i], &out);
  x->lc.now = at;
  if (rc) return rc;
  x->st->by_status[out.status]++;
  return 0;
}

static void side_tags(tagset *tags, const plan *p) {
  if (p->side != SIDE_SELL) tag(tags, "buyer");
  if (p->side != SIDE_BUY) tag(tags, "seller");
}

/* A note on the day a deal died (or, for a listing, was relisted). */
static void deal_notes(gen *g, const world *w, const plan *p) {
  g->lo = p->created;
  g->hi = w->now + 1;
  for (uint32_t k = p->deal_at; k < p->deal_at + p->n_deals; k++) {
    const deal *d = &w->deals[k];
    if (!d->dies) continue;
    rp_time t = d->at[d->n_steps - 1] + rint64(g->r, 5, 40) * MINUTE;
    if (d->kind == DK_LISTING) {
      int how = d->status[d->n_steps - 1];
      const char *subject = how == RP_PROP_EXPIRED    ? "Listing expired"
                            : how == RP_PROP_CANCELED ? "Listing canceled"
                                                      : "Listing withdrawn";
      const char *body;
      if (p->status != RP_STATUS_LEAD) /* relisted at once */
        body =
            rp_arena_printf(g->ar, "No offer on %s; relisting it at a lower price.", g->deal_addr);
      else if (how == RP_PROP_EXPIRED)
        body = rp_arena_printf(g->ar, "%s expired without an offer; %s will wait a season.",
                               g->deal_addr, g->first);
      else if (how == RP_PROP_CANCELED)
        body = rp_arena_printf(g->ar, "%s canceled the listing agreement for %s: job change.",
                               g->first, g->deal_addr);
      else
        body = rp_arena_printf(g->ar, "Took %s off the market; %s wants to wait.", g->deal_addr,
                               g->first);
      add(g, RP_KIND_NOTE, RP_DIR_NONE, t, subject, body, -1, true);
    } else {
      static const char *const why[] = {
          "Terminated in the option period after the inspection.",
          "The buyer's financing fell through; the contract was canceled.",
          "The appraisal came in low and the seller would not move; contract canceled."};
      add(g, RP_KIND_NOTE, RP_DIR_NONE, t, "Contract terminated", why[rnext(g->r) % 3], -1, true);
    }
    if (p->status == RP_STATUS_LEAD) /* the agreement signed for the deal that died */
      add(g, RP_KIND_MEETING, RP_DIR_NONE, d->at[0],
          d->kind == DK_LISTING ? "Signed the listing agreement"
                                : "Signed the buyer representation agreement",
          NULL, rint64(g->r, 1800, 3600), true);
  }
}

/* EV_CREATE: contact i as the API creates one (L1, S1/S2, the creation
 * rows of M3; the category it was imported with by hand), its referrer's
 * count and rules (C1-C3, S6), and all its activities. A contact whose
 * closed deals come with the import is tagged buyer/seller from the start
 * (L2, as the API applies it on create). */
static int create_contact(replayer *x, size_t i) {
  world *w = x->w;
  plan *p = &w->p[i];
  gen *g = x->g;
  rp_arena ar = {0};
  rng r1, r2;
  rng_init(&r1, x->seed, i, 1);
  rng_init(&r2, x->seed, i, 2);
  rp_contact c = {0};
  tagset tags = {0};
  const rp_demo_city *city = NULL;
  rp_address home = {0};
  const char *owner_id = owner_of(x, i);
  bool evented = false;
  int rc = 0;

  memcpy(c.account_id, x->account_id, RP_ID_LEN);
  c.custom_json = "{}";
  c.owner_id = owner_id;
  fill_details(&r1, &ar, w, p, &c, &city, &home, &tags);

  /* L1 and the S rules at creation, unless switched off (M2) */
  c.type = (rp_ctype)p->type;
  c.category = (rp_category)p->cat0;
  bool status_by_rule = x->lc.sw.status_rules, stage_by_rule = x->lc.sw.stage_rules;
  const char *status_rule = rp_contact_apply_create_rules(&c, !status_by_rule, !stage_by_rule);
  const char *stage_rule = NULL;
  if (stage_by_rule) rp_contact_stage_for_status(c.status, RP_STAGE_NONE, &stage_rule);

  /* what it wants, when already said without a timeframe (L3 comes with
   * the timeframe, at t_fields) */
  if (!p->t_fields) {
    c.intent = (rp_intent)p->intent;
    c.has_budget = p->budget > 0;
    c.budget = p->budget;
  }
  bool buys = p->side != SIDE_SELL, sells = p->side != SIDE_BUY;
  bool engaged = p->status >= RP_STATUS_PROSPECT;
  bool deal_minded = p->intent != RP_INTENT_NONE || p->status == RP_STATUS_PAST_CLIENT;
  if (p->t_import) side_tags(&tags, p);
  if (deal_minded && buys && p->status != RP_STATUS_PAST_CLIENT && !p->repeat && rchance(&r1, 0.3))
    tag(&tags, "first-time-buyer");
  if (deal_minded && sells && rchance(&r1, 0.25)) tag(&tags, "downsizing");
  if (engaged && rchance(&r1, 0.07)) tag(&tags, "investor");
  if (city && !city->home && buys && engaged) tag(&tags, "relocation");
  if (p->type == RP_TYPE_PERSONAL || p->source == SRC_SPHERE) tag(&tags, "sphere");
  if (p->source == SRC_OPEN_HOUSE) tag(&tags, "open-house");
  if (p->type == RP_TYPE_FARM) tag(&tags, "farm");
  if (c.category == RP_CATEGORY_A && rchance(&r1, 0.5)) tag(&tags, "vip");
  c.tags = tags.v;
  c.n_tags = tags.n;
  if (p->referrer >= 0) c.referred_by = x->ids[p->referrer];
  c.known_since = date_str(&ar, p->known_day * DAY);
  c.created_at = c.updated_at = p->created;
  if (rchance(&r1, 0.15)) {
    static const char *const notes[] = {
        "Wants a home office and a big yard for the dog.",
        "Prefers texts over calls during the work day.",
        "Needs to sell before buying; talk bridge loan options.",
        "Loves mid-century homes; avoid HOAs.",
        "Met at a neighbourhood association meeting.",
        "Spouse works nights: call after 4pm.",
        "Looking near good elementary schools.",
        "Interested in a duplex as an investment.",
    };
    c.notes = notes[rnext(&r1) % (sizeof notes / sizeof notes[0])];
  }
  c.display_name = rp_contact_display_name(&ar, &c);

  idgen_next(&x->idg, c.id);
  rc = rp_store_contact_create(x->s, &c);
  if (rc) goto cleanup;
  memcpy(x->ids[i], c.id, RP_ID_LEN);

  /* the creation rows (M3), as the API writes them */
  if (status_by_rule &&
      (rc = rp_lifecycle_history(&x->lc, c.id, "status", NULL, rp_status_name(c.status),
                                 status_rule ? status_rule : "manual")))
    goto cleanup;
  if (stage_by_rule &&
      (rc = rp_lifecycle_history(&x->lc, c.id, "stage", NULL, rp_stage_name(c.stage),
                                 stage_rule ? stage_rule : "manual")))
    goto cleanup;
  if (c.category != RP_CATEGORY_NONE &&
      (rc = rp_lifecycle_history(&x->lc, c.id, "category", NULL, rp_category_name(c.category),
                                 "manual")))
    goto cleanup;
  if (p->t_import) {
    rp_rule_event e = {
        .kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_TAGS, .tagged_buyer_seller = true};
    if ((rc = rp_lifecycle_event(&x->lc, c.id, &e))) goto cleanup;
    evented = true;
  }

  /* its listings are at the address of its deal */
  for (uint32_t k = p->deal_at; k < p->deal_at + p->n_deals; k++) {
    deal *d = &w->deals[k];
    if (d->kind != DK_LISTING) continue;
    d->addr = (rp_address){
        rp_arena_strdup(&x->keep, home.street), rp_arena_strdup(&x->keep, home.city),
        rp_arena_strdup(&x->keep, home.region), rp_arena_strdup(&x->keep, home.postal_code),
        rp_arena_strdup(&x->keep, home.country)};
  }

  /* activities, phase by phase */
  g->r = &r2;
  g->ar = &ar;
  g->n = 0;
  g->seq = 0;
  g->now = w->now;
  g->seed = x->seed;
  g->index = i;
  g->first = c.first_name ? c.first_name : c.company ? c.company : "there";
  g->city = c.has_address ? c.address.city : city->city;
  g->buyer = buys;
  g->seller = sells;
  g->deal_addr = rp_arena_printf(&ar, "%s, %s", home.street, home.city);
  if (p->type == RP_TYPE_HIDDEN) {
    /* hidden contacts stay out of the way: nothing to show */
  } else if (p->status == RP_STATUS_NONE) {
    phase_trade(g, p, p->created, w->now + 1);
  } else {
    rp_status cur = RP_STATUS_SUSPECT;
    rp_time from = p->created;
    for (size_t k = 0; k <= p->n_ms; k++) {
      rp_time to = k < p->n_ms ? p->ms[k].t : w->now + 1;
      bool via = k > 0; /* entered by a rule at `from` (L2 for a prospect) */
      switch (cur) {
      case RP_STATUS_SUSPECT: phase_suspect(g, p, from, to); break;
      case RP_STATUS_PROSPECT: phase_prospect(g, p, from, to, via); break;
      case RP_STATUS_LEAD: phase_lead(g, from, to); break;
      case RP_STATUS_CLIENT:
        phase_client(g, from, to, p->close && p->close >= from ? p->close : to);
        break;
      case RP_STATUS_PAST_CLIENT:
        /* the closing it remembers: the latest one by then */
        phase_past(g, p, &c, from, to, p->close && p->close <= from ? p->close : p->prev_close);
        break;
      default: break;
      }
      /* a friend's texts and dinners while a prospect are in its beats */
      if (p->type == RP_TYPE_PERSONAL && cur != RP_STATUS_SUSPECT && cur != RP_STATUS_PROSPECT)
        personal_extras(g, from, to);
      if (k < p->n_ms) {
        cur = (rp_status)p->ms[k].status;
        from = to;
      }
    }
    deal_notes(g, w, p);
  }
  /* the referrals it made: the call that brought each one (C1) */
  g->lo = p->engaged;
  g->hi = w->now + 1;
  for (uint32_t k = 0; k < p->n_ref; k++) {
    const plan *q = &w->p[w->refs[p->ref_at + k]];
    if (q->imported) continue; /* came with the import, long ago */
    const char *qf, *ql;
    plan_name(q, &qf, &ql);
    rp_time t = q->created - rint64(&r2, 1, 48) * HOUR;
    add(g, RP_KIND_CALL, RP_DIR_INBOUND, t, rp_arena_printf(&ar, "Referral: %s %s", qf, ql),
        rp_arena_printf(&ar, "Gave my number to %s, who is thinking of moving.", qf),
        rint64(&r2, 180, 600), false);
    add(g, RP_KIND_SMS, RP_DIR_OUTBOUND, t + rint64(&r2, 2, 30) * HOUR, NULL,
        "Thank you so much for the referral! I'll take great care of them.", -1, false);
  }
  if (p->referrer >= 0 && !p->imported) {
    const char *rf, *rl;
    plan_name(&w->p[p->referrer], &rf, &rl);
    g->lo = p->created;
    add(g, RP_KIND_NOTE, RP_DIR_NONE, p->created, "Referral",
        rp_arena_printf(&ar, "Referred by %s %s.", rf, rl), -1, false);
  }
  qsort(g->v, g->n, sizeof g->v[0], act_cmp);

  for (size_t k = 0; k < g->n; k++) {
    const act *a0 = &g->v[k];
    rp_activity a = {.kind = a0->kind,
                     .direction = a0->dir,
                     .occurred_at = a0->at,
                     .subject = a0->subject,
                     .body = a0->body,
                     .duration_s = a0->dur,
                     .importance = a0->high ? RP_IMPORTANCE_HIGH : RP_IMPORTANCE_NORMAL,
                     .source = a0->kind == RP_KIND_WEB ? c.source : NULL,
                     .owner_id = owner_id};
    memcpy(a.account_id, x->account_id, RP_ID_LEN);
    memcpy(a.contact_id, c.id, RP_ID_LEN);
    if (a0->at > w->now) /* a planned calendar item, entered a few days ago */
      a.created_at = w->now - rint64(&r2, 1, 5) * DAY;
    else
      a.created_at = a0->at + rint64(&r2, 0, 10) * MINUTE;
    if (a.created_at > w->now) a.created_at = w->now;
    if (a.created_at < p->created) a.created_at = p->created;
    a.updated_at = a.created_at;
    idgen_next(&x->idg, a.id);
    rc = rp_store_activity_create(x->s, &a, rp_activity_is_two_way(&a));
    if (rc) goto cleanup;
  }
  x->st->activities += g->n;
  x->st->contacts++;
  if (c.referred_by) x->st->referrals++;

  /* nothing more will happen to it: its derived fields now (unless the
   * daily job follows) */
  if (!x->derive) {
    /* counted at the end */
  } else if (p->pending == 0 && !evented) {
    rp_time last = 0;
    rc = rp_store_activity_last_two_way(x->s, x->account_id, c.id, w->now, &last);
    if (rc) goto cleanup;
    c.last_touch_at = last;
    rc = rp_store_contact_set_derived(x->s, x->account_id, c.id, last,
                                      rp_contact_overdue_at(&c, last), 0);
    if (rc) goto cleanup;
    x->st->by_status[c.status]++;
  } else if (p->pending == 0) {
    p->pending = 1;
    if ((rc = settle(x, i))) goto cleanup;
  }
  /* C1-C3 and S6 for its referrer */
  if (p->referrer >= 0) {
    if ((rc = rp_lifecycle_referral(&x->lc, x->ids[p->referrer]))) goto cleanup;
    rc = settle(x, (size_t)p->referrer);
  }
cleanup:
  rp_arena_free(&ar);
  return rc;
}

/* EV_REPLY: the activity of its first answer, written with the others at
 * its creation, reaches the rules now (L2). */
static int replay_reply(replayer *x, size_t i) {
  const plan *p = &x->w->p[i];
  rp_rule_event e = {.kind = RP_EVENT_ACTIVITY,
                     .activity_kind = (rp_activity_kind)p->reply_kind,
                     .direction = (rp_direction)p->reply_dir};
  return rp_lifecycle_event(&x->lc, x->ids[i], &e);
}

/* EV_FIELDS: the agent writes down its intent, timeframe and budget and
 * tags it buyer or seller (L3 for a prospect). */
static int replay_fields(replayer *x, size_t i) {
  const plan *p = &x->w->p[i];
  rp_contact c;
  int rc = rp_store_contact_get(x->s, &x->ev_ar, &c, x->account_id, x->ids[i]);
  if (rc) return rc;
  tagset tags = {0};
  for (size_t k = 0; k < c.n_tags; k++)
    tag(&tags, c.tags[k]);
  size_t had = tags.n;
  side_tags(&tags, p);
  c.tags = rp_arena_alloc(&x->ev_ar, (tags.n + 1) * sizeof *c.tags);
  memcpy(c.tags, tags.v, tags.n * sizeof *c.tags);
  c.n_tags = tags.n;
  c.intent = (rp_intent)p->intent;
  c.timeframe = date_str(&x->ev_ar, p->timeframe);
  c.has_budget = p->budget > 0;
  c.budget = p->budget;
  c.updated_at = x->lc.now;
  if ((rc = rp_store_contact_update(x->s, &c))) return rc;
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED,
                     .fields =
                         RP_FIELD_INTENT | RP_FIELD_TIMEFRAME | (tags.n > had ? RP_FIELD_TAGS : 0),
                     .tagged_buyer_seller = tags.n > had};
  return rp_lifecycle_event(&x->lc, x->ids[i], &e);
}

/* A deal's close date at a status: a listing's once closed; a
 * transaction's from contract (the planned closing) unless it dies. */
static const char *close_date_at(rp_arena *ar, const deal *d, int status) {
  if (d->kind == DK_LISTING) return status == RP_PROP_CLOSED ? date_str(ar, d->close) : NULL;
  if (d->dies || (d->kind == DK_PURCHASE && status == RP_TX_PENDING)) return NULL;
  return date_str(ar, d->close);
}

static rp_deal_state state_at(const deal *d, int status) {
  return d->kind == DK_LISTING ? rp_property_state((rp_property_status)status)
                               : rp_tx_state((rp_tx_status)status);
}

/* EV_DEAL: step s of deal k, written as the API writes it (the whole
 * deal), then the rule events of the write for its buyer or seller
 * (core/deal_events.h: L4-L7 and L6 close dates) through the lifecycle. */
static int replay_deal(replayer *x, uint32_t k, uint8_t s) {
  world *w = x->w;
  deal *d = &w->deals[k];
  rp_arena *ar = &x->ev_ar;
  int status = d->status[s];
  rp_deal_party parties[2];
  size_t np = 0;
  memcpy(parties[np].contact_id, x->ids[d->contact], RP_ID_LEN);
  parties[np++].role = (rp_deal_role)d->role;
  if (d->other >= 0) {
    memcpy(parties[np].contact_id, x->ids[d->other], RP_ID_LEN);
    parties[np++].role = RP_DEAL_OTHER;
  }
  rp_deal_side before = {.exists = false}, after = {.exists = true};
  if (s > 0)
    before = (rp_deal_side){true, state_at(d, d->status[s - 1]),
                            close_date_at(ar, d, d->status[s - 1]), parties, np};
  after = (rp_deal_side){true, state_at(d, status), close_date_at(ar, d, status), parties, np};
  if (s == 0) idgen_next(&x->idg, d->id);
  int rc;
  if (d->kind == DK_LISTING) {
    bool closed = status == RP_PROP_CLOSED;
    rp_property pr = {.version = d->version,
                      .has_address = d->addr.street != NULL,
                      .address = d->addr,
                      .mls_id = status == RP_PROP_PRE_LISTING
                                    ? NULL
                                    : rp_arena_printf(ar, "%u", (unsigned)d->mls),
                      .status = (rp_property_status)status,
                      .has_list_price = true,
                      .list_price = d->price,
                      .has_close_price = closed,
                      .close_price = closed ? d->close_price : 0,
                      .has_commission = true,
                      .commission = round_to((closed ? d->close_price : d->price) * d->rate, 1),
                      .close_date = after.close_date,
                      .contacts = parties,
                      .n_contacts = np,
                      .created_at = d->at[0],
                      .updated_at = d->at[s]};
    memcpy(pr.account_id, x->account_id, RP_ID_LEN);
    memcpy(pr.id, d->id, RP_ID_LEN);
    rc = s == 0 ? rp_store_property_create(x->s, &pr) : rp_store_property_update(x->s, &pr);
    if (rc) return rc;
    d->version = pr.version;
    if (s == 0) x->st->properties++;
  } else {
    rp_transaction t = {.version = d->version,
                        .property_id = d->listing >= 0 ? w->deals[d->listing].id : NULL,
                        .status = (rp_tx_status)status,
                        .has_price = true,
                        .price = d->price,
                        .has_commission = true,
                        .commission = round_to(d->price * d->rate, 1),
                        .close_date = after.close_date,
                        .contacts = parties,
                        .n_contacts = np,
                        .created_at = d->at[0],
                        .updated_at = d->at[s]};
    memcpy(t.account_id, x->account_id, RP_ID_LEN);
    memcpy(t.id, d->id, RP_ID_LEN);
    rc = s == 0 ? rp_store_transaction_create(x->s, &t) : rp_store_transaction_update(x->s, &t);
    if (rc) return rc;
    d->version = t.version;
    if (s == 0) x->st->transactions++;
  }
  rp_deal_event ev[4];
  size_t n = rp_deal_events(&before, &after, ev);
  for (size_t j = 0; j < n; j++)
    if ((rc = rp_lifecycle_event(&x->lc, ev[j].contact_id, &ev[j].event))) return rc;
  return 0;
}

/* ---------------------------------------------------------------- scores */

/* The daily job for the days o->score_days asks (demo.h), oldest first,
 * each in its own write transaction; the last one, as of now, keeps the
 * scores. */
static int score_backfill(rp_store *s, const char *account_id, const rp_demo_opts *o, size_t n,
                          rp_demo_stats *st) {
  int runs = 30, step = 1, rc = 0;
  if (o->score_days < 0) return 0;
  if (o->score_days > 0)
    runs = o->score_days;
  else if (n > RP_DEMO_WEEKLY_MAX)
    runs = 1;
  else if (n > RP_DEMO_DAILY_MAX)
    runs = 5, step = 7;
  rp_arena ar = {0};
  for (int k = runs - 1; k >= 0 && !rc; k--) {
    char what[48];
    snprintf(what, sizeof what, "contacts, scoring day %d/%d", runs - k, runs);
    if (o->phase) o->phase(o->progress_ctx, what);
    rp_daily_opts d = {.T = o->now - (rp_time)k * step * DAY,
                       .keep_scores = k == 0,
                       .progress = o->progress,
                       .progress_ctx = o->progress_ctx};
    rp_daily_report rep;
    if ((rc = rp_store_begin(s, true))) break;
    rc = rp_scoring_daily(&rep, s, &ar, account_id, &d);
    if (!rc) rc = rp_store_commit(s);
    if (rc) {
      rp_store_rollback(s);
      break;
    }
    st->score_runs++;
    st->history_rows += rep.history_rows;
    for (int a = 0; a < RP_ALERT_REASON_COUNT; a++)
      st->alerts += rep.raised[a];
    rp_arena_free(&ar);
  }
  rp_arena_free(&ar);
  return rc;
}

/* The account's live contacts by status (after a run whose derived
 * fields the daily job wrote: the demo's contacts in a new account). */
static int count_statuses(rp_store *s, rp_arena *ar, const char *account_id, rp_time now,
                          size_t by_status[RP_STATUS_COUNT]) {
  for (int k = 0; k < RP_STATUS_COUNT; k++) {
    rp_contact_query q = {.account_id = account_id,
                          .status_mask = 1u << k,
                          .overdue = -1,
                          .now = now,
                          .limit = 1,
                          .count = true};
    rp_contact *items = NULL;
    size_t n = 0;
    char *next = NULL;
    int64_t total = 0;
    int rc = rp_store_contact_list(s, ar, &q, &items, &n, &next, &total);
    if (rc) return rc;
    by_status[k] = (size_t)total;
  }
  return 0;
}

int rp_demo_generate(rp_store *s, const char *account_id, const rp_demo_opts *o,
                     rp_demo_stats *out) {
  rp_demo_stats st = {0};
  world w = {0};
  replayer x = {0};
  rp_arena ar = {0};
  bool in_txn = false, bulk = false;
  int rc = 0;

  if (!o->now) {
    rc = rp_error_set(RP_EINVALID_VALUE, "now", "the demo needs a fixed now");
    goto cleanup;
  }
  w.now = o->now;
  w.w0 = o->now - 730 * DAY;
  w.n = o->contacts ? o->contacts : 300;
  size_t batch = o->batch ? o->batch : 25000;

  x.s = s;
  x.w = &w;
  x.seed = o->seed;
  x.account_id = account_id;
  x.st = &st;
  rc = load_owners(s, &ar, account_id, &x.own);
  if (rc) goto cleanup;
  rc = rp_lifecycle_init(&x.lc, s, &x.ev_ar, account_id, NULL, o->now);
  if (rc) goto cleanup;
  x.lc.defer_score = true; /* scored once, after the replay */
  /* the replay is history: no workflow starts from it (the demo's contacts
   * have realistic phone numbers and addresses, never to be sent to) */
  x.lc.sw.workflows = false;
  x.derive = o->score_days < 0;
  w.p = rp_xcalloc(w.n, sizeof *w.p);
  x.ids = rp_xcalloc(w.n, sizeof *x.ids);
  x.g = rp_xcalloc(1, sizeof *x.g);
  plan_all(&w, o->seed);
  idgen_init(&x.idg);

  if (o->phase) o->phase(o->progress_ctx, "contacts");
  /* the activity index by time is built once at the end (store.h) */
  rc = rp_store_bulk_begin(s);
  if (rc) goto cleanup;
  bulk = true;
  size_t created = 0;
  for (size_t k = 0; k < w.n_ev; k++) {
    const event *e = &w.ev[k];
    if (!in_txn) {
      rc = rp_store_begin(s, true);
      if (rc) goto cleanup;
      in_txn = true;
    }
    x.lc.now = e->t;
    x.lc.actor = owner_of(&x, e->i);
    switch (e->kind) {
    case EV_CREATE: rc = create_contact(&x, e->i); break;
    case EV_REPLY: rc = replay_reply(&x, e->i); break;
    case EV_FIELDS: rc = replay_fields(&x, e->i); break;
    default: rc = replay_deal(&x, e->deal, e->step); break;
    }
    if (!rc && e->kind != EV_CREATE) rc = settle(&x, e->i);
    rp_arena_free(&x.ev_ar);
    if (rc) goto cleanup;
    if (e->kind != EV_CREATE) continue;
    created++;
    if (created % batch == 0 && created < w.n) {
      rc = rp_store_commit(s);
      if (rc) goto cleanup;
      in_txn = false;
    }
    if (o->progress && created < w.n) o->progress(o->progress_ctx, created, w.n);
  }
  if (in_txn) {
    rc = rp_store_commit(s);
    if (rc) goto cleanup;
    in_txn = false;
  }
  if (o->progress) o->progress(o->progress_ctx, w.n, w.n);
  bulk = false;
  rc = rp_store_bulk_end(s);
  if (rc) goto cleanup;
  if (!x.derive) {
    rc = score_backfill(s, account_id, o, w.n, &st);
    if (!rc) rc = count_statuses(s, &ar, account_id, o->now, st.by_status);
  }
cleanup:
  if (in_txn) rp_store_rollback(s);
  if (bulk) rp_store_bulk_end(s); /* the index back even after a failure */
  if (out) *out = st;
  free(w.p);
  free(w.refs);
  free(w.deals);
  free(w.trade);
  free(w.ev);
  free(x.ids);
  free(x.g);
  rp_arena_free(&x.ev_ar);
  rp_arena_free(&x.keep);
  rp_arena_free(&ar);
  return rc;
}
