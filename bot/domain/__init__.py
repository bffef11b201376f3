"""Rules stated without Telegram: cases, consent, verification, deadlines."""
