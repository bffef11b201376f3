"""Privacyloket: privacy requests for parents at Dutch primary schools, over Telegram."""
