-- 001_init: the first schema of rapport.
--
-- Shaped to shard by account later (PostgreSQL/Citus): every table of an
-- account's data carries account_id, and account_id leads its keys and
-- indexes. The exceptions are global by nature: accounts itself, the login
-- key users.email, the token lookups by hash and id, and login_failures
-- (keyed by email). contacts and history keep an INTEGER seq as SQLite's
-- rowid (the full-text index maps to contacts.seq; history's gives the
-- order of rows written in the same second); their real key is
-- UNIQUE (account_id, id).
--
-- Ids are UUIDv7 stored as their 16 bytes (BLOB; a PostgreSQL uuid):
-- half the size of the text in every key, same order. Times are INTEGER
-- Unix seconds (NULL = absent); enums are their DOMAIN.md names as TEXT;
-- a contact's arrays are JSON text for reading back, with side tables
-- (emails, phones, tags) for filtering and duplicate matching.

CREATE TABLE accounts (
  id             BLOB PRIMARY KEY,
  name           TEXT NOT NULL,
  default_region TEXT NOT NULL DEFAULT 'US',
  settings_json  TEXT NOT NULL DEFAULT '{}',
  created_at     INTEGER NOT NULL
);
CREATE INDEX accounts_name ON accounts (name, created_at);
CREATE INDEX accounts_created ON accounts (created_at, id);

CREATE TABLE users (
  account_id    BLOB NOT NULL REFERENCES accounts (id),
  id            BLOB NOT NULL,
  version       INTEGER NOT NULL,
  email         TEXT NOT NULL,            -- lower-cased; the login key
  name          TEXT,
  phone         TEXT,
  role          TEXT NOT NULL,
  password_hash TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  disabled_at   INTEGER,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_created ON users (account_id, created_at, id);

-- Login sessions and API tokens: only the hex hash of the secret.
CREATE TABLE tokens (
  account_id   BLOB NOT NULL,
  id           BLOB NOT NULL,
  user_id      BLOB NOT NULL,
  kind         TEXT NOT NULL,              -- 'session' | 'api'
  name         TEXT,
  hash         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX tokens_hash ON tokens (hash);
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX tokens_user ON tokens (account_id, user_id);
CREATE INDEX tokens_kind ON tokens (account_id, kind, created_at);

-- The login rate limit lives in the database so several nodes share it.
CREATE TABLE login_failures (
  email TEXT NOT NULL,
  at    INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

CREATE TABLE contacts (
  seq                   INTEGER PRIMARY KEY,   -- rowid of contacts_fts
  account_id            BLOB NOT NULL REFERENCES accounts (id),
  id                    BLOB NOT NULL,
  version               INTEGER NOT NULL,
  first_name            TEXT,
  last_name             TEXT,
  display_name          TEXT,
  name_key              TEXT NOT NULL,         -- folded last name: sort key
  emails_json           TEXT NOT NULL DEFAULT '[]',
  phones_json           TEXT NOT NULL DEFAULT '[]',
  has_address           INTEGER NOT NULL DEFAULT 0,
  address_street        TEXT,
  address_city          TEXT,
  address_region        TEXT,
  address_postal_code   TEXT,
  address_country       TEXT,
  company               TEXT,
  website               TEXT,
  social_json           TEXT NOT NULL DEFAULT '[]',
  birthday              TEXT,
  anniversary           TEXT,
  partner               TEXT,
  children              TEXT,
  pets                  TEXT,
  interests             TEXT,
  notes                 TEXT,
  custom_json           TEXT NOT NULL DEFAULT '{}',
  status                TEXT NOT NULL,
  stage                 TEXT NOT NULL,
  category              TEXT NOT NULL,
  type                  TEXT NOT NULL,
  intent                TEXT NOT NULL,
  timeframe             TEXT,
  budget                REAL,                  -- NULL: no budget
  tags_json             TEXT NOT NULL DEFAULT '[]',
  source                TEXT,
  referred_by           BLOB,
  referral_count        INTEGER NOT NULL DEFAULT 0,
  known_since           TEXT,
  last_purchase_date    TEXT,
  last_sale_date        TEXT,
  contact_interval_days INTEGER NOT NULL DEFAULT 0,
  sms_opt_out           INTEGER NOT NULL DEFAULT 0,
  email_opt_out         INTEGER NOT NULL DEFAULT 0,
  owner_id              BLOB,
  score                 REAL NOT NULL DEFAULT 0,
  last_touch_at         INTEGER NOT NULL DEFAULT 0, -- 0: never
  overdue_at            INTEGER,                    -- NULL: never overdue
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  archived              INTEGER NOT NULL DEFAULT 0,
  archived_at           INTEGER,
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, referred_by) REFERENCES contacts (account_id, id),
  FOREIGN KEY (account_id, owner_id) REFERENCES users (account_id, id)
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
  account_id  BLOB NOT NULL,
  contact_id  BLOB NOT NULL,
  address_key TEXT NOT NULL,                   -- lower-cased address
  PRIMARY KEY (account_id, contact_id, address_key),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;
CREATE INDEX contact_emails_key ON contact_emails (account_id, address_key);

CREATE TABLE contact_phones (
  account_id BLOB NOT NULL,
  contact_id BLOB NOT NULL,
  number     TEXT NOT NULL,                    -- E.164
  PRIMARY KEY (account_id, contact_id, number),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;
CREATE INDEX contact_phones_number ON contact_phones (account_id, number);

CREATE TABLE contact_tags (
  account_id BLOB NOT NULL,
  contact_id BLOB NOT NULL,
  tag        TEXT NOT NULL,
  PRIMARY KEY (account_id, contact_id, tag),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;
CREATE INDEX contact_tags_tag ON contact_tags (account_id, tag, contact_id);

-- Full-text search; rowid = contacts.seq. Case- and accent-insensitive;
-- prefix indexes make the short prefixes of "as you type" cheap.
CREATE VIRTUAL TABLE contacts_fts USING fts5 (
  names, emails, phones, company, notes, tags,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '2 3'
);

CREATE TABLE activities (
  account_id  BLOB NOT NULL,
  id          BLOB NOT NULL,
  contact_id  BLOB NOT NULL,
  version     INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  direction   TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  subject     TEXT,
  body        TEXT,
  duration_s  INTEGER,                         -- NULL: absent
  importance  TEXT NOT NULL,
  source      TEXT,
  owner_id    BLOB,                            -- who logged it (kept as history)
  two_way     INTEGER NOT NULL,                -- the core's verdict (SCORING.md)
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;
CREATE INDEX activities_contact ON activities (account_id, contact_id, occurred_at, id);
-- kind rides along so that a kind filter is checked without reading rows
CREATE INDEX activities_time ON activities (account_id, occurred_at, id, kind);

-- Change history (DOMAIN.md M3): appended, never rewritten.
CREATE TABLE history (
  seq        INTEGER PRIMARY KEY,
  account_id BLOB NOT NULL,
  id         BLOB NOT NULL,
  contact_id BLOB NOT NULL,
  field      TEXT NOT NULL,
  from_value TEXT,
  to_value   TEXT,
  rule       TEXT,
  actor      TEXT,
  at         INTEGER NOT NULL,
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
);
CREATE INDEX history_contact ON history (account_id, contact_id, at, seq);
