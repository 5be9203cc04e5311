"""Tools for people working on Promptfill (not part of the bot): render_story draws what members see."""
