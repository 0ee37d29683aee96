import pytest

import yunhe


@pytest.fixture
def con():
    c = yunhe.connect()
    yield c
    c.close()
