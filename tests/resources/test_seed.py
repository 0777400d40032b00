"""Starter articles and the fictional directory: idempotent, and covering the six topics."""

import random

import pytest
from django.utils import timezone

from accounts.models import Role
from recovery_hub.demo import DemoClinic
from resources.demo import (
    ARTICLES,
    COMMUNITY_RESOURCES,
    seed_community,
    seed_education,
    seed_resources,
)
from resources.models import Article, CommunityResource, PatientResource
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

TOPICS = {
    "supporting-without-enabling": "enabling",
    "talking-about-stigma": "stigma",
    "naloxone-and-overdose-response": "naloxone",
    "self-care-for-families": "self-care",
    "what-a-setback-means": "setback",
    "celebrating-milestones": "milestone",
}


def test_seed_education_creates_six_published_articles_once(clinic, other_clinic):
    assert seed_education(clinic) == len(ARTICLES) >= 6
    assert seed_education(clinic) == 0
    assert Article.objects.filter(clinic=clinic, is_published=True).count() == len(ARTICLES)
    assert not Article.objects.filter(clinic=other_clinic).exists()


def test_seeding_again_keeps_the_clinics_own_edits(clinic):
    seed_education(clinic)
    Article.objects.filter(clinic=clinic, slug="talking-about-stigma").update(title="Ours")
    seed_education(clinic)
    assert Article.objects.get(clinic=clinic, slug="talking-about-stigma").title == "Ours"


def test_articles_cover_the_six_topics_at_a_readable_length(clinic):
    seed_education(clinic)
    for slug, word in TOPICS.items():
        article = Article.objects.get(clinic=clinic, slug=slug)
        text = f"{article.title} {article.body}".lower()
        assert word in text, slug
        assert 150 <= len(article.body.split()) <= 300, slug


def test_naloxone_article_has_the_safety_essentials(clinic):
    seed_education(clinic)
    body = Article.objects.get(clinic=clinic, slug="naloxone-and-overdose-response").body.lower()
    for phrase in ["911", "emergency number", "naloxone", "stay with the person", "vary"]:
        assert phrase in body


def test_seed_community_creates_fictional_partners_once(clinic):
    assert seed_community(clinic) == len(COMMUNITY_RESOURCES) >= 8
    assert seed_community(clinic) == 0
    for resource in CommunityResource.objects.filter(clinic=clinic):
        assert "fictional" in resource.name.lower()
        assert resource.phone.startswith("555-")


def test_seed_resources_attaches_two_entries_to_the_first_patient(clinic):
    admin = member(Role.ADMIN, clinic)
    clinician = member(Role.CLINICIAN, clinic)
    first, second = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    demo = DemoClinic(clinic=clinic, admin=admin, clinicians=[clinician], patients=[first, second])

    seed_resources([demo], random.Random(1), timezone.localdate())
    seed_resources([demo], random.Random(1), timezone.localdate())

    assert PatientResource.objects.filter(patient=first).count() == 2
    assert not PatientResource.objects.filter(patient=second).exists()
    assert Article.objects.filter(clinic=clinic).count() == len(ARTICLES)


def test_seed_resources_runs_on_the_real_demo_clinic():
    from recovery_hub.demo import seed_demo

    demos = seed_demo(clinics=1, patients=2, seed=7)
    seed_resources(demos, random.Random(7), timezone.localdate())

    clinic = demos[0].clinic
    assert Article.objects.filter(clinic=clinic, is_published=True).count() >= 6
    assert CommunityResource.objects.filter(clinic=clinic).count() >= 8
    assert PatientResource.objects.filter(patient=demos[0].patients[0]).count() == 2
