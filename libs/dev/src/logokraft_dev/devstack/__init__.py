"""Local infrastructure for development and tests: embedded NATS and Postgres, and a supervisor.

`python -m logokraft_dev.devstack run` is `make run`; see `stack.py`.
"""

from logokraft_dev.devstack._process import StartupError, free_port
from logokraft_dev.devstack.nats import NatsServer, start_nats
from logokraft_dev.devstack.postgres import PostgresServer, start_postgres
from logokraft_dev.devstack.probes import Probe, grpc_health_probe, http_probe, tcp_probe
from logokraft_dev.devstack.supervisor import ChildSpec, Supervisor

__all__ = [
    "ChildSpec",
    "NatsServer",
    "PostgresServer",
    "Probe",
    "StartupError",
    "Supervisor",
    "free_port",
    "grpc_health_probe",
    "http_probe",
    "start_nats",
    "start_postgres",
    "tcp_probe",
]
