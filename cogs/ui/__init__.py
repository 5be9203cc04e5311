"""Views, modals and embeds shared by more than one cog."""
