#include <string.h>

#include "core/model.h"

#define RP_ENUM_IMPL(fn, type, count, ...)                                   \
  static const char *const fn##_names[count] = {__VA_ARGS__};                \
  const char *rp_##fn##_name(type v) {                                       \
    return (unsigned)v < (unsigned)(count) ? fn##_names[v] : "?";            \
  }                                                                          \
  int rp_##fn##_parse(type *out, const char *s) {                            \
    if (!s) return -1;                                                       \
    for (int i = 0; i < (int)(count); i++)                                   \
      if (!strcmp(fn##_names[i], s)) {                                       \
        *out = (type)i;                                                      \
        return 0;                                                            \
      }                                                                      \
    return -1;                                                               \
  }

RP_ENUM_IMPL(status, rp_status, RP_STATUS_COUNT, "none", "suspect", "prospect", "lead", "client",
             "past_client")
RP_ENUM_IMPL(stage, rp_stage, RP_STAGE_COUNT, "none", "aware", "know", "like", "trust")
RP_ENUM_IMPL(category, rp_category, RP_CATEGORY_COUNT, "none", "a", "b", "c", "d")
RP_ENUM_IMPL(ctype, rp_ctype, RP_TYPE_COUNT, "client", "agent", "farm", "personal", "prospect",
             "vendor", "hidden")
RP_ENUM_IMPL(intent, rp_intent, RP_INTENT_COUNT, "none", "buy", "sell", "buy_sell")
RP_ENUM_IMPL(kind, rp_activity_kind, RP_KIND_COUNT, "email", "sms", "call", "social", "meeting",
             "visit", "meal", "party", "card", "note", "web")
RP_ENUM_IMPL(direction, rp_direction, RP_DIR_COUNT, "none", "inbound", "outbound")
RP_ENUM_IMPL(importance, rp_importance, RP_IMPORTANCE_COUNT, "normal", "high")
RP_ENUM_IMPL(role, rp_role, RP_ROLE_COUNT, "owner", "admin", "agent", "assistant")
