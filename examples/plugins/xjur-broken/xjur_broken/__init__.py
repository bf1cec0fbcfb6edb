"""TEST FIXTURE — a deliberately broken xjur plug-in.

Importing this module raises, as a third-party plug-in with a bug would. ``xjur jurisdictions`` must report
the plug-in ``BROKEN`` by name and keep every other jurisdiction working (DESIGN.md, Contract 3: "a plug-in
that fails to load gives one clear error naming the plug-in and does not break the others").
"""
raise RuntimeError("xjur-broken is a deliberately broken test fixture: this module fails on import")
