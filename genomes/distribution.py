"""How the schema is laid out on a Citus cluster (core.citus.distribute; docs/scaling.md): the case side's bulk
rows distributed by case and co-located, so that every per-case statement of an analysis goes to one shard; the
national observations distributed by variant, so that a variant's observations are read from one shard;
everything else a reference table, copied to every node (the cases, samples and imports themselves are small:
one row a case, sample or file), or kept on the coordinator (staging, sessions, the audit log)."""
from core.citus import DistributionPlan

PLAN = DistributionPlan(
    by_case=["genomes_casevariant", "genomes_structuralvariant", "genomes_strcall", "genomes_mtvariant"],
    by_variant=["genomes_variantobservation"],
    # Kept on the coordinator: rows that several connections update at once (jobs' progress and heartbeats, the
    # read counters): Citus serialises every UPDATE of a reference table against every other, so a long import
    # transaction holding one would stall the heartbeat of every other job.
    local=["interpret_job", "core_patientdatareads",
           "genomes_importstaging", "django_session", "django_cache", "interpret_auditevent",
           "axes_accessattempt", "axes_accessattemptexpiration", "axes_accessfailurelog", "axes_accesslog"],
)
