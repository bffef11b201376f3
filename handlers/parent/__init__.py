"""What parents see: onboarding, menu, access, requests, consent, my requests."""
