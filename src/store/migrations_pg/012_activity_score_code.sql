-- 012_activity_score_code (PostgreSQL): the activity's kind, direction and
-- importance also as one small integer that the activity index by contact
-- carries instead of the three texts, as migrations/012_activity_score_code.sql
-- says (issue 5): score_code = kind + 16 * direction + 64 * importance, each
-- the position of the value in core/model.h's enum (an unknown text: the
-- enum's _COUNT); the store writes it with every activity; -1 (the default)
-- decodes as unknown.
ALTER TABLE activities ADD COLUMN score_code bigint NOT NULL DEFAULT -1;

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
