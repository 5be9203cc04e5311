"""Rendering and the interactive pieces features share: embeds, the paginator, the Claim button, prompt posts.
Imports interactions/ and db/, never cogs/."""
