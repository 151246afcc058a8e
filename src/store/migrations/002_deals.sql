-- 002_deals: listings, transactions and their parties (DOMAIN.md deals),
-- and the contact's status before L4 made it a client (L5 returns to it).

ALTER TABLE contacts ADD COLUMN status_before_client TEXT NOT NULL DEFAULT 'none';

CREATE TABLE properties (
  account_id          BLOB NOT NULL REFERENCES accounts (id),
  id                  BLOB NOT NULL,
  version             INTEGER NOT NULL,
  has_address         INTEGER NOT NULL DEFAULT 0,
  address_street      TEXT,
  address_city        TEXT,
  address_region      TEXT,
  address_postal_code TEXT,
  address_country     TEXT,
  mls_id              TEXT,
  status              TEXT NOT NULL,
  list_price          REAL,
  close_price         REAL,
  commission          REAL,
  close_date          TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE INDEX properties_created ON properties (account_id, created_at, id);

CREATE TABLE transactions (
  account_id  BLOB NOT NULL REFERENCES accounts (id),
  id          BLOB NOT NULL,
  version     INTEGER NOT NULL,
  property_id BLOB,
  status      TEXT NOT NULL,
  price       REAL,
  commission  REAL,
  close_date  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE INDEX transactions_created ON transactions (account_id, created_at, id);
CREATE INDEX transactions_property ON transactions (account_id, property_id)
  WHERE property_id IS NOT NULL;

-- The contacts of a deal, in the order given, for both kinds of deal.
CREATE TABLE deal_parties (
  account_id BLOB NOT NULL,
  deal_kind  TEXT NOT NULL,   -- 'property' | 'transaction'
  deal_id    BLOB NOT NULL,
  position   INTEGER NOT NULL,
  contact_id BLOB NOT NULL,
  role       TEXT NOT NULL,   -- buyer | seller | other
  PRIMARY KEY (account_id, deal_kind, deal_id, position),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;
CREATE INDEX deal_parties_contact ON deal_parties (account_id, contact_id, deal_kind, deal_id);
