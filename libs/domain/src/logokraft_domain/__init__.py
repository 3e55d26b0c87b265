"""LogoKraft's domain: what a brand project is and how its work moves.

The brief and its rules, records and events, the store, per-user limits, typed jobs,
attempts, the life of an asset's job and the sweeper. Services compose these; the
gateway derives its request model from the brief's rules.
"""
