"""One warmed-up classifier with the demo community's places, shared by the nlp tests."""
import pytest

from core.gazetteer import gazetteer_entries
from nlp.classifier import Classifier
from nlp.gazetteer import Gazetteer


@pytest.fixture(scope="session")
def gazetteer(settings):
    return Gazetteer.from_entries(gazetteer_entries(settings))


@pytest.fixture(scope="session")
def classifier(gazetteer):
    return Classifier.load(gazetteer=gazetteer).warm_up()
