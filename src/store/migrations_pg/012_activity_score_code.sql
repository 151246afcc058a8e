-- 012_activity_score_code (PostgreSQL): the activity's kind, direction and
-- importance also as one small integer that the activity index by contact
-- carries instead of the three texts, as migrations/012_activity_score_code.sql
-- says (issue 5): score_code = kind + 16 * direction + 64 * importance, each
-- the position of the value in core/model.h's enum (an unknown text: the
-- enum's _COUNT); the store writes it with every activity. A row written
-- without it (an older rapport node still serving during a rolling
-- upgrade, docs/operations.md, or a load behind rapport's back) and an
-- edit of the texts that leaves the code as it was get it from the
-- texts (the triggers below; nothing during a restore, which writes the
-- dump's codes).
ALTER TABLE activities ADD COLUMN score_code bigint NOT NULL DEFAULT -1;

-- The code of three texts, as the store's rp_activity_score_code.
CREATE FUNCTION rp_activity_score_code(kind text, direction text, importance text)
  RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE kind WHEN 'email' THEN 0 WHEN 'sms' THEN 1 WHEN 'call' THEN 2 WHEN 'social' THEN 3
       WHEN 'meeting' THEN 4 WHEN 'visit' THEN 5 WHEN 'meal' THEN 6 WHEN 'party' THEN 7
       WHEN 'card' THEN 8 WHEN 'note' THEN 9 WHEN 'web' THEN 10 ELSE 11 END)
    + 16 * (CASE direction WHEN 'none' THEN 0 WHEN 'inbound' THEN 1 WHEN 'outbound' THEN 2
       ELSE 3 END)
    + 64 * (CASE importance WHEN 'normal' THEN 0 WHEN 'high' THEN 1 ELSE 2 END)
$$;

UPDATE activities SET score_code = rp_activity_score_code(kind, direction, importance);

-- The score's columns (003_score.sql), the three texts replaced by the code.
DROP INDEX activities_contact;
CREATE INDEX activities_contact ON activities
  (account_id, contact_id, occurred_at, id, two_way, score_code, duration_s);

CREATE FUNCTION rp_activities_score_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NEW; END IF;
  NEW.score_code := rp_activity_score_code(NEW.kind, NEW.direction, NEW.importance);
  RETURN NEW;
END $$;
CREATE TRIGGER activities_score_code_insert BEFORE INSERT ON activities
  FOR EACH ROW WHEN (NEW.score_code = -1) EXECUTE FUNCTION rp_activities_score_code();
CREATE TRIGGER activities_score_code_update
  BEFORE UPDATE OF kind, direction, importance ON activities
  FOR EACH ROW
  WHEN (NEW.score_code = OLD.score_code AND (NEW.kind IS DISTINCT FROM OLD.kind
    OR NEW.direction IS DISTINCT FROM OLD.direction OR NEW.importance IS DISTINCT FROM OLD.importance))
  EXECUTE FUNCTION rp_activities_score_code();
