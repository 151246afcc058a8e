/* uuid.h: ids. Every object id is a UUID version 7 (RFC 9562): time-ordered,
 * so new rows land at the end of indexes, and random in its low 74 bits
 * (libsodium's randombytes). Clients treat ids as opaque strings. */
#ifndef RP_UUID_H
#define RP_UUID_H

#include <stdbool.h>
#include <stddef.h>

#define RP_ID_LEN 37 /* 36 characters and the NUL */

/* Writes a new lower-case UUIDv7 into out. Requires sodium_init() done. */
void rp_uuid_v7(char out[static RP_ID_LEN]);
/* True when p[0..len) is a well-formed lower- or upper-case UUID. */
bool rp_uuid_valid(const char *p, size_t len);

#endif
