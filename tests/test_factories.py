"""tests/factories.py has a factory for every concrete model of our apps, and each one makes a
valid row with its defaults alone (the database's constraints included)."""

import factory
import pytest
from django.apps import apps
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db


def our_models() -> list[type]:
    """The concrete models of the apps in this repository (not of installed packages)."""
    ours = [
        config
        for config in apps.get_app_configs()
        if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
    ]
    return [model for config in ours for model in config.get_models() if not model._meta.proxy]


def factory_of() -> dict[str, type]:
    found = {}
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
            model = value._meta.get_model_class()
            if model is not None:
                found[model._meta.label] = value
    return found


def test_every_model_of_our_apps_has_a_factory():
    models = {model._meta.label for model in our_models()}
    assert len(models) > 40
    assert sorted(models - set(factory_of())) == []


@pytest.mark.parametrize("label", sorted(factory_of()))
def test_each_factory_makes_a_valid_row(label):
    row = factory_of()[label]()

    row.full_clean(validate_unique=False, exclude=["password", "content"])
    assert type(row)._default_manager.filter(pk=row.pk).exists()
