/* SKELETON: being written by a helper; every function fails. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "util/tz.h"
#include "util/error.h"


bool rp_tz_valid(const char *name) { return false; }

int32_t rp_tz_offset(const rp_tz *tz, rp_time t) { return 0; }

int64_t rp_tz_day(const rp_tz *tz, rp_time t) { return 0; }

rp_time rp_tz_instant(const rp_tz *tz, int64_t day, int32_t sec) { return 0; }
