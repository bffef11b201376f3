-- Lifting a granted restriction (AVG art. 18(3)) is its own step: the parent is told the
-- date it ends and why, before it ends. The reason is encrypted like the other messages
-- to the parent, and forgotten with them.
ALTER TABLE cases ADD COLUMN lifted_on TEXT;
ALTER TABLE cases ADD COLUMN lift_message BLOB;
