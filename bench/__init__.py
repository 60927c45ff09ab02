"""Benchmarks (dev-only): measurements of the shop, never imported by the domain apps.

Installed as a Django app only with the demo (``SHOP_DEMO``, on in development), because every
benchmark builds its scratch database with ``shop.demo``. Nothing here is shipped as a feature.
"""
