"""Campaigns and the procurement ledger (the tally).

Checkout, orders and payments arrive with the orders issue; the ledger is here from the
start because the home page reports the campaign's progress and the ¥10,900,000 bought
offline before the platform counts toward it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import OrganizationType
from shop.common.money import format_yuan


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=128)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    target_fen = models.BigIntegerField(_("target (fen)"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    counties = models.ManyToManyField(
        "regions.Region", verbose_name=_("counties"), related_name="campaigns",
        limit_choices_to={"level": "county"},
    )
    is_active = models.BooleanField(_("shown on the home page"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target_fen__gt=0), name="campaign_target_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="campaign_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EntryKind(models.TextChoices):
    ORDER_LINE = "order_line", _("Paid order line")
    REFUND = "refund", _("Refund")
    OFFLINE = "offline", _("Offline purchase")
    # A campaign created later takes over an entry outside every campaign: a pair of
    # entries, both referencing the original, moves its amount without editing it.
    TAKEOVER_OUT = "takeover_out", _("Moved out of 'outside every campaign'")
    TAKEOVER_IN = "takeover_in", _("Taken over by a campaign")


class FundingChannel(models.TextChoices):
    CANTEEN = "canteen", _("Canteen (食堂)")
    UNION = "union", _("Union welfare (工会福利)")
    PERSONAL = "personal", _("Personal (个人)")
    OTHER = "other", _("Other")


class LedgerEntry(models.Model):
    """Append-only. Positive for paid lines and approved offline records, negative for refunds.

    ``campaign`` is empty for a payment (or its refund) that no campaign covered: it is
    still recorded, shown as "outside every campaign", and can be taken over later."""

    # Set on unsaved entries for ``ledger_append`` (which orders they count), never stored.
    _order_id: int | None

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="entries",
        null=True, blank=True,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    organization = models.ForeignKey(
        "accounts.BuyerOrganization", verbose_name=_("buyer organization"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )
    buyer_type = models.CharField(
        _("buyer type"), max_length=16, choices=OrganizationType.choices, blank=True
    )
    funding_channel = models.CharField(
        _("funding channel"), max_length=16, choices=FundingChannel.choices,
        default=FundingChannel.OTHER,
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    # Exactly-once: a paid order line writes one entry, a refund line one negative entry.
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("order line"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="ledger_entries",
    )
    refund_line = models.OneToOneField(
        "orders.RefundLine", verbose_name=_("refund line"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="ledger_entry",
    )
    offline_record = models.OneToOneField(
        "orders.OfflineRecord", verbose_name=_("offline record"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="ledger_entry",
    )
    # Denormalised at append time so breakdowns never join back to orders.
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    organization_parent = models.ForeignKey(
        "accounts.BuyerOrganization", verbose_name=_("street or department"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )
    # A takeover pair's original entry (outside every campaign).
    takes_over = models.ForeignKey(
        "self", verbose_name=_("takes over"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="takeovers",
    )
    # Tamper evidence: each entry hashes its content together with the previous entry's hash.
    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["campaign", "county"])]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line"], condition=models.Q(kind="order_line"),
                name="ledger_one_entry_per_paid_line",
            ),
            # Once per original entry: one move out, one move in.
            models.UniqueConstraint(
                fields=["takes_over", "kind"], condition=models.Q(takes_over__isnull=False),
                name="ledger_takeover_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_yuan(self.amount_fen)}"


class LedgerHead(models.Model):
    """The chain's head (a single row): locked by every append, so entries get consecutive
    sequence numbers and each one hashes the previous one."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger head")

    def __str__(self) -> str:
        return f"#{self.seq}"


class TallyAggregate(models.Model):
    """Running sums of the ledger per campaign, dimension, key and period, updated in the
    same transaction as each entry, so the tally and the leaderboard read a few rows instead
    of scanning the ledger. ``period`` is "" for the whole campaign or "YYYY-MM"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="aggregates")
    dimension = models.CharField(max_length=16)
    period = models.CharField(max_length=7, blank=True)
    key = models.CharField(max_length=32, blank=True)
    group = models.CharField(max_length=16, blank=True)  # organizations: their buyer type
    amount_fen = models.BigIntegerField(default=0)
    entry_count = models.IntegerField(default=0)
    order_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("tally aggregate")
        verbose_name_plural = _("tally aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dimension", "period", "key"], name="tally_aggregate_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "dimension", "period", "-amount_fen"], name="tally_rank_idx"),
            models.Index(fields=["campaign", "dimension", "period", "group", "-amount_fen"], name="tally_rank_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}@{self.period or '*'}"
