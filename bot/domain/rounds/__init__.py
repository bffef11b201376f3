"""Consent rounds: the school asks every guardian, per child and purpose, and follows up.

- ``model``: what a round, a draft and an answer are; the button actions; why something
  is refused.
- ``audience``: who a round asks, and who it can reach in the bot.
- ``starting``: the director's (or privacy officer's) draft, its preview and Start.
- ``answering``: a guardian's answer through the round's buttons.
- ``follow_up``: joining later, leaving the roster, reminders and closing, run by
  ``bot.jobs.rounds``.
- ``views``: the round screen, its CSV, the privacy officer's counts, the digest's line.
- ``paper``: answers on paper, recorded by staff, and the letters' contents.
"""
