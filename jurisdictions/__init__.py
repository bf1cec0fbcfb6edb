"""xjur jurisdictions: the plug-in contract (``jurisdictions.framework``) and the built-in markets.

No jurisdiction imports another, and none imports ``comparisons``.
"""
