"""Root pytest configuration: real NATS and Postgres fixtures for every test folder."""

pytest_plugins = ["logokraft_dev.testing", "pytester"]
