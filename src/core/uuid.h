/* uuid.h: SHA-1 and name-based (version 5) UUIDs for deterministic event ids
 * (MODEL 6.1). */
#ifndef PW_CORE_UUID_H
#define PW_CORE_UUID_H

#include <stddef.h>
#include <stdint.h>

void pw_sha1(const void *data, size_t len, uint8_t out[20]);
/* UUID v5 of name in namespace ns (both as 16 raw bytes). */
void pw_uuid5(const uint8_t ns[16], const void *name, size_t len, uint8_t out[16]);
/* Lower-case 8-4-4-4-12 text form plus NUL. */
void pw_uuid_format(const uint8_t uuid[16], char out[37]);

/* 96ce0876-0fb7-5911-899e-f6c2b8b36d20: UUID v5 of "planwise:event" in the URL namespace. */
extern const uint8_t pw_event_namespace[16];

#endif
