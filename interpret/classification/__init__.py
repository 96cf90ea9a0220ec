"""ACMG/AMP curation: the facts a classification is suggested from, the draft -> submitted -> final workflow with
two-person approval, and the national classification store's selectors. The rules themselves are interpret.acmg."""
