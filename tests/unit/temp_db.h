/* temp_db.h: a migrated SQLite database in a temporary file for the unit
 * tests that need a real store (header only: each test binary includes
 * it). The file lives in $TMPDIR (else /tmp) and goes with its -wal and
 * -shm files at rp_test_db_remove. */
#ifndef RP_TESTS_TEMP_DB_H
#define RP_TESTS_TEMP_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

#define RP_TEST_DB_PATH_MAX 160

/* Creates the file (name starts with prefix), opens and migrates it into
 * *s; path receives its name. 0, or -1 when the file cannot be made, or
 * the store's error code. */
static inline int rp_test_db_open(char path[RP_TEST_DB_PATH_MAX], const char *prefix,
                                  rp_store **s) {
  const char *tmp = getenv("TMPDIR");
  snprintf(path, RP_TEST_DB_PATH_MAX, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  close(fd);
  int rc = rp_store_open(s, path);
  if (!rc) rc = rp_store_migrate(*s, NULL);
  return rc;
}

/* Removes the database file and its -wal and -shm files. */
static inline void rp_test_db_remove(const char *path) {
  char p[RP_TEST_DB_PATH_MAX + 8];
  unlink(path);
  snprintf(p, sizeof p, "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", path);
  unlink(p);
}

#endif
