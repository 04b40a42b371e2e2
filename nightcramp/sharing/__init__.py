"""Sharing: the doctor report, read-only share links, FHIR and JSON exports, backup restore and account
deletion. The last room of the house: it reads from the diary, screening and insights, and nothing reads
from it."""
