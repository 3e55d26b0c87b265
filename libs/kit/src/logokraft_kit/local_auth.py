"""The embedded default's user tokens: where their signing key lives and what they claim.

With no Supabase Auth configured, user tokens are HS256 tokens signed with a key kept in
the data directory (`secret(data_dir, JWT_SECRET_NAME)`); the gateway verifies them with
this issuer and audience, and the development tools (`make token`) mint them.
"""

JWT_SECRET_NAME = "jwt-secret"
LOCAL_ISSUER = "logokraft-local"
LOCAL_AUDIENCE = "authenticated"
