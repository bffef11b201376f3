"""``privacyloket demo``: the whole school on one computer, without Telegram.

The real bot (bot.app) polls the Bot API emulator (bot.emulator) over local HTTP; a page
served beside it shows four people's chats. See bot.demo.run.
"""
