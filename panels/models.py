"""GenNet gene panels (issue 4 builds the versioned panel model here)."""
