-- 003_score: what the score keeps (SCORING.md): the activity index the
-- score streams, score history, the daily job's stats and claims, alerts
-- (DOMAIN.md A2-A4), the rFactor's calibration and monthly history, and
-- the indexes the revenue and referral facts read on every write.
--
-- As in 001: account_id leads every key and index; ids are 16-byte BLOBs;
-- times INTEGER Unix seconds (NULL = absent); days are day numbers (days
-- since 1970-01-01 of the local date in the account's timezone).

-- The activity index by contact carries every column the score reads, so
-- one contact's history is one sequential range of this index and the full
-- rescore never touches the table (EXPLAIN: USING COVERING INDEX).
DROP INDEX activities_contact;
CREATE INDEX activities_contact ON activities
  (account_id, contact_id, occurred_at, id, two_way, kind, direction, importance, duration_s);

-- The change history of a scan with history (the lifecycle fields at a
-- past T) from the index alone, in the order rp_store_history_list gives.
DROP INDEX history_contact;
CREATE INDEX history_contact ON history
  (account_id, contact_id, at, seq, field, from_value, to_value);

-- Referrals at a past moment (C1 as of T) and the referral edges of a full
-- scan, from the index alone; archived rides along for the live recount.
DROP INDEX contacts_referred_by;
CREATE INDEX contacts_referred_by ON contacts
  (account_id, referred_by, archived, created_at, archived_at, id)
  WHERE referred_by IS NOT NULL;

-- Closed deals by close date (revenue, rFactor commissions).
CREATE INDEX properties_closed ON properties (account_id, close_date, commission, id)
  WHERE status = 'closed';
CREATE INDEX transactions_closed ON transactions
  (account_id, close_date, commission, id, property_id)
  WHERE status = 'closed';

-- The dashboard's pipeline: open deals and their value.
CREATE INDEX properties_open ON properties (account_id, id, list_price)
  WHERE status IN ('pre_listing', 'active', 'pending');
CREATE INDEX transactions_open ON transactions (account_id, property_id, price)
  WHERE status IN ('pending', 'contingency', 'clear_to_close');

-- A token that changes on every write of the account's deals (random, so
-- that a rolled-back write never brings back a value a cache saw): the
-- store keeps the account's revenue by date per connection and rebuilds
-- it when the token moved. (An UPDATE then an INSERT, not INSERT OR
-- REPLACE: the conflict clause of a statement firing a trigger would
-- override the trigger's.)
CREATE TABLE deal_epoch (
  account_id BLOB PRIMARY KEY,
  token      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER properties_epoch_insert AFTER INSERT ON properties BEGIN
  UPDATE deal_epoch SET token = random() WHERE account_id = new.account_id;
  INSERT INTO deal_epoch (account_id, token) SELECT new.account_id, random()
    WHERE NOT EXISTS (SELECT 1 FROM deal_epoch WHERE account_id = new.account_id);
END;
CREATE TRIGGER properties_epoch_delete AFTER DELETE ON properties BEGIN
  UPDATE deal_epoch SET token = random() WHERE account_id = old.account_id;
  INSERT INTO deal_epoch (account_id, token) SELECT old.account_id, random()
    WHERE NOT EXISTS (SELECT 1 FROM deal_epoch WHERE account_id = old.account_id);
END;
CREATE TRIGGER properties_epoch_update AFTER UPDATE ON properties
  WHEN old.status IS NOT new.status OR old.commission IS NOT new.commission
    OR old.close_date IS NOT new.close_date OR old.account_id IS NOT new.account_id BEGIN
  UPDATE deal_epoch SET token = random() WHERE account_id = new.account_id;
  INSERT INTO deal_epoch (account_id, token) SELECT new.account_id, random()
    WHERE NOT EXISTS (SELECT 1 FROM deal_epoch WHERE account_id = new.account_id);
END;
CREATE TRIGGER transactions_epoch_insert AFTER INSERT ON transactions BEGIN
  UPDATE deal_epoch SET token = random() WHERE account_id = new.account_id;
  INSERT INTO deal_epoch (account_id, token) SELECT new.account_id, random()
    WHERE NOT EXISTS (SELECT 1 FROM deal_epoch WHERE account_id = new.account_id);
END;
CREATE TRIGGER transactions_epoch_delete AFTER DELETE ON transactions BEGIN
  UPDATE deal_epoch SET token = random() WHERE account_id = old.account_id;
  INSERT INTO deal_epoch (account_id, token) SELECT old.account_id, random()
    WHERE NOT EXISTS (SELECT 1 FROM deal_epoch WHERE account_id = old.account_id);
END;
CREATE TRIGGER transactions_epoch_update AFTER UPDATE ON transactions
  WHEN old.status IS NOT new.status OR old.commission IS NOT new.commission
    OR old.close_date IS NOT new.close_date OR old.property_id IS NOT new.property_id
    OR old.account_id IS NOT new.account_id BEGIN
  UPDATE deal_epoch SET token = random() WHERE account_id = new.account_id;
  INSERT INTO deal_epoch (account_id, token) SELECT new.account_id, random()
    WHERE NOT EXISTS (SELECT 1 FROM deal_epoch WHERE account_id = new.account_id);
END;

-- Score history: the change points of a contact's daily score (a day
-- without a row has the score of the latest row before it).
CREATE TABLE score_history (
  account_id BLOB NOT NULL,
  contact_id BLOB NOT NULL,
  day        INTEGER NOT NULL,
  score      REAL NOT NULL,
  PRIMARY KEY (account_id, contact_id, day),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;

-- What one run of the daily job found: stage averages (mean and count per
-- stage) and the A3 mid-range.
CREATE TABLE daily_stats (
  account_id    BLOB NOT NULL REFERENCES accounts (id),
  day           INTEGER NOT NULL,
  as_of         INTEGER NOT NULL,
  none_mean     REAL NOT NULL,
  none_count    INTEGER NOT NULL,
  aware_mean    REAL NOT NULL,
  aware_count   INTEGER NOT NULL,
  know_mean     REAL NOT NULL,
  know_count    INTEGER NOT NULL,
  like_mean     REAL NOT NULL,
  like_count    INTEGER NOT NULL,
  trust_mean    REAL NOT NULL,
  trust_count   INTEGER NOT NULL,
  mid_low       REAL NOT NULL,
  mid_high      REAL NOT NULL,
  mid_basis     INTEGER NOT NULL,
  mid_from_data INTEGER NOT NULL,
  PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

-- The daily job of a day runs once per account, whatever the number of
-- processes: the first to insert the row runs it.
CREATE TABLE daily_claims (
  account_id BLOB NOT NULL REFERENCES accounts (id),
  day        INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

-- Reach-out alerts (A2 trend_rising / trend_falling, A3 press, A4
-- overdue). Open: neither cleared nor dismissed.
CREATE TABLE alerts (
  account_id   BLOB NOT NULL,
  id           BLOB NOT NULL,
  contact_id   BLOB NOT NULL,
  reason       TEXT NOT NULL,
  detail       TEXT,
  day          INTEGER NOT NULL,
  raised_at    INTEGER NOT NULL,
  cleared_at   INTEGER,
  dismissed_at INTEGER,
  urgency      REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
) WITHOUT ROWID;
-- the reach-out list: open alerts, most urgent first
CREATE INDEX alerts_open ON alerts (account_id, urgency DESC, raised_at DESC, id)
  WHERE cleared_at IS NULL AND dismissed_at IS NULL;
-- a contact's alerts by reason (the last one, clearing), and the open ones
-- of the account by contact (the daily job)
CREATE INDEX alerts_contact ON alerts (account_id, contact_id, reason, raised_at, id);
CREATE INDEX alerts_open_contact ON alerts (account_id, contact_id, reason)
  WHERE cleared_at IS NULL AND dismissed_at IS NULL;

-- rFactor calibration counts of a month-end (n_b contacts scored in band b,
-- k_b of them with a deal closed in the 12 months after), cached by the
-- daily job.
CREATE TABLE rfactor_calibration (
  account_id   BLOB NOT NULL REFERENCES accounts (id),
  month_end    INTEGER NOT NULL,
  n0 INTEGER NOT NULL, n1 INTEGER NOT NULL, n2 INTEGER NOT NULL, n3 INTEGER NOT NULL,
  n4 INTEGER NOT NULL, n5 INTEGER NOT NULL, n6 INTEGER NOT NULL, n7 INTEGER NOT NULL,
  n8 INTEGER NOT NULL, n9 INTEGER NOT NULL,
  k0 INTEGER NOT NULL, k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, k3 INTEGER NOT NULL,
  k4 INTEGER NOT NULL, k5 INTEGER NOT NULL, k6 INTEGER NOT NULL, k7 INTEGER NOT NULL,
  k8 INTEGER NOT NULL, k9 INTEGER NOT NULL,
  closed_deals INTEGER NOT NULL,
  computed_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, month_end)
) WITHOUT ROWID;

-- The rFactor of each month ('YYYY-MM'), as of the run that kept it.
CREATE TABLE rfactor_history (
  account_id              BLOB NOT NULL REFERENCES accounts (id),
  month                   TEXT NOT NULL,
  as_of                   INTEGER NOT NULL,
  rfactor                 REAL NOT NULL,
  eligible_contacts       INTEGER NOT NULL,
  predicted_transactions  REAL NOT NULL,
  interval_lo             REAL NOT NULL,
  interval_hi             REAL NOT NULL,
  mean_commission         REAL NOT NULL,
  commission_deals        INTEGER NOT NULL,
  default_commission_used INTEGER NOT NULL,
  predicted_revenue       REAL NOT NULL,
  revenue_lo              REAL NOT NULL,
  revenue_hi              REAL NOT NULL,
  valuation               REAL NOT NULL,
  calibrated              INTEGER NOT NULL,
  PRIMARY KEY (account_id, month)
) WITHOUT ROWID;
