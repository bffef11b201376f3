"""Keys, encryption, invitation codes and the audit chain."""
