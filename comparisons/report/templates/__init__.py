"""Jinja2 templates and CSS of the HTML briefing (a package so that they ship inside the wheel)."""
