"""Clinical rules as plain modules, without a database: the inheritance modes of a proband's variants and the
ranking score. (The ACMG/AMP rules are interpret.acmg.) Analysis and classification both read them."""
