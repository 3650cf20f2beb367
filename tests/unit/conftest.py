from datetime import datetime

import pytest

from terminbuchung.config import SiteConfig
from terminbuchung.release import release_slots
from tests.api_client import ApiClient


@pytest.fixture(scope="session")
def _client() -> ApiClient:
    return ApiClient()


@pytest.fixture
def api(_client: ApiClient, aws: None, now: datetime, site: SiteConfig) -> ApiClient:
    """The HTTP API on moto, at Monday morning, with the week's slots released."""
    release_slots(site, now)
    return _client
