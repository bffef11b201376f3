"""A school's config (the register), roster import, invitations and letters."""
