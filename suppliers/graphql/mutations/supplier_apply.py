from typing import Any

import graphene

from shop.graphql.core.mutations import BaseMutation
from shop.graphql.core.permissions import user_of
from shop.graphql.core.uploads import Upload
from suppliers.errors import SupplierErrorCode
from suppliers.graphql.enums import CertificationKindEnum, LinkageMechanismEnum, SupplierTypeEnum
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.portal_types import SupplierAccount
from suppliers.services.applications import (
    CertificationData,
    SupplierApplicationData,
    supplier_apply,
)


class SupplierCertificationInput(graphene.InputObjectType):
    kind = graphene.InputField(CertificationKindEnum, required=True)
    number = graphene.String(required=True, description="Certificate number.")
    title = graphene.String()
    issuer = graphene.String()
    valid_from = graphene.Date()
    valid_until = graphene.Date()
    document = graphene.InputField(Upload, description="A scan: PDF, JPEG, PNG or WebP (multipart request).")


class SupplierApplyInput(graphene.InputObjectType):
    legal_name = graphene.String(required=True)
    short_name = graphene.String()
    credit_code = graphene.String(required=True, description="Unified social credit code (18 characters).")
    supplier_type = graphene.InputField(SupplierTypeEnum, required=True)
    county = graphene.String(required=True, description="6-digit code of one of the three supply counties.")
    township = graphene.String(required=True, description="9-digit code of a township of the county.")
    village = graphene.String(description="12-digit code of a village of the township.")
    address = graphene.String()
    description = graphene.String()
    contact_name = graphene.String(required=True)
    contact_phone = graphene.String(required=True)
    contact_email = graphene.String()
    bank_name = graphene.String(required=True, description="Bank of the account for payouts.")
    bank_account_name = graphene.String(required=True)
    bank_account_number = graphene.String(required=True)
    linkage_mechanism = graphene.InputField(LinkageMechanismEnum, required=True)
    linkage_description = graphene.String(description="How registered poor households benefit.")
    poor_households = graphene.Int(description="Registered poor households supported (建档立卡贫困户).")
    license_document = graphene.InputField(Upload, description="Business licence: PDF, JPEG, PNG or WebP (multipart request).")
    certifications = graphene.List(graphene.NonNull(SupplierCertificationInput))
    applicant_email = graphene.String(description="E-mail of the account to create; not needed when logged in.")
    password = graphene.String(description="Password of the account to create; not needed when logged in.")


def _text(data: dict[str, Any], name: str) -> str:
    return data.get(name) or ""


class SupplierApply(BaseMutation):
    """Apply to join as a supplier (供应商入驻申请). Anyone may apply: logged in, the
    application belongs to the account; otherwise an account is created from
    `applicantEmail` and `password`, except when that address already has an account: the
    answer is then the same, and the address is e-mailed a link with which its holder, logged
    in, claims the application (so the API never tells which addresses have accounts). Send the documents with the GraphQL multipart request
    spec. The county's coordinators review the application first, then the platform."""

    supplier = graphene.Field(SupplierAccount, description="The application, status APPLIED.")

    class Arguments:
        input = SupplierApplyInput(required=True)

    class Meta:
        error_type = SupplierError
        error_codes = SupplierErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, input: dict[str, Any]) -> dict[str, Any]:
        data = SupplierApplicationData(
            legal_name=input["legal_name"], short_name=_text(input, "short_name"),
            credit_code=input["credit_code"], supplier_type=input["supplier_type"].value,
            county_code=input["county"], township_code=input["township"],
            village_code=_text(input, "village"), address=_text(input, "address"),
            description=_text(input, "description"), contact_name=input["contact_name"],
            contact_phone=input["contact_phone"], contact_email=_text(input, "contact_email"),
            bank_name=input["bank_name"], bank_account_name=input["bank_account_name"],
            bank_account_number=input["bank_account_number"],
            linkage_mechanism=input["linkage_mechanism"].value,
            linkage_description=_text(input, "linkage_description"),
            poor_households=input.get("poor_households") or 0,
        )
        certifications = [
            CertificationData(
                kind=cert["kind"].value, number=cert["number"], title=_text(cert, "title"),
                issuer=_text(cert, "issuer"), valid_from=cert.get("valid_from"),
                valid_until=cert.get("valid_until"), document=cert.get("document"),
            )
            for cert in input.get("certifications") or []
        ]
        user = user_of(info)
        supplier = supplier_apply(
            data=data, license_document=input.get("license_document"), certifications=certifications,
            applicant_email=_text(input, "applicant_email"), password=_text(input, "password"),
            user=user, actor=user,
        )
        return {"supplier": supplier}
