"""Write actions on the catalog: ``listings`` (products and variants), ``images``,
``review`` (status, staff review and price monitoring), ``search`` (precomputed search
text) and ``stats`` (the sales and rating counters, written for the orders app). Import from the module itself, e.g. ``from catalog.services.listings import
product_create``."""
