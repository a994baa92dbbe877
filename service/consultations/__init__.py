"""Samråd: asking other organisations for comments on a plan's checklist, question by question."""
