"""Supplier mutations, one per file, each wrapping one service."""

import graphene

from suppliers.graphql.mutations.supplier_apply import SupplierApply
from suppliers.graphql.mutations.supplier_approve import SupplierApprove
from suppliers.graphql.mutations.supplier_recommend import SupplierRecommend
from suppliers.graphql.mutations.supplier_reinstate import SupplierReinstate
from suppliers.graphql.mutations.supplier_reject import SupplierReject
from suppliers.graphql.mutations.supplier_suspend import SupplierSuspend


class SupplierMutations(graphene.ObjectType):
    supplier_apply = SupplierApply.Field()
    # County coordinators of the applicant's county, or staff.
    supplier_recommend = SupplierRecommend.Field()
    supplier_reject = SupplierReject.Field()
    # Platform staff.
    supplier_approve = SupplierApprove.Field()
    supplier_suspend = SupplierSuspend.Field()
    supplier_reinstate = SupplierReinstate.Field()
