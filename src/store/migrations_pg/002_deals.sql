-- 002_deals: listings, transactions and their parties (DOMAIN.md deals),
-- and the contact's status before L4 made it a client (L5 returns to it).

ALTER TABLE contacts ADD COLUMN status_before_client text COLLATE "C" NOT NULL DEFAULT 'none';

CREATE TABLE properties (
  account_id          bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id                  bytea NOT NULL,
  version             bigint NOT NULL,
  has_address         bigint NOT NULL DEFAULT 0,
  address_street      text COLLATE "C",
  address_city        text COLLATE "C",
  address_region      text COLLATE "C",
  address_postal_code text COLLATE "C",
  address_country     text COLLATE "C",
  mls_id              text COLLATE "C",
  status              text COLLATE "C" NOT NULL,
  list_price          double precision,
  close_price         double precision,
  commission          double precision,
  close_date          text COLLATE "C",
  created_at          bigint NOT NULL,
  updated_at          bigint NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX properties_created ON properties (account_id, created_at, id);

CREATE TABLE transactions (
  account_id  bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id          bytea NOT NULL,
  version     bigint NOT NULL,
  property_id bytea,
  status      text COLLATE "C" NOT NULL,
  price       double precision,
  commission  double precision,
  close_date  text COLLATE "C",
  created_at  bigint NOT NULL,
  updated_at  bigint NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX transactions_created ON transactions (account_id, created_at, id);
CREATE INDEX transactions_property ON transactions (account_id, property_id)
  WHERE property_id IS NOT NULL;

-- The contacts of a deal, in the order given, for both kinds of deal.
CREATE TABLE deal_parties (
  account_id bytea NOT NULL,
  deal_kind  text COLLATE "C" NOT NULL,   -- 'property' | 'transaction'
  deal_id    bytea NOT NULL,
  position   bigint NOT NULL,
  contact_id bytea NOT NULL,
  role       text COLLATE "C" NOT NULL,   -- buyer | seller | other
  PRIMARY KEY (account_id, deal_kind, deal_id, position),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
CREATE INDEX deal_parties_contact ON deal_parties (account_id, contact_id, deal_kind, deal_id);
