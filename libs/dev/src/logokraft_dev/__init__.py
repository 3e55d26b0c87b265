"""LogoKraft's development tooling, never installed in a service image.

Embedded NATS and Postgres and the `make run` supervisor (`devstack`), dev tokens,
the pytest plugin with real-server fixtures (`testing`) and fault-injection hooks.
"""
