"""The HTTP layer shared by every extractor."""

from transfer.extractors.http.classify import Classification, Verdict, classify
from transfer.extractors.http.client import FetchFailed, FetchResult, HttpClient

__all__ = ["Classification", "FetchFailed", "FetchResult", "HttpClient", "Verdict", "classify"]
