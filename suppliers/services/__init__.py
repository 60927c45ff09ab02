"""Write actions of the suppliers app, one module per area. Import each name from its module
(``from suppliers.services.status import supplier_approve``): this package re-exports nothing.

- status.py        the status pipeline: recommend, approve, reject, suspend, reinstate
- applications.py  a supplier applies to join (供应商入驻申请)
- names.py         renames (the catalog's search text follows, by task name)
"""
