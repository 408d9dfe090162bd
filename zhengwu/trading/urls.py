"""The trading web under /trading/: the staff workspace, the bidder portal (portal/), the expert's screen (expert/)."""

from django.urls import path

from zhengwu.trading import views, views_committee, views_expert, views_portal

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
