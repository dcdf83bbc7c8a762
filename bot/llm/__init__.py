"""Optional written answers: a language model rewrites an answered question, checked before it is sent."""
