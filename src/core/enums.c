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
RP_ENUM_IMPL(property_status, rp_property_status, RP_PROP_COUNT, "pre_listing", "active",
             "pending", "closed", "withdrawn", "expired", "canceled")
RP_ENUM_IMPL(tx_status, rp_tx_status, RP_TX_COUNT, "pending", "contingency", "clear_to_close",
             "closed", "canceled")
RP_ENUM_IMPL(deal_role, rp_deal_role, RP_DEAL_ROLE_COUNT, "buyer", "seller", "other")

rp_deal_state rp_property_state(rp_property_status v) {
  switch (v) {
  case RP_PROP_CLOSED: return RP_DEAL_CLOSED;
  case RP_PROP_WITHDRAWN:
  case RP_PROP_EXPIRED:
  case RP_PROP_CANCELED: return RP_DEAL_DEAD;
  default: return RP_DEAL_OPEN;
  }
}

rp_deal_state rp_tx_state(rp_tx_status v) {
  switch (v) {
  case RP_TX_CLOSED: return RP_DEAL_CLOSED;
  case RP_TX_CANCELED: return RP_DEAL_DEAD;
  default: return RP_DEAL_OPEN;
  }
}
