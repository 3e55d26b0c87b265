"""LogoKraft's infrastructure kit: what every process needs and no domain rule lives in.

Settings mixins (`settings`), Postgres under the caller's identity (`db`), NATS streams, job
publishing and project news (`bus`), durable job workers (`worker`), the one service
bootstrap (`service`) and gRPC server (`grpc_server`), blob storage and object paths
(`storage`), domain errors and their gRPC codes (`errors`), paid providers' errors and
retries (`providers`, `genai`), the circuit breaker (`breaker`), migrations (`migrate`).
"""
