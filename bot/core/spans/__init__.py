"""Short answers: what a question asks for, and the span of a sentence that gives it.

Pure functions over strings. Every span is a slice of the sentence it came from,
character for character. The rules are about Vietnamese grammar (question words,
name shape, titles, number and date forms, clause structure), never about any
particular article; the weights that rank candidate spans are data (bot/core/models/spans.json).
"""
