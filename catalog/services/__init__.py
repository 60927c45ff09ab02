"""Write actions on the catalog: ``listings`` (products and variants), ``images``,
``review`` (status, staff review and price monitoring) and ``search`` (precomputed search
text). Import from the module itself, e.g. ``from catalog.services.listings import
product_create``."""
