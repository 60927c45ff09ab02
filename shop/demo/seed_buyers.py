"""Writing the planned buyer side, the campaigns with the offline records, and the logins.

Organizations and campaigns are initial inserts with the ORM (no service owns them yet); the
offline records go through the maker–checker services. Each is looked up first (slug, or the
campaign and note of the offline records), so running the seed again adds nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from orders.models import Campaign, FundingChannel, OfflineRecord
from orders.services.offline import offline_record_approve, offline_record_create
from shop.accounts.models import (
    BuyerOrganization,
    DeliveryAddress,
    MemberRole,
    Membership,
    OrganizationStatus,
    User,
)
from shop.common.money import fen_to_yuan
from shop.demo import data_buyers as D
from shop.demo.data import COUNTIES, COUNTY_SLUGS
from shop.demo.plan_rows import OrgPlan
from shop.demo.seed_catalog import checked
from shop.regions.models import Region
from suppliers.models import CountyCoordinator, Supplier, SupplierMember, SupplierRole

OPERATOR_GROUP = "Platform operators"
OPERATOR_APPS = ("accounts", "suppliers", "catalog", "orders", "regions")


def seed_organizations(plans: tuple[OrgPlan, ...]) -> tuple[dict[str, BuyerOrganization], int]:
    found = BuyerOrganization.objects.filter(
        Q(slug__in=[p.slug for p in plans]) | Q(name__in=[p.name for p in plans])
    )
    by_slug = {o.slug: o for o in found}
    by_name = {o.name: o for o in found}
    regions = Region.objects.in_bulk(sorted({p.region for p in plans}))
    orgs: dict[str, BuyerOrganization] = {}
    created = 0
    for plan in plans:  # parents come before their children
        org = by_slug.get(plan.slug) or by_name.get(plan.name)
        if org is None:
            org = BuyerOrganization(
                slug=plan.slug, name=plan.name, org_type=plan.org_type,
                parent=orgs[plan.parent] if plan.parent else None, is_group=plan.is_group,
                region=regions[plan.region], is_pairing_entity=plan.is_pairing_entity,
                annual_pledge=plan.annual_pledge, approval_threshold=plan.approval_threshold,
                invoice_title=plan.invoice_title, tax_number=plan.tax_number,
                contact_phone=plan.contact_phone, status=OrganizationStatus.VERIFIED,
            )
            checked(org, exclude=("parent", "region"))
            org.save()
            if plan.paired_villages:
                org.paired_villages.set(plan.paired_villages)  # type: ignore[arg-type]  # region codes are their pks
            DeliveryAddress.objects.bulk_create([
                DeliveryAddress(organization=org, label=a.label, recipient=a.recipient,
                                phone=a.phone, address=a.address, is_default=a.is_default)
                for a in plan.addresses
            ])
            created += 1
        orgs[plan.slug] = org
    return orgs, created


def _campaign(*, slug: str, name: str, description: str, start: date, end: date, active: bool) -> Campaign | None:
    """The campaign with this slug, created over the three counties when missing, unless
    another campaign already covers one of them in that period (the campaign admin refuses
    overlaps: a purchase must belong to one campaign); then ``None``."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is not None:
        return campaign
    if Campaign.objects.filter(start_date__lte=end, end_date__gte=start, counties__in=COUNTIES).exists():
        return None
    campaign = Campaign(slug=slug, name=name, description=description, target_fen=D.CAMPAIGN_TARGET_FEN,
                        start_date=start, end_date=end, is_active=active)
    campaign.full_clean()
    campaign.save()
    campaign.counties.set(COUNTIES)  # type: ignore[arg-type]  # region codes are their pks
    return campaign


def seed_campaigns(*, today: date) -> tuple[Campaign | None, Campaign | None]:
    """The 2020 campaign of the article, kept as history (not shown publicly), and the main
    campaign covering the year of ``today``: (history, current)."""
    history = _campaign(
        slug=D.HISTORY_CAMPAIGN_SLUG, name=D.HISTORY_CAMPAIGN_NAME, description=D.HISTORY_CAMPAIGN_DESCRIPTION,
        start=D.HISTORY_CAMPAIGN_START, end=D.HISTORY_CAMPAIGN_END, active=False,
    )
    plan = D.current_campaign_plan(today)
    current = _campaign(slug=plan.slug, name=plan.name, description=plan.description,
                        start=plan.start_date, end=plan.end_date, active=True)
    return history, current


def seed_offline_records(campaign: Campaign, *, today: date) -> int:
    """The ¥10,900,000 bought before the platform, as offline records entered by the
    operator (staff@demo.cn) and approved by the administrator (admin@demo.cn) through the
    maker–checker services, each approval appending its ledger entry. Each county's share is
    spread over ten pairing entities (an invented apportionment, so the demo leaderboard has
    something to rank). Idempotent: nothing is added when the records exist. Returns how many
    records were added."""
    if OfflineRecord.objects.filter(campaign=campaign, description=D.OFFLINE_NOTE).exists():
        return 0
    maker = User.objects.filter(email="staff@demo.cn").first()
    checker = User.objects.filter(email="admin@demo.cn").first()
    if maker is None or checker is None:
        return 0  # not the demo's database (its operator logins are missing)
    # Mid-March of the campaign's year (as in 2020), or today if that is still to come.
    occurred_on = max(campaign.start_date, min(D.offline_date(campaign.start_date.year), today, campaign.end_date))
    assert sum(D.OFFLINE_SHARES_FEN.values()) == D.OFFLINE_TOTAL_FEN
    buyers = list(
        BuyerOrganization.objects.filter(is_pairing_entity=True, is_group=False).order_by("slug")[: 10 * len(COUNTIES)]
    )
    weights = list(range(10, 0, -1))  # 10 shares for the first buyer, 1 for the tenth
    added = 0
    for index, (county, share) in enumerate(D.OFFLINE_SHARES_FEN.items()):
        group: list[BuyerOrganization | None] = [*buyers[index * 10:(index + 1) * 10]] or [None]
        parts = [share * w // sum(weights[: len(group)]) for w in weights[: len(group)]]
        parts[0] += share - sum(parts)  # the remainder, so each county's share is exact to the fen
        for org, amount in zip(group, parts, strict=True):
            record = offline_record_create(
                actor=maker, county_code=county, amount=fen_to_yuan(amount), occurred_on=occurred_on,
                description=D.OFFLINE_NOTE, organization_id=org.pk if org else None,
                funding_channel=FundingChannel.OTHER,
            )
            offline_record_approve(actor=checker, record=record)
            added += 1
    return added


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    where: str


DEMO_EMAILS = (
    "admin@demo.cn", "staff@demo.cn", "purchaser@demo.cn", "approver@demo.cn", "orgadmin@demo.cn",
    "supplier@demo.cn", *(f"coordinator.{COUNTY_SLUGS[c]}@demo.cn" for c in COUNTIES),
)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, with what each can do (for the command's output)."""
    users = {
        u.email: u
        for u in User.objects.filter(email__in=DEMO_EMAILS).prefetch_related(
            "memberships__organization", "supplier_memberships__supplier", "county_coordinations__county"
        )
    }
    logins = []
    for email in DEMO_EMAILS:
        u = users.get(email)
        if u is None:
            continue
        if u.is_superuser or u.is_staff:
            role, where = ("superuser" if u.is_superuser else "platform operator"), "/admin/"
        elif m := next(iter(u.memberships.all()), None):
            role, where = f"buyer {m.role}", m.organization.name
        elif s := next(iter(u.supplier_memberships.all()), None):
            role, where = f"supplier {s.role}", s.supplier.display_name
        elif c := next(iter(u.county_coordinations.all()), None):
            role, where = "county coordinator", c.county.name
        else:
            role, where = "", ""
        logins.append(DemoLogin(email, role, where))
    return logins


def _operator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=OPERATOR_APPS))
    return group


def seed_users(
    *, organizations: dict[str, BuyerOrganization], suppliers: dict[str, Supplier]
) -> list[DemoLogin]:
    """The demo logins, all with the password ``DEMO_PASSWORD`` (hashed once: seeding stays fast)."""
    password = make_password(D.DEMO_PASSWORD)
    community = organizations[f"community-{D.DEMO_COMMUNITY_CODE}"]
    supplier = suppliers[D.DEMO_SUPPLIER_SLUG]

    def user(email: str, display_name: str, **flags: bool) -> User:
        obj, _ = User.objects.get_or_create(
            email=email,
            defaults={"username": email, "display_name": display_name, "password": password, **flags},
        )
        return obj

    user("admin@demo.cn", "平台管理员", is_staff=True, is_superuser=True)
    staff = user("staff@demo.cn", "平台运营", is_staff=True)
    staff.groups.add(_operator_group())
    for email, role, name in (("purchaser@demo.cn", MemberRole.PURCHASER, "经办人"),
                              ("approver@demo.cn", MemberRole.APPROVER, "负责人"),
                              ("orgadmin@demo.cn", MemberRole.ADMIN, "管理员")):
        member = user(email, f"{community.name}{name}")
        Membership.objects.get_or_create(user=member, organization=community, defaults={"role": role})
    owner = user("supplier@demo.cn", f"{supplier.display_name}负责人")
    SupplierMember.objects.get_or_create(supplier=supplier, user=owner, defaults={"role": SupplierRole.OWNER})
    counties = Region.objects.in_bulk(list(COUNTIES))
    for code in COUNTIES:
        county = counties[code]
        coordinator = user(f"coordinator.{COUNTY_SLUGS[code]}@demo.cn", f"{county.name}协调员")
        CountyCoordinator.objects.get_or_create(user=coordinator, county=county)
    return demo_logins()
