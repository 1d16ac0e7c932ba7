from nlp.triage import Triage

__all__ = ["Triage"]
