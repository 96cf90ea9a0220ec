"""The molecular tumor board: a tumour case's somatic view, board meetings (referral, case summary, versioned
recommendations, printable summaries), the biomarker knowledge table's pages, and their API. The rules and tables
are interpret.cancer's."""
