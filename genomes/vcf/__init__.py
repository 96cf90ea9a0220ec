"""Reading VCF files: header, records, annotation, evidence fields, QC counts, the record screen. No Django."""
