"""Choices of the public resource trading domain (DOMAIN.md §10), with labels and colours defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class ProjectType(models.TextChoices):
    CONSTRUCTION = "construction", _("工程建设")
    PROCUREMENT = "procurement", _("政府采购")
    LAND = "land", _("土地使用权")
    PROPERTY = "property", _("产权交易")


#: the short prefix of a project number, by type
PROJECT_NUMBER_PREFIX = {
    ProjectType.CONSTRUCTION: "GC",
    ProjectType.PROCUREMENT: "CG",
    ProjectType.LAND: "TD",
    ProjectType.PROPERTY: "CQ",
}


class FundingSource(models.TextChoices):
    GOVERNMENT_INVESTED = "government_invested", _("政府投资")
    STATE_FUNDED = "state_funded", _("国有资金占控股或主导地位")
    FOREIGN_LOAN = "foreign_loan", _("国际组织或外国政府贷款、援助资金")
    PRIVATE = "private", _("非国有资金")
    MIXED = "mixed", _("混合资金")


#: funding that makes a project "state-funded" for the later award rule (award the first candidate)
STATE_FUNDING = (FundingSource.GOVERNMENT_INVESTED, FundingSource.STATE_FUNDED)


class Procedure(models.TextChoices):
    OPEN = "open", _("公开招标")
    INVITED = "invited", _("邀请招标")
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("竞争性谈判")
    COMPETITIVE_CONSULTATION = "competitive_consultation", _("竞争性磋商")
    SINGLE_SOURCE = "single_source", _("单一来源采购")
    INQUIRY = "inquiry", _("询价")
    AUCTION = "auction", _("拍卖")
    LISTING = "listing", _("挂牌")


class ContractKind(models.TextChoices):
    """The kind of a section's contract, which decides its mandatory-tendering threshold."""

    WORKS = "works", _("施工")
    GOODS = "goods", _("货物(重要设备、材料)")
    SERVICES = "services", _("服务(勘察、设计、监理)")


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    AMENDED = "amended", _("已澄清修改")
    CLOSED = "closed", _("已截标")
    OPENED = "opened", _("已开标")
    FAILED = "failed", _("流标")


#: a tender that still holds its sections (a section belongs to at most one of these at a time)
LIVE_TENDER_STATUSES = (TenderStatus.DRAFT, TenderStatus.PUBLISHED, TenderStatus.AMENDED, TenderStatus.CLOSED,
                        TenderStatus.OPENED)
#: a tender whose documents are out and whose deadline has not been reached
OPEN_FOR_BIDS = (TenderStatus.PUBLISHED, TenderStatus.AMENDED)

TENDER_STATUS_TONES = {
    TenderStatus.DRAFT: Tone.GREY,
    TenderStatus.PUBLISHED: Tone.BLUE,
    TenderStatus.AMENDED: Tone.YELLOW,
    TenderStatus.CLOSED: Tone.BLUE,
    TenderStatus.OPENED: Tone.GREEN,
    TenderStatus.FAILED: Tone.RED,
}


class ChangeKind(models.TextChoices):
    CLARIFICATION = "clarification", _("澄清")
    AMENDMENT = "amendment", _("修改")


class ObjectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提出")
    ANSWERED = "answered", _("已答复")


OBJECTION_STATUS_TONES = {ObjectionStatus.SUBMITTED: Tone.YELLOW, ObjectionStatus.ANSWERED: Tone.GREY}


class DepositForm(models.TextChoices):
    TRANSFER = "transfer", _("基本账户转账")
    GUARANTEE = "guarantee", _("电子保函")


class RefundState(models.TextChoices):
    """Where a deposit stands (derived from its facts, never stored)."""

    HELD = "held", _("在管")
    DUE = "due", _("待退还")
    OVERDUE = "overdue", _("逾期未退")
    REFUNDED = "refunded", _("已退还")
    GUARANTEE = "guarantee", _("保函(无需退还)")


REFUND_STATE_TONES = {
    RefundState.HELD: Tone.BLUE,
    RefundState.DUE: Tone.YELLOW,
    RefundState.OVERDUE: Tone.RED,
    RefundState.REFUNDED: Tone.GREY,
    RefundState.GUARANTEE: Tone.GREY,
}


class RuleKind(models.TextChoices):
    DAYS = "days", _("天数")
    COUNT = "count", _("数量")
    RATIO = "ratio", _("比例")
    AMOUNT = "amount", _("金额(元)")


class Counting(models.TextChoices):
    """How a day rule counts: natural days (the default) or working days of the calendar."""

    NATURAL = "natural", _("自然日")
    WORKING = "working", _("工作日")


class SealingMode(models.TextChoices):
    """Who holds the key of a sealed bid until the opening (DOMAIN.md §14)."""

    BIDDER = "bidder", _("投标人口令")
    CUSTODIANS = "custodians", _("开标托管人分割保管(k-of-n)")


class BidStatus(models.TextChoices):
    SEALED = "sealed", _("已密封")
    WITHDRAWN = "withdrawn", _("已撤回")
    OPENED = "opened", _("已解密")
    REVOKED = "revoked", _("解密失败(投标人原因)")
    FAILED_OTHER = "failed_other", _("解密失败(其他原因)")


BID_STATUS_TONES = {
    BidStatus.SEALED: Tone.BLUE,
    BidStatus.WITHDRAWN: Tone.GREY,
    BidStatus.OPENED: Tone.GREEN,
    BidStatus.REVOKED: Tone.RED,
    BidStatus.FAILED_OTHER: Tone.YELLOW,
}


class OpeningOutcome(models.TextChoices):
    OPENED = "opened", _("已开标")
    TOO_FEW_BIDS = "too_few_bids", _("投标人不足,不予开标")


# --- experts and the draw (part 3) -------------------------------------------------------------------

class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    PUNISHED = "punished", _("受处罚")


EXPERT_STATUS_TONES = {ExpertStatus.ACTIVE: Tone.GREEN, ExpertStatus.SUSPENDED: Tone.YELLOW,
                       ExpertStatus.PUNISHED: Tone.RED}


class ExpertSource(models.TextChoices):
    """Which expert database an expert belongs to."""

    PROVINCIAL = "provincial", _("省综合评标专家库")
    LOCAL = "local", _("本地专家库")


class ExclusionReason(models.TextChoices):
    """Why a candidate with the specialty was not in the pool of a draw (回避 and eligibility)."""

    SUSPENDED = "suspended", _("暂停")
    PUNISHED = "punished", _("受处罚")
    LOW_CREDIT = "low_credit", _("信用分低于规则 expert_min_credit")
    EMPLOYER_BIDDER = "employer_bidder", _("任职于投标人")
    EMPLOYER_TENDERING_PARTY = "employer_tendering_party", _("任职于招标人或招标代理机构")
    DECLARED_RELATION = "declared_relation", _("申报与投标人、招标人或代理机构有利害关系")
    SUPERVISING_DEPARTMENT = "supervising_department", _("项目行政监督部门人员")
    COOL_DOWN = "cool_down", _("冷却期内已被抽取(规则 expert_cooldown_days)")
    LOCAL_DATABASE = "local_database", _("本地库专家(规则 provincial_share_min 要求省库)")
    ALREADY_DRAWN = "already_drawn", _("已在本次抽取中")
    BEHAVIOUR_RECORD = "behaviour_record", _("市场主体行为记录:禁止参加评标")


class DrawRoundKind(models.TextChoices):
    INITIAL = "initial", _("抽取")
    REPLACEMENT = "replacement", _("补抽")


class ReplacementCause(models.TextChoices):
    DECLINED = "declined", _("拒绝参加或不能到场")
    EXCLUDED = "excluded", _("事后发现应回避")


# --- evaluation, publicity and award (part 4) ---------------------------------------------------------

class EvaluationMethod(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合评估法")
    LOWEST_PRICE = "lowest_price", _("经评审的最低投标价法")


class EvaluationStatus(models.TextChoices):
    SCORING = "scoring", _("评审中")
    REPORTED = "reported", _("已提交评标报告")


class RejectionCode(models.TextChoices):
    """Mandatory rejections (否决投标) computed from the opening record and the deposits."""

    CONTROL_PRICE = "rule.control_price", _("投标报价高于最高投标限价")
    NO_DEPOSIT = "no_deposit", _("未提交投标保证金或保函")
    BID_REVOKED = "bid_revoked", _("投标文件解密失败(投标人原因)")
    BID_NOT_DECRYPTED = "bid_not_decrypted", _("投标文件解密失败(其他原因)")


class PublicityStatus(models.TextChoices):
    DRAFT = "draft", _("待公示")
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("公示结束")


# --- separated award, remote evaluation, service fee (part 5) ------------------------------------------

class AwardMode(models.TextChoices):
    """How the tender documents say the winner is decided (定标方式)."""

    RANKED = "ranked", _("按排序定标(评定合一)")
    SEPARATED = "separated", _("评定分离")


class DecisionMethod(models.TextChoices):
    """The tendering party's method of deciding among unranked candidates (评定分离的定标方法)."""

    VOTE = "vote", _("票决")
    LOTTERY = "lottery", _("抽签")
    VOTE_LOTTERY = "vote_lottery", _("票决抽签")
    DELIBERATION = "deliberation", _("集体议事")
    PRICE_COMPETITION = "price_competition", _("价格竞争")


class VenueKind(models.TextChoices):
    """Main venue (主场) or sub-venue (副场) of a remote cross-region evaluation; also our center's role in it."""

    MAIN = "main", _("主场")
    SUB = "sub", _("副场")


class RemoteSessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排期")
    IN_PROGRESS = "in_progress", _("评标中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


REMOTE_SESSION_STATUS_TONES = {
    RemoteSessionStatus.SCHEDULED: Tone.BLUE,
    RemoteSessionStatus.IN_PROGRESS: Tone.YELLOW,
    RemoteSessionStatus.CLOSED: Tone.GREEN,
    RemoteSessionStatus.CANCELLED: Tone.GREY,
}


class SessionMemberRole(models.TextChoices):
    EXPERT = "expert", _("评标专家")
    REPRESENTATIVE = "representative", _("招标人代表")


class SessionEventKind(models.TextChoices):
    """What happened in a remote evaluation session, at which venue (全程留痕)."""

    CHECK_IN = "check_in", _("专家签到")
    VIDEO_UP = "video_up", _("视频连线接通")
    VIDEO_DOWN = "video_down", _("视频连线中断")
    BIDS_OPENED = "bids_opened", _("调阅投标文件")
    SCORING_STARTED = "scoring_started", _("开始评审")
    SCORING_FINISHED = "scoring_finished", _("评审结束")
    REPORT_SIGNED = "report_signed", _("评标报告签署")
    NOTE = "note", _("情况记录")
