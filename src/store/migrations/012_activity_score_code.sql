-- 012_activity_score_code: an activity's kind, direction and importance
-- also as one small integer, score_code, which the activity index by
-- contact carries instead of the three texts (issue 5, docs/performance.md
-- "bench/score"). The full rescore reads every activity of the account
-- through that index (20,000,000 rows at 1,000,000 contacts); one integer
-- column instead of three text columns per row is less to decode and a
-- smaller index (1.6 GB -> 1.2 GB at that size), and the texts no longer
-- need mapping to the core's enums row by row.
--
-- score_code = kind + 16 * direction + 64 * importance, each the position
-- of the value in core/model.h's enum (rp_activity_kind, rp_direction,
-- rp_importance; an unknown text is the enum's _COUNT, which the score
-- counts for nothing). The store writes it with every activity
-- (store_activities.c, rp_activity_score_code); this UPDATE computes the
-- same for the rows already there (tested: test_store_score.c,
-- migration 012). A row written without it (a load behind rapport's back,
-- or on PostgreSQL an older rapport node still serving during a rolling
-- upgrade) has the default -1, and the triggers below compute it from the
-- texts; so does an edit of the texts that leaves the code as it was.
ALTER TABLE activities ADD COLUMN score_code INTEGER NOT NULL DEFAULT -1;

UPDATE activities SET score_code =
  (CASE kind WHEN 'email' THEN 0 WHEN 'sms' THEN 1 WHEN 'call' THEN 2 WHEN 'social' THEN 3
     WHEN 'meeting' THEN 4 WHEN 'visit' THEN 5 WHEN 'meal' THEN 6 WHEN 'party' THEN 7
     WHEN 'card' THEN 8 WHEN 'note' THEN 9 WHEN 'web' THEN 10 ELSE 11 END)
  + 16 * (CASE direction WHEN 'none' THEN 0 WHEN 'inbound' THEN 1 WHEN 'outbound' THEN 2
     ELSE 3 END)
  + 64 * (CASE importance WHEN 'normal' THEN 0 WHEN 'high' THEN 1 ELSE 2 END);

-- The score's columns (003_score.sql), the three texts replaced by the code.
DROP INDEX activities_contact;
CREATE INDEX activities_contact ON activities
  (account_id, contact_id, occurred_at, id, two_way, score_code, duration_s);

CREATE TRIGGER activities_score_code_insert AFTER INSERT ON activities
  WHEN new.score_code = -1 BEGIN
  UPDATE activities SET score_code =
    (CASE new.kind WHEN 'email' THEN 0 WHEN 'sms' THEN 1 WHEN 'call' THEN 2 WHEN 'social' THEN 3
       WHEN 'meeting' THEN 4 WHEN 'visit' THEN 5 WHEN 'meal' THEN 6 WHEN 'party' THEN 7
       WHEN 'card' THEN 8 WHEN 'note' THEN 9 WHEN 'web' THEN 10 ELSE 11 END)
    + 16 * (CASE new.direction WHEN 'none' THEN 0 WHEN 'inbound' THEN 1 WHEN 'outbound' THEN 2
       ELSE 3 END)
    + 64 * (CASE new.importance WHEN 'normal' THEN 0 WHEN 'high' THEN 1 ELSE 2 END)
    WHERE account_id = new.account_id AND id = new.id;
END;
CREATE TRIGGER activities_score_code_update AFTER UPDATE OF kind, direction, importance ON activities
  WHEN new.score_code = old.score_code AND (new.kind IS NOT old.kind
    OR new.direction IS NOT old.direction OR new.importance IS NOT old.importance) BEGIN
  UPDATE activities SET score_code =
    (CASE new.kind WHEN 'email' THEN 0 WHEN 'sms' THEN 1 WHEN 'call' THEN 2 WHEN 'social' THEN 3
       WHEN 'meeting' THEN 4 WHEN 'visit' THEN 5 WHEN 'meal' THEN 6 WHEN 'party' THEN 7
       WHEN 'card' THEN 8 WHEN 'note' THEN 9 WHEN 'web' THEN 10 ELSE 11 END)
    + 16 * (CASE new.direction WHEN 'none' THEN 0 WHEN 'inbound' THEN 1 WHEN 'outbound' THEN 2
       ELSE 3 END)
    + 64 * (CASE new.importance WHEN 'normal' THEN 0 WHEN 'high' THEN 1 ELSE 2 END)
    WHERE account_id = new.account_id AND id = new.id;
END;
