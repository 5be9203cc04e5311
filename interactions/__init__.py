"""What every feature needs from an interaction, below both cogs/ and cogs/ui/: checks (the server, the
moderator rule, the viewer), sending (no pings, direct messages, channel posts) and refusals (one
sentence each)."""
