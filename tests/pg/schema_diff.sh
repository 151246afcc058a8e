#!/usr/bin/env bash
# Checks that the PostgreSQL migrations (src/store/migrations_pg) make the
# same schema as the SQLite ones (src/store/migrations), which the store's
# statements need to run on both engines (issue 9): applies each set in
# order to a fresh database of its engine and prints, for both, every table's
# columns in order (name, type mapped back to SQLite's, NOT NULL, DEFAULT), every
# named index (table, columns in order, unique, partial) and every trigger,
# then diffs the two. Prints nothing and exits 0 when they agree; prints
# the diff (- SQLite, + PostgreSQL) and exits 1 when not.
#
# Left out on purpose: the full-text tables (SQLite's fts5 contacts_fts and
# its shadow tables; PostgreSQL's contacts_fts table and its GIN index: a
# different mechanism by design), SQLite's own tables, and
# schema_migrations (made by the code, not by a migration); and the
# triggers PostgreSQL keeps for older nodes during a rolling upgrade and
# SQLite dropped in 013 (rapport is its only writer there): the score_code
# triggers of 012 on activities and the contact_scores insert and update
# triggers of 011.
#
# PostgreSQL: a database made and dropped on $RAPPORT_TEST_PG (a base URL as
# tests/pg/cluster.sh prints) when it is set, else a throw-away cluster of
# tests/pg/cluster.sh, stopped at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
die() {
  echo "schema_diff.sh: $*" >&2
  exit 2
}
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is not installed: run scripts/deps"
command -v psql >/dev/null 2>&1 || die "psql is not installed (postgresql-client-15): run scripts/deps"

work=$(mktemp -d)
cluster=""
base=${RAPPORT_TEST_PG:-}
dbname="schema_diff_$$_$RANDOM"
created=0
cleanup() {
  if ((created)); then
    psql "$base/postgres" -qAtX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$dbname\"" >/dev/null 2>&1 || true
  fi
  [[ -n "$cluster" ]] && "$here/cluster.sh" stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z "$base" ]]; then
  cluster=$(mktemp -d)
  base=$("$here/cluster.sh" start "$cluster") || die "could not start a PostgreSQL cluster"
fi

# ---- SQLite
sdb="$work/sqlite.db"
for f in "$root"/src/store/migrations/*.sql; do
  sqlite3 -bail "$sdb" <"$f" >/dev/null 2>"$work/err" || die "SQLite: $(basename "$f"): $(head -n 1 "$work/err")"
done
sqlite3 -bail -noheader -list -separator ' ' "$sdb" >"$work/sqlite.txt" 2>"$work/err" <<'EOF' ||
WITH t AS (SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'contacts\_fts%' ESCAPE '\'
             AND name <> 'schema_migrations')
SELECT t.name, 'column', printf('%03d', p.cid + 1), p.name, upper(p.type),
       CASE WHEN p."notnull" OR p.pk > 0 THEN 'NOT NULL' ELSE 'NULL' END,
       coalesce('DEFAULT ' || p.dflt_value, '')
  FROM t, pragma_table_info(t.name) p
UNION ALL
SELECT m.tbl_name, 'index', m.name,
       '(' || (SELECT group_concat(name, ', ') FROM
                 (SELECT c.name FROM pragma_index_info(m.name) c ORDER BY c.seqno)) || ')',
       CASE WHEN l."unique" THEN 'unique' ELSE '' END,
       CASE WHEN l.partial THEN 'partial' ELSE '' END, ''
  FROM sqlite_schema m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
 WHERE m.type = 'index' AND m.sql IS NOT NULL AND m.tbl_name NOT LIKE 'contacts\_fts%' ESCAPE '\'
UNION ALL
SELECT tbl_name, 'trigger', name, '', '', '', '' FROM sqlite_schema WHERE type = 'trigger';
EOF
  die "SQLite: reading the schema: $(head -n 1 "$work/err")"

# ---- PostgreSQL
psql "$base/postgres" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$dbname\"" >/dev/null 2>"$work/err" ||
  die "PostgreSQL: CREATE DATABASE: $(head -n 1 "$work/err")"
created=1
url="$base/$dbname"
for f in "$root"/src/store/migrations_pg/*.sql; do
  psql "$url" -qX -v ON_ERROR_STOP=1 -1 -f "$f" >/dev/null 2>"$work/err" ||
    die "PostgreSQL: $(basename "$f"): $(grep -m 1 ERROR "$work/err" || head -n 1 "$work/err")"
done
psql "$url" -qAtX -v ON_ERROR_STOP=1 -F ' ' >"$work/pg.txt" 2>"$work/err" <<'EOF' ||
WITH t AS (SELECT c.oid, c.relname FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
               AND c.relname NOT LIKE 'contacts\_fts%' AND c.relname <> 'schema_migrations')
SELECT t.relname, 'column', lpad((row_number() OVER (PARTITION BY t.relname ORDER BY a.attnum))::text, 3, '0'),
       a.attname::text,
       CASE format_type(a.atttypid, a.atttypmod)
         WHEN 'bigint' THEN 'INTEGER' WHEN 'double precision' THEN 'REAL'
         WHEN 'bytea' THEN 'BLOB'
         WHEN 'text' THEN CASE WHEN a.attcollation = 'pg_catalog."C"'::regcollation THEN 'TEXT'
                               ELSE 'TEXT(collation:' || a.attcollation::regcollation || ')' END
         ELSE format_type(a.atttypid, a.atttypmod) END,
       CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
       -- (a negative number comes back quoted and cast: '-1'::integer)
       coalesce('DEFAULT ' || regexp_replace(regexp_replace(pg_get_expr(d.adbin, d.adrelid),
                '::text$', ''), '^''(-[0-9.]+)''::(integer|bigint|numeric)$', '\1'), '')
  FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
UNION ALL
SELECT t.relname, 'index', ic.relname::text,
       '(' || (SELECT string_agg(a.attname, ', ' ORDER BY k.n)
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) || ')',
       CASE WHEN i.indisunique THEN 'unique' ELSE '' END,
       CASE WHEN i.indpred IS NOT NULL THEN 'partial' ELSE '' END, ''
  FROM t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid
 WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u'))
UNION ALL
SELECT t.relname, 'trigger', g.tgname::text, '', '', '', ''
  FROM t JOIN pg_trigger g ON g.tgrelid = t.oid AND NOT g.tgisinternal
    AND g.tgname NOT LIKE 'activities\_score\_code\_%' AND g.tgname NOT IN ('contacts_scores_insert', 'contacts_scores_update');
EOF
  die "PostgreSQL: reading the schema: $(head -n 1 "$work/err")"

norm() { sed -e 's/ *$//' "$1" | LC_ALL=C sort; }
norm "$work/sqlite.txt" >"$work/sqlite.sorted"
norm "$work/pg.txt" >"$work/pg.sorted"
if ! diff -u --label sqlite --label postgresql "$work/sqlite.sorted" "$work/pg.sorted"; then
  exit 1
fi
