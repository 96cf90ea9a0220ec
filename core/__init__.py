"""The platform core: accounts, departments and roles, access rules, the audit log, API tokens, background jobs,
settings helpers and the embedded database. It imports nothing of genomes, panels or interpretation."""
