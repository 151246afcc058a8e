-- 001_init (PostgreSQL): the first schema of rapport, the same tables,
-- columns (names, order, meaning) and indexes as migrations/001_init.sql,
-- so that the store's statements run on both engines (translated at
-- prepare time: ? -> $n, INDEXED BY dropped, INSERT OR IGNORE -> ON
-- CONFLICT DO NOTHING). tests/pg/schema_diff.sh checks that they agree.
--
-- Types: SQLite INTEGER -> bigint (flags stay 0/1 integers), REAL ->
-- double precision, TEXT -> text COLLATE "C" (byte order, as SQLite
-- compares, so that keyset pagination and ORDER BY agree between the
-- engines whatever the database's locale), BLOB -> bytea (ids are UUIDv7
-- as their 16 bytes, compared bytewise on both). Times are bigint Unix
-- seconds (NULL = absent); enums are their DOMAIN.md names; a contact's
-- arrays are JSON text for reading back, with side tables (emails, phones,
-- tags) for filtering and duplicate matching. Foreign keys are DEFERRABLE
-- (initially immediate, as on SQLite) so that a restore can say SET
-- CONSTRAINTS ALL DEFERRED where SQLite says PRAGMA defer_foreign_keys.
--
-- SQLite's rowid aliases (contacts.seq, history.seq) are identity columns
-- here: the store inserts with RETURNING seq. Their key is (account_id,
-- id), and seq is unique with the account in front (UNIQUE (account_id,
-- seq)), so a statement that names a row by seq also names its account.
--
-- Ready to shard by account (Citus; docs/operations.md): every table of an
-- account's data carries account_id, and account_id leads its primary key
-- and indexes, so it is distributed by account_id, all such tables
-- colocated: create_distributed_table('contacts', 'account_id') and so on
-- for every table below but these global ones, which become reference
-- tables (create_reference_table: a copy on every node, so the lookups
-- that come before the account is known are local everywhere, their
-- UNIQUE indexes stay enforced, and distributed tables may reference them):
--   accounts        the account itself (id), and the lookup by hook_key
--                   (005) of the inbound SMS hook;
--   users           the login lookup by email (users_email, unique across
--                   accounts); a few rows per agent;
--   tokens          sessions and API tokens, looked up by hash (and id)
--                   before the account is known;
--   login_failures  the login rate limit, by email (no account yet);
--   capture_forms   (006) the public form, found by its key.
-- These are small and written rarely next to reads (a login, a new
-- token); that is the price of keeping their unique lookups global.
-- Two lookups of distributed tables are not led by account_id and stay
-- plain shard-local indexes, each query asking every shard (rare calls):
-- messages_id (007, the unsubscribe link names a message by id alone)
-- and imports_pending (009, the import worker's scan of queued imports of
-- any account; it then claims one by (account_id, id)).
-- Triggers: deal_epoch (003) only writes the same account's rows
-- (colocated shards); the users triggers (004, 006) go from a reference
-- table to distributed ones, which Citus does not run on reference tables:
-- on Citus those two updates move into the store's deletion of a user
-- (same transaction). Citus is not in Debian and is not tested here.
--
-- A restore (store_dump.c) loads rows as they were, with the triggers off
-- and the foreign keys checked at the commit, as on SQLite: here with SET
-- LOCAL rapport.restore = 'on', which every trigger function of these
-- migrations honours by doing nothing, and SET CONSTRAINTS ALL DEFERRED;
-- neither needs a superuser (session_replication_role does, and it skips
-- the foreign key checks altogether).

CREATE TABLE accounts (
  id             bytea PRIMARY KEY,
  name           text COLLATE "C" NOT NULL,
  default_region text COLLATE "C" NOT NULL DEFAULT 'US',
  settings_json  text COLLATE "C" NOT NULL DEFAULT '{}',
  created_at     bigint NOT NULL
);
CREATE INDEX accounts_name ON accounts (name, created_at);
CREATE INDEX accounts_created ON accounts (created_at, id);

CREATE TABLE users (
  account_id    bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id            bytea NOT NULL,
  version       bigint NOT NULL,
  email         text COLLATE "C" NOT NULL,            -- lower-cased; the login key
  name          text COLLATE "C",
  phone         text COLLATE "C",
  role          text COLLATE "C" NOT NULL,
  password_hash text COLLATE "C",
  created_at    bigint NOT NULL,
  updated_at    bigint NOT NULL,
  disabled_at   bigint,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_created ON users (account_id, created_at, id);

-- Login sessions and API tokens: only the hex hash of the secret.
CREATE TABLE tokens (
  account_id   bytea NOT NULL,
  id           bytea NOT NULL,
  user_id      bytea NOT NULL,
  kind         text COLLATE "C" NOT NULL,              -- 'session' | 'api'
  name         text COLLATE "C",
  hash         text COLLATE "C" NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint,
  last_used_at bigint,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) DEFERRABLE
);
CREATE UNIQUE INDEX tokens_hash ON tokens (hash);
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX tokens_user ON tokens (account_id, user_id);
CREATE INDEX tokens_kind ON tokens (account_id, kind, created_at);

-- The login rate limit lives in the database so several nodes share it.
CREATE TABLE login_failures (
  email text COLLATE "C" NOT NULL,
  at    bigint NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

CREATE TABLE contacts (
  seq                   bigint GENERATED BY DEFAULT AS IDENTITY, -- contacts_fts.seq
  account_id            bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id                    bytea NOT NULL,
  version               bigint NOT NULL,
  first_name            text COLLATE "C",
  last_name             text COLLATE "C",
  display_name          text COLLATE "C",
  name_key              text COLLATE "C" NOT NULL,         -- folded last name: sort key
  emails_json           text COLLATE "C" NOT NULL DEFAULT '[]',
  phones_json           text COLLATE "C" NOT NULL DEFAULT '[]',
  has_address           bigint NOT NULL DEFAULT 0,
  address_street        text COLLATE "C",
  address_city          text COLLATE "C",
  address_region        text COLLATE "C",
  address_postal_code   text COLLATE "C",
  address_country       text COLLATE "C",
  company               text COLLATE "C",
  website               text COLLATE "C",
  social_json           text COLLATE "C" NOT NULL DEFAULT '[]',
  birthday              text COLLATE "C",
  anniversary           text COLLATE "C",
  partner               text COLLATE "C",
  children              text COLLATE "C",
  pets                  text COLLATE "C",
  interests             text COLLATE "C",
  notes                 text COLLATE "C",
  custom_json           text COLLATE "C" NOT NULL DEFAULT '{}',
  status                text COLLATE "C" NOT NULL,
  stage                 text COLLATE "C" NOT NULL,
  category              text COLLATE "C" NOT NULL,
  type                  text COLLATE "C" NOT NULL,
  intent                text COLLATE "C" NOT NULL,
  timeframe             text COLLATE "C",
  budget                double precision,                  -- NULL: no budget
  tags_json             text COLLATE "C" NOT NULL DEFAULT '[]',
  source                text COLLATE "C",
  referred_by           bytea,
  referral_count        bigint NOT NULL DEFAULT 0,
  known_since           text COLLATE "C",
  last_purchase_date    text COLLATE "C",
  last_sale_date        text COLLATE "C",
  contact_interval_days bigint NOT NULL DEFAULT 0,
  sms_opt_out           bigint NOT NULL DEFAULT 0,
  email_opt_out         bigint NOT NULL DEFAULT 0,
  owner_id              bytea,
  score                 double precision NOT NULL DEFAULT 0,
  last_touch_at         bigint NOT NULL DEFAULT 0, -- 0: never
  overdue_at            bigint,                    -- NULL: never overdue
  created_at            bigint NOT NULL,
  updated_at            bigint NOT NULL,
  archived              bigint NOT NULL DEFAULT 0,
  archived_at           bigint,
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, seq),
  FOREIGN KEY (account_id, referred_by) REFERENCES contacts (account_id, id) DEFERRABLE,
  FOREIGN KEY (account_id, owner_id) REFERENCES users (account_id, id) DEFERRABLE
);
-- One index per sort of the contact list, so a page is an index walk; the
-- trailing columns let the walk check the usual filters (status, stage,
-- category, type, an agent's own contacts) without reading the rows.
CREATE INDEX contacts_created ON contacts
  (account_id, archived, created_at, id, status, stage, category, type, owner_id);
CREATE INDEX contacts_updated ON contacts
  (account_id, archived, updated_at, id, status, stage, category, type, owner_id);
CREATE INDEX contacts_name ON contacts
  (account_id, archived, name_key, id, status, stage, category, type, owner_id);
CREATE INDEX contacts_score ON contacts
  (account_id, archived, score, id, status, stage, category, type, owner_id);
CREATE INDEX contacts_touch ON contacts
  (account_id, archived, last_touch_at, id, status, stage, category, type, owner_id);
CREATE INDEX contacts_referred_by ON contacts (account_id, referred_by)
  WHERE referred_by IS NOT NULL;
CREATE INDEX contacts_owner ON contacts (account_id, owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX contacts_overdue ON contacts (account_id, archived, overdue_at)
  WHERE overdue_at IS NOT NULL;

CREATE TABLE contact_emails (
  account_id  bytea NOT NULL,
  contact_id  bytea NOT NULL,
  address_key text COLLATE "C" NOT NULL,                   -- lower-cased address
  PRIMARY KEY (account_id, contact_id, address_key),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
CREATE INDEX contact_emails_key ON contact_emails (account_id, address_key);

CREATE TABLE contact_phones (
  account_id bytea NOT NULL,
  contact_id bytea NOT NULL,
  number     text COLLATE "C" NOT NULL,                    -- E.164
  PRIMARY KEY (account_id, contact_id, number),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
CREATE INDEX contact_phones_number ON contact_phones (account_id, number);

CREATE TABLE contact_tags (
  account_id bytea NOT NULL,
  contact_id bytea NOT NULL,
  tag        text COLLATE "C" NOT NULL,
  PRIMARY KEY (account_id, contact_id, tag),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
CREATE INDEX contact_tags_tag ON contact_tags (account_id, tag, contact_id);

-- Full-text search (SQLite: the fts5 table contacts_fts, rowid =
-- contacts.seq). The store writes the same six columns per contact, keyed
-- by (account_id, seq); doc is their words for PostgreSQL's text search:
-- accents removed (unaccent, as unicode61 remove_diacritics), split on
-- the characters SQLite's tokenizer and the store's query parser
-- (store_contacts.c is_separator) treat as separators, so that "a@b.com"
-- is the words a, b, com on both engines, and lower-cased by the 'simple'
-- configuration (no stemming, no stop words). A query is the same words,
-- each through rp_unaccent, as prefixes: doc @@ to_tsquery('simple',
-- 'word:* & ...'); the GIN index serves it (prefix matching included).
--
-- unaccent is a trusted extension (PostgreSQL 13+): the database's owner
-- may create it. unaccent() itself is only STABLE (it reads its
-- dictionary), so an IMMUTABLE wrapper naming the dictionary is what a
-- generated column and an index may use. (The extension lives in public:
-- the wrapper names it there, whatever the search_path.)
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE FUNCTION rp_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
-- The words of a text: accents removed, separators turned into spaces
-- (the ranges of is_separator in store_contacts.c). Its search_path is
-- the one of this migration, so that the generated column computes the
-- same whatever the session's (pg_restore empties it).
CREATE FUNCTION rp_fts_words(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path FROM CURRENT
  AS $$ SELECT regexp_replace(rp_unaccent($1),
    '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u0080-\u00a9\u00ab-\u00b4\u00b6-\u00b9\u00bb-\u00bf\u00d7\u00f7\ufffd\u2000-\u206f\u20a0-\u20cf\u2190-\u2bff\u3000-\u303f\ufe00-\ufe0f\U0001f000-\U0001faff\uff00-\uff0f]+',
    ' ', 'g') $$;
CREATE TABLE contacts_fts (
  account_id bytea NOT NULL,
  seq        bigint NOT NULL,
  names      text COLLATE "C",
  emails     text COLLATE "C",
  phones     text COLLATE "C",
  company    text COLLATE "C",
  notes      text COLLATE "C",
  tags       text COLLATE "C",
  doc        tsvector GENERATED ALWAYS AS (to_tsvector('simple', rp_fts_words(
               coalesce(names, '') || ' ' || coalesce(emails, '') || ' ' ||
               coalesce(phones, '') || ' ' || coalesce(company, '') || ' ' ||
               coalesce(notes, '') || ' ' || coalesce(tags, '')))) STORED,
  PRIMARY KEY (account_id, seq)
);
CREATE INDEX contacts_fts_doc ON contacts_fts USING gin (doc);

CREATE TABLE activities (
  account_id  bytea NOT NULL,
  id          bytea NOT NULL,
  contact_id  bytea NOT NULL,
  version     bigint NOT NULL,
  kind        text COLLATE "C" NOT NULL,
  direction   text COLLATE "C" NOT NULL,
  occurred_at bigint NOT NULL,
  subject     text COLLATE "C",
  body        text COLLATE "C",
  duration_s  bigint,                         -- NULL: absent
  importance  text COLLATE "C" NOT NULL,
  source      text COLLATE "C",
  owner_id    bytea,                            -- who logged it (kept as history)
  two_way     bigint NOT NULL,                -- the core's verdict (SCORING.md)
  created_at  bigint NOT NULL,
  updated_at  bigint NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
CREATE INDEX activities_contact ON activities (account_id, contact_id, occurred_at, id);
-- kind rides along so that a kind filter is checked without reading rows
CREATE INDEX activities_time ON activities (account_id, occurred_at, id, kind);

-- Change history (DOMAIN.md M3): appended, never rewritten.
CREATE TABLE history (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY,
  account_id bytea NOT NULL,
  id         bytea NOT NULL,
  contact_id bytea NOT NULL,
  field      text COLLATE "C" NOT NULL,
  from_value text COLLATE "C",
  to_value   text COLLATE "C",
  rule       text COLLATE "C",
  actor      text COLLATE "C",
  at         bigint NOT NULL,
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, seq),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
CREATE INDEX history_contact ON history (account_id, contact_id, at, seq);
