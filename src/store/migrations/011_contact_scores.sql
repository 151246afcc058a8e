-- 011_contact_scores: the kept score moves out of the contacts table into a
-- narrow table of its own (issue 5, docs/performance.md "bench/score"), so
-- that a full rescore that moves every score (a change of the scoring
-- settings) rewrites these short rows and their one index instead of
-- every wide contact row and its index by score.
--
-- One row per contact, kept by the triggers below whoever writes the
-- contact (the store, the import, a load behind rapport's back); the
-- store writes the score. The columns the contact list filters on
-- (archived, status, stage, category, type, owner_id) are copied here so
-- that a page by score is a walk of contact_scores_score that checks the
-- usual filters without reading contact rows, as contacts_score did, and
-- reads the row of a match by its seq (one seek, as from contacts_score).
-- seq is the contact's contacts.seq (a row number of this database: the
-- backup leaves it out and the restore sets it again).
CREATE TABLE contact_scores (
  account_id BLOB NOT NULL,
  contact_id BLOB NOT NULL,
  seq        INTEGER NOT NULL DEFAULT 0,
  score      REAL NOT NULL DEFAULT 0,
  archived   INTEGER NOT NULL DEFAULT 0,
  status     TEXT NOT NULL,
  stage      TEXT NOT NULL,
  category   TEXT NOT NULL,
  type       TEXT NOT NULL,
  owner_id   BLOB,
  PRIMARY KEY (account_id, contact_id)
) WITHOUT ROWID;

INSERT INTO contact_scores
  (account_id, contact_id, seq, score, archived, status, stage, category, type, owner_id)
  SELECT account_id, id, seq, score, archived, status, stage, category, type, owner_id
  FROM contacts ORDER BY account_id, id;

-- The contact list by score (and score ranges), as contacts_score was.
CREATE INDEX contact_scores_score ON contact_scores
  (account_id, archived, score, contact_id, status, stage, category, type, owner_id, seq);

CREATE TRIGGER contacts_scores_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contact_scores
    (account_id, contact_id, seq, score, archived, status, stage, category, type, owner_id)
    VALUES (new.account_id, new.id, new.seq, 0, new.archived, new.status, new.stage,
            new.category, new.type, new.owner_id);
END;
CREATE TRIGGER contacts_scores_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contact_scores WHERE account_id = old.account_id AND contact_id = old.id;
END;
CREATE TRIGGER contacts_scores_update
  AFTER UPDATE OF archived, status, stage, category, type, owner_id ON contacts
  WHEN old.archived IS NOT new.archived OR old.status IS NOT new.status
    OR old.stage IS NOT new.stage OR old.category IS NOT new.category
    OR old.type IS NOT new.type OR old.owner_id IS NOT new.owner_id BEGIN
  UPDATE contact_scores SET archived = new.archived, status = new.status, stage = new.stage,
    category = new.category, type = new.type, owner_id = new.owner_id
    WHERE account_id = new.account_id AND contact_id = new.id;
END;

DROP INDEX contacts_score;
ALTER TABLE contacts DROP COLUMN score;
