-- 003_score: what the score keeps (SCORING.md): the activity index the
-- score streams, score history, the daily job's stats and claims, alerts
-- (DOMAIN.md A2-A4), the rFactor's calibration and monthly history, and
-- the indexes the revenue and referral facts read on every write.
--
-- As in 001: account_id leads every key and index; ids are 16-byte bytea;
-- times bigint Unix seconds (NULL = absent); days are day numbers (days
-- since 1970-01-01 of the local date in the account's timezone).

-- The activity index by contact carries every column the score reads, so
-- one contact's history is one sequential range of this index and the full
-- rescore never touches the table (SQLite: USING COVERING INDEX;
-- PostgreSQL: an index-only scan where the visibility map allows).
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
-- it when the token moved. The triggers of SQLite (an UPDATE then an
-- INSERT) are one upsert here, which two concurrent writers of the same
-- account cannot both insert.
CREATE TABLE deal_epoch (
  account_id bytea PRIMARY KEY,
  token      bigint NOT NULL
);
-- A random 64-bit integer (SQLite's random()): the first 8 bytes of a
-- version 4 UUID, from the server's strong random source.
CREATE FUNCTION rp_random_bigint() RETURNS bigint
  LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$ SELECT ('x' || encode(substr(uuid_send(gen_random_uuid()), 1, 8), 'hex'))::bit(64)::bigint $$;
CREATE FUNCTION rp_deal_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO deal_epoch (account_id, token)
    VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END,
            rp_random_bigint())
    ON CONFLICT (account_id) DO UPDATE SET token = excluded.token;
  RETURN NULL;
END $$;
CREATE TRIGGER properties_epoch_insert AFTER INSERT ON properties
  FOR EACH ROW EXECUTE FUNCTION rp_deal_epoch_bump();
CREATE TRIGGER properties_epoch_delete AFTER DELETE ON properties
  FOR EACH ROW EXECUTE FUNCTION rp_deal_epoch_bump();
CREATE TRIGGER properties_epoch_update AFTER UPDATE ON properties
  FOR EACH ROW WHEN (old.status IS DISTINCT FROM new.status
    OR old.commission IS DISTINCT FROM new.commission
    OR old.close_date IS DISTINCT FROM new.close_date
    OR old.account_id IS DISTINCT FROM new.account_id)
  EXECUTE FUNCTION rp_deal_epoch_bump();
CREATE TRIGGER transactions_epoch_insert AFTER INSERT ON transactions
  FOR EACH ROW EXECUTE FUNCTION rp_deal_epoch_bump();
CREATE TRIGGER transactions_epoch_delete AFTER DELETE ON transactions
  FOR EACH ROW EXECUTE FUNCTION rp_deal_epoch_bump();
CREATE TRIGGER transactions_epoch_update AFTER UPDATE ON transactions
  FOR EACH ROW WHEN (old.status IS DISTINCT FROM new.status
    OR old.commission IS DISTINCT FROM new.commission
    OR old.close_date IS DISTINCT FROM new.close_date
    OR old.property_id IS DISTINCT FROM new.property_id
    OR old.account_id IS DISTINCT FROM new.account_id)
  EXECUTE FUNCTION rp_deal_epoch_bump();

-- Score history: the change points of a contact's daily score (a day
-- without a row has the score of the latest row before it).
CREATE TABLE score_history (
  account_id bytea NOT NULL,
  contact_id bytea NOT NULL,
  day        bigint NOT NULL,
  score      double precision NOT NULL,
  PRIMARY KEY (account_id, contact_id, day),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);

-- What one run of the daily job found: stage averages (mean and count per
-- stage) and the A3 mid-range.
CREATE TABLE daily_stats (
  account_id    bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  day           bigint NOT NULL,
  as_of         bigint NOT NULL,
  none_mean     double precision NOT NULL,
  none_count    bigint NOT NULL,
  aware_mean    double precision NOT NULL,
  aware_count   bigint NOT NULL,
  know_mean     double precision NOT NULL,
  know_count    bigint NOT NULL,
  like_mean     double precision NOT NULL,
  like_count    bigint NOT NULL,
  trust_mean    double precision NOT NULL,
  trust_count   bigint NOT NULL,
  mid_low       double precision NOT NULL,
  mid_high      double precision NOT NULL,
  mid_basis     bigint NOT NULL,
  mid_from_data bigint NOT NULL,
  PRIMARY KEY (account_id, day)
);

-- The daily job of a day runs once per account, whatever the number of
-- processes: the first to insert the row runs it.
CREATE TABLE daily_claims (
  account_id bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  day        bigint NOT NULL,
  claimed_at bigint NOT NULL,
  PRIMARY KEY (account_id, day)
);

-- Reach-out alerts (A2 trend_rising / trend_falling, A3 press, A4
-- overdue). Open: neither cleared nor dismissed.
CREATE TABLE alerts (
  account_id   bytea NOT NULL,
  id           bytea NOT NULL,
  contact_id   bytea NOT NULL,
  reason       text COLLATE "C" NOT NULL,
  detail       text COLLATE "C",
  day          bigint NOT NULL,
  raised_at    bigint NOT NULL,
  cleared_at   bigint,
  dismissed_at bigint,
  urgency      double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) DEFERRABLE
);
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
  account_id   bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  month_end    bigint NOT NULL,
  n0 bigint NOT NULL, n1 bigint NOT NULL, n2 bigint NOT NULL, n3 bigint NOT NULL,
  n4 bigint NOT NULL, n5 bigint NOT NULL, n6 bigint NOT NULL, n7 bigint NOT NULL,
  n8 bigint NOT NULL, n9 bigint NOT NULL,
  k0 bigint NOT NULL, k1 bigint NOT NULL, k2 bigint NOT NULL, k3 bigint NOT NULL,
  k4 bigint NOT NULL, k5 bigint NOT NULL, k6 bigint NOT NULL, k7 bigint NOT NULL,
  k8 bigint NOT NULL, k9 bigint NOT NULL,
  closed_deals bigint NOT NULL,
  computed_at  bigint NOT NULL,
  PRIMARY KEY (account_id, month_end)
);

-- The rFactor of each month ('YYYY-MM'), as of the run that kept it.
CREATE TABLE rfactor_history (
  account_id              bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  month                   text COLLATE "C" NOT NULL,
  as_of                   bigint NOT NULL,
  rfactor                 double precision NOT NULL,
  eligible_contacts       bigint NOT NULL,
  predicted_transactions  double precision NOT NULL,
  interval_lo             double precision NOT NULL,
  interval_hi             double precision NOT NULL,
  mean_commission         double precision NOT NULL,
  commission_deals        bigint NOT NULL,
  default_commission_used bigint NOT NULL,
  predicted_revenue       double precision NOT NULL,
  revenue_lo              double precision NOT NULL,
  revenue_hi              double precision NOT NULL,
  valuation               double precision NOT NULL,
  calibrated              bigint NOT NULL,
  PRIMARY KEY (account_id, month)
);
