"""The trading web under /trading/: the staff workspace, the bidder portal (portal/), the expert's screen (expert/);
part 5: the 评定分离 decision, remote sessions (sessions/), the figures (figures/), the fee schedules (fees/)."""

from django.urls import path

from zhengwu.trading import (
    views,
    views_award,
    views_committee,
    views_expert,
    views_experts,
    views_fees,
    views_figures,
    views_portal,
    views_sessions,
)

app_name = "trading"

urlpatterns = [
    # the staff workspace: projects, tenders, registrations and deposits, the opening
    path("", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/sections/", views.section_add, name="section_add"),
    path("projects/<int:pk>/tenders/new/", views.tender_new, name="tender_new"),
    path("tenders/<int:pk>/", views.tender_detail, name="tender"),
    path("tenders/<int:pk>/edit/", views.tender_edit, name="tender_edit"),
    path("tenders/<int:pk>/publish/", views.tender_publish, name="tender_publish"),
    path("tenders/<int:pk>/changes/", views.tender_change, name="tender_change"),
    path("tenders/<int:pk>/fail/", views.tender_fail, name="tender_fail"),
    path("tenders/<int:pk>/bid-count/", views.tender_bid_count, name="bid_count"),
    path("tenders/<int:pk>/custodians/", views.custodian_enroll, name="custodian_enroll"),
    path("tenders/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("tenders/<int:pk>/opening/", views.tender_opening, name="opening"),
    path("tenders/<int:pk>/opening/run/", views.tender_open, name="open"),
    path("registrations/<int:pk>/deposit/", views.deposit_record, name="deposit_record"),
    path("deposits/overdue/", views.deposits_overdue, name="deposits_overdue"),
    path("deposits/<int:pk>/refund/", views.deposit_refund, name="deposit_refund"),
    # the committee, the evaluation, the publicity, the award
    path("tenders/<int:pk>/sections/<int:section_pk>/committee/", views_committee.committee, name="committee"),
    path("tenders/<int:pk>/sections/<int:section_pk>/draw/", views_committee.draw_create, name="draw_create"),
    path("tenders/<int:pk>/sections/<int:section_pk>/evaluation/", views_committee.evaluation_start,
         name="evaluation_start"),
    path("draw-members/<int:pk>/replace/", views_committee.draw_replace, name="draw_replace"),
    path("evaluations/<int:pk>/", views_committee.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/report/", views_committee.evaluation_report, name="evaluation_report"),
    path("evaluations/<int:pk>/publicity/<slug:action>/", views_committee.publicity_act, name="publicity_act"),
    path("evaluations/<int:pk>/objections/", views_committee.candidate_objection_new, name="candidate_objection_new"),
    path("candidate-objections/<int:pk>/answer/", views_committee.candidate_objection_answer,
         name="candidate_objection_answer"),
    path("evaluations/<int:pk>/award/", views_committee.award_decide, name="award"),
    path("awards/<int:pk>/contract/", views_committee.contract_signed, name="contract"),
    # 评定分离: the tendering party's decision and its record (part 5)
    path("evaluations/<int:pk>/decision/", views_award.decision, name="award_decision"),
    path("evaluations/<int:pk>/decision/decide/", views_award.decide, name="award_decide"),
    path("evaluations/<int:pk>/decision/replay/", views_award.decision_replay, name="award_decision_replay"),
    # remote cross-region evaluation (part 5)
    path("sessions/", views_sessions.sessions, name="sessions"),
    path("sessions/new/", views_sessions.session_new, name="session_new"),
    path("sessions/<int:pk>/", views_sessions.session_detail, name="session"),
    path("sessions/<int:pk>/seats/", views_sessions.session_seat, name="session_seat"),
    path("sessions/<int:pk>/events/", views_sessions.session_event, name="session_event"),
    path("sessions/<int:pk>/timeline/", views_sessions.session_timeline, name="session_timeline"),
    path("sessions/<int:pk>/transitions/<slug:action>/", views_sessions.session_act, name="session_act"),
    # the figures, the service fee, the experts' accounts (part 5)
    path("figures/", views_figures.figures_dashboard, name="figures"),
    path("figures/export/", views_figures.figures_export, name="figures_export"),
    path("fees/", views_fees.fee_schedules, name="fee_schedules"),
    path("fees/new/", views_fees.fee_schedule_new, name="fee_schedule_new"),
    path("fees/<int:pk>/switch-off/", views_fees.fee_schedule_switch_off, name="fee_schedule_switch_off"),
    path("experts/accounts/", views_experts.expert_accounts, name="expert_accounts"),
    path("experts/accounts/link/", views_experts.expert_account_link, name="expert_account_link"),
    # the bidder portal
    path("portal/", views_portal.home, name="portal"),
    path("portal/tenders/<int:pk>/", views_portal.tender, name="portal_tender"),
    path("portal/tenders/<int:pk>/documents.txt", views_portal.documents, name="portal_documents"),
    path("portal/tenders/<int:pk>/register/", views_portal.register, name="portal_register"),
    path("portal/tenders/<int:pk>/opening/", views_portal.opening, name="portal_opening"),
    path("portal/registrations/<int:pk>/bid/", views_portal.bid_upload, name="portal_bid_upload"),
    path("portal/bids/<int:pk>/", views_portal.receipt, name="portal_receipt"),
    path("portal/bids/<int:pk>/replace/", views_portal.bid_replace, name="portal_bid_replace"),
    path("portal/bids/<int:pk>/withdraw/", views_portal.bid_withdraw, name="portal_bid_withdraw"),
    path("portal/bids/<int:pk>/passphrase/", views_portal.passphrase_give, name="portal_passphrase"),
    # the expert's scoring screen
    path("expert/", views_expert.home, name="expert"),
    path("expert/evaluations/<int:pk>/", views_expert.evaluation, name="expert_evaluation"),
    path("expert/evaluations/<int:pk>/bids/<int:bid_pk>/", views_expert.score, name="expert_score"),
]
