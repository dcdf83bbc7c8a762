"""Optional written answers: a language model rewrites an answered question, checked before it is sent."""

OFF = "off"  # the fallback when no model is configured (HOIBAO_LLM_BASE_URL empty): nothing else is loaded
