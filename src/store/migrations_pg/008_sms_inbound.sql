-- 008_sms_inbound: the inbound texts the SMS hook took (API.md
-- POST /api/v1/hooks/sms/{account_key}), by the provider's MessageSid, so a
-- webhook the provider retries is recorded once.
CREATE TABLE sms_inbound (
  account_id  bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  sid         text COLLATE "C" NOT NULL,
  contact_id  bytea NOT NULL,
  activity_id bytea,
  received_at bigint NOT NULL,
  PRIMARY KEY (account_id, sid)
);
