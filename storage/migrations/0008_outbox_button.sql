-- A notice can carry one button (for staff: open the request it is about). The label is
-- written in the recipient's language when the notice is queued; the callback data is
-- signed for the recipient when it is sent.
ALTER TABLE outbox ADD COLUMN button TEXT;
