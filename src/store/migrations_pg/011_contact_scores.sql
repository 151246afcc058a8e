-- 011_contact_scores (PostgreSQL): the kept score moves out of the contacts
-- table into a narrow table of its own, as migrations/011_contact_scores.sql
-- says (issue 5, docs/performance.md "bench/score"): the same columns,
-- index and trigger effects, here as PL/pgSQL trigger functions that do
-- nothing during a restore (rapport.restore, 001_init.sql), which brings
-- the rows of this table itself. seq is the contact's contacts.seq.
CREATE TABLE contact_scores (
  account_id bytea NOT NULL,
  contact_id bytea NOT NULL,
  seq        bigint NOT NULL DEFAULT 0,
  score      double precision NOT NULL DEFAULT 0,
  archived   bigint NOT NULL DEFAULT 0,
  status     text COLLATE "C" NOT NULL,
  stage      text COLLATE "C" NOT NULL,
  category   text COLLATE "C" NOT NULL,
  type       text COLLATE "C" NOT NULL,
  owner_id   bytea,
  PRIMARY KEY (account_id, contact_id)
);

INSERT INTO contact_scores
  (account_id, contact_id, seq, score, archived, status, stage, category, type, owner_id)
  SELECT account_id, id, seq, score, archived, status, stage, category, type, owner_id
  FROM contacts ORDER BY account_id, id;

-- The contact list by score (and score ranges), as contacts_score was.
CREATE INDEX contact_scores_score ON contact_scores
  (account_id, archived, score, contact_id, status, stage, category, type, owner_id, seq);

CREATE FUNCTION rp_contact_scores_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO contact_scores
    (account_id, contact_id, seq, score, archived, status, stage, category, type, owner_id)
    VALUES (NEW.account_id, NEW.id, NEW.seq, 0, NEW.archived, NEW.status, NEW.stage,
            NEW.category, NEW.type, NEW.owner_id);
  RETURN NULL;
END $$;
CREATE TRIGGER contacts_scores_insert AFTER INSERT ON contacts
  FOR EACH ROW EXECUTE FUNCTION rp_contact_scores_insert();

CREATE FUNCTION rp_contact_scores_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  DELETE FROM contact_scores WHERE account_id = OLD.account_id AND contact_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER contacts_scores_delete AFTER DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION rp_contact_scores_delete();

CREATE FUNCTION rp_contact_scores_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  UPDATE contact_scores SET archived = NEW.archived, status = NEW.status, stage = NEW.stage,
    category = NEW.category, type = NEW.type, owner_id = NEW.owner_id
    WHERE account_id = NEW.account_id AND contact_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER contacts_scores_update
  AFTER UPDATE OF archived, status, stage, category, type, owner_id ON contacts
  FOR EACH ROW
  WHEN (OLD.archived IS DISTINCT FROM NEW.archived OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.stage IS DISTINCT FROM NEW.stage OR OLD.category IS DISTINCT FROM NEW.category
    OR OLD.type IS DISTINCT FROM NEW.type OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
  EXECUTE FUNCTION rp_contact_scores_update();

DROP INDEX contacts_score;
ALTER TABLE contacts DROP COLUMN score;
