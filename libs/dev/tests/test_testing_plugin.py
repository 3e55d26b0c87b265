"""The pytest plugin marks every test that uses a real server, so `-m` selects by what runs."""

from __future__ import annotations


def test_a_test_using_a_real_server_is_marked_integration(pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest('pytest_plugins = ["logokraft_dev.testing"]')
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def seeded(database_url):
            return database_url

        def test_on_nats(nats_server): ...
        def test_through_another_fixture(seeded): ...
        def test_on_nothing(): ...
        """
    )
    marked = pytester.runpytest("--collect-only", "-q", "-m", "integration")
    marked.stdout.fnmatch_lines(["*test_on_nats", "*test_through_another_fixture", "2/3 *"])
    unmarked = pytester.runpytest("--collect-only", "-q", "-m", "not integration")
    unmarked.stdout.fnmatch_lines(["*test_on_nothing", "1/3 *"])
